/**
 * A new school set up end to end through the admin console alone, in Chromium against a real
 * server (docs/ARCHITECTURE.md, "Running a school", "Admin console"): the administrator imports a
 * OneRoster export, invites two teachers (one new, by link; one with an account, told in the app),
 * builds a weekly timetable and posts an announcement — and the teacher's app (rui's harness,
 * open beside it) shows all of it: the school, the lessons with the imported class list, the
 * announcement. Effects are checked on the server's database and on the teacher's screen.
 *
 * The school itself starts as an empty row with its administrator: creating a school is the
 * operator's step, before the console (docs/ARCHITECTURE.md, "Admin console").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { HAS_CHROMIUM, eventually, test } from './support/fixture.js';
import { deviceDb, goConsole, openConsole, signInToConsole } from './support/console.js';
import { oneRosterExport } from '../support/oneroster.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-e2e-setup-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Today in Lisbon (YYYY-MM-DD), the new school's zone. */
const lisbonToday = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Lisbon' });
const plusDays = (ymd: string, n: number) =>
  new Date(Date.parse(`${ymd}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const isoWeekday = (ymd: string) => ((new Date(`${ymd}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;

describe.skipIf(!HAS_CHROMIUM)('setting up a new school', { timeout: 300_000 }, () => {
  test("import, invitations, timetable and an announcement through the console; the teacher's app shows it all", async ({
    app,
  }) => {
    const db = app.server.database.db;
    const { ids } = app;
    const now = new Date().toISOString();
    const school = await db
      .insertInto('schools')
      .values({ name: 'Escola Nova', timezone: 'Europe/Lisbon', version: 1, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('memberships')
      .values({
        school_id: school.id,
        user_id: ids.admin,
        role: 'admin',
        active: 1,
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await app.signIn('rui@classdesk.test');
    const device = deviceDb(app);
    const page = await openConsole(app, { school: 'Escola Nova' });

    // 1. The roster: a OneRoster export of one teacher, four students and one class.
    const files = oneRosterExport({
      teachers: 1,
      students: 4,
      classes: 1,
      classesPerStudent: 1,
      tag: 'nova',
    });
    const dir = path.join(tmp, 'export');
    fs.mkdirSync(dir);
    const paths = Object.entries(files).map(([name, body]) => {
      fs.writeFileSync(path.join(dir, name), body);
      return path.join(dir, name);
    });
    await goConsole(page, 'Roster import');
    await page.getByLabel('Export files (the CSV files, or one zip)').setInputFiles(paths);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Checked: no errors.' }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Imported.' }).waitFor();
    const course = await db
      .selectFrom('courses')
      .select(['id', 'name'])
      .where('school_id', '=', school.id)
      .executeTakeFirstOrThrow();
    const classList = await db
      .selectFrom('course_members')
      .innerJoin('users', 'users.id', 'course_members.user_id')
      .select(['users.id', 'users.name'])
      .where('course_members.course_id', '=', course.id)
      .where('course_members.role', '=', 'student')
      .orderBy('users.name')
      .execute();
    expect(classList.map((s) => s.name)).toEqual(['Aluno 0', 'Aluno 1', 'Aluno 2', 'Aluno 3']);

    // 2. Two teachers invited: marta is new (she joins by the link), rui has an account.
    await goConsole(page, 'Teachers');
    await page.getByLabel('Email of the person to invite').fill('marta@escola-nova.test');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const link = await page.getByLabel('Invitation link').inputValue();
    const invitee = await app.context.newPage();
    await invitee.goto(link);
    await invitee.getByRole('heading', { name: 'Join Escola Nova' }).waitFor();
    await invitee.getByLabel('Your name (new accounts only)').fill('Marta Sousa');
    await invitee.getByLabel('Password').fill('uma-senha-comprida');
    await invitee.getByRole('button', { name: 'Accept the invitation' }).click();
    await invitee.getByText('You are now teacher at Escola Nova.').waitFor();
    await invitee.close();

    await page.getByLabel('Email of the person to invite').fill('rui@classdesk.test');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByLabel('Invitation link').waitFor();
    // rui's app tells him, in his language.
    await app.go('Notifications');
    await app.page.getByText('Invitation from Escola Nova').first().waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInToConsole(page, 'rui@classdesk.test');
    await page.getByRole('button', { name: 'Accept the invitation to Escola Nova' }).click();
    await page.getByRole('status').filter({ hasText: 'You joined Escola Nova.' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInToConsole(page, 'admin@classdesk.test');
    await page.getByRole('button', { name: 'Escola Nova', exact: true }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    const teachers = await db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select('users.email')
      .where('memberships.school_id', '=', school.id)
      .where('memberships.role', '=', 'teacher')
      .where('memberships.active', '=', 1)
      .orderBy('users.email')
      .execute();
    expect(teachers.map((t) => t.email)).toEqual([
      'marta@escola-nova.test',
      'prof-nova-0@escola.test',
      'rui@classdesk.test',
    ]);

    // 3. The timetable: rui teaches the imported class every week on tomorrow's weekday.
    const today = lisbonToday();
    const tomorrow = plusDays(today, 1);
    await goConsole(page, 'Timetable');
    await page.getByLabel('Course', { exact: true }).selectOption({ value: String(course.id) });
    await page.getByLabel('Teacher', { exact: true }).selectOption({ value: String(ids.rui) });
    await page.getByLabel('Day', { exact: true }).selectOption({ value: String(isoWeekday(tomorrow)) });
    await page.getByLabel('Starts', { exact: true }).fill('10:00');
    await page.getByLabel('Ends', { exact: true }).fill('10:50');
    await page.getByLabel('Room', { exact: true }).fill('Sala Nova 1');
    await page.getByLabel('Term starts').fill(today);
    await page.getByLabel('Term ends (inclusive)').fill(plusDays(today, 13));
    await page.getByRole('button', { name: 'Add to the timetable' }).click();
    await page.getByRole('status').filter({ hasText: '2 sessions scheduled' }).waitFor();
    const sessions = await db
      .selectFrom('class_sessions')
      .select(['id', 'title', 'teacher_id', 'location'])
      .where('school_id', '=', school.id)
      .orderBy('starts_at')
      .execute();
    expect(sessions.map((s) => ({ teacher: s.teacher_id, room: s.location }))).toEqual([
      { teacher: ids.rui, room: 'Sala Nova 1' },
      { teacher: ids.rui, room: 'Sala Nova 1' },
    ]);
    for (const s of sessions)
      expect(
        (
          await db
            .selectFrom('enrolments')
            .select('student_id')
            .where('session_id', '=', s.id)
            .orderBy('student_id')
            .execute()
        ).map((e) => e.student_id),
      ).toEqual(classList.map((c) => c.id).sort((a, b) => a - b));

    // 4. An announcement to the school's teachers.
    await goConsole(page, 'Announcements');
    await page.getByLabel('Title').fill('Bem-vindos à Escola Nova');
    await page.getByLabel('Message').fill('A primeira reunião é na segunda-feira às 9h.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Send to every teacher' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent to 3 teachers.' }).waitFor();

    // rui's app shows it all: the school, the lesson with its class list, the announcement.
    await eventually(async () =>
      (await device.selectFrom('sessions').select('id').where('school_id', '=', school.id).execute())
        .length === 2
        ? true
        : undefined,
    );
    await app.go('Sessions');
    const schoolPicker = app.page.getByLabel('School', { exact: true });
    await expect.poll(() => schoolPicker.locator('option').allTextContents()).toContain('Escola Nova');
    await schoolPicker.selectOption({ label: 'Escola Nova' });
    await expect.poll(() => app.page.getByText(/^\d+ sessions?$/).textContent()).toBe('2 sessions');
    await app.page
      .getByRole('link', { name: new RegExp(course.name) })
      .first()
      .click();
    await app.page.getByRole('heading', { level: 1, name: course.name }).waitFor();
    for (const s of classList) await app.page.getByRole('radiogroup', { name: s.name }).waitFor();
    await app.go('Notifications');
    await app.page.getByText('Bem-vindos à Escola Nova').first().waitFor();
    await app.page.getByText('A primeira reunião é na segunda-feira às 9h.').first().waitFor();
  });
});
