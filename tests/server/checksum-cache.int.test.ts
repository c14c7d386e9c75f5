/**
 * The server keeps each scoped view's checksum up to date from the change log
 * (server/domain/checksum-cache.ts). These tests check that every checksum it answers is the
 * one of the view read afresh from the database, through reassignments, cancellations,
 * announcements and devices at different cursors, and that a view changed behind the change
 * log's back is caught when the kept checksum is next compared with the view.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChecksumCache, scopeChecksum } from '../../server/domain/checksum-cache.js';
import { pull } from '../../server/domain/pull.js';
import type { Scope } from '../../server/domain/scope.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn } from '../support/api-client.js';
import { pullAll, type ViewCopy } from '../support/view-copy.js';
import { demoIds, type DemoIds } from '../support/demo.js';

interface Device {
  copy: ViewCopy;
  cursor?: string;
}

describe.each(dialectsHere())('kept view checksums on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    ids = await demoIds(server.database.db);
  });
  afterAll(() => server?.stop());

  test('every checksum a pull answers is the one of the view read afresh', async () => {
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    // Two devices of ana: each keeps its own copy and cursor.
    const laptop: Device = { copy: new Map() };
    const tablet: Device = { copy: new Map() };
    const scope: Scope = { teacherId: ids.ana, schoolId: ids.norte };
    const fresh = () => scopeChecksum(server.database.db, scope);
    const before = { ...server.checksums.stats };

    const expectAgrees = async (device: Device) => {
      const r = await pullAll(ana, ids.norte, { ...device, limit: 200 });
      device.cursor = r.cursor;
      expect(r.checksum).toBe(await fresh());
      expect(r.localChecksum).toBe(r.checksum);
    };
    await expectAgrees(laptop);
    await expectAgrees(tablet);

    const sessions = await server.database.db
      .selectFrom('class_sessions')
      .select(['id', 'teacher_id'])
      .where('school_id', '=', ids.norte)
      .orderBy('id')
      .execute();
    const anas = sessions.filter((s) => s.teacher_id === ids.ana);
    const ruis = sessions.filter((s) => s.teacher_id === ids.rui);
    const at = (id: number) => `/api/admin/schools/${ids.norte}/sessions/${id}`;

    // Rows change, leave the view (reassigned to rui) and enter it (reassigned to ana).
    expect((await admin.patch(at(anas[0]!.id), { title: 'Renamed once' })).status).toBe(200);
    await expectAgrees(laptop);
    expect((await admin.patch(at(anas[1]!.id), { teacher_id: ids.rui })).status).toBe(200);
    expect((await admin.patch(at(ruis[0]!.id), { teacher_id: ids.ana })).status).toBe(200);
    await expectAgrees(laptop);
    // The tablet is several changes behind the kept checksum's position.
    await expectAgrees(tablet);
    expect(
      (
        await admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
          title: 'Fire drill',
          message: 'At 11:00',
        })
      ).status,
    ).toBe(201);
    expect((await admin.patch(at(anas[2]!.id), { status: 'cancelled' })).status).toBe(200);
    await expectAgrees(tablet);
    await expectAgrees(laptop);
    // Nothing new: the same position again.
    await expectAgrees(laptop);

    const used = server.checksums.stats;
    // The kept checksums were used, not only recomputed.
    expect(used.updates - before.updates).toBeGreaterThan(0);
    expect(used.hits - before.hits).toBeGreaterThan(0);
    expect(used.drifts).toBe(0);
  });

  test('a view changed behind the change log is caught once the kept checksum is old', async () => {
    const scope: Scope = { teacherId: ids.rui, schoolId: ids.norte };
    let clock = 0;
    const drifts: Array<{ cached: string; actual: string }> = [];
    const cache = new ChecksumCache({
      maxRows: 1_000_000,
      maxAgeMs: 60_000,
      clock: () => clock,
      onDrift: (_s, cached, actual) => drifts.push({ cached, actual }),
    });
    const db = server.database.db;
    let res = await pull(db, scope, undefined, 100_000, cache);
    expect(res.has_more).toBe(false);
    const first = res.checksum;
    expect(first).toBe(await scopeChecksum(db, scope));

    // A write that logs nothing: the view changes, the change log does not know.
    const session = await db
      .selectFrom('class_sessions')
      .select(['id', 'version'])
      .where('school_id', '=', ids.norte)
      .where('teacher_id', '=', ids.rui)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('class_sessions')
      .set({ version: session.version + 1000 })
      .where('id', '=', session.id)
      .execute();
    const actual = await scopeChecksum(db, scope);
    expect(actual).not.toBe(first);

    // Within its age the kept checksum answers (the drift is not visible yet) ...
    clock = 59_000;
    res = await pull(db, scope, res.cursor, 100_000, cache);
    expect(res.checksum).toBe(first);
    expect(drifts).toEqual([]);
    // ... after it, the view is read again, the answer is right and the drift is reported.
    clock = 61_000;
    res = await pull(db, scope, res.cursor, 100_000, cache);
    expect(res.checksum).toBe(actual);
    expect(drifts).toEqual([{ cached: first, actual }]);

    await db
      .updateTable('class_sessions')
      .set({ version: session.version })
      .where('id', '=', session.id)
      .execute();
  });

  test('views beyond the row budget are not kept, and the least recently used goes first', async () => {
    const db = server.database.db;
    const anaNorte: Scope = { teacherId: ids.ana, schoolId: ids.norte };
    const ruiNorte: Scope = { teacherId: ids.rui, schoolId: ids.norte };
    const anaSul: Scope = { teacherId: ids.ana, schoolId: ids.sul };
    const sizes = await Promise.all(
      [anaNorte, ruiNorte, anaSul].map(async (s) => Number((await scopeChecksum(db, s)).split('-')[0])),
    );
    const [a, r, s] = sizes as [number, number, number];
    // Room for ana's Norte view and one of the others, not all three.
    const cache = new ChecksumCache({ maxRows: a + Math.max(r, s), maxAgeMs: 60_000 });
    for (const scope of [anaNorte, ruiNorte, anaSul]) {
      const res = await pull(db, scope, undefined, 100_000, cache);
      expect(res.checksum).toBe(await scopeChecksum(db, scope));
    }
    const size = cache.size;
    expect(size.rows).toBeLessThanOrEqual(a + Math.max(r, s));
    expect(size.entries).toBe(2);

    const tiny = new ChecksumCache({ maxRows: 1, maxAgeMs: 60_000 });
    const res = await pull(db, anaNorte, undefined, 100_000, tiny);
    expect(res.checksum).toBe(await scopeChecksum(db, anaNorte));
    expect(tiny.size).toMatchObject({ entries: 0, rows: 0 });
  });
});
