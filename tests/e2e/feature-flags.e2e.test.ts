/**
 * Feature flags through the app (docs/ARCHITECTURE.md, "Feature flags"), read off the screen:
 * the school's administrator turns `dashboard_widgets` off and the next-class card leaves the
 * dashboard after the sync; `email_notifications` off and Settings has no email section; offline
 * and reloaded, the app keeps behaving the same; turned back on, both come back.
 */
import { describe, expect } from 'vitest';
import { HAS_CHROMIUM, eventually, test } from './support/fixture.js';
import { goConsole, openConsole } from './support/console.js';

describe.skipIf(!HAS_CHROMIUM)('feature flags in the app', { timeout: 180_000 }, () => {
  test('the admin turns widgets and email off and on: the screens follow, offline too', async ({ app }) => {
    const { page, ids, admin } = app;
    // rui teaches in Escola Norte only: its flags are the app's.
    await app.signIn('rui@classdesk.test');
    const card = page.getByRole('region', { name: 'Next class' });
    const email = page.getByRole('region', { name: 'Email' });
    await card.waitFor();
    await app.go('Settings');
    await email.waitFor();

    const set = async (key: string, enabled: boolean) => {
      const r = await admin.put(`/api/admin/schools/${ids.norte}/feature-flags/${key}`, { enabled });
      expect(r.status, r.text).toBe(200);
    };
    await set('dashboard_widgets', false);
    await set('email_notifications', false);
    await app.settled();
    await expect.poll(() => email.count()).toBe(0);
    await app.go('Dashboard');
    await page.getByRole('region', { name: 'Summary' }).waitFor();
    await expect.poll(() => card.count()).toBe(0);

    // Offline and reloaded: the flags the last pull gave still hold.
    await app.offline();
    await page.reload();
    await page.getByRole('navigation').waitFor();
    await page.getByRole('region', { name: 'Summary' }).waitFor();
    expect(await card.count()).toBe(0);
    await app.go('Settings');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    expect(await email.count()).toBe(0);

    // Back online, turned on again: both come back.
    await app.online();
    await set('dashboard_widgets', true);
    await set('email_notifications', true);
    await app.settled();
    await email.waitFor();
    await app.go('Dashboard');
    await card.waitFor();
  });
  test('from the admin console: dashboard widgets off, the card leaves rui’s app; audited', async ({
    app,
  }) => {
    const { page, ids } = app;
    const db = app.server.database.db;
    await app.signIn('rui@classdesk.test');
    const card = page.getByRole('region', { name: 'Next class' });
    await card.waitFor();
    const console = await openConsole(app, { school: 'Escola Norte' });
    await goConsole(console, 'Feature flags');
    await console.getByLabel('State of Dashboard widgets (next class)').selectOption({ label: 'Off' });
    const row = await eventually(() =>
      db
        .selectFrom('feature_flags')
        .select(['enabled', 'percentage'])
        .where('school_id', '=', ids.norte)
        .where('key', '=', 'dashboard_widgets')
        .executeTakeFirst(),
    );
    expect(row).toEqual({ enabled: 0, percentage: null });
    await expect.poll(() => card.count()).toBe(0);
    const audited = await db
      .selectFrom('admin_audit')
      .select(['action', 'after'])
      .where('subject', '=', 'feature_flag:dashboard_widgets')
      .execute();
    expect(audited).toEqual([
      { action: 'feature_flag.set', after: JSON.stringify({ enabled: false, percentage: null }) },
    ]);
  });
});
