/**
 * A notification is rendered by its reader (docs/ARCHITECTURE.md, "Notifications"): a session the
 * school cancels reaches the teacher as type + parameters, and the app shows it in the language
 * the teacher chose, at the school's time (Europe/Lisbon: 13:30 UTC in July is 14:30 there).
 */
import { describe, expect } from 'vitest';
import { HAS_CHROMIUM, test } from './support/fixture.js';

describe.skipIf(!HAS_CHROMIUM)('notification text', { timeout: 180_000 }, () => {
  test('a cancellation in Portuguese at Lisbon time, and the same one in English', async ({ app }) => {
    const { page, ids, admin } = app;
    await app.signIn('ana@classdesk.test');
    const session = await app.server.database.db
      .selectFrom('class_sessions')
      .select(['id'])
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .where('status', '=', 'scheduled')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const moved = await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, {
      title: 'Português — 7.º B',
      starts_at: '2027-07-15T13:30:00.000Z',
      ends_at: '2027-07-15T14:20:00.000Z',
    });
    expect(moved.status).toBe(200);
    const cancelled = await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, {
      status: 'cancelled',
    });
    expect(cancelled.status).toBe(200);
    // The server stored facts, not a sentence.
    const row = await app.server.database.db
      .selectFrom('notifications')
      .select(['title', 'message', 'params'])
      .where('type', '=', 'session_cancelled')
      .where('user_id', '=', ids.ana)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: '', message: '' });
    expect(JSON.parse(row.params)).toEqual({
      session_id: Number(session.id),
      session_title: 'Português — 7.º B',
      starts_at: '2027-07-15T13:30:00.000Z',
    });

    await app.closeToasts();
    await app.go('Settings');
    await page.getByLabel('Language', { exact: true }).selectOption('pt-PT');
    await page.getByRole('navigation').getByRole('link', { name: 'Notificações', exact: true }).click();
    const pt = page.getByRole('main').getByRole('listitem').filter({ hasText: 'Aula cancelada' });
    await pt.first().waitFor();
    expect(await pt.first().textContent()).toContain(
      'A aula Português — 7.º B de 15/07/2027, 14:30 foi cancelada.',
    );

    await page.getByRole('navigation').getByRole('link', { name: 'Definições', exact: true }).click();
    await page.getByLabel('Idioma', { exact: true }).selectOption('en');
    await app.go('Notifications');
    const en = page.getByRole('main').getByRole('listitem').filter({ hasText: 'Session cancelled' });
    await en.first().waitFor();
    // en-GB, the browser's English: day month year, 24-hour clock.
    expect(await en.first().textContent()).toContain(
      'Português — 7.º B on 15 Jul 2027, 14:30 was cancelled.',
    );
  });
});
