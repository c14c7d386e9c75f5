/**
 * GET /api/notifications by keyset (docs/ARCHITECTURE.md, "Notifications"): pages follow each
 * other without a gap or a repeat however many notifications arrive meanwhile, unread first and
 * newest first; each row carries its type and params; a cursor the list did not give answers 400.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { NotificationRow } from '../../src/shared/entities.js';
import {
  dialectsHere,
  RELAXED_RATE_LIMITS,
  startTestServer,
  type TestServer,
} from '../support/server-fixture.js';
import { signedIn, type ErrorBody, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';

interface Page {
  notifications: NotificationRow[];
  unread: number;
  next_cursor: string | null;
}

describe.each(dialectsHere())('notification list on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  let ana: TestApi;
  beforeAll(async () => {
    server = await startTestServer(dialect, RELAXED_RATE_LIMITS);
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
    ana = await signedIn(server.url, 'ana@classdesk.test');
  });
  afterAll(() => server.stop());

  const page = (query: Record<string, string | number | undefined>) =>
    ana.get<Page>('/api/notifications', { school_id: ids.norte, ...query });

  test('pages of 3 cover every visible notification once, in order, while new ones arrive', async () => {
    for (let i = 0; i < 7; i++) {
      const r = await admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
        title: `Aviso ${i}`,
        message: 'Texto.',
      });
      expect(r.status).toBe(201);
    }
    const all = await page({ limit: 200 });
    expect(all.status).toBe(200);
    expect(all.body.next_cursor).toBeNull();
    const expected = all.body.notifications.map((n) => n.id);
    expect(expected.length).toBeGreaterThanOrEqual(8);

    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const r = await page({ limit: 3, cursor });
      expect(r.status).toBe(200);
      expect(r.body.notifications.length).toBeLessThanOrEqual(3);
      expect(r.body.unread).toBe(all.body.unread + (pages > 0 ? 1 : 0));
      seen.push(...r.body.notifications.map((n) => n.id));
      if (pages === 0) {
        // Arrives after the first page: it is newer than everything, so it is not on a later page.
        await admin.post(`/api/admin/schools/${ids.norte}/announcements`, { title: 'Depois', message: 'x' });
      }
      pages++;
      if (r.body.next_cursor === null) break;
      cursor = r.body.next_cursor;
    }
    expect(seen).toEqual(expected);
    // Unread first, then newest first.
    const rows = all.body.notifications;
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      expect(
        Number(a.is_read) < Number(b.is_read) ||
          (a.is_read === b.is_read &&
            (a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id))),
      ).toBe(true);
    }
    expect(typeof rows.find((n) => n.title === 'Aviso 3')?.params.announcement_id).toBe('number');
  });

  test('unread_only pages skip what is read', async () => {
    const r = await page({ unread_only: 'true', limit: 200 });
    expect(r.status).toBe(200);
    expect(r.body.notifications.every((n) => !n.is_read)).toBe(true);
    expect(r.body.notifications).toHaveLength(r.body.unread);
  });

  test('a cursor the list did not give, or a limit out of range, answers 400 naming the field', async () => {
    for (const [query, field] of [
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ cursor: Buffer.from('1.yesterday.5').toString('base64url') }, 'cursor'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 201 }, 'limit'],
    ] as const) {
      const r = await ana.get<ErrorBody>('/api/notifications', { school_id: ids.norte, ...query });
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
  });
});
