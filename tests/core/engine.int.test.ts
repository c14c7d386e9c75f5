import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn } from '../support/api-client.js';
import { inviteAndAccept } from '../support/invitations.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, type TestDevice } from '../support/device.js';
import { until } from '../support/until.js';
import type { SyncSummary } from '../../src/main/core/sync/engine.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';

describe('sync engine against a real server', () => {
  let server: TestServer;
  let ids: DemoIds;
  const devices: TestDevice[] = [];
  const device = async (email: string) => {
    const d = await openTestDevice(server.url, email, { engine: { pullLimit: 40 } });
    devices.push(d);
    return d;
  };

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ids = await demoIds(server.database.db);
  });
  afterAll(async () => {
    for (const d of devices) {
      await d.close();
      fs.rmSync(d.dataDir, { recursive: true, force: true });
    }
    await server?.stop();
  });

  test('a re-fetch after a checksum mismatch does not announce the notifications again', async () => {
    const ana = await device('ana@classdesk.test');
    const announced: number[] = [];
    ana.engine.on('notification', (n) => announced.push(n.id));
    await ana.engine.syncAll();
    const first = [...announced];
    expect(first.length).toBeGreaterThan(0);
    // The local copy drifts: a session row disappears, so the checksum no longer matches.
    const { sqlite } = storeDatabase(ana.store);
    const victim = sqlite.prepare('select id from sessions where school_id = ? limit 1').get(ids.norte) as {
      id: number;
    };
    sqlite.prepare('delete from sessions where id = ?').run(victim.id);
    const summary = await ana.engine.syncAll();
    expect(summary.schools.find((s) => s.schoolId === ids.norte)).toMatchObject({
      refetched: true,
      verified: true,
    });
    expect(announced).toEqual(first);
  });

  test('a first sync streams both schools with progress and converges', async () => {
    const ana = await device('ana@classdesk.test');
    const progress: Array<{ schoolId: number; done: number; total: number }> = [];
    ana.engine.on('progress', (p) => progress.push(p));
    const summary = await ana.engine.syncAll();
    expect(summary.schools.map((s) => s.schoolId).sort()).toEqual([ids.norte, ids.sul].sort());
    for (const s of summary.schools) {
      expect(s.verified).toBe(true);
      expect(s.batches).toBeGreaterThan(1);
    }
    const last = progress.filter((p) => p.schoolId === ids.norte).at(-1)!;
    expect(last.done).toBe(last.total);
    const local = await storeDatabase(ana.store)
      .db.selectFrom('sessions')
      .select(['id', 'school_id', 'teacher_id'])
      .execute();
    const server_ = await server.database.db
      .selectFrom('class_sessions')
      .select(['id'])
      .where('teacher_id', '=', ids.ana)
      .execute();
    expect(local.map((s) => s.id).sort()).toEqual(server_.map((s) => s.id).sort());
  });

  test('offline edits made while the server is down reach it once it is back', async () => {
    const ana = await device('ana@classdesk.test');
    await ana.engine.syncAll();
    const session = await storeDatabase(ana.store)
      .db.selectFrom('sessions')
      .select(['id', 'version'])
      .where('school_id', '=', ids.norte)
      .executeTakeFirstOrThrow();
    const enrolment = await storeDatabase(ana.store)
      .db.selectFrom('enrolments')
      .select(['id'])
      .where('session_id', '=', session.id)
      .executeTakeFirstOrThrow();

    await server.halt();
    ana.engine.edit('update_lesson_notes', { session_id: session.id, lesson_notes: 'Escrito sem rede' });
    ana.engine.edit('set_attendance', { enrolment_id: enrolment.id, attendance: 'late' });
    await expect(ana.engine.syncAll()).rejects.toThrow(/cannot reach/);
    expect(ana.store.pendingCount()).toBe(2);
    // The local copy already shows the edits.
    const shown = await storeDatabase(ana.store)
      .db.selectFrom('sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(shown.lesson_notes).toBe('Escrito sem rede');

    await server.resume();
    const summary = await ana.engine.syncAll();
    expect(summary.pushed.applied).toBe(2);
    expect(ana.store.pendingCount()).toBe(0);
    const row = await server.database.db
      .selectFrom('class_sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).toBe('Escrito sem rede');
    const att = await server.database.db
      .selectFrom('enrolments')
      .select('attendance')
      .where('id', '=', enrolment.id)
      .executeTakeFirstOrThrow();
    expect(att.attendance).toBe('late');
    for (const s of summary.schools) expect(s.verified).toBe(true);
  });

  test('a rejected edit is undone locally and lands in needs attention with the reason', async () => {
    const ana = await device('ana@classdesk.test');
    await ana.engine.syncAll();
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const session = await storeDatabase(ana.store)
      .db.selectFrom('sessions')
      .select(['id', 'status'])
      .where('school_id', '=', ids.norte)
      .where('status', '=', 'scheduled')
      .executeTakeFirstOrThrow();
    // The admin cancels while the teacher (offline, not yet synced) completes it.
    expect(
      (await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, { status: 'cancelled' }))
        .status,
    ).toBe(200);
    ana.engine.edit('complete_session', { session_id: session.id });
    expect(
      (
        await storeDatabase(ana.store)
          .db.selectFrom('sessions')
          .select('status')
          .where('id', '=', session.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('completed');
    await ana.engine.syncAll();
    const attention = ana.store.attention();
    expect(attention).toHaveLength(1);
    expect(attention[0]!.code).toBe('conflict');
    expect(JSON.parse(attention[0]!.conflict!)).toMatchObject({
      field: 'status',
      server_value: 'cancelled',
      your_value: 'completed',
    });
    const local = await storeDatabase(ana.store)
      .db.selectFrom('sessions')
      .select('status')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(local.status).toBe('cancelled');
  });

  test('two devices of the same teacher: the second edit of a field conflicts and keeps the losing value', async () => {
    const a = await device('ana@classdesk.test');
    const b = await device('ana@classdesk.test');
    await a.engine.syncAll();
    await b.engine.syncAll();
    const session = await storeDatabase(a.store)
      .db.selectFrom('sessions')
      .select('id')
      .where('school_id', '=', ids.sul)
      .executeTakeFirstOrThrow();
    a.engine.edit('update_lesson_notes', { session_id: session.id, lesson_notes: 'from laptop A' });
    b.engine.edit('update_lesson_notes', { session_id: session.id, lesson_notes: 'from laptop B' });
    await a.engine.syncAll();
    await b.engine.syncAll();
    const conflict = b.store.attention().find((x) => x.type === 'update_lesson_notes')!;
    expect(JSON.parse(conflict.conflict!)).toMatchObject({
      server_value: 'from laptop A',
      your_value: 'from laptop B',
    });
    const onB = await storeDatabase(b.store)
      .db.selectFrom('sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(onB.lesson_notes).toBe('from laptop A');
    // Restoring the losing value is a retry on top of the server's current version.
    b.engine.retry(conflict.id);
    await b.engine.syncAll();
    const row = await server.database.db
      .selectFrom('class_sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).toBe('from laptop B');
  });

  test('a poke pulls the poked school alone; a school granted later gets a whole sync', async () => {
    const summaries: SyncSummary[] = [];
    const ana = await openTestDevice(server.url, 'ana@classdesk.test', {
      engine: { pullLimit: 40, afterSync: (s) => summaries.push(s) },
    });
    devices.push(ana);
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    ana.engine.start();
    await until('the first live sync', () =>
      ana.engine.status.live && summaries.length > 0 && !ana.engine.status.syncing ? true : undefined,
    );
    await ana.engine.idle();
    expect(summaries[0]!.schools.map((s) => s.schoolId).sort()).toEqual([ids.norte, ids.sul].sort());

    const session = await storeDatabase(ana.store)
      .db.selectFrom('sessions')
      .select('id')
      .where('school_id', '=', ids.sul)
      .executeTakeFirstOrThrow();
    summaries.length = 0;
    const title = `Poked ${Date.now()}`;
    expect(
      (await admin.patch(`/api/admin/schools/${ids.sul}/sessions/${session.id}`, { title })).status,
    ).toBe(200);
    await until('the new title on the device', async () => {
      const row = await storeDatabase(ana.store)
        .db.selectFrom('sessions')
        .select('title')
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      return row.title === title ? true : undefined;
    });
    await ana.engine.idle();
    // Only Escola Sul was pulled, and its checksum verified.
    expect(summaries.flatMap((s) => s.schools.map((x) => x.schoolId))).toEqual([ids.sul]);
    expect(summaries[0]!.schools[0]!.verified).toBe(true);

    // rui is granted Escola Sul: the poke names a school his device does not hold.
    const rui = await openTestDevice(server.url, 'rui@classdesk.test', { engine: { pullLimit: 40 } });
    devices.push(rui);
    rui.engine.start();
    await until('rui live', () => (rui.engine.status.live ? true : undefined));
    await rui.engine.idle();
    expect(rui.store.schoolIds()).toEqual([ids.norte]);
    const added = await inviteAndAccept(
      admin,
      await signedIn(server.url, 'rui@classdesk.test'),
      ids.sul,
      'rui@classdesk.test',
    );
    expect(added.status).toBe(200);
    await until("Escola Sul on rui's device", () =>
      rui.store.schoolIds().includes(ids.sul) && rui.store.syncState(ids.sul)?.checksum ? true : undefined,
    );
    await rui.engine.idle();
    expect(rui.store.getMeta(`school_name:${ids.sul}`)).toBe('Escola Sul');
    rui.engine.stop();
    ana.engine.stop();
    await server.database.db
      .deleteFrom('memberships')
      .where('school_id', '=', ids.sul)
      .where('user_id', '=', ids.rui)
      .execute();
  });

  test('revocation removes the school from the device and quarantines its pending edits', async () => {
    const rui = await device('rui@classdesk.test');
    await rui.engine.syncAll();
    const session = await storeDatabase(rui.store)
      .db.selectFrom('sessions')
      .select('id')
      .executeTakeFirstOrThrow();
    rui.engine.edit('update_lesson_notes', { session_id: session.id, lesson_notes: 'pending when revoked' });
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    expect(
      (await admin.patch(`/api/admin/schools/${ids.norte}/memberships/${ids.rui}`, { active: false })).status,
    ).toBe(200);
    const summary = await rui.engine.syncAll().catch((e: unknown) => e);
    expect(summary).not.toBeInstanceOf(Error);
    expect(await storeDatabase(rui.store).db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
    expect(await storeDatabase(rui.store).db.selectFrom('schools').selectAll().execute()).toHaveLength(0);
    expect(rui.store.pendingCount()).toBe(0);
    const q = rui.store.quarantine();
    expect(q).toHaveLength(1);
    expect(JSON.parse(q[0]!.args)).toMatchObject({ lesson_notes: 'pending when revoked' });
    // The server never received the quarantined edit.
    const row = await server.database.db
      .selectFrom('class_sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).not.toBe('pending when revoked');
    await admin.patch(`/api/admin/schools/${ids.norte}/memberships/${ids.rui}`, { active: true });
  });
});
