/**
 * Files attached to lessons and courses, and student pages, through the real UI (harness,
 * Chromium), each action followed by its effect on the server: attach and detach on a session
 * page (the attached file prefetched: "Available offline"), upload and attach, an upload with a
 * course made offline, courses in Edit details, and a student's page opened from the Students
 * list with namesakes told apart. (The edits' own cases: tests/e2e/support/ui-edits.ts.)
 */
import { describe, expect } from 'vitest';
import { upcomingSession } from './support/data.js';
import { eventually, HAS_CHROMIUM, test, type App } from './support/fixture.js';
import { serverRow } from './support/ui-edits.js';

const attachedOnServer = async (app: App, sessionId: number) =>
  ((await serverRow(app, app.ids.norte, 'session', sessionId))?.resource_ids ?? []) as number[];

const coursesOnServer = async (app: App, resourceId: number) =>
  (
    await app.server.database.db
      .selectFrom('resource_courses')
      .select('course_id')
      .where('resource_id', '=', resourceId)
      .orderBy('course_id')
      .execute()
  ).map((r) => r.course_id);

describe.skipIf(!HAS_CHROMIUM)('files of lessons and courses, student pages', { timeout: 180_000 }, () => {
  test('on a session page: attach a file (then available offline), detach it, upload and attach a new one', async ({
    app,
  }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    const session = await upcomingSession(server.database.db, ids.ana, ids.norte);
    const file = await server.database.db
      .selectFrom('resources')
      .select(['id', 'title'])
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .where('scan_status', '=', 'clean')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();
    const files = page.getByRole('list', { name: 'Files for this lesson' });

    await page.getByRole('button', { name: 'Attach files' }).click();
    const picker = page.getByRole('form', { name: 'Attach files' });
    // Nothing chosen: a clear message, nothing sent.
    await picker.getByRole('button', { name: 'Attach 0 files' }).click();
    await picker.getByRole('alert').filter({ hasText: 'Choose at least one file.' }).waitFor();
    await picker.getByLabel(file.title, { exact: true }).check();
    await picker.getByRole('button', { name: 'Attach 1 file' }).click();
    const row = files.getByRole('listitem').filter({ hasText: file.title });
    await row.getByText('Attached to this lesson').waitFor();
    await eventually(async () => (await attachedOnServer(app, session.id)).includes(file.id));
    // The lesson is within the week: its file is prefetched in the background, and says so.
    await row.getByText('Available offline').waitFor();
    const sha = (
      await server.database.db
        .selectFrom('resources')
        .select('sha256')
        .where('id', '=', file.id)
        .executeTakeFirstOrThrow()
    ).sha256;
    expect(app.harness.controller.device().store.cachedFile(sha)).toBeDefined();

    await row.getByRole('button', { name: `Detach ${file.title}` }).click();
    await files
      .getByRole('listitem')
      .filter({ hasText: file.title })
      .filter({ hasText: 'Attached to this lesson' })
      .waitFor({ state: 'detached' });
    await eventually(async () => !(await attachedOnServer(app, session.id)).includes(file.id));

    // Upload and attach: the new file lands on the server, then joins the lesson.
    await page.getByRole('button', { name: 'Upload and attach' }).click();
    const form = page.getByRole('form', { name: 'Upload a file and attach it to this lesson' });
    await form.getByLabel('File').setInputFiles({
      name: 'ficha-fracoes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Ficha de frações: exercícios 1 a 10.\n'),
    });
    await form.getByLabel('Title').fill('Ficha de frações');
    await form.getByRole('button', { name: 'Upload and attach' }).click();
    const uploaded = await eventually(() =>
      server.database.db
        .selectFrom('resources')
        .select('id')
        .where('teacher_id', '=', ids.ana)
        .where('title', '=', 'Ficha de frações')
        .executeTakeFirst(),
    );
    await eventually(async () => (await attachedOnServer(app, session.id)).includes(uploaded.id), 30_000);
    await files
      .getByRole('listitem')
      .filter({ hasText: 'Ficha de frações' })
      .getByText('Attached to this lesson')
      .waitFor();
    await app.settled();
    expect(app.harness.controller.device().store.attention()).toEqual([]);
  });

  test('Resources: an upload made offline with a course lands with it; Edit details attaches a file to courses', async ({
    app,
  }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    const courses = await server.database.db
      .selectFrom('courses')
      .select(['id', 'name', 'code'])
      .where('school_id', '=', ids.norte)
      .orderBy('id')
      .execute();
    const [first, second] = courses as [(typeof courses)[number], (typeof courses)[number]];
    await app.go('Resources');
    await page.getByLabel('Upload to school').selectOption({ label: 'Escola Norte' });

    await app.offline();
    const upload = page.locator('form.upload');
    await upload.getByLabel('File').setInputFiles({
      name: 'mapa.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Mapa de Portugal: rios e serras.\n'),
    });
    await upload.getByLabel('Title').fill('Mapa dos rios');
    await upload.getByLabel('Course').selectOption({ label: `${first.name} (${first.code})` });
    await upload.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('“Mapa dos rios” queued — will upload when online').waitFor();
    await app.online();
    const landed = await eventually(() =>
      server.database.db
        .selectFrom('resources')
        .select('id')
        .where('teacher_id', '=', ids.ana)
        .where('title', '=', 'Mapa dos rios')
        .executeTakeFirst(),
    );
    expect(await coursesOnServer(app, landed.id)).toEqual([first.id]);

    // Edit details: add the second course.
    await page.getByRole('button', { name: 'Edit details of Mapa dos rios' }).click();
    const edit = page.getByRole('form', { name: 'Edit details of Mapa dos rios' });
    await edit.getByRole('checkbox', { name: `${first.name} (${first.code})` }).waitFor();
    expect(await edit.getByRole('checkbox', { name: `${first.name} (${first.code})` }).isChecked()).toBe(
      true,
    );
    await edit.getByRole('checkbox', { name: `${second.name} (${second.code})` }).check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await eventually(async () => (await coursesOnServer(app, landed.id)).length === 2);
    expect(await coursesOnServer(app, landed.id)).toEqual([first.id, second.id].sort((a, b) => a - b));
  });

  test("a student's page from the Students list: namesakes told apart by email, courses, attendance, private note", async ({
    app,
  }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    // Two students of ana's sessions in Escola Norte with the same name.
    const students = await server.database.db
      .selectFrom('enrolments')
      .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
      .innerJoin('users', 'users.id', 'enrolments.student_id')
      .select(['users.id', 'users.name', 'users.email'])
      .where('class_sessions.teacher_id', '=', ids.ana)
      .where('class_sessions.school_id', '=', ids.norte)
      .distinct()
      .execute();
    const twin = students.find((s) => students.some((o) => o.name === s.name && o.id !== s.id));
    expect(twin, 'the demo has namesakes').toBeDefined();
    const other = students.find((o) => o.name === twin!.name && o.id !== twin!.id)!;

    await app.go('Students');
    await page.getByLabel('Search students').fill(twin!.name);
    const rows = page.getByRole('link').filter({ hasText: twin!.name });
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    await rows.filter({ hasText: twin!.email }).first().click();
    await page.getByRole('heading', { level: 1, name: twin!.name }).waitFor();
    await page.getByText(twin!.email, { exact: true }).waitFor();
    await page.getByRole('table').waitFor();
    expect(await page.getByText(other.email, { exact: true }).count()).toBe(0);

    const body = 'Trabalha melhor à frente da sala.';
    await page.getByLabel(`Private note about ${twin!.name}`).fill(body);
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByText('Saved on this device').waitFor();
    const saved = await eventually(() =>
      server.database.db
        .selectFrom('student_notes')
        .select(['id', 'body'])
        .where('teacher_id', '=', ids.ana)
        .where('student_id', '=', twin!.id)
        .executeTakeFirst(),
    );
    expect(saved.body).toBe(body);

    // A second save edits the same note (same id), and the page shows it after a reload.
    await page.getByLabel(`Private note about ${twin!.name}`).fill(`${body} Óculos novos.`);
    await page.getByRole('button', { name: 'Save note' }).click();
    await eventually(async () => {
      const rows = await server.database.db
        .selectFrom('student_notes')
        .select(['id', 'body'])
        .where('teacher_id', '=', ids.ana)
        .where('student_id', '=', twin!.id)
        .execute();
      return rows.length === 1 && rows[0]!.id === saved.id && rows[0]!.body === `${body} Óculos novos.`;
    });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: twin!.name }).waitFor();
    expect(await page.getByLabel(`Private note about ${twin!.name}`).inputValue()).toBe(
      `${body} Óculos novos.`,
    );
    // The namesake's page has no note: the note is this student's.
    await page.goto(`${app.harness.url}#/students/${ids.norte}/${other.id}`);
    await page.getByText(other.email, { exact: true }).waitFor();
    expect(await page.getByLabel(`Private note about ${other.name}`).inputValue()).toBe('');
    await app.settled();
    expect(app.harness.controller.device().store.attention()).toEqual([]);
  });
});
