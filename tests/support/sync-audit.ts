/**
 * Assertions shared by the fault tests: plans of offline edits whose double application would
 * show on the server, the server-side audit of "applied exactly once", and the device-side
 * audit of "settled, converged, intact".
 */
import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../server/db/schema.js';
import type { Device } from '../../src/main/core/device.js';
import type { LocalStore } from '../../src/main/core/store/local-store.js';
import type { ChildEdit } from './run-child.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';

type Attendance = 'present' | 'absent' | 'late';
const ATTENDANCE: Attendance[] = ['present', 'absent', 'late'];

export interface EditPlan {
  edits: ChildEdit[];
  /** Final value of each edited row: the last edit of its sequence. */
  notes: Map<number, string>;
  attendance: Map<number, Attendance>;
  /** How many edits each row received (each one changes the value the previous one left). */
  editsPerSession: Map<number, number>;
  editsPerEnrolment: Map<number, number>;
}

/** Rows of a teacher the plans can edit: sessions of each school and enrolments of active students. */
export async function editableRows(db: Kysely<DB>, teacherId: number, schoolId: number) {
  const sessions = await db
    .selectFrom('class_sessions')
    .select('id')
    .where('teacher_id', '=', teacherId)
    .where('school_id', '=', schoolId)
    .orderBy('id')
    .execute();
  const enrolments = await db
    .selectFrom('enrolments')
    .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
    .innerJoin('memberships', (j) =>
      j
        .onRef('memberships.user_id', '=', 'enrolments.student_id')
        .onRef('memberships.school_id', '=', 'enrolments.school_id'),
    )
    .select(['enrolments.id', 'enrolments.attendance'])
    .where('class_sessions.teacher_id', '=', teacherId)
    .where('enrolments.school_id', '=', schoolId)
    .where('memberships.active', '=', 1)
    .orderBy('enrolments.id')
    .execute();
  return { sessions: sessions.map((s) => s.id), enrolments };
}

/**
 * Sequences of edits on the same rows: `perRow` lesson-notes edits on each session and `perRow`
 * attendance edits on each enrolment, each different from the value before it, one row's
 * sequence after the other (so a push batch holds consecutive edits of one row). An edit
 * applied twice — a batch re-applied after a lost answer — leaves an extra entry in the
 * server's change log, or a wrong final value if it lands after a later edit.
 */
export function planEdits(
  tag: string,
  sessions: number[],
  enrolments: Array<{ id: number; attendance: string }>,
  perRow: number,
): EditPlan {
  const plan: EditPlan = {
    edits: [],
    notes: new Map(),
    attendance: new Map(),
    editsPerSession: new Map(),
    editsPerEnrolment: new Map(),
  };
  for (const s of sessions) {
    for (let k = 1; k <= perRow; k++) {
      const notes = `${tag} session ${s} edit #${k}`;
      plan.edits.push({ type: 'update_lesson_notes', args: { session_id: s, lesson_notes: notes } });
      plan.notes.set(s, notes);
      plan.editsPerSession.set(s, k);
    }
  }
  for (const e of enrolments) {
    const start = Math.max(0, ATTENDANCE.indexOf(e.attendance as Attendance)) + 1;
    for (let k = 1; k <= perRow; k++) {
      const attendance = ATTENDANCE[(start + k - 1) % ATTENDANCE.length]!;
      plan.edits.push({ type: 'set_attendance', args: { enrolment_id: e.id, attendance } });
      plan.attendance.set(e.id, attendance);
      plan.editsPerEnrolment.set(e.id, k);
    }
  }
  return plan;
}

export async function changeLogHead(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('sync_changes')
    .select((eb) => eb.fn.max('seq').as('head'))
    .executeTakeFirst();
  return Number(row?.head ?? 0);
}

/**
 * The server holds every edit of the plan exactly once: one receipt per outbox id, each
 * `applied`, no other receipt from this device, the final values of the sequences, and one
 * change-log entry per edit of each row since `sinceSeq` (a re-applied edit would add one).
 */
export async function expectAppliedExactlyOnce(
  db: Kysely<DB>,
  o: { userId: number; clientId: string; outboxIds: string[]; plan: EditPlan; sinceSeq: number },
): Promise<void> {
  expect(o.outboxIds).toHaveLength(o.plan.edits.length);
  const receipts = await db
    .selectFrom('push_receipts')
    .select(['mutation_id', 'result'])
    .where('user_id', '=', o.userId)
    .where('client_id', '=', o.clientId)
    .execute();
  expect(receipts.map((r) => r.mutation_id).sort()).toEqual([...o.outboxIds].sort());
  for (const r of receipts) expect(JSON.parse(r.result)).toMatchObject({ status: 'applied' });

  const sessionIds = [...o.plan.notes.keys()];
  const enrolmentIds = [...o.plan.attendance.keys()];
  if (sessionIds.length) {
    const rows = await db
      .selectFrom('class_sessions')
      .select(['id', 'lesson_notes'])
      .where('id', 'in', sessionIds)
      .execute();
    expect(new Map(rows.map((r) => [r.id, r.lesson_notes]))).toEqual(o.plan.notes);
  }
  if (enrolmentIds.length) {
    const rows = await db
      .selectFrom('enrolments')
      .select(['id', 'attendance'])
      .where('id', 'in', enrolmentIds)
      .execute();
    expect(new Map(rows.map((r) => [r.id, r.attendance]))).toEqual(o.plan.attendance);
  }

  const logged = await db
    .selectFrom('sync_changes')
    .select(['entity', 'row_id'])
    .where('seq', '>', o.sinceSeq)
    .where('teacher_id', '=', o.userId)
    .where((eb) =>
      eb.or([
        eb.and([eb('entity', '=', 'session'), eb('row_id', 'in', [...sessionIds, -1])]),
        eb.and([eb('entity', '=', 'enrolment'), eb('row_id', 'in', [...enrolmentIds, -1])]),
      ]),
    )
    .execute();
  const count = (entity: string) => {
    const m = new Map<number, number>();
    for (const l of logged) if (l.entity === entity) m.set(l.row_id, (m.get(l.row_id) ?? 0) + 1);
    return m;
  };
  expect(count('session')).toEqual(o.plan.editsPerSession);
  expect(count('enrolment')).toEqual(o.plan.editsPerEnrolment);
}

/** `PRAGMA integrity_check` of the device database. */
export function integrity(store: LocalStore): string {
  return storeDatabase(store).sqlite.pragma('integrity_check', { simple: true }) as string;
}

/**
 * The device has nothing left to push or to show, its copy of every school it holds matches
 * the server's checksum, the plan's final values are on it, and its database is intact.
 */
export async function expectDeviceSettled(device: Device, plan: EditPlan, schools: number[]): Promise<void> {
  const { store, engine } = device;
  expect(integrity(store)).toBe('ok');
  expect(store.pending()).toEqual([]);
  expect(store.attention()).toEqual([]);
  expect(store.quarantine()).toEqual([]);
  const verified = await engine.verify();
  expect(verified.map((v) => v.schoolId).sort()).toEqual([...schools].sort());
  for (const v of verified) expect(v, `school ${v.schoolId}`).toMatchObject({ match: true });
  const notes = await storeDatabase(store)
    .db.selectFrom('sessions')
    .select(['id', 'lesson_notes'])
    .where('id', 'in', [...plan.notes.keys(), -1])
    .execute();
  expect(new Map(notes.map((r) => [r.id, r.lesson_notes]))).toEqual(plan.notes);
  const attendance = await storeDatabase(store)
    .db.selectFrom('enrolments')
    .select(['id', 'attendance'])
    .where('id', 'in', [...plan.attendance.keys(), -1])
    .execute();
  expect(new Map(attendance.map((r) => [r.id, r.attendance]))).toEqual(plan.attendance);
}
