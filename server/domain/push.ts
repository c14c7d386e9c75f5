/**
 * `POST /api/sync/push`: applies a client's offline mutations in order, each in its own
 * transaction together with its receipt, so a mutation (client_id + id) has an effect at most
 * once and a redelivery answers `duplicate` with the first outcome.
 *
 * Each edit type is a mutator of src/shared/mutators.ts; this module is the server's runner of
 * them: it reads the target row with authority, checks the caller's right, conflicts and the
 * row's state, and writes the mutator's fields.
 *
 * Conflict policy (same field edited on two devices): the first write to reach the server
 * wins. A later mutation whose `base_version` predates the field's last write by another
 * client is rejected with code `conflict`, carrying the server's value and the losing value.
 * Writes to different fields never conflict; a client's own earlier writes never conflict
 * with its later ones.
 */
import type { Insertable, Kysely, Updateable } from 'kysely';
import {
  EDIT_TABLES,
  EditRefused,
  fieldValue,
  isMutationType,
  mutatorOf,
  sameValue,
  storedValue,
  type AnyMutator,
  type EditField,
  type EditTable,
  type FieldValue,
  type TargetRow,
} from '../../src/shared/mutators.js';
import type { MutationArgs, MutationResult, MutationType, PushBody } from '../../src/shared/protocol.js';
import type { DB } from '../db/schema.js';
import { parseFieldVersions, stampFields, type WriteContext } from './changes.js';
import { write, type DomainContext } from './context.js';
import { AppError } from './errors.js';
import { VIEW } from './scope.js';

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
  serverValue: FieldValue | undefined,
  yourValue: FieldValue | undefined,
): void {
  const last = parseFieldVersions(fieldVersions)[field];
  if (last && last[0] > baseVersion && last[1] !== clientId && !sameValue(serverValue, yourValue)) {
    throw new Rejection('conflict', `${field} was changed on the server after your edit was made`, {
      field,
      server_value: serverValue,
      your_value: yourValue,
    });
  }
}

/** A target row as read on the server: the mutator's view, plus what the runner needs to write. */
interface ServerRow extends TargetRow {
  field_versions: string | null;
}

type TableName =
  'class_sessions' | 'enrolments' | 'notifications' | 'resources' | 'plan_templates' | 'student_notes';

/** Where each edit table lives on the server, and the bookkeeping columns its rows have. */
const SERVER_TABLES: Record<EditTable, { table: TableName; fieldVersions: boolean; updatedAt: boolean }> = {
  sessions: { table: 'class_sessions', fieldVersions: true, updatedAt: true },
  enrolments: { table: 'enrolments', fieldVersions: true, updatedAt: false },
  notifications: { table: 'notifications', fieldVersions: false, updatedAt: false },
  resources: { table: 'resources', fieldVersions: true, updatedAt: true },
  plan_templates: { table: 'plan_templates', fieldVersions: true, updatedAt: true },
  student_notes: { table: 'student_notes', fieldVersions: true, updatedAt: true },
};

/** Fields kept in a table of their own (a resource's courses), read and written here. */
const LINKED_FIELDS: Partial<Record<EditTable, Record<string, true>>> = { resources: { course_ids: true } };

const valuesOf = (table: EditTable, row: Record<string, unknown>): Record<string, FieldValue> =>
  Object.fromEntries(Object.keys(EDIT_TABLES[table].fields).map((f) => [f, fieldValue(table, f, row[f])]));

const SESSION_FIELDS = Object.keys(EDIT_TABLES.sessions.fields) as Array<EditField<'sessions'>>;

/** Reads a target row with the facts the permission rule needs (owner, whether it may be edited). */
const LOADERS: Record<EditTable, (db: Kysely<DB>, id: number, c: Caller) => Promise<ServerRow | undefined>> =
  {
    async sessions(db, id) {
      const s = await db
        .selectFrom('class_sessions')
        .select(['school_id', 'teacher_id', 'field_versions', ...SESSION_FIELDS])
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        s && {
          school_id: s.school_id,
          owner_id: s.teacher_id,
          editable: true,
          values: valuesOf('sessions', s),
          field_versions: s.field_versions,
        }
      );
    },
    async enrolments(db, id) {
      // An enrolment is its session teacher's, while its student is an active member of the school.
      const e = await db
        .selectFrom('enrolments')
        .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
        .innerJoin('memberships', (j) =>
          j
            .onRef('memberships.user_id', '=', 'enrolments.student_id')
            .onRef('memberships.school_id', '=', 'enrolments.school_id'),
        )
        .select([
          'enrolments.school_id',
          'enrolments.attendance',
          'enrolments.field_versions',
          'class_sessions.teacher_id',
          'memberships.active as student_active',
        ])
        .where('enrolments.id', '=', id)
        .executeTakeFirst();
      return (
        e && {
          school_id: e.school_id,
          owner_id: e.teacher_id,
          editable: e.student_active === 1,
          values: valuesOf('enrolments', e),
          field_versions: e.field_versions,
        }
      );
    },
    async notifications(db, id) {
      const n = await db
        .selectFrom('notifications')
        .select(['school_id', 'user_id', 'is_read', 'read_at', 'is_dismissed', 'expiry_published'])
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        n && {
          school_id: n.school_id,
          owner_id: n.user_id,
          editable: n.expiry_published === 0,
          values: valuesOf('notifications', n),
          field_versions: null,
        }
      );
    },
    async resources(db, id) {
      const r = await db
        .selectFrom('resources')
        .select(['school_id', 'teacher_id', 'title', 'description', 'shared_with_students', 'field_versions'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r) return undefined;
      const links = await db
        .selectFrom('resource_courses')
        .select('course_id')
        .where('resource_id', '=', id)
        .orderBy('course_id')
        .execute();
      return {
        school_id: r.school_id,
        owner_id: r.teacher_id,
        editable: true,
        values: valuesOf('resources', { ...r, course_ids: links.map((l) => l.course_id) }),
        field_versions: r.field_versions,
      };
    },
    // Rows private to a teacher are looked up among the caller's own: another teacher's row with
    // the same id does not exist for them.
    async plan_templates(db, id, c) {
      const t = await db
        .selectFrom('plan_templates')
        .select(['school_id', 'teacher_id', 'name', 'content', 'deleted', 'field_versions'])
        .where('teacher_id', '=', c.userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        t && {
          school_id: t.school_id,
          owner_id: t.teacher_id,
          editable: true,
          values: valuesOf('plan_templates', t),
          field_versions: t.field_versions,
        }
      );
    },
    async student_notes(db, id, c) {
      const n = await db
        .selectFrom('student_notes')
        .select(['school_id', 'teacher_id', 'student_id', 'body', 'field_versions'])
        .where('teacher_id', '=', c.userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        n && {
          school_id: n.school_id,
          owner_id: n.teacher_id,
          editable: true,
          values: valuesOf('student_notes', n),
          keys: { student_id: n.student_id },
          field_versions: n.field_versions,
        }
      );
    },
  };

/** The row an edit with `create` makes when its row does not exist yet, before its fields are written. */
function newRow(m: AnyMutator, args: unknown, c: Caller): ServerRow {
  const create = m.create!;
  return {
    school_id: create.schoolId(args as never),
    owner_id: c.userId,
    editable: true,
    values: {},
    keys: create.columns?.(args as never) ?? {},
    field_versions: null,
  };
}

/** Refuses an edit that refers to rows outside the caller's view of the school. */
async function checkReferences(w: WriteContext, m: AnyMutator, args: unknown, schoolId: number, c: Caller) {
  for (const ref of m.references?.(args as never) ?? []) {
    if (ref.ids.length === 0) continue;
    const seen = await VIEW[ref.entity].rows(w.trx, { schoolId, teacherId: c.userId }, { ids: [...ref.ids] });
    const found = new Set(seen.map((r) => r.id));
    const missing = ref.ids.find((id) => !found.has(id));
    if (missing !== undefined) throw new Rejection('not_found', `${ref.entity} ${missing} not found`);
  }
}

/** A create that meets a row the teacher made elsewhere for the same thing: a conflict. */
async function checkUnique(
  w: WriteContext,
  m: AnyMutator,
  row: ServerRow,
  writes: Record<string, FieldValue>,
) {
  const unique = m.create?.unique;
  if (!unique?.length) return;
  const spec = SERVER_TABLES[m.table];
  let q = w.trx
    .selectFrom(spec.table as 'student_notes')
    .selectAll()
    .where('school_id', '=', row.school_id)
    .where('teacher_id', '=', row.owner_id);
  for (const col of unique) q = q.where(col as 'student_id', '=', row.keys![col] as number);
  const other = (await q.executeTakeFirst()) as Record<string, unknown> | undefined;
  if (!other) return;
  const field = Object.keys(writes)[0]!;
  throw new Rejection(
    'conflict',
    `another device already made this ${EDIT_TABLES[m.table].entity.replace('_', ' ')}`,
    {
      field,
      server_value: fieldValue(m.table, field, other[field]),
      your_value: writes[field]!,
    },
  );
}

/**
 * Runs one mutation with authority inside the write transaction. Everything is checked before
 * anything is written, so a rejection leaves nothing behind.
 */
async function runMutator(w: WriteContext, c: Caller, type: MutationType, args: MutationArgs<MutationType>) {
  const m = mutatorOf(type);
  const { entity } = EDIT_TABLES[m.table];
  const rowId = m.rowId(args);
  const found = await LOADERS[m.table](w.trx, rowId, c);
  const row = found ?? (m.create ? newRow(m, args, c) : undefined);
  if (!row || !m.permission(row, c)) throw new Rejection('not_found', `${entity} not found`);
  await requireActiveTeacher(w.trx, c.userId, row.school_id);
  await checkReferences(w, m, args, row.school_id, c);
  const touch = () => w.touch({ school_id: row.school_id, teacher_id: c.userId, entity, row_id: rowId });
  const writes = m.writes(args, w.now) as Record<string, FieldValue | undefined>;
  const fields = Object.keys(writes).filter((f) => writes[f] !== undefined);
  if (!found) await checkUnique(w, m, row, writes as Record<string, FieldValue>);
  if (m.versioned) {
    const base = (args as { base_version: number }).base_version;
    for (const f of fields)
      checkConflict(row.field_versions ?? '{}', f, base, c.clientId, row.values[f], writes[f]);
  }
  try {
    m.check?.(row, args);
  } catch (e) {
    if (e instanceof EditRefused) throw new Rejection(e.code, e.message);
    throw e;
  }
  if (found && m.done?.(row, args)) {
    // Nothing to write, but the device showed its own values: logging the row sends it the server's.
    touch();
    return;
  }
  const changed = found ? fields.filter((f) => !sameValue(writes[f], row.values[f])) : fields;
  if (changed.length === 0) return;
  const spec = SERVER_TABLES[m.table];
  const linked = LINKED_FIELDS[m.table] ?? {};
  const set: Record<string, unknown> = { version: w.version };
  for (const f of changed) if (!linked[f]) set[f] = storedValue(writes[f]!);
  if (spec.fieldVersions)
    set.field_versions = stampFields(row.field_versions ?? '{}', changed, w.version, c.clientId);
  if (spec.updatedAt) set.updated_at = w.now;
  if (found) {
    let q = w.trx
      .updateTable(spec.table)
      .set(set as Updateable<DB[TableName]>)
      .where('id', '=', rowId);
    if (EDIT_TABLES[m.table].perTeacher) q = q.where('teacher_id' as never, '=', c.userId as never);
    await q.execute();
  } else {
    await w.trx
      .insertInto(spec.table as 'plan_templates')
      .values({
        ...(row.keys as object),
        ...(set as object),
        id: rowId,
        school_id: row.school_id,
        teacher_id: c.userId,
        created_at: w.now,
        updated_at: w.now,
      } as Insertable<DB['plan_templates']>)
      .execute();
  }
  if (linked.course_ids && changed.includes('course_ids'))
    await setResourceCourses(w, rowId, writes.course_ids as number[]);
  touch();
}

async function setResourceCourses(w: WriteContext, resourceId: number, courseIds: readonly number[]) {
  await w.trx.deleteFrom('resource_courses').where('resource_id', '=', resourceId).execute();
  if (courseIds.length)
    await w.trx
      .insertInto('resource_courses')
      .values(courseIds.map((course_id) => ({ resource_id: resourceId, course_id })))
      .execute();
}

/**
 * Applies a push's mutations in order. A mutation that fails for an unexpected reason becomes
 * its own `rejected` result with code `internal` (reported through `onInternalError`), and the
 * rest of the batch proceeds: one bad edit never blocks a device. Only a failure of the
 * database itself (connection, lock, resources) fails the request, so the device retries it.
 */
export async function push(
  ctx: DomainContext,
  userId: number,
  body: PushBody,
  onInternalError?: (mutationId: string, err: unknown) => void,
): Promise<MutationResult[]> {
  const results: MutationResult[] = [];
  const caller: Caller = { userId, clientId: body.client_id };
  for (const m of body.mutations) {
    try {
      results.push(await applyOne(ctx, caller, m));
    } catch (e) {
      if (isTransient(e)) throw e;
      onInternalError?.(m.id, e);
      results.push({
        id: m.id,
        status: 'rejected',
        code: 'internal',
        message: 'the server could not apply this edit because of an internal error; nothing was changed',
      });
    }
  }
  return results;
}

/** PostgreSQL classes and SQLite codes of failures that another attempt may not meet. */
const TRANSIENT_PG_CLASSES = ['08', '40', '53', '57', '58'];
const TRANSIENT_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  '55P03',
]);

function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (TRANSIENT_CODES.has(code) || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_IOERR'))
    return true;
  return /^[0-9A-Z]{5}$/.test(code) && TRANSIENT_PG_CLASSES.includes(code.slice(0, 2));
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
  const parsed = mutatorOf(m.type).argsSchema.safeParse(m.args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(',') : 'args');
    return { status: 'rejected', code: 'invalid_args', message: `${field}: ${issue?.message ?? 'invalid'}` };
  }
  try {
    await runMutator(w, caller, m.type, parsed.data as MutationArgs<MutationType>);
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
    await write(ctx, (w) => runMutator(w, { userId, clientId: 'http' }, type, args));
  } catch (e) {
    if (!(e instanceof Rejection)) throw e;
    if (e.code === 'not_found') throw new AppError(404, 'not_found', e.message);
    if (e.code === 'scope_revoked') throw new AppError(403, 'scope_revoked', e.message);
    throw new AppError(409, e.code, e.message);
  }
}
