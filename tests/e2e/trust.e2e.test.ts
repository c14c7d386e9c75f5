/**
 * The small things that break a teacher's trust (issue 15), each performed through the UI in
 * Chromium and checked on the server where it has an effect there: pop-ups of a removed school,
 * where pop-ups sit and how they close, the screen a sign-in opens on, the school picker of a
 * one-school teacher, namesakes in a roster, long titles, and attendance keys in both languages.
 */
import { describe, expect } from 'vitest';
import { upcomingSession } from './support/data.js';
import { HAS_CHROMIUM, test, type App } from './support/fixture.js';

/** Posts an announcement of a school as its admin; it reaches the teacher as a toast. */
async function announce(app: App, schoolId: number, title: string): Promise<void> {
  const r = await app.admin.post(`/api/admin/schools/${schoolId}/announcements`, {
    title,
    message: `${title}: leiam a circular.`,
  });
  expect(r.status).toBe(201);
}

const toasts = (app: App) =>
  app.page.getByRole('region', { name: 'New notifications' }).getByRole('listitem');

async function attendanceOf(app: App, enrolmentIds: number[]): Promise<Record<number, string>> {
  const rows = await app.server.database.db
    .selectFrom('enrolments')
    .select(['id', 'attendance'])
    .where('id', 'in', enrolmentIds)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.attendance]));
}

describe.skipIf(!HAS_CHROMIUM)('small things that break trust', { timeout: 180_000 }, () => {
  test('the pop-ups of a school that was just removed leave the screen with it', async ({ app }) => {
    const { page, ids, admin } = app;
    await app.signIn('ana@classdesk.test');
    await app.closeToasts();
    await announce(app, ids.sul, 'Passeio ao Oceanário');
    await announce(app, ids.norte, 'Reunião de encarregados');
    await toasts(app).filter({ hasText: 'Passeio ao Oceanário' }).waitFor();
    await toasts(app).filter({ hasText: 'Reunião de encarregados' }).waitFor();

    // Both held on screen (a toast under the pointer or holding the focus does not time out).
    await toasts(app).filter({ hasText: 'Reunião de encarregados' }).getByRole('link').focus();
    await toasts(app).filter({ hasText: 'Passeio ao Oceanário' }).hover();

    const off = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false });
    expect(off.status).toBe(200);
    await page.getByRole('alert').filter({ hasText: 'Escola Sul was removed from this device' }).waitFor();

    // Escola Sul's pop-up (whose Open would lead nowhere) is gone; Escola Norte's stays.
    await expect.poll(() => toasts(app).filter({ hasText: 'Passeio ao Oceanário' }).count()).toBe(0);
    expect(await toasts(app).filter({ hasText: 'Reunião de encarregados' }).count()).toBe(1);
    const membership = await app.server.database.db
      .selectFrom('memberships')
      .select('active')
      .where('school_id', '=', ids.sul)
      .where('user_id', '=', ids.ana)
      .executeTakeFirstOrThrow();
    expect(Number(membership.active)).toBe(0);
  });

  test('pop-ups hide no content, and Escape closes them', async ({ app }) => {
    const { page, ids } = app;
    await app.signIn('ana@classdesk.test');
    await app.go('Resources');
    await page.getByRole('table').waitFor();
    await app.closeToasts();
    await announce(app, ids.norte, 'Reunião de encarregados');
    await announce(app, ids.norte, 'Feira do livro');
    const first = toasts(app).filter({ hasText: 'Reunião de encarregados' });
    await first.waitFor();
    await toasts(app).filter({ hasText: 'Feira do livro' }).waitFor();

    // No toast overlaps the screen's content (the table's columns) or the top bar.
    const main = (await page.getByRole('main').boundingBox())!;
    const top = (await page.getByRole('banner').boundingBox())!;
    const overlaps = (a: typeof main, b: typeof main) =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    for (const box of await Promise.all((await toasts(app).all()).map((t) => t.boundingBox()))) {
      expect(box).not.toBeNull();
      expect(overlaps(box!, main), 'a toast covers the screen').toBe(false);
      expect(overlaps(box!, top), 'a toast covers the top bar').toBe(false);
    }

    // Escape closes the newest (held under the pointer, it would not time out), then the one
    // holding the focus.
    await toasts(app).filter({ hasText: 'Feira do livro' }).hover();
    await page.keyboard.press('Escape');
    await expect.poll(() => toasts(app).filter({ hasText: 'Feira do livro' }).count()).toBe(0);
    await first.getByRole('link').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => first.count()).toBe(0);
  });

  test('after signing out and in again, the app opens on the Dashboard', async ({ app }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    await app.go('Settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // Signing out revoked the token on the server.
    const live = await server.database.db
      .selectFrom('auth_tokens')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', ids.ana)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', new Date().toISOString())
      .executeTakeFirstOrThrow();
    expect(Number(live.n)).toBe(0);

    await app.signIn('ana@classdesk.test');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'Settings' }).count()).toBe(0);
  });

  test('a teacher with one school sees its name, not a school picker', async ({ app }) => {
    const { page } = app;
    await app.signIn('rui@classdesk.test');
    await page.getByRole('banner').getByText('Escola Norte', { exact: true }).waitFor();
    expect(await page.getByLabel('School', { exact: true }).count()).toBe(0);
    // A teacher of two schools still chooses.
    await app.go('Settings');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await app.signIn('ana@classdesk.test');
    await expect
      .poll(() => page.getByLabel('School', { exact: true }).locator('option').allTextContents())
      .toEqual(['All my schools', 'Escola Norte', 'Escola Sul']);
  });

  test('two students with the same name in a roster are told apart by their email', async ({ app }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    const db = server.database.db;
    // A class of ana's with two students of one name (the demo has "Beatriz Almeida" twice in 6.º A).
    const twin = await db
      .selectFrom('enrolments')
      .innerJoin('users', 'users.id', 'enrolments.student_id')
      .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
      .select(['enrolments.session_id', 'users.name'])
      .where('class_sessions.teacher_id', '=', ids.ana)
      .where('class_sessions.status', '=', 'scheduled')
      .where('class_sessions.starts_at', '>', new Date().toISOString())
      .groupBy(['enrolments.session_id', 'users.name'])
      .having((eb) => eb.fn.countAll(), '>', 1)
      .orderBy('enrolments.session_id')
      .executeTakeFirstOrThrow();
    const namesakes = await db
      .selectFrom('enrolments')
      .innerJoin('users', 'users.id', 'enrolments.student_id')
      .select(['enrolments.id', 'users.email'])
      .where('enrolments.session_id', '=', twin.session_id)
      .where('users.name', '=', twin.name)
      .orderBy('users.email')
      .execute();
    expect(namesakes.length).toBeGreaterThan(1);

    await page.goto(`${app.harness.url}#/sessions/${twin.session_id}`);
    for (const s of namesakes) {
      // Each namesake's row shows the email, and the group's name carries it.
      await page.getByRole('radiogroup', { name: `${twin.name} ${s.email}`, exact: true }).waitFor();
      await page.getByText(s.email, { exact: true }).waitFor();
    }
    // Marking the second one marks that student, not the first.
    const [a, b] = namesakes;
    await page
      .getByRole('radiogroup', { name: `${twin.name} ${b!.email}`, exact: true })
      .getByRole('radio', { name: 'Absent' })
      .click();
    await expect.poll(() => attendanceOf(app, [a!.id, b!.id]).then((r) => r[b!.id])).toBe('absent');
    expect((await attendanceOf(app, [a!.id]))[a!.id]).not.toBe('absent');
  });

  test('a title over 200 characters is refused at its field, in English and in Portuguese', async ({
    app,
  }) => {
    const { page, server } = app;
    await app.signIn('ana@classdesk.test');
    await app.go('Resources');
    const long = `Ficha de revisão ${'muito '.repeat(40)}longa`;
    expect(long.length).toBeGreaterThan(200);
    const noResource = async () =>
      (
        await server.database.db
          .selectFrom('resources')
          .select('id')
          .where('title', 'like', 'Ficha de revisão%')
          .execute()
      ).length === 0;

    const file = { name: 'ficha.txt', mimeType: 'text/plain', buffer: Buffer.from('Exercícios 1 a 10\n') };
    await page.getByLabel('File').setInputFiles(file);
    await page.getByLabel('Title').fill(long);
    const title = page.getByLabel('Title');
    // Nothing is cut: the field keeps every character and says what is wrong.
    expect((await title.inputValue()).length).toBe(long.length);
    await page
      .getByRole('alert')
      .filter({ hasText: `The title has ${long.length} characters; at most 200 fit.` })
      .waitFor();
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Upload to school').selectOption({ label: 'Escola Norte' });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    expect(app.harness.controller.device().store.pendingUploads()).toEqual([]);
    expect(await noResource()).toBe(true);

    await app.useLanguage('pt-PT');
    await page.getByRole('navigation').getByRole('link', { name: 'Recursos', exact: true }).click();
    await page.getByLabel('Ficheiro').setInputFiles(file);
    await page.getByLabel('Título').fill(long);
    await page
      .getByRole('alert')
      .filter({ hasText: `O título tem ${long.length} caracteres; cabem no máximo 200.` })
      .waitFor();
    await page.getByLabel('Carregar para a escola').selectOption({ label: 'Escola Norte' });
    await page.getByRole('button', { name: 'Carregar', exact: true }).click();
    expect(app.harness.controller.device().store.pendingUploads()).toEqual([]);
    expect(await noResource()).toBe(true);

    // Shortened to the limit, it goes.
    const fits = long.slice(0, 200);
    await page.getByLabel('Título').fill(fits);
    expect(await page.getByRole('alert').filter({ hasText: 'O título tem' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Carregar', exact: true }).click();
    await expect
      .poll(
        async () =>
          (
            await server.database.db
              .selectFrom('resources')
              .select('title')
              .where('title', '=', fits)
              .execute()
          ).length,
      )
      .toBe(1);
  });

  test('attendance keys follow the language and are shown on the buttons', async ({ app }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    const session = await upcomingSession(server.database.db, ids.ana, ids.norte, 4);
    const [s1, s2, s3, s4] = session.roster;
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();

    // English: P, A, L — on the buttons, and as keys.
    const group = (name: string) => page.getByRole('radiogroup', { name, exact: true });
    await expect
      .poll(() => group(s1!.name).getByRole('radio').allTextContents())
      .toEqual(['PresentP', 'AbsentA', 'LateL']);
    await group(s1!.name).getByRole('radio', { name: 'Present' }).focus();
    await page.keyboard.press('a'); // s1 absent, focus moves to s2
    await page.keyboard.press('l'); // s2 late
    await expect
      .poll(() => attendanceOf(app, [s1!.enrolmentId, s2!.enrolmentId]))
      .toEqual({ [s1!.enrolmentId]: 'absent', [s2!.enrolmentId]: 'late' });

    // Portuguese: P, F, A (presente, falta, atraso) — "A" is atraso, late.
    await app.useLanguage('pt-PT');
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();
    await expect
      .poll(() => group(s3!.name).getByRole('radio').allTextContents())
      .toEqual(['PresenteP', 'FaltaF', 'AtrasoA']);
    expect(
      await group(s3!.name).getByRole('radio', { name: 'Falta' }).getAttribute('aria-keyshortcuts'),
    ).toBe('F');
    await group(s3!.name).getByRole('radio', { name: 'Presente' }).focus();
    await page.keyboard.press('f'); // s3 falta (absent)
    await page.keyboard.press('a'); // s4 atraso (late)
    await expect
      .poll(() => attendanceOf(app, [s3!.enrolmentId, s4!.enrolmentId]))
      .toEqual({ [s3!.enrolmentId]: 'absent', [s4!.enrolmentId]: 'late' });
  });
});
