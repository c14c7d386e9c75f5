/**
 * What the dashboard shows, read off the screen (not a screenshot): for one school and range,
 * each count on the Summary equals what the server's own dashboard (`GET /api/dashboard`, the
 * same figures for the same teacher) answers, and the sessions listed are the server's.
 */
import { describe, expect } from 'vitest';
import type { DashboardResponse } from '../../src/shared/api.js';
import { signedIn } from '../support/api-client.js';
import { HAS_CHROMIUM, test } from './support/fixture.js';

describe.skipIf(!HAS_CHROMIUM)('the dashboard', { timeout: 120_000 }, () => {
  for (const range of ['week', 'month'] as const) {
    test(`this ${range} in Escola Norte: the Summary and the sessions are the server's figures`, async ({
      app,
    }) => {
      const { page, ids } = app;
      await app.signIn('ana@classdesk.test');
      await page.getByLabel('School').selectOption({ label: 'Escola Norte' });
      await page.getByRole('button', { name: range === 'week' ? 'This week' : 'This month' }).click();
      const ana = await signedIn(app.server.url, 'ana@classdesk.test');
      const server = (await ana.get<DashboardResponse>('/api/dashboard', { school_id: ids.norte, range }))
        .body;

      const summary = page.getByRole('region', { name: 'Summary' });
      await summary.waitFor();
      const stat = (label: RegExp) =>
        summary
          .getByRole('listitem')
          .filter({ hasText: label })
          .locator('.stat-value')
          .textContent()
          .then((t) => Number(t?.replace(/\D/g, '')));
      const shown = async () => ({
        scheduled: await stat(/^\d+Scheduled$/),
        completed: await stat(/^\d+Completed$/),
        cancelled: await stat(/^\d+Cancelled$/),
        students: await stat(/students?$/),
        unread: await stat(/unread notifications?$/),
      });
      await expect
        .poll(shown)
        .toEqual({ ...server.counts, students: server.student_count, unread: server.unread_notifications });
      expect(server.counts.scheduled + server.counts.completed + server.counts.cancelled).toBeGreaterThan(0);

      // The sessions listed are the server's, by title.
      const listed = await page.getByRole('table').first().getByRole('row').allTextContents();
      for (const s of server.sessions.slice(0, 5))
        expect(listed.some((row) => row.includes(s.title))).toBe(true);
    });
  }
});
