/**
 * `POST /api/sync/push` (server/domain/push.ts): every mutation type applied with its row
 * asserted, exactly-once delivery (sequential and concurrent redelivery), mass assignment
 * refused, and the field-level conflict policy — first write wins, different fields merge, a
 * client's own successive edits never conflict.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MutationResult, PushResponse } from '../../src/shared/protocol.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { snapshotDb, VOLATILE_TABLES } from '../support/db-snapshot.js';

interface Mutation {
  id: string;
  type: string;
  args: unknown;
}

let seq = 0;
/** A mutation id no other test uses. */
const mid = (label: string) => `${label}-${++seq}`;

async function push(api: TestApi, clientId: string, mutations: Mutation[]): Promise<MutationResult[]> {
  const r = await api.post<PushResponse>('/api/sync/push', { client_id: clientId, mutations });
  expect(r.status, r.text).toBe(200);
  expect(r.body.results.map((x) => x.id)).toEqual(mutations.map((m) => m.id));
  return r.body.results;
}

describe.each(dialectsHere())('push on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestApi;
  const db = () => server.database.db;

  /** Distinct rows per test, so tests do not see each other's writes. */
  const taken = new Set<string>();
  function take<T extends { id: number }>(kind: string, rows: T[]): T {
    const row = rows.find((r) => !taken.has(`${kind}:${r.id}`));
    if (!row) throw new Error(`no ${kind} left for this test`);
    taken.add(`${kind}:${row.id}`);
    return row;
  }
  const sessionRow = (id: number) =>
    db().selectFrom('class_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const anaSession = async (status?: 'scheduled') =>
    take(
      'session',
      await db()
        .selectFrom('class_sessions')
        .selectAll()
        .where('teacher_id', '=', ids.ana)
        .$if(status !== undefined, (q) => q.where('status', '=', status!))
        .orderBy('id')
        .execute(),
    );
  const changesOf = async (entity: string, rowId: number) =>
    (
      await db()
        .selectFrom('sync_changes')
        .select('seq')
        .where('entity', '=', entity)
        .where('row_id', '=', rowId)
        .execute()
    ).length;
  const receiptsOf = (clientId: string) =>
    db()
      .selectFrom('push_receipts')
      .selectAll()
      .where('user_id', '=', ids.ana)
      .where('client_id', '=', clientId)
      .execute();

  beforeAll(async () => {
    server = await startTestServer(dialect, { RATE_LIMIT_SYNC_PER_MIN: '100000' });
    ids = await demoIds(server.database.db);
    ana = await signedIn(server.url, 'ana@classdesk.test');
  });
  afterAll(() => server?.stop());

  describe('each mutation type changes its row', () => {
    test('update_lesson_notes writes the notes, a new version, the field stamp and a logged change', async () => {
      const s = await anaSession();
      const results = await push(ana, 'device-notes', [
        {
          id: mid('notes'),
          type: 'update_lesson_notes',
          args: { session_id: s.id, base_version: s.version, lesson_notes: 'Frações equivalentes.' },
        },
      ]);
      expect(results[0]).toEqual({ id: results[0]!.id, status: 'applied' });
      const after = await sessionRow(s.id);
      expect(after.lesson_notes).toBe('Frações equivalentes.');
      expect(after.version).toBeGreaterThan(s.version);
      expect(JSON.parse(after.field_versions)).toEqual({ lesson_notes: [after.version, 'device-notes'] });
      expect({
        ...after,
        lesson_notes: s.lesson_notes,
        version: s.version,
        field_versions: s.field_versions,
        updated_at: s.updated_at,
      }).toEqual(s);
      expect(await changesOf('session', s.id)).toBe(1);
      const [receipt] = await receiptsOf('device-notes');
      expect(JSON.parse(receipt!.result)).toEqual({ status: 'applied' });
    });

    test('set_attendance writes the attendance of the enrolment', async () => {
      const s = await anaSession();
      const e = await db()
        .selectFrom('enrolments')
        .selectAll()
        .where('session_id', '=', s.id)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const to = e.attendance === 'late' ? 'absent' : 'late';
      const [r] = await push(ana, 'device-att', [
        {
          id: mid('att'),
          type: 'set_attendance',
          args: { enrolment_id: e.id, attendance: to, base_version: e.version },
        },
      ]);
      expect(r!.status).toBe('applied');
      const after = await db()
        .selectFrom('enrolments')
        .selectAll()
        .where('id', '=', e.id)
        .executeTakeFirstOrThrow();
      expect(after.attendance).toBe(to);
      expect(after.version).toBeGreaterThan(e.version);
      expect(JSON.parse(after.field_versions)).toEqual({ attendance: [after.version, 'device-att'] });
      expect(await changesOf('enrolment', e.id)).toBe(1);
    });

    test('complete_session and cancel_session change the status; a cancelled session cannot then be completed', async () => {
      const a = await anaSession('scheduled');
      const b = await anaSession('scheduled');
      const results = await push(ana, 'device-status', [
        {
          id: mid('complete'),
          type: 'complete_session',
          args: { session_id: a.id, base_version: a.version },
        },
        { id: mid('cancel'), type: 'cancel_session', args: { session_id: b.id, base_version: b.version } },
        {
          id: mid('complete-cancelled'),
          type: 'complete_session',
          args: { session_id: b.id, base_version: b.version },
        },
      ]);
      expect(results.map((r) => [r.status, r.code])).toEqual([
        ['applied', undefined],
        ['applied', undefined],
        ['rejected', 'invalid_transition'],
      ]);
      expect((await sessionRow(a.id)).status).toBe('completed');
      expect((await sessionRow(b.id)).status).toBe('cancelled');
    });

    test('mark_notification_read and dismiss_notification set the flags and the read time', async () => {
      const n = take(
        'notification',
        await db()
          .selectFrom('notifications')
          .selectAll()
          .where('user_id', '=', ids.ana)
          .where('is_read', '=', 0)
          .orderBy('id')
          .execute(),
      );
      const results = await push(ana, 'device-notif', [
        { id: mid('read'), type: 'mark_notification_read', args: { notification_id: n.id } },
        { id: mid('dismiss'), type: 'dismiss_notification', args: { notification_id: n.id } },
      ]);
      expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
      const after = await db()
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', n.id)
        .executeTakeFirstOrThrow();
      expect(after.is_read).toBe(1);
      expect(after.is_dismissed).toBe(1);
      expect(Date.parse(after.read_at!)).not.toBeNaN();
      expect(after.version).toBeGreaterThan(n.version);
      expect({ ...after, is_read: 0, is_dismissed: 0, read_at: null, version: n.version }).toEqual(n);
    });

    test('update_resource_metadata writes title, description and sharing, and nothing else', async () => {
      const r = take(
        'resource',
        await db()
          .selectFrom('resources')
          .selectAll()
          .where('teacher_id', '=', ids.ana)
          .orderBy('id')
          .execute(),
      );
      const [res] = await push(ana, 'device-res', [
        {
          id: mid('res'),
          type: 'update_resource_metadata',
          args: {
            resource_id: r.id,
            base_version: r.version,
            title: 'Ficha revista',
            description: 'Com soluções',
            shared_with_students: r.shared_with_students === 0,
          },
        },
      ]);
      expect(res!.status).toBe('applied');
      const after = await db()
        .selectFrom('resources')
        .selectAll()
        .where('id', '=', r.id)
        .executeTakeFirstOrThrow();
      expect(after.title).toBe('Ficha revista');
      expect(after.description).toBe('Com soluções');
      expect(after.shared_with_students).toBe(r.shared_with_students === 0 ? 1 : 0);
      const stamp = [after.version, 'device-res'];
      expect(JSON.parse(after.field_versions)).toEqual({
        title: stamp,
        description: stamp,
        shared_with_students: stamp,
      });
      expect({
        ...after,
        title: r.title,
        description: r.description,
        shared_with_students: r.shared_with_students,
        field_versions: r.field_versions,
        version: r.version,
        updated_at: r.updated_at,
      }).toEqual(r);
    });
  });

  describe('exactly once', () => {
    test('the same mutation sent twice has one effect; the second answer is duplicate with the first outcome', async () => {
      const s = await anaSession();
      const m = {
        id: mid('twice'),
        type: 'update_lesson_notes',
        args: { session_id: s.id, base_version: s.version, lesson_notes: 'Uma vez.' },
      };
      expect((await push(ana, 'device-twice', [m]))[0]!.status).toBe('applied');
      const once = await sessionRow(s.id);
      const [again] = await push(ana, 'device-twice', [m]);
      expect(again).toEqual({ id: m.id, status: 'duplicate', original_status: 'applied' });
      expect(await sessionRow(s.id)).toEqual(once);
      expect(await changesOf('session', s.id)).toBe(1);
      expect(await receiptsOf('device-twice')).toHaveLength(1);
    });

    test('a redelivered rejected mutation answers duplicate with the rejection, and still changes nothing', async () => {
      const m = {
        id: mid('rejected'),
        type: 'complete_session',
        args: { session_id: 987_654_321, base_version: 0 },
      };
      const [first] = await push(ana, 'device-rejected', [m]);
      expect(first).toMatchObject({ status: 'rejected', code: 'not_found' });
      const [again] = await push(ana, 'device-rejected', [m]);
      expect(again).toEqual({ ...first, status: 'duplicate', original_status: 'rejected' });
    });

    test('the same mutation delivered concurrently is applied once', async () => {
      const s = await anaSession();
      const m = {
        id: mid('race'),
        type: 'update_lesson_notes',
        args: { session_id: s.id, base_version: s.version, lesson_notes: 'Corrida.' },
      };
      const all = await Promise.all(Array.from({ length: 6 }, () => push(ana, 'device-race', [m])));
      const statuses = all.map(([r]) => r!.status).sort();
      expect(statuses).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      for (const [r] of all) if (r!.status === 'duplicate') expect(r!.original_status).toBe('applied');
      const after = await sessionRow(s.id);
      expect(after.lesson_notes).toBe('Corrida.');
      expect(JSON.parse(after.field_versions)).toEqual({ lesson_notes: [after.version, 'device-race'] });
      expect(await changesOf('session', s.id)).toBe(1);
      expect(await receiptsOf('device-race')).toHaveLength(1);
    });

    test('a mutation id repeated within one push is applied once', async () => {
      const s = await anaSession();
      const m = {
        id: mid('batch'),
        type: 'update_lesson_notes',
        args: { session_id: s.id, base_version: s.version, lesson_notes: 'No lote.' },
      };
      const results = await push(ana, 'device-batch', [m, m]);
      expect(results.map((r) => r.status)).toEqual(['applied', 'duplicate']);
      expect(await changesOf('session', s.id)).toBe(1);
    });

    test('the same mutation id from another device is another mutation', async () => {
      const s = await anaSession();
      const id = mid('shared-id');
      const edit = (notes: string) => ({
        id,
        type: 'update_lesson_notes',
        args: { session_id: s.id, base_version: s.version, lesson_notes: notes },
      });
      expect((await push(ana, 'device-one', [edit('Um.')]))[0]!.status).toBe('applied');
      const [second] = await push(ana, 'device-two', [edit('Dois.')]);
      // Device two edited from the same base after device one wrote: a conflict, not a duplicate.
      expect(second).toMatchObject({ status: 'rejected', code: 'conflict' });
    });
  });

  describe('rows that left the view', () => {
    test("a teacher whose membership was deactivated gets scope_revoked, and the school's rows stay as they were", async () => {
      const admin = await signedIn(server.url, 'admin@classdesk.test');
      const rui = await signedIn(server.url, 'rui@classdesk.test');
      const s = await db()
        .selectFrom('class_sessions')
        .selectAll()
        .where('teacher_id', '=', ids.rui)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      expect(
        (await admin.patch(`/api/admin/schools/${ids.norte}/memberships/${ids.rui}`, { active: false }))
          .status,
      ).toBe(200);
      try {
        const [r] = await push(rui, 'rui-laptop', [
          {
            id: mid('revoked'),
            type: 'update_lesson_notes',
            args: { session_id: s.id, base_version: s.version, lesson_notes: 'tarde demais' },
          },
        ]);
        expect(r).toMatchObject({ status: 'rejected', code: 'scope_revoked' });
        expect(await sessionRow(s.id)).toEqual(s);
      } finally {
        expect(
          (await admin.patch(`/api/admin/schools/${ids.norte}/memberships/${ids.rui}`, { active: true }))
            .status,
        ).toBe(200);
      }
    });

    test('an expired notification can no longer be read or dismissed', async () => {
      const n = take(
        'notification',
        await db()
          .selectFrom('notifications')
          .selectAll()
          .where('user_id', '=', ids.ana)
          .where('is_read', '=', 0)
          .orderBy('id')
          .execute(),
      );
      await db().updateTable('notifications').set({ expiry_published: 1 }).where('id', '=', n.id).execute();
      const results = await push(ana, 'device-expired', [
        { id: mid('read-expired'), type: 'mark_notification_read', args: { notification_id: n.id } },
        { id: mid('dismiss-expired'), type: 'dismiss_notification', args: { notification_id: n.id } },
      ]);
      expect(results.map((r) => r.code)).toEqual(['not_found', 'not_found']);
      expect(
        await db().selectFrom('notifications').selectAll().where('id', '=', n.id).executeTakeFirstOrThrow(),
      ).toEqual({ ...n, expiry_published: 1 });
    });
  });

  describe('mass assignment', () => {
    test.each([
      ['update_lesson_notes', 'school_id'],
      ['update_lesson_notes', 'teacher_id'],
      ['set_attendance', 'student_id'],
      ['complete_session', 'id'],
      ['cancel_session', 'status'],
      ['mark_notification_read', 'user_id'],
      ['dismiss_notification', 'role'],
      ['update_resource_metadata', 'teacher_id'],
      ['update_resource_metadata', 'scan_status'],
    ])('%s with an extra %s is rejected as invalid_args and changes nothing', async (type, key) => {
      const s = await db()
        .selectFrom('class_sessions')
        .selectAll()
        .where('teacher_id', '=', ids.ana)
        .where('status', '=', 'scheduled')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const e = await db()
        .selectFrom('enrolments')
        .selectAll()
        .where('session_id', '=', s.id)
        .executeTakeFirstOrThrow();
      const n = await db()
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', ids.ana)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const r = await db()
        .selectFrom('resources')
        .selectAll()
        .where('teacher_id', '=', ids.ana)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const args: Record<string, Record<string, unknown>> = {
        update_lesson_notes: { session_id: s.id, base_version: s.version, lesson_notes: 'x' },
        set_attendance: { enrolment_id: e.id, attendance: 'present', base_version: e.version },
        complete_session: { session_id: s.id, base_version: s.version },
        cancel_session: { session_id: s.id, base_version: s.version },
        mark_notification_read: { notification_id: n.id },
        dismiss_notification: { notification_id: n.id },
        update_resource_metadata: { resource_id: r.id, base_version: r.version, title: 'x' },
      };
      const intruding: Record<string, unknown> = {
        school_id: ids.sul,
        teacher_id: ids.rui,
        student_id: ids.rui,
        id: 1,
        status: 'completed',
        user_id: ids.rui,
        role: 'admin',
        scan_status: 'clean',
      };
      const before = await snapshotDb(db(), VOLATILE_TABLES);
      const [res] = await push(ana, 'device-mass', [
        { id: mid('mass'), type, args: { ...args[type], [key]: intruding[key] } },
      ]);
      expect(res).toMatchObject({ status: 'rejected', code: 'invalid_args' });
      expect(res!.message).toContain(key);
      const after = await snapshotDb(db(), VOLATILE_TABLES);
      // The rejection is recorded (a receipt) under a version of its own; no row changed.
      delete before.change_counter;
      delete after.change_counter;
      expect(after).toEqual(before);
    });

    test('an unknown mutation type is rejected as unknown_type', async () => {
      const [res] = await push(ana, 'device-mass', [
        { id: mid('type'), type: 'delete_school', args: { school_id: ids.norte } },
      ]);
      expect(res).toMatchObject({ status: 'rejected', code: 'unknown_type' });
      expect(
        await db().selectFrom('schools').select('id').where('id', '=', ids.norte).execute(),
      ).toHaveLength(1);
    });
  });

  describe('conflicts', () => {
    test('two devices edit the same field from the same base: the first wins, the second is rejected with both values', async () => {
      const s = await anaSession();
      const edit = (notes: string) => ({
        id: mid('same-field'),
        type: 'update_lesson_notes',
        args: { session_id: s.id, base_version: s.version, lesson_notes: notes },
      });
      expect((await push(ana, 'laptop-1', [edit('Do portátil.')]))[0]!.status).toBe('applied');
      const won = await sessionRow(s.id);
      const [lost] = await push(ana, 'desktop-1', [edit('Do computador da escola.')]);
      expect(lost).toMatchObject({
        status: 'rejected',
        code: 'conflict',
        conflict: {
          field: 'lesson_notes',
          server_value: 'Do portátil.',
          your_value: 'Do computador da escola.',
        },
      });
      expect(await sessionRow(s.id)).toEqual(won);
    });

    test('a device that saw the first write edits on top of it without conflict', async () => {
      const s = await anaSession();
      expect(
        (
          await push(ana, 'laptop-1', [
            {
              id: mid('first'),
              type: 'update_lesson_notes',
              args: { session_id: s.id, base_version: s.version, lesson_notes: 'A' },
            },
          ])
        )[0]!.status,
      ).toBe('applied');
      const seen = await sessionRow(s.id);
      const [r] = await push(ana, 'desktop-1', [
        {
          id: mid('on-top'),
          type: 'update_lesson_notes',
          args: { session_id: s.id, base_version: seen.version, lesson_notes: 'A e B' },
        },
      ]);
      expect(r!.status).toBe('applied');
      expect((await sessionRow(s.id)).lesson_notes).toBe('A e B');
    });

    test('two devices editing different fields of one session from the same base both survive', async () => {
      const s = await anaSession('scheduled');
      const [notes] = await push(ana, 'laptop-1', [
        {
          id: mid('notes'),
          type: 'update_lesson_notes',
          args: { session_id: s.id, base_version: s.version, lesson_notes: 'Notas do portátil.' },
        },
      ]);
      const [cancel] = await push(ana, 'desktop-1', [
        { id: mid('cancel'), type: 'cancel_session', args: { session_id: s.id, base_version: s.version } },
      ]);
      expect([notes!.status, cancel!.status]).toEqual(['applied', 'applied']);
      const after = await sessionRow(s.id);
      expect(after.lesson_notes).toBe('Notas do portátil.');
      expect(after.status).toBe('cancelled');
      const stamps = JSON.parse(after.field_versions) as Record<string, [number, string]>;
      expect(stamps.lesson_notes![1]).toBe('laptop-1');
      expect(stamps.status).toEqual([after.version, 'desktop-1']);
    });

    test("a device's own successive edits from the same base never conflict with each other", async () => {
      const s = await anaSession();
      const edit = (notes: string) => ({
        id: mid('own'),
        type: 'update_lesson_notes',
        args: { session_id: s.id, base_version: s.version, lesson_notes: notes },
      });
      const batch = await push(ana, 'laptop-1', [edit('Primeira.'), edit('Segunda.')]);
      const later = await push(ana, 'laptop-1', [edit('Terceira.')]);
      expect([...batch, ...later].map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
      expect((await sessionRow(s.id)).lesson_notes).toBe('Terceira.');
    });

    test('an admin edit after the base conflicts with a device edit of the same field', async () => {
      const admin = await signedIn(server.url, 'admin@classdesk.test');
      const s = await anaSession('scheduled');
      expect(
        (await admin.patch(`/api/admin/schools/${s.school_id}/sessions/${s.id}`, { status: 'cancelled' }))
          .status,
      ).toBe(200);
      const [r] = await push(ana, 'laptop-1', [
        {
          id: mid('after-admin'),
          type: 'complete_session',
          args: { session_id: s.id, base_version: s.version },
        },
      ]);
      expect(r).toMatchObject({
        status: 'rejected',
        code: 'conflict',
        conflict: { field: 'status', server_value: 'cancelled', your_value: 'completed' },
      });
      expect((await sessionRow(s.id)).status).toBe('cancelled');
    });

    test('resource metadata: a conflict on one field rejects the whole edit, other fields included', async () => {
      const r = take(
        'resource',
        await db()
          .selectFrom('resources')
          .selectAll()
          .where('teacher_id', '=', ids.ana)
          .orderBy('id')
          .execute(),
      );
      const edit = (title: string, description?: string) => ({
        id: mid('res-conflict'),
        type: 'update_resource_metadata',
        args: { resource_id: r.id, base_version: r.version, title, ...(description ? { description } : {}) },
      });
      expect((await push(ana, 'laptop-1', [edit('Título do portátil')]))[0]!.status).toBe('applied');
      const won = await db()
        .selectFrom('resources')
        .selectAll()
        .where('id', '=', r.id)
        .executeTakeFirstOrThrow();
      const [lost] = await push(ana, 'desktop-1', [edit('Título do computador', 'Descrição nova')]);
      expect(lost).toMatchObject({
        code: 'conflict',
        conflict: { field: 'title', server_value: 'Título do portátil', your_value: 'Título do computador' },
      });
      expect(
        await db().selectFrom('resources').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow(),
      ).toEqual(won);
    });

    test('two devices racing on the same field: exactly one wins and the other learns its value', async () => {
      const s = await anaSession();
      const edit = (notes: string) => ({
        id: mid('race-field'),
        type: 'update_lesson_notes',
        args: { session_id: s.id, base_version: s.version, lesson_notes: notes },
      });
      const [[a], [b]] = await Promise.all([
        push(ana, 'laptop-1', [edit('Portátil')]),
        push(ana, 'desktop-1', [edit('Escola')]),
      ]);
      const results = [a!, b!];
      const winner = results.find((r) => r.status === 'applied');
      const loser = results.find((r) => r.status === 'rejected');
      expect(winner).toBeDefined();
      expect(loser?.code).toBe('conflict');
      const final = (await sessionRow(s.id)).lesson_notes;
      expect(loser!.conflict).toEqual({
        field: 'lesson_notes',
        server_value: final,
        your_value: final === 'Portátil' ? 'Escola' : 'Portátil',
      });
    });
  });
});
