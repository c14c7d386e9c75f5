import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DashboardResponse } from '../../src/shared/api.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type ErrorBody } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { pullAll } from '../support/view-copy.js';

describe.each(dialectsHere())('sync API on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    ids = await demoIds(server.database.db);
  });
  afterAll(() => server?.stop());

  test('a teacher in two schools sees only the requested school on the dashboard', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const norte = await ana.get<DashboardResponse>('/api/dashboard', {
      school_id: ids.norte,
      range: 'month',
    });
    expect(norte.status).toBe(200);
    const norteIds = new Set<number>(norte.body.sessions.map((s) => s.id));
    expect(norteIds.size).toBeGreaterThan(0);
    for (const s of norte.body.sessions) {
      expect(s.school_id).toBe(ids.norte);
      expect(s.teacher_id).toBe(ids.ana);
    }
    const sulSessions = await server.database.db
      .selectFrom('class_sessions')
      .select('id')
      .where('school_id', '=', ids.sul)
      .where('teacher_id', '=', ids.ana)
      .execute();
    expect(sulSessions.length).toBeGreaterThan(0);
    for (const s of sulSessions) expect(norteIds.has(s.id)).toBe(false);
    expect(norte.headers.get('server-timing')).toMatch(/db;dur=[\d.]+;desc="\d+ queries"/);
  });

  test('a first pull streams the whole scoped view in batches and its checksum matches the copy', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const { copy, checksum, localChecksum, requests, last } = await pullAll(ana, ids.norte, { limit: 50 });
    expect(requests).toBeGreaterThan(1);
    expect(checksum).toBe(localChecksum);
    expect(last.total).toBeGreaterThan(0);
    // Nothing of Escola Sul, nothing of rui's sessions.
    for (const [key, row] of copy) {
      if ('school_id' in row)
        expect((row as unknown as { school_id: number }).school_id, key).toBe(ids.norte);
      if (key.startsWith('session:'))
        expect((row as unknown as { teacher_id: number }).teacher_id).toBe(ids.ana);
    }
    // Students are projected without password hashes or memberships.
    const student = [...copy.entries()].find(([k]) => k.startsWith('student:'))![1];
    expect(Object.keys(student).sort()).toEqual(['email', 'id', 'name', 'school_id', 'version']);
  });

  test('an incremental pull brings admin changes and removes rows that left the view', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const first = await pullAll(ana, ids.norte, { limit: 50 });
    const session = [...first.copy.entries()].find(([k]) => k.startsWith('session:'))![1] as unknown as {
      id: number;
    };

    // Reassign one of ana's sessions to rui: it (and its roster) leaves ana's view.
    const r = await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, {
      teacher_id: ids.rui,
    });
    expect(r.status).toBe(200);
    const announce = await admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
      title: 'Hello',
      message: 'World',
    });
    expect(announce.status).toBe(201);

    const second = await pullAll(ana, ids.norte, { copy: first.copy, cursor: first.cursor, limit: 50 });
    expect(second.copy.has(`session:${session.id}`)).toBe(false);
    expect([...second.copy.keys()].some((k) => k.startsWith('announcement:'))).toBe(true);
    expect(second.checksum).toBe(second.localChecksum);

    // A fresh full pull agrees with the incrementally maintained copy.
    const fresh = await pullAll(ana, ids.norte, { limit: 50 });
    expect(fresh.checksum).toBe(second.checksum);
  });

  test('a teacher whose membership was deactivated gets scope_revoked', async () => {
    const rui = await signedIn(server.url, 'rui@classdesk.test');
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    expect(
      (await admin.patch(`/api/admin/schools/${ids.norte}/memberships/${ids.rui}`, { active: false })).status,
    ).toBe(200);
    const r = await rui.get<ErrorBody>('/api/sync/pull', { school_id: ids.norte });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('scope_revoked');
    expect(
      (await admin.patch(`/api/admin/schools/${ids.norte}/memberships/${ids.rui}`, { active: true })).status,
    ).toBe(200);
    expect((await rui.get('/api/sync/pull', { school_id: ids.norte })).status).toBe(200);
  });
});
