import { describe, expect } from 'vitest';
import { HAS_CHROMIUM, test } from './support/fixture.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';

describe.skipIf(!HAS_CHROMIUM)('live changes', { timeout: 180_000 }, () => {
  test('an announcement posted by the school arrives live and raises the unread badge', async ({ app }) => {
    const { page, ids, admin } = app;
    await app.signIn('ana@classdesk.test');
    const badge = page.getByRole('navigation').getByRole('img', { name: /unread notifications?$/ });
    const before = Number((await badge.getAttribute('aria-label'))?.match(/^(\d+)/)?.[1]);
    expect(before).toBeGreaterThan(0);

    const posted = await admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
      title: 'Reunião de pais adiada',
      message: 'A reunião de pais passa para a próxima terça-feira às 18h.',
    });
    expect(posted.status).toBe(201);

    // No reload, no "Sync now": the socket brings it.
    await page.getByRole('listitem').filter({ hasText: 'Reunião de pais adiada' }).first().waitFor();
    await expect.poll(() => badge.getAttribute('aria-label')).toBe(`${before + 1} unread notifications`);
    await app.go('Notifications');
    const item = page.getByRole('main').getByRole('listitem').filter({ hasText: 'Reunião de pais adiada' });
    await expect.poll(() => item.count()).toBeGreaterThan(0);
  });

  test('a school whose membership ends while the teacher looks at it disappears with its data', async ({
    app,
  }) => {
    const { page, ids, admin, harness } = app;
    await app.signIn('ana@classdesk.test');
    const school = page.getByLabel('School');
    await school.selectOption({ label: 'Escola Sul' });
    await app.go('Sessions');
    await expect.poll(() => page.getByText('Sala B3').count()).toBeGreaterThan(0);
    const store = harness.controller.device().store;
    const sulRows = async () =>
      Number(
        (
          await storeDatabase(store)
            .db.selectFrom('sessions')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('school_id', '=', ids.sul)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await sulRows()).toBeGreaterThan(0);

    const r = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false });
    expect(r.status).toBe(200);

    await page.getByRole('alert').filter({ hasText: 'Escola Sul was removed from this device' }).waitFor();
    // One school left: nothing to choose, the picker gives way to the school's name.
    await expect.poll(() => school.count()).toBe(0);
    await page.getByRole('banner').getByText('Escola Norte', { exact: true }).waitFor();
    // The screen now shows what is left: Escola Norte's sessions, none of Escola Sul's.
    await expect.poll(() => page.getByText('Sala B3').count()).toBe(0);
    await expect.poll(() => page.getByText('Sala 12').count()).toBeGreaterThan(0);
    expect(await sulRows()).toBe(0);
  });
});
