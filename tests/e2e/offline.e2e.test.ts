import { describe, expect } from 'vitest';
import { upcomingSession } from './support/data.js';
import { HAS_CHROMIUM, test } from './support/fixture.js';

describe.skipIf(!HAS_CHROMIUM)('offline work', { timeout: 180_000 }, () => {
  test('attendance and lesson notes taken while the server is down reach its database once it is back', async ({
    app,
  }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    const session = await upcomingSession(server.database.db, ids.ana, ids.norte);
    const [first, second] = session.roster;
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();

    await server.halt();
    await page.getByRole('button', { name: 'Sync now' }).click();
    const status = page.getByRole('status').filter({ hasText: /Online|Offline|Syncing/ });
    await status.filter({ hasText: 'Offline' }).waitFor();

    const absent = page.getByRole('radiogroup', { name: first!.name }).getByRole('radio', { name: 'Absent' });
    const late = page.getByRole('radiogroup', { name: second!.name }).getByRole('radio', { name: 'Late' });
    await absent.click();
    await late.click();
    await expect.poll(() => absent.getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => late.getAttribute('aria-checked')).toBe('true');
    const notes = 'Fizemos os exercícios 3 a 7 sem rede; trazer a ficha amanhã.';
    await page.getByLabel('Lesson notes').fill(notes);
    await page.getByText('Will sync when online').waitFor();
    await status.filter({ hasText: '3 edits waiting to sync' }).waitFor();

    await server.resume();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await status.filter({ hasText: 'No edits waiting' }).waitFor({ timeout: 30_000 });
    await status.filter({ hasText: 'Online' }).waitFor();

    const db = server.database.db; // the resumed server's connection
    const attendance = await db
      .selectFrom('enrolments')
      .select(['id', 'attendance'])
      .where('session_id', '=', session.id)
      .where('id', 'in', [first!.enrolmentId, second!.enrolmentId])
      .orderBy('id')
      .execute();
    expect(Object.fromEntries(attendance.map((a) => [a.id, a.attendance]))).toEqual({
      [first!.enrolmentId]: 'absent',
      [second!.enrolmentId]: 'late',
    });
    const row = await db
      .selectFrom('class_sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).toBe(notes);
    // Applied exactly once: one receipt per edit.
    const receipts = await db
      .selectFrom('push_receipts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', ids.ana)
      .executeTakeFirstOrThrow();
    expect(Number(receipts.n)).toBe(3);
  });

  test('an edit the server refuses shows in Needs attention with the server’s reason', async ({ app }) => {
    const { page, server, ids, admin } = app;
    await app.signIn('ana@classdesk.test');
    const session = await upcomingSession(server.database.db, ids.ana, ids.norte);
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();

    // Ana, offline, marks the class completed; meanwhile the school cancels it.
    await app.offline();
    await page.getByRole('button', { name: 'Mark completed' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Needs attention (0)' }).waitFor();
    const cancel = await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, {
      status: 'cancelled',
    });
    expect(cancel.status).toBe(200);

    await app.online();
    const attention = page.getByRole('button', { name: 'Needs attention (1)' });
    await attention.click();
    await page.getByRole('heading', { level: 1, name: 'Needs attention' }).waitFor();
    const [item] = app.harness.controller.device().store.attention();
    expect(item).toBeDefined();
    expect(item!.type).toBe('complete_session');
    const entry = page.getByRole('listitem').filter({ hasText: 'Mark session completed' });
    await expect.poll(() => entry.textContent()).toContain(`Server’s reason: ${item!.message}`);
    // Named by the session's title, not its id.
    expect(item!.subject).toBe(session.title);
    await expect.poll(() => entry.getByRole('heading').textContent()).toContain(session.title);
    expect(item!.message).toMatch(/status|cancelled/);

    // The server kept the school's decision, and the app shows it.
    const row = await server.database.db
      .selectFrom('class_sessions')
      .select('status')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('cancelled');

    await entry.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('button', { name: 'Needs attention (0)' }).waitFor();
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByText('Cancelled', { exact: true }).first().waitFor();
  });
});
