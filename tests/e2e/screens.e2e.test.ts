/**
 * Every main screen, in a realistic state: an accessibility scan (axe) that must find no
 * serious or critical violation, and a 1280×800 light-mode screenshot of each. Screenshots go
 * to out/e2e-screenshots; `npm run screenshots` writes them to docs/screenshots for the README.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { signedIn } from '../support/api-client.js';
import { upcomingSession } from './support/data.js';
import { HAS_CHROMIUM, SCREENSHOT_DIR, test } from './support/fixture.js';

const BLOCKING = new Set(['serious', 'critical']);

async function blockingViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}${v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : ''}`,
    );
}

describe.skipIf(!HAS_CHROMIUM)('main screens', { timeout: 300_000 }, () => {
  test('every main screen passes an accessibility scan, and is photographed', async ({ app }) => {
    const { page, server, ids, admin } = app;
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const found: Record<string, string[]> = {};
    const loaded = async () => {
      await expect.poll(() => page.getByText('Loading…').count()).toBe(0);
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Syncing' }).count()).toBe(0);
    };
    const check = async (name: string) => {
      await loaded();
      await app.closeToasts();
      const v = await blockingViolations(page);
      if (v.length > 0) found[name] = v;
      // No caret, focus ring or hover state in the picture.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.mouse.move(0, 0);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
    };

    // Sign-in, prefilled with the server address as `npm start` and the harness do.
    await page.goto(app.harness.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The address `npm start` serves on, rather than this test's ephemeral port.
    await page.getByLabel('Server address').fill('http://127.0.0.1:4000');
    await page.getByLabel('Email').fill('ana@classdesk.test');
    await check('sign-in');

    await app.signIn('ana@classdesk.test');
    await page.getByRole('button', { name: 'This week' }).click();
    await check('dashboard');

    await app.go('Sessions');
    await check('sessions');

    const session = await upcomingSession(server.database.db, ids.ana, ids.norte, 3);
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();
    for (const [i, s] of session.roster.slice(0, 3).entries())
      await page
        .getByRole('radiogroup', { name: s.name })
        .getByRole('radio', { name: ['Present', 'Present', 'Late'][i]! })
        .click();
    await page.getByLabel('Lesson notes').fill('Rever frações equivalentes; trazer o caderno de exercícios.');
    await page.getByText('Saved on this device').waitFor();
    await app.settled();
    await check('session');

    // The lesson plan editor with a plan written, and its print page.
    await page
      .getByRole('textbox', { name: 'Objectives', exact: true })
      .fill('- Comparar e ordenar frações\n- Resolver problemas com **frações equivalentes**');
    for (const [i, [title, minutes]] of [
      ['Correção do trabalho de casa', '10'],
      ['Exercícios da ficha 4, em pares', '35'],
      ['Jogo das frações', '15'],
    ].entries()) {
      await page.getByRole('button', { name: 'Add activity' }).click();
      await page.getByRole('textbox', { name: `Activity ${i + 1}`, exact: true }).fill(title!);
      await page.getByRole('spinbutton', { name: `Minutes (activity ${i + 1})` }).fill(minutes!);
    }
    await page
      .getByRole('textbox', { name: 'Materials', exact: true })
      .fill('Ficha 4, régua, cartões do jogo');
    await page
      .getByRole('textbox', { name: 'Homework', exact: true })
      .fill('Manual, página 12: exercícios 1 a 5');
    await page.getByRole('textbox', { name: 'Homework', exact: true }).blur();
    await app.settled();
    // The screen scrolls inside <main>; the frame (top bar, navigation) stays in the picture.
    await page.getByRole('region', { name: 'Lesson plan' }).evaluate((e) => {
      const main = e.closest('main')!;
      main.scrollTop += e.getBoundingClientRect().top - main.getBoundingClientRect().top - 16;
    });
    await check('plan-editor');
    await page.getByRole('link', { name: 'Print or save as PDF' }).click();
    await page.getByRole('heading', { level: 1, name: `Lesson plan: ${session.title}` }).waitFor();
    await check('plan-print');

    await app.go('Students');
    await check('students');

    // The week of the session planned above, and a search that finds its notes.
    await app.go('Week');
    await page.getByRole('table').getByRole('link').first().waitFor();
    await check('week');

    await app.go('Search');
    await page.getByLabel('Search plans, notes, homework, sessions, students and files').fill('frações');
    await page.getByRole('list', { name: 'Search results' }).waitFor();
    await check('search');

    await app.go('Resources');
    await check('resources');

    await app.go('Notifications');
    await check('notifications');

    await app.go('Settings');
    await check('settings');

    // Needs attention with a real refusal: completed offline, cancelled by the school meanwhile.
    const other = await upcomingSession(server.database.db, ids.ana, ids.sul);
    await page.goto(`${app.harness.url}#/sessions/${other.id}`);
    await page.getByRole('heading', { level: 1, name: other.title }).waitFor();
    await app.offline();
    await page.getByRole('button', { name: 'Mark completed' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: '1 edit waiting to sync' }).waitFor();
    const r = await admin.patch(`/api/admin/schools/${ids.sul}/sessions/${other.id}`, {
      status: 'cancelled',
    });
    expect(r.status).toBe(200);
    await app.online();
    await page.getByRole('button', { name: 'Needs attention (1)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Needs attention' }).waitFor();
    await page.getByRole('button', { name: 'Discard' }).waitFor();
    await check('needs-attention');

    // Resources while offline: an upload waiting for the server, and a file not on this device.
    const title = 'Textos de apoio — unidade 4';
    const form = new FormData();
    form.set('school_id', String(ids.norte));
    form.set('title', title);
    form.set('file', new Blob(['Texto 1: O ciclo da água.\n'], { type: 'text/plain' }), 'textos.txt');
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    expect((await ana.request('POST', '/api/resources', { raw: form })).status).toBe(201);
    await app.go('Resources');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await app.settled();
    await page.getByRole('button', { name: `Open ${title}` }).waitFor();
    await app.offline();
    await page.getByLabel('File').setInputFiles({
      name: 'plano-visita.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% Plano da visita de estudo\ntrailer<<>>\n%%EOF\n'),
    });
    await page.getByLabel('Title').fill('Plano da visita de estudo');
    await page.getByLabel('Upload to school').selectOption({ label: 'Escola Norte' });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'Plano da visita de estudo' })
      .getByText('Waiting to upload')
      .first()
      .waitFor();
    await check('queued-upload');
    await page.getByRole('button', { name: `Open ${title}` }).click();
    await page.getByRole('button', { name: 'Download it when back online' }).waitFor();
    await check('offline-file');
    await app.online();

    // Work kept aside: notes written offline for a class of a school removed meanwhile.
    const kept = await upcomingSession(server.database.db, ids.ana, ids.sul);
    await page.goto(`${app.harness.url}#/sessions/${kept.id}`);
    await page.getByRole('heading', { level: 1, name: kept.title }).waitFor();
    await app.offline();
    await page
      .getByLabel('Lesson notes')
      .fill('Rever o teste de frações com a turma.\nTrazer as fichas corrigidas.');
    await page.getByText('Will sync when online').waitFor();
    const off = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false });
    expect(off.status).toBe(200);
    await app.online();
    await page.getByRole('button', { name: /^Needs attention \(\d+\)$/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Needs attention' }).waitFor();
    await page.getByRole('heading', { name: /^Lesson notes — / }).waitFor();
    await page.getByRole('heading', { name: 'Kept aside from removed schools' }).scrollIntoViewIfNeeded();
    await check('kept-aside');

    expect(found).toEqual({});
  });
  // Files of lessons and student pages (issue 12): their own tour, so the main one stays as it is.
  test('the files of a lesson (available offline) and a student page pass an accessibility scan, and are photographed', async ({
    app,
  }) => {
    const { page, server, ids } = app;
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const found: Record<string, string[]> = {};
    const check = async (name: string, scrollTo?: string) => {
      await expect.poll(() => page.getByText('Loading…').count()).toBe(0);
      await app.closeToasts();
      const v = await blockingViolations(page);
      if (v.length > 0) found[name] = v;
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      if (scrollTo) await page.locator(scrollTo).scrollIntoViewIfNeeded();
      await page.mouse.move(0, 0);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
    };
    await app.signIn('ana@classdesk.test');
    const session = await upcomingSession(server.database.db, ids.ana, ids.norte, 3);
    const files = await server.database.db
      .selectFrom('resources')
      .select('title')
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .where('scan_status', '=', 'clean')
      .orderBy('id')
      .limit(2)
      .execute();
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();
    await page.getByRole('button', { name: 'Attach files' }).click();
    const picker = page.getByRole('form', { name: 'Attach files' });
    for (const f of files) await picker.getByLabel(f.title, { exact: true }).check();
    await check('session-files-picker', '.session-files');
    await picker.getByRole('button', { name: /^Attach \d+ files?$/ }).click();
    const list = page.getByRole('list', { name: 'Files for this lesson' });
    for (const f of files)
      await list.getByRole('listitem').filter({ hasText: f.title }).getByText('Available offline').waitFor();
    await app.settled();
    await check('session-files', '.session-files');

    const student = session.roster[0]!;
    await page.getByRole('link', { name: student.name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: student.name }).waitFor();
    await page
      .getByLabel(`Private note about ${student.name}`)
      .fill('Participa bem; rever os trabalhos de casa em atraso.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByText('Saved on this device').waitFor();
    await app.settled();
    await check('student');

    expect(found).toEqual({});
  });
});
