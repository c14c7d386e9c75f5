import { expect } from 'vitest';
import { describe } from 'vitest';
import { HAS_CHROMIUM, test } from './support/fixture.js';

describe.skipIf(!HAS_CHROMIUM)('schools', { timeout: 180_000 }, () => {
  test('a teacher in two schools sees only the school chosen in the School select', async ({ app }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    const db = server.database.db;
    const countOf = async (schoolId: number) =>
      Number(
        (
          await db
            .selectFrom('class_sessions')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('school_id', '=', schoolId)
            .where('teacher_id', '=', ids.ana)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const [norte, sul] = [await countOf(ids.norte), await countOf(ids.sul)];

    const school = page.getByLabel('School');
    await expect
      .poll(() => school.locator('option').allTextContents())
      .toEqual(['All my schools', 'Escola Norte', 'Escola Sul']);

    await app.go('Sessions');
    await expect.poll(() => page.getByText(/^\d+ sessions$/).textContent()).toBe(`${norte + sul} sessions`);

    await school.selectOption({ label: 'Escola Sul' });
    await expect.poll(() => page.getByText(/^\d+ sessions$/).textContent()).toBe(`${sul} sessions`);
    // Ana teaches 7.º B in room B3 at Escola Sul and 6.º A in room 12 at Escola Norte.
    const rows = page.getByRole('link', { name: /Sala/ });
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) {
      expect(text).toContain('Sala B3');
      expect(text).not.toContain('Sala 12');
    }

    await school.selectOption({ label: 'Escola Norte' });
    await expect.poll(() => page.getByText(/^\d+ sessions$/).textContent()).toBe(`${norte} sessions`);
    await expect
      .poll(async () => (await rows.allTextContents()).every((t) => t.includes('Sala 12')))
      .toBe(true);
    // Rui's Escola Norte classes (in the lab) never reach Ana's device.
    await expect.poll(() => page.getByText('Laboratório 1').count()).toBe(0);
  });
});
