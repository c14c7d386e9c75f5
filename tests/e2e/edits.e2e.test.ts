/**
 * Every edit a teacher can make, performed through the real UI (harness, Chromium), then found
 * on the server through its HTTP API — online, and for the notification centre's actions also
 * offline and after a reload.
 */
import { describe, expect } from 'vitest';
import { MUTATION_TYPES } from '../../src/shared/mutators.js';
import { eventually, HAS_CHROMIUM, test, type App } from './support/fixture.js';
import { notificationItem, serverRow, UI_EDITS } from './support/ui-edits.js';

async function receipts(app: App): Promise<number> {
  const r = await app.server.database.db
    .selectFrom('push_receipts')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', app.ids.ana)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe.skipIf(!HAS_CHROMIUM)('every edit through the UI reaches the server', { timeout: 120_000 }, () => {
  for (const type of MUTATION_TYPES) {
    const c = UI_EDITS[type];
    test(`${type}: the teacher ${c.does}, and the server has it once`, async ({ app }) => {
      await app.signIn('ana@classdesk.test');
      if (c.prepare) {
        await c.prepare(app);
        await app.page.getByRole('button', { name: 'Sync now' }).click();
        await app.settled();
      }
      const before = await receipts(app);
      const onServer = await c.perform(app);
      await eventually(onServer);
      await app.settled();
      expect(await receipts(app)).toBe(before + 1);
      // Nothing was refused on the way.
      await app.page.getByRole('button', { name: 'Needs attention (0)' }).waitFor();
      expect(app.harness.controller.device().store.attention()).toEqual([]);
    });
  }
});

describe.skipIf(!HAS_CHROMIUM)('the notification centre offline', { timeout: 120_000 }, () => {
  test('Mark read and Dismiss made offline show at once, survive a reload, and reach the server when back online', async ({
    app,
  }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    // A second notification to act on: the school posts an announcement (it arrives live).
    const posted = await app.admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
      title: 'Visita de estudo adiada',
      message: 'A visita ao museu passa para a próxima semana.',
    });
    expect(posted.status).toBe(201);
    await app.settled();
    const shown = server.database.db
      .selectFrom('notifications')
      .select(['id', 'type', 'title', 'message', 'params'])
      .where('user_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .where('is_dismissed', '=', 0)
      .where('expiry_published', '=', 0)
      .orderBy('created_at', 'desc');
    const toRead = await shown.where('is_read', '=', 0).executeTakeFirstOrThrow();
    const toDismiss = await shown.where('id', '!=', toRead.id).executeTakeFirstOrThrow();

    await app.go('Notifications');
    const heading = page.getByRole('heading', { level: 1, name: 'Notifications' });
    await heading.waitFor();
    const badgeBefore = await page.locator('.screen-head p.muted').textContent();
    await app.offline();

    const readItem = notificationItem(app, toRead);
    await readItem.getByRole('button', { name: 'Mark read' }).click();
    await readItem.getByRole('button', { name: 'Mark read' }).waitFor({ state: 'detached' });
    const dismissItem = notificationItem(app, toDismiss);
    await dismissItem.getByRole('button', { name: 'Dismiss' }).click();
    await dismissItem.waitFor({ state: 'detached' });
    // No red line: the edits were accepted.
    expect(await page.getByRole('alert').count()).toBe(0);
    const status = page.getByRole('status').filter({ hasText: /Online|Offline|Syncing/ });
    await status.filter({ hasText: '2 edits waiting to sync' }).waitFor();
    const badgeAfter = await page.locator('.screen-head p.muted').textContent();
    expect(badgeAfter).not.toBe(badgeBefore);

    // A reload re-reads the device's store: the edits are still there.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await notificationItem(app, toRead).waitFor();
    expect(await notificationItem(app, toRead).getByRole('button', { name: 'Mark read' }).count()).toBe(0);
    expect(await notificationItem(app, toDismiss).count()).toBe(0);
    expect(await page.locator('.screen-head p.muted').textContent()).toBe(badgeAfter);

    // The server has neither yet; once back online it has both, once.
    expect((await serverRow(app, ids.norte, 'notification', toRead.id))?.is_read).toBe(false);
    await app.online();
    await eventually(
      async () => (await serverRow(app, ids.norte, 'notification', toRead.id))?.is_read === true,
    );
    await eventually(
      async () => (await serverRow(app, ids.norte, 'notification', toDismiss.id))?.is_dismissed === true,
    );
    expect(app.harness.controller.device().store.attention()).toEqual([]);
  });
});
