/**
 * `POST /api/sync/push`: applies a client's offline mutations in order, each in its own
 * transaction together with its receipt, so a mutation (client_id + id) has an effect at most
 * once and a redelivery answers `duplicate` with the first outcome.
 *
 * Conflict policy (same field edited on two devices): the first write to reach the server
 * wins. A later mutation whose `base_version` predates the field's last write by another
 * client is rejected with code `conflict`, carrying the server's value and the losing value.
 * Writes to different fields never conflict; a client's own earlier writes never conflict
 * with its later ones.
 */
import type { Kysely } from 'kysely';
import {
  MUTATION_ARGS,
  type MutationArgs,
  type MutationResult,
  type MutationType,
  type PushBody,
} from '../../src/shared/protocol.js';
import type { DB } from '../db/schema.js';
import { parseFieldVersions, stampFields, type WriteContext } from './changes.js';
import { write, type DomainContext } from './context.js';
import { AppError } from './errors.js';

export class Rejection extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly conflict?: MutationResult['conflict'],
  ) {
    super(message);
  }
}

interface Caller {
  userId: number;
  clientId: string;
}

type Handler<T extends MutationType> = (w: WriteContext, c: Caller, args: MutationArgs<T>) => Promise<void>;

async function requireActiveTeacher(db: Kysely<DB>, userId: number, schoolId: number): Promise<void> {
  const m = await db
    .selectFrom('memberships')
    .select(['role', 'active'])
    .where('user_id', '=', userId)
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
  if (!m || m.role !== 'teacher') throw new Rejection('not_found', 'not found');
  if (!m.active) throw new Rejection('scope_revoked', 'your membership in this school is no longer active');
}

function checkConflict(
  fieldVersions: string,
  field: string,
  baseVersion: number,
  clientId: string,
  serverValue: unknown,
  yourValue: unknown,
): void {
  const last = parseFieldVersions(fieldVersions)[field];
  if (last && last[0] > baseVersion && last[1] !== clientId && serverValue !== yourValue) {
    throw new Rejection('conflict', `${field} was changed on the server after your edit was made`, {
      field,
      server_value: serverValue,
      your_value: yourValue,
    });
  }
}

async function ownSession(w: WriteContext, c: Caller, sessionId: number) {
  const s = await w.trx
    .selectFrom('class_sessions')
    .select(['id', 'school_id', 'teacher_id', 'status', 'lesson_notes', 'field_versions'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!s || s.teacher_id !== c.userId) throw new Rejection('not_found', 'session not found');
  await requireActiveTeacher(w.trx, c.userId, s.school_id);
  return s;
}

async function setSessionStatus(
  w: WriteContext,
  c: Caller,
  args: { session_id: number; base_version: number },
  to: 'completed' | 'cancelled',
): Promise<void> {
  const s = await ownSession(w, c, args.session_id);
  checkConflict(s.field_versions, 'status', args.base_version, c.clientId, s.status, to);
  if (s.status === to) return;
  if (s.status !== 'scheduled') {
    throw new Rejection('invalid_transition', `a ${s.status} session cannot be marked ${to}`);
  }
  await w.trx
    .updateTable('class_sessions')
    .set({
      status: to,
      field_versions: stampFields(s.field_versions, ['status'], w.version, c.clientId),
      version: w.version,
      updated_at: w.now,
    })
    .where('id', '=', s.id)
    .execute();
  w.touch({ school_id: s.school_id, teacher_id: c.userId, entity: 'session', row_id: s.id });
}

async function ownNotification(w: WriteContext, c: Caller, id: number) {
  const n = await w.trx
    .selectFrom('notifications')
    .select(['id', 'school_id', 'user_id', 'is_read', 'is_dismissed', 'expiry_published'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!n || n.user_id !== c.userId || n.expiry_published)
    throw new Rejection('not_found', 'notification not found');
  await requireActiveTeacher(w.trx, c.userId, n.school_id);
  return n;
}

const HANDLERS: { [T in MutationType]: Handler<T> } = {
  async update_lesson_notes(w, c, args) {
    const s = await ownSession(w, c, args.session_id);
    checkConflict(
      s.field_versions,
      'lesson_notes',
      args.base_version,
      c.clientId,
      s.lesson_notes,
      args.lesson_notes,
    );
    if (s.lesson_notes === args.lesson_notes) return;
    await w.trx
      .updateTable('class_sessions')
      .set({
        lesson_notes: args.lesson_notes,
        field_versions: stampFields(s.field_versions, ['lesson_notes'], w.version, c.clientId),
        version: w.version,
        updated_at: w.now,
      })
      .where('id', '=', s.id)
      .execute();
    w.touch({ school_id: s.school_id, teacher_id: c.userId, entity: 'session', row_id: s.id });
  },

  async set_attendance(w, c, args) {
    const e = await w.trx
      .selectFrom('enrolments')
      .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
      .innerJoin('memberships', (j) =>
        j
          .onRef('memberships.user_id', '=', 'enrolments.student_id')
          .onRef('memberships.school_id', '=', 'enrolments.school_id'),
      )
      .select([
        'enrolments.id',
        'enrolments.school_id',
        'enrolments.attendance',
        'enrolments.field_versions',
        'class_sessions.teacher_id',
        'memberships.active as student_active',
      ])
      .where('enrolments.id', '=', args.enrolment_id)
      .executeTakeFirst();
    if (!e || e.teacher_id !== c.userId || !e.student_active)
      throw new Rejection('not_found', 'enrolment not found');
    await requireActiveTeacher(w.trx, c.userId, e.school_id);
    checkConflict(
      e.field_versions,
      'attendance',
      args.base_version,
      c.clientId,
      e.attendance,
      args.attendance,
    );
    if (e.attendance === args.attendance) return;
    await w.trx
      .updateTable('enrolments')
      .set({
        attendance: args.attendance,
        field_versions: stampFields(e.field_versions, ['attendance'], w.version, c.clientId),
        version: w.version,
      })
      .where('id', '=', e.id)
      .execute();
    w.touch({ school_id: e.school_id, teacher_id: c.userId, entity: 'enrolment', row_id: e.id });
  },

  complete_session: (w, c, args) => setSessionStatus(w, c, args, 'completed'),
  cancel_session: (w, c, args) => setSessionStatus(w, c, args, 'cancelled'),

  async mark_notification_read(w, c, args) {
    const n = await ownNotification(w, c, args.notification_id);
    if (n.is_read) {
      // Already read (on another device): nothing changes, but the device showed its own read
      // time; logging the row sends it the server's, or its copy would differ for good.
      w.touch({ school_id: n.school_id, teacher_id: c.userId, entity: 'notification', row_id: n.id });
      return;
    }
    await w.trx
      .updateTable('notifications')
      .set({ is_read: 1, read_at: w.now, version: w.version })
      .where('id', '=', n.id)
      .execute();
    w.touch({ school_id: n.school_id, teacher_id: c.userId, entity: 'notification', row_id: n.id });
  },

  async dismiss_notification(w, c, args) {
    const n = await ownNotification(w, c, args.notification_id);
    if (n.is_dismissed) return;
    await w.trx
      .updateTable('notifications')
      .set({ is_dismissed: 1, version: w.version })
      .where('id', '=', n.id)
      .execute();
    w.touch({ school_id: n.school_id, teacher_id: c.userId, entity: 'notification', row_id: n.id });
  },

  async update_resource_metadata(w, c, args) {
    const r = await w.trx
      .selectFrom('resources')
      .select([
        'id',
        'school_id',
        'teacher_id',
        'title',
        'description',
        'shared_with_students',
        'field_versions',
      ])
      .where('id', '=', args.resource_id)
      .executeTakeFirst();
    if (!r || r.teacher_id !== c.userId) throw new Rejection('not_found', 'resource not found');
    await requireActiveTeacher(w.trx, c.userId, r.school_id);
    const current = {
      title: r.title,
      description: r.description,
      shared_with_students: r.shared_with_students !== 0,
    };
    const fields = (['title', 'description', 'shared_with_students'] as const).filter(
      (f) => args[f] !== undefined,
    );
    for (const f of fields)
      checkConflict(r.field_versions, f, args.base_version, c.clientId, current[f], args[f]);
    await w.trx
      .updateTable('resources')
      .set({
        ...(args.title !== undefined ? { title: args.title } : {}),
        ...(args.description !== undefined ? { description: args.description } : {}),
        ...(args.shared_with_students !== undefined
          ? { shared_with_students: args.shared_with_students ? 1 : 0 }
          : {}),
        field_versions: stampFields(r.field_versions, [...fields], w.version, c.clientId),
        version: w.version,
        updated_at: w.now,
      })
      .where('id', '=', r.id)
      .execute();
    w.touch({ school_id: r.school_id, teacher_id: c.userId, entity: 'resource', row_id: r.id });
  },
};

export function isMutationType(t: string): t is MutationType {
  return Object.hasOwn(MUTATION_ARGS, t);
}

export async function push(ctx: DomainContext, userId: number, body: PushBody): Promise<MutationResult[]> {
  const results: MutationResult[] = [];
  const caller: Caller = { userId, clientId: body.client_id };
  for (const m of body.mutations) {
    results.push(await applyOne(ctx, caller, m));
  }
  return results;
}

type Outcome = Omit<MutationResult, 'id'>;

async function applyOne(
  ctx: DomainContext,
  caller: Caller,
  m: PushBody['mutations'][number],
): Promise<MutationResult> {
  const outcome = await write(ctx, async (w): Promise<Outcome> => {
    const receipt = await w.trx
      .selectFrom('push_receipts')
      .select('result')
      .where('user_id', '=', caller.userId)
      .where('client_id', '=', caller.clientId)
      .where('mutation_id', '=', m.id)
      .executeTakeFirst();
    if (receipt) {
      const first = JSON.parse(receipt.result) as Outcome;
      return { ...first, status: 'duplicate', original_status: first.status as 'applied' | 'rejected' };
    }
    const result = await runHandler(w, caller, m);
    await w.trx
      .insertInto('push_receipts')
      .values({
        user_id: caller.userId,
        client_id: caller.clientId,
        mutation_id: m.id,
        result: JSON.stringify(result),
        created_at: w.now,
      })
      .execute();
    return result;
  });
  return { id: m.id, ...outcome };
}

async function runHandler(
  w: WriteContext,
  caller: Caller,
  m: PushBody['mutations'][number],
): Promise<Outcome> {
  if (!isMutationType(m.type)) {
    return { status: 'rejected', code: 'unknown_type', message: `unknown mutation type "${m.type}"` };
  }
  const parsed = MUTATION_ARGS[m.type].safeParse(m.args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(',') : 'args');
    return { status: 'rejected', code: 'invalid_args', message: `${field}: ${issue?.message ?? 'invalid'}` };
  }
  const handler = HANDLERS[m.type] as Handler<MutationType>;
  try {
    // Handlers check everything before they write, so a rejection leaves nothing behind.
    await handler(w, caller, parsed.data);
    return { status: 'applied' };
  } catch (e) {
    if (e instanceof Rejection) {
      return {
        status: 'rejected',
        code: e.code,
        message: e.message,
        ...(e.conflict ? { conflict: e.conflict } : {}),
      };
    }
    throw e;
  }
}

/** Applies one mutation outside the offline outbox (plain HTTP routes): a rejection becomes an HTTP error. */
export async function applyNow<T extends MutationType>(
  ctx: DomainContext,
  userId: number,
  type: T,
  args: MutationArgs<T>,
): Promise<void> {
  try {
    await write(ctx, (w) => (HANDLERS[type] as Handler<T>)(w, { userId, clientId: 'http' }, args));
  } catch (e) {
    if (!(e instanceof Rejection)) throw e;
    if (e.code === 'not_found') throw new AppError(404, 'not_found', e.message);
    if (e.code === 'scope_revoked') throw new AppError(403, 'scope_revoked', e.message);
    throw new AppError(409, e.code, e.message);
  }
}
