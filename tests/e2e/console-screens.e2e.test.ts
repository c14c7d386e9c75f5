/**
 * Every screen of the admin console in Chromium: an accessibility scan (axe) with no serious or
 * critical violation, a 1280×800 screenshot (docs/screenshots with `npm run screenshots`), and
 * the actions not covered by console.e2e.test.ts — role, deactivate and reactivate, a course, a
 * student, a weekly lesson and a holiday, an announcement (preview, send, who read it), the
 * resource filter, a roster import's check (clean, and with a row error; the import itself is in
 * console-import.e2e.test.ts), the audit log, the language, and a CSV export that writes a
 * formula-like name as text. Effects are checked on the server's database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { HAS_CHROMIUM, SCREENSHOT_DIR, eventually, test } from './support/fixture.js';
import { blockingViolations, goConsole, openConsole } from './support/console.js';
import { signedIn } from '../support/api-client.js';
import { oneRosterExport } from '../support/oneroster.js';

describe.skipIf(!HAS_CHROMIUM)('admin console screens', { timeout: 300_000 }, () => {
  test('every console screen passes an accessibility scan, is photographed, and its actions reach the server', async ({
    app,
  }) => {
    const db = app.server.database.db;
    const { ids } = app;
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const found: Record<string, string[]> = {};
    const check = async (page: Page, name: string) => {
      await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
      const v = await blockingViolations(page);
      if (v.length > 0) found[name] = v;
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.mouse.move(0, 0);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `console-${name}.png`) });
    };

    // Sign-in and the school picker (the demo admin runs two schools).
    const page = await app.context.newPage();
    await page.goto(`${app.server.url}/`);
    await page.getByRole('heading', { name: 'Sign in to the admin console' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/');
    await check(page, 'sign-in');
    await page.close();
    const console = await openConsole(app);
    await console.getByRole('heading', { name: 'Choose a school' }).waitFor();
    await check(console, 'schools');
    await console.getByRole('button', { name: 'Escola Norte', exact: true }).click();

    // Teachers: rui made an administrator and back, deactivated and reactivated.
    await goConsole(console, 'Teachers');
    await console.getByLabel(/^Role of Rui/).selectOption('admin');
    await console.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const rui = () =>
      db
        .selectFrom('memberships')
        .select(['role', 'active'])
        .where('school_id', '=', ids.norte)
        .where('user_id', '=', ids.rui)
        .executeTakeFirstOrThrow();
    await eventually(async () => (await rui()).role === 'admin');
    await console.getByLabel(/^Role of Rui/).selectOption('teacher');
    await eventually(async () => (await rui()).role === 'teacher');
    await console.getByRole('button', { name: /^Deactivate Rui/ }).click();
    await console.getByRole('button', { name: /^Reactivate Rui/ }).waitFor();
    expect(await rui()).toEqual({ role: 'teacher', active: 0 });
    await console.getByRole('button', { name: /^Reactivate Rui/ }).click();
    await console.getByRole('button', { name: /^Deactivate Rui/ }).waitFor();
    expect(await rui()).toEqual({ role: 'teacher', active: 1 });
    await console.getByLabel('Email of the person to invite').fill('colega@classdesk.test');
    await console.getByLabel('Invite as').selectOption('admin');
    await console.getByRole('button', { name: 'Send invitation' }).click();
    await console.getByLabel('Invitation link').waitFor();
    expect(
      await db
        .selectFrom('invitations')
        .select(['role', 'status'])
        .where('email', '=', 'colega@classdesk.test')
        .execute(),
    ).toEqual([{ role: 'admin', status: 'pending' }]);
    await check(console, 'teachers');

    // Courses: a new one.
    await goConsole(console, 'Courses');
    await console.getByLabel('Name').fill('Educação Visual');
    await console.getByLabel('Code').fill('EV');
    await console.getByRole('button', { name: 'Create course' }).click();
    await console.getByRole('cell', { name: 'Educação Visual' }).waitFor();
    expect(
      await db.selectFrom('courses').select('code').where('name', '=', 'Educação Visual').executeTakeFirst(),
    ).toEqual({ code: 'EV' });
    await check(console, 'courses');

    // Students: one added with a name a spreadsheet would run as a formula; the export writes it as text.
    await goConsole(console, 'Students');
    const formula = '=HYPERLINK("http://evil.test","Clique")';
    await console.getByLabel('Name', { exact: true }).fill(formula);
    await console.getByLabel('Email', { exact: true }).fill('formula@classdesk.test');
    await console.getByRole('button', { name: 'Add student' }).click();
    await console.getByRole('status').filter({ hasText: 'added to the school' }).waitFor();
    expect(
      await db
        .selectFrom('users')
        .select('name')
        .where('email', '=', 'formula@classdesk.test')
        .executeTakeFirst(),
    ).toEqual({ name: formula });
    const [download] = await Promise.all([
      console.waitForEvent('download'),
      console.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.test"",""Clique"")"`);
    expect(csv.split('\r\n').some((line) => line.startsWith('='))).toBe(false);
    await check(console, 'students');

    // Sessions, filtered by rui and this week.
    await goConsole(console, 'Sessions');
    await console
      .getByLabel('Teacher', { exact: true })
      .first()
      .selectOption({ value: String(ids.rui) });
    await console.getByRole('row').nth(1).waitFor();
    await check(console, 'sessions');

    // Timetable: a weekly lesson of ana for a term, and a holiday.
    await goConsole(console, 'Timetable');
    const term = new Date().toISOString().slice(0, 10);
    const termEnd = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const firstCourse = await db
      .selectFrom('courses')
      .select('id')
      .where('school_id', '=', ids.norte)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await console.getByLabel('Course', { exact: true }).selectOption({ value: String(firstCourse.id) });
    await console.getByLabel('Teacher', { exact: true }).selectOption({ value: String(ids.ana) });
    await console.getByLabel('Day', { exact: true }).selectOption({ value: '2' });
    await console.getByLabel('Starts', { exact: true }).fill('11:10');
    await console.getByLabel('Ends', { exact: true }).fill('12:00');
    await console.getByLabel('Room', { exact: true }).fill('Sala 7');
    await console.getByLabel('Term starts').fill(term);
    await console.getByLabel('Term ends (inclusive)').fill(termEnd);
    await console.getByRole('button', { name: 'Add to the timetable' }).click();
    await console.getByRole('status').filter({ hasText: 'sessions scheduled' }).waitFor();
    expect(
      await db
        .selectFrom('timetable_entries')
        .select(['teacher_id', 'weekday', 'starts', 'ends'])
        .where('room', '=', 'Sala 7')
        .execute(),
    ).toEqual([{ teacher_id: ids.ana, weekday: 2, starts: '11:10', ends: '12:00' }]);
    await console.getByLabel('Date', { exact: true }).fill('2031-12-08');
    await console.getByLabel('Name', { exact: true }).fill('Imaculada Conceição');
    await console.getByRole('button', { name: 'Close the school that day' }).click();
    await console.getByRole('cell', { name: 'Imaculada Conceição', exact: true }).waitFor();
    expect(
      await db
        .selectFrom('school_holidays')
        .select('date')
        .where('name', '=', 'Imaculada Conceição')
        .execute(),
    ).toEqual([{ date: '2031-12-08' }]);
    await check(console, 'timetable');

    // Announcements: write, preview, send; ana reads it; the console says who did.
    await goConsole(console, 'Announcements');
    await console.getByLabel('Title').fill('Reunião geral');
    await console.getByLabel('Message').fill('Sexta-feira às 17h, na biblioteca.');
    await console.getByRole('button', { name: 'Preview' }).click();
    await console.getByRole('heading', { name: 'How teachers will see it' }).waitFor();
    await console.getByRole('button', { name: 'Send to every teacher' }).click();
    await console.getByRole('status').filter({ hasText: 'Sent to 2 teachers.' }).waitFor();
    const announcement = await db
      .selectFrom('announcements')
      .select('id')
      .where('title', '=', 'Reunião geral')
      .executeTakeFirstOrThrow();
    const anaNotice = await db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', ids.ana)
      .where('action_url', '=', `classdesk://announcements/${announcement.id}`)
      .executeTakeFirstOrThrow();
    const ana = await signedIn(app.server.url, 'ana@classdesk.test');
    expect((await ana.post(`/api/notifications/${anaNotice.id}/read`)).status).toBe(204);
    await console.reload();
    await console.getByRole('button', { name: 'Read by 1 of 2' }).first().click();
    const readers = console.getByRole('region', { name: 'Who read “Reunião geral”' });
    await readers.getByText(/Ana .* — Read /).waitFor();
    await readers.getByText(/Rui .* — Not read yet/).waitFor();
    await check(console, 'announcements');

    // Resources, filtered by scan status.
    await goConsole(console, 'Resources');
    await console.getByLabel('Scan status').selectOption('clean');
    await console.getByRole('cell', { name: 'Clean' }).first().waitFor();
    await check(console, 'resources');

    // Roster import: a check of a OneRoster export (its counts), then of one with a row error.
    const rosterDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-e2e-roster-'));
    const roster = (name: string, files: Record<string, string>) => {
      fs.mkdirSync(path.join(rosterDir, name));
      return Object.entries(files).map(([file, body]) => {
        fs.writeFileSync(path.join(rosterDir, name, file), body);
        return path.join(rosterDir, name, file);
      });
    };
    const shape = { teachers: 3, students: 24, classes: 4, classesPerStudent: 2, tag: 'shot' };
    await goConsole(console, 'Roster import');
    const rosterFiles = console.getByLabel('Export files (the CSV files, or one zip)');
    await rosterFiles.setInputFiles(roster('good', oneRosterExport(shape)));
    await console.getByRole('button', { name: 'Check', exact: true }).click();
    await console.getByText('No errors: these files can be imported.').waitFor();
    await check(console, 'import');
    await rosterFiles.setInputFiles(
      roster('bad', oneRosterExport({ ...shape, users: { 's-shot-3': { email: 'not-an-email' } } })),
    );
    await console.getByRole('button', { name: 'Check', exact: true }).click();
    await console.getByRole('heading', { name: 'Rows with errors' }).waitFor();
    await check(console, 'import-errors');
    fs.rmSync(rosterDir, { recursive: true, force: true });

    // Feature flags: real-time updates for a share of the teachers.
    await goConsole(console, 'Feature flags');
    await console.getByLabel('State of Real-time updates').selectOption({ label: 'For a share of teachers' });
    await eventually(() =>
      db
        .selectFrom('feature_flags')
        .select('percentage')
        .where('school_id', '=', ids.norte)
        .where('key', '=', 'real_time_updates')
        .where('percentage', 'is not', null)
        .executeTakeFirst(),
    );
    await check(console, 'flags');

    // The audit log shows what was done above, newest first.
    await goConsole(console, 'Audit log');
    await console.getByRole('cell', { name: 'announcement.post' }).waitFor();
    await console.getByRole('cell', { name: 'membership.update' }).first().waitFor();
    await check(console, 'audit');

    // Portuguese, and the other school.
    await console.getByLabel('Language').selectOption('pt-PT');
    await console.getByRole('heading', { name: 'Registo de auditoria' }).waitFor();
    await console.getByLabel('Escola').selectOption({ label: 'Escola Sul' });
    await console.getByRole('navigation', { name: 'Consola' }).getByRole('link', { name: 'Aulas' }).click();
    await console.getByRole('heading', { name: 'Aulas', level: 1 }).waitFor();
    await console
      .getByRole('cell', { name: /Sala B3/ })
      .first()
      .waitFor();
    await check(console, 'sessions-pt');

    // An invitation link's page.
    const link = await eventually(() =>
      db
        .selectFrom('invitations')
        .select('id')
        .where('email', '=', 'colega@classdesk.test')
        .executeTakeFirst(),
    );
    expect(link).toBeTruthy();
    expect(found).toEqual({});
  });
});
