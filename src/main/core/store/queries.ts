/**
 * The read queries behind the desktop UI, over the local store: one school (`schoolId`) or every
 * school the teacher holds on this device (`schoolId: null`). The store only ever holds the
 * teacher's scoped view, so no query filters by teacher. Kysely throughout, except the dashboard
 * (dashboard.ts), where the benchmark showed Kysely's per-query cost to matter.
 *
 * Searches are case- and accent-insensitive ("matematica" finds "Matemática"): both sides go
 * through `classdesk_fold`, a function registered on the connection, and match with `instr`, so
 * `%` and `_` in a search are plain characters.
 */
import type SQLite from 'better-sqlite3';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { AnnouncementRow, NotificationRow, ResourceRow, StudentRow } from '../../../shared/entities.js';
import { columnsOf } from '../../../shared/entity-columns.js';
import { storeDatabase, type LocalStore } from './local-store.js';
import { homeworkDue, previousPlan } from './plan-queries.js';
import {
  toNotification,
  toResource,
  toSessionItem,
  type SchoolFilter,
  type SessionItem,
  type SessionStatus,
} from './rows.js';
import type { LocalDB } from './schema.js';

export { dashboard, DASHBOARD_SESSION_LIMIT, RECENT_RESOURCES } from './dashboard.js';
export type { Dashboard, DashboardOptions } from './dashboard.js';
export type { RecentResource, SchoolFilter, SessionItem } from './rows.js';
export { listTemplates, type PlanTemplateItem } from './plan-queries.js';

/** A file of a session: attached to it, linked to its course, or both; on this device or not. */
export interface SessionFile extends ResourceRow {
  attached: boolean;
  via_course: boolean;
  /** The verified file is in the device's cache: it opens offline. */
  offline: boolean;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export interface RosterEntry {
  enrolment_id: number;
  student_id: number;
  name: string;
  email: string;
  attendance: 'unknown' | 'present' | 'absent' | 'late';
  version: number;
}

export interface SessionDetail {
  session: SessionItem;
  course: { id: number; name: string; code: string } | null;
  roster: RosterEntry[];
  /** The files of the session: attached to it, then linked to its course (by title). */
  resources: SessionFile[];
  homework_due: Awaited<ReturnType<typeof homeworkDue>>;
  previous_plan: Awaited<ReturnType<typeof previousPlan>>;
}

export interface StudentItem extends StudentRow {
  /** How many of the teacher's sessions (in that school) the student is enrolled in. */
  session_count: number;
}

export interface SchoolItem {
  id: number;
  name: string;
  timezone: string | null;
  /** The first sync of the school is complete (the server's checksum arrived). */
  ready: boolean;
  last_synced_at: string | null;
  /** Progress of the last full pull (rows), as the server counted them. */
  done: number | null;
  total: number | null;
  unread: number;
  pending_edits: number;
}

const DEFAULT_NOTIFICATION_LIMIT = 200;
const DEFAULT_ANNOUNCEMENT_LIMIT = 100;

// ---- search --------------------------------------------------------------------------------

/** Lower case without diacritics; ASCII (the common case) skips the Unicode normalisation. */
export function fold(s: string): string {
  let f = foldCache.get(s);
  if (f === undefined) {
    // eslint-disable-next-line no-control-regex -- the ASCII range
    f = /^[\x00-\x7f]*$/.test(s) ? s.toLowerCase() : s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    if (foldCache.size >= FOLD_CACHE_SIZE) foldCache.clear();
    foldCache.set(s, f);
  }
  return f;
}

// A search folds every row's title, location and notes, and titles and places repeat: a memo
// makes a search over thousands of sessions several times cheaper (tests/bench/sync.bench.ts).
const FOLD_CACHE_SIZE = 20_000;
const foldCache = new Map<string, string>();

const folded = new WeakSet<SQLite.Database>();

const kysely = (store: LocalStore): Kysely<LocalDB> => storeDatabase(store).db;

function ensureFold(store: LocalStore): void {
  const { sqlite } = storeDatabase(store);
  if (folded.has(sqlite)) return;
  sqlite.function('classdesk_fold', { deterministic: true }, (v: unknown) =>
    typeof v === 'string' ? fold(v) : v,
  );
  folded.add(sqlite);
}

/** The folded search term, or undefined when there is nothing to search for. */
function term(store: LocalStore, search: string | undefined): string | undefined {
  const t = search?.trim();
  if (!t) return undefined;
  ensureFold(store);
  return fold(t);
}

const matches = (column: string, t: string) =>
  sql<SqlBool>`instr(classdesk_fold(${sql.ref(column)}), ${t}) > 0`;

/** Alphabetical order as people expect it: "Álvaro" before "Beatriz" (SQLite compares bytes). */
const byName = (column: string) => sql`classdesk_fold(${sql.ref(column)})`;

/** `col = schoolId`, or true for every school. */
const schoolIs = (col: string, schoolId: SchoolFilter) =>
  schoolId === null ? sql<SqlBool>`1` : sql<SqlBool>`${sql.ref(col)} = ${schoolId}`;

// Written as literals, not parameters: SQLite uses the partial index of visible notifications
// (migrations/client/0002-query-indexes.ts) only when the query states its condition itself.
const NOT_DISMISSED = sql<SqlBool>`is_dismissed = 0`;
const UNREAD = sql<SqlBool>`is_read = 0 and is_dismissed = 0`;

// ---- row shapes ----------------------------------------------------------------------------

const SESSION_COLUMNS = columnsOf('session', 's');

/** Sessions with their course name and the number of students enrolled. */
function sessionItems(db: Kysely<LocalDB>) {
  return db
    .selectFrom('sessions as s')
    .leftJoin('courses as c', 'c.id', 's.course_id')
    .select((eb) => [
      ...SESSION_COLUMNS,
      'c.name as course_name',
      eb
        .selectFrom('enrolments as e')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('e.session_id', '=', 's.id')
        .as('student_count'),
    ]);
}

// ---- sessions ------------------------------------------------------------------------------

export interface SessionQuery {
  schoolId: SchoolFilter;
  /** Matches title, location and lesson notes. */
  search?: string;
  status?: SessionStatus;
  /** Sessions starting at or after `from` and before `to` (ISO instants). */
  from?: string;
  to?: string;
  courseId?: number;
  limit: number;
  offset: number;
}

/** One page of sessions by start time, and how many match in all (for a virtualized list). */
export async function listSessions(store: LocalStore, q: SessionQuery): Promise<Page<SessionItem>> {
  const t = term(store, q.search);
  const where = sessionFilter(q, t);
  if (t) {
    // A search reads every row of the filter once: take the matching ids in order (the total
    // is their number), then the page's rows by id, rather than searching twice.
    const ids = (
      await kysely(store)
        .selectFrom('sessions as s')
        .select('s.id')
        .where(where)
        .orderBy('s.starts_at')
        .orderBy('s.id')
        .execute()
    ).map((r) => r.id);
    const page = ids.slice(q.offset, q.offset + q.limit);
    const rows = page.length
      ? await sessionItems(kysely(store))
          .where('s.id', 'in', page)
          .orderBy('s.starts_at')
          .orderBy('s.id')
          .execute()
      : [];
    return { rows: rows.map(toSessionItem), total: ids.length };
  }
  const rows = await sessionItems(kysely(store))
    .where(where)
    .orderBy('s.starts_at')
    .orderBy('s.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  const { n } = await kysely(store)
    .selectFrom('sessions as s')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(where)
    .executeTakeFirstOrThrow();
  return { rows: rows.map(toSessionItem), total: n };
}

function sessionFilter(q: SessionQuery, t: string | undefined): Expression<SqlBool> {
  const conds: Array<Expression<SqlBool>> = [schoolIs('s.school_id', q.schoolId)];
  if (q.status) conds.push(sql<SqlBool>`s.status = ${q.status}`);
  if (q.from) conds.push(sql<SqlBool>`s.starts_at >= ${q.from}`);
  if (q.to) conds.push(sql<SqlBool>`s.starts_at < ${q.to}`);
  if (q.courseId !== undefined) conds.push(sql<SqlBool>`s.course_id = ${q.courseId}`);
  if (t)
    conds.push(
      sql<SqlBool>`(${matches('s.title', t)} or ${matches('s.location', t)} or ${matches('s.lesson_notes', t)})`,
    );
  return sql<SqlBool>`${sql.join(conds, sql` and `)}`;
}

/** A session with its course, roster (by name) and the resources linked to its course. */
export async function sessionDetail(store: LocalStore, sessionId: number): Promise<SessionDetail | null> {
  ensureFold(store);
  const db = kysely(store);
  const row = await sessionItems(db)
    .select(['c.code as course_code'])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  const { course_code, ...session } = row;
  const roster = await db
    .selectFrom('enrolments as e')
    .innerJoin('students as st', (j) =>
      j.onRef('st.school_id', '=', 'e.school_id').onRef('st.id', '=', 'e.student_id'),
    )
    .select([
      'e.id as enrolment_id',
      'st.id as student_id',
      'st.name',
      'st.email',
      'e.attendance',
      'e.version',
    ])
    .where('e.session_id', '=', sessionId)
    .orderBy(byName('st.name'))
    .orderBy('st.id')
    .execute();
  const courseId = session.course_id;
  const attached = JSON.parse(session.resource_ids) as number[];
  const resources = await db
    .selectFrom('resources as r')
    .leftJoin('file_cache as f', 'f.sha256', 'r.sha256')
    .selectAll('r')
    .select(sql<number>`f.sha256 is not null`.as('offline'))
    .where('r.school_id', '=', session.school_id)
    .where((eb) =>
      eb.or([
        attached.length ? eb('r.id', 'in', attached) : sql<SqlBool>`0`,
        courseId === null
          ? sql<SqlBool>`0`
          : eb.exists(sql`(select 1 from json_each(${sql.ref('r.course_ids')}) where value = ${courseId})`),
      ]),
    )
    .orderBy(byName('r.title'))
    .orderBy('r.id')
    .execute();
  const files = resources.map(({ offline, ...r }) => ({
    ...toResource(r),
    attached: attached.includes(r.id),
    via_course: courseId !== null && (JSON.parse(r.course_ids) as number[]).includes(courseId),
    offline: offline === 1,
  }));
  return {
    session: toSessionItem(session),
    course:
      courseId !== null && session.course_name !== null && course_code !== null
        ? { id: courseId, name: session.course_name, code: course_code }
        : null,
    roster,
    resources: [...files.filter((f) => f.attached), ...files.filter((f) => !f.attached)],
    homework_due: await homeworkDue(store, session),
    previous_plan: await previousPlan(store, session),
  };
}

// ---- students, resources, announcements ----------------------------------------------------

export interface StudentQuery {
  schoolId: SchoolFilter;
  /** Matches name and email. */
  search?: string;
  limit: number;
  offset: number;
}

/** Students by name (accents aside), a page at a time. A student of two schools appears once per school. */
export async function listStudents(store: LocalStore, q: StudentQuery): Promise<Page<StudentItem>> {
  ensureFold(store);
  const t = term(store, q.search);
  const where = sql<SqlBool>`${schoolIs('st.school_id', q.schoolId)}${
    t ? sql` and (${matches('st.name', t)} or ${matches('st.email', t)})` : sql``
  }`;
  // The page is cut first, so each session count is looked up for its 50 rows, not all of them.
  const page = kysely(store)
    .selectFrom('students as st')
    .selectAll('st')
    .where(where)
    .orderBy(byName('st.name'))
    .orderBy('st.school_id')
    .orderBy('st.id')
    .limit(q.limit)
    .offset(q.offset)
    .as('p');
  const rows = await kysely(store)
    .selectFrom(page)
    .select((eb) => [
      'p.id',
      'p.school_id',
      'p.name',
      'p.email',
      'p.version',
      eb
        .selectFrom('enrolments as e')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('e.school_id', '=', 'p.school_id')
        .whereRef('e.student_id', '=', 'p.id')
        .as('session_count'),
    ])
    .orderBy(byName('p.name'))
    .orderBy('p.school_id')
    .orderBy('p.id')
    .execute();
  const { n } = await kysely(store)
    .selectFrom('students as st')
    .where(where)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows: rows.map((r) => ({ ...r, session_count: r.session_count ?? 0 })), total: n };
}

export interface StudentDetail {
  student: StudentRow;
  /** The courses of the teacher's sessions the student is enrolled in, by name. */
  courses: Array<{ id: number; name: string; code: string }>;
  /** The student's sessions with this teacher, newest first, with their attendance mark. */
  attendance: StudentAttendance[];
  /** The teacher's private note about the student (only ever the teacher's own on this device). */
  note: { id: number; body: string; updated_at: string } | null;
}

export interface StudentAttendance {
  enrolment_id: number;
  session_id: number;
  title: string;
  course_name: string | null;
  starts_at: string;
  status: SessionStatus;
  attendance: RosterEntry['attendance'];
}

/** A student of a school with their courses, attendance history and the teacher's note. */
export async function studentDetail(
  store: LocalStore,
  q: { schoolId: number; studentId: number },
): Promise<StudentDetail | null> {
  ensureFold(store);
  const db = kysely(store);
  const student = await db
    .selectFrom('students')
    .selectAll()
    .where('school_id', '=', q.schoolId)
    .where('id', '=', q.studentId)
    .executeTakeFirst();
  if (!student) return null;
  const attendance = await db
    .selectFrom('enrolments as e')
    .innerJoin('sessions as s', 's.id', 'e.session_id')
    .leftJoin('courses as c', 'c.id', 's.course_id')
    .select([
      'e.id as enrolment_id',
      's.id as session_id',
      's.title',
      'c.name as course_name',
      's.starts_at',
      's.status',
      'e.attendance',
    ])
    .where('e.school_id', '=', q.schoolId)
    .where('e.student_id', '=', q.studentId)
    .orderBy('s.starts_at', 'desc')
    .orderBy('s.id', 'desc')
    .execute();
  const courses = await db
    .selectFrom('courses as c')
    .select(['c.id', 'c.name', 'c.code'])
    .where('c.school_id', '=', q.schoolId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('enrolments as e')
          .innerJoin('sessions as s', 's.id', 'e.session_id')
          .select(sql`1`.as('one'))
          .whereRef('s.course_id', '=', 'c.id')
          .where('e.school_id', '=', q.schoolId)
          .where('e.student_id', '=', q.studentId),
      ),
    )
    .orderBy(byName('c.name'))
    .orderBy('c.id')
    .execute();
  const note = await db
    .selectFrom('student_notes')
    .select(['id', 'body', 'updated_at'])
    .where('school_id', '=', q.schoolId)
    .where('student_id', '=', q.studentId)
    .orderBy('id')
    .executeTakeFirst();
  return {
    student,
    courses,
    attendance,
    note: note ?? null,
  };
}

/** The courses of a school on this device, by name (pickers of the upload and edit forms). */
export async function listCourses(
  store: LocalStore,
  q: { schoolId: number },
): Promise<Array<{ id: number; school_id: number; name: string; code: string }>> {
  ensureFold(store);
  return kysely(store)
    .selectFrom('courses as c')
    .select(['c.id', 'c.school_id', 'c.name', 'c.code'])
    .where('c.school_id', '=', q.schoolId)
    .orderBy(byName('c.name'))
    .orderBy('c.id')
    .execute();
}

/** The teacher's resources, newest first. */
export async function listResources(
  store: LocalStore,
  q: { schoolId: SchoolFilter; search?: string },
): Promise<ResourceRow[]> {
  const t = term(store, q.search);
  let qb = kysely(store).selectFrom('resources as r').selectAll();
  if (q.schoolId !== null) qb = qb.where('r.school_id', '=', q.schoolId);
  if (t) qb = qb.where((eb) => eb.or([matches('r.title', t), matches('r.description', t)]));
  const rows = await qb.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').execute();
  return rows.map(toResource);
}

/** School announcements, newest first. */
export async function listAnnouncements(
  store: LocalStore,
  q: { schoolId: SchoolFilter; limit?: number },
): Promise<AnnouncementRow[]> {
  let qb = kysely(store).selectFrom('announcements').selectAll();
  if (q.schoolId !== null) qb = qb.where('school_id', '=', q.schoolId);
  return qb
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit ?? DEFAULT_ANNOUNCEMENT_LIMIT)
    .execute();
}

// ---- notifications -------------------------------------------------------------------------

/** Notifications not dismissed: unread first, newest first (the newest `limit`, default 200). */
export async function listNotifications(
  store: LocalStore,
  q: { schoolId: SchoolFilter; unreadOnly?: boolean; limit?: number; offset?: number },
): Promise<NotificationRow[]> {
  let qb = kysely(store).selectFrom('notifications').selectAll().where(NOT_DISMISSED);
  if (q.schoolId !== null) qb = qb.where('school_id', '=', q.schoolId);
  if (q.unreadOnly) qb = qb.where('is_read', '=', 0);
  const rows = await qb
    .orderBy('is_read')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit ?? DEFAULT_NOTIFICATION_LIMIT)
    .offset(q.offset ?? 0)
    .execute();
  return rows.map(toNotification);
}

/** Scheduled sessions starting in (after, until]: the class reminders to show. */
export async function sessionsStarting(store: LocalStore, after: Date, until: Date) {
  return kysely(store)
    .selectFrom('sessions')
    .select(['id', 'school_id', 'teacher_id', 'title', 'starts_at', 'location'])
    .where('status', '=', 'scheduled')
    .where('starts_at', '>', after.toISOString())
    .where('starts_at', '<=', until.toISOString())
    .execute();
}

/** Notifications neither read nor dismissed (the tray badge). */
export async function unreadCount(store: LocalStore, schoolId: SchoolFilter): Promise<number> {
  let qb = kysely(store)
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(UNREAD);
  if (schoolId !== null) qb = qb.where('school_id', '=', schoolId);
  return (await qb.executeTakeFirstOrThrow()).n;
}

// ---- schools -------------------------------------------------------------------------------

/** A school's time zone (its notifications' times are shown in it), or null when not pulled yet. */
export async function schoolTimeZone(store: LocalStore, schoolId: number): Promise<string | null> {
  const r = await kysely(store)
    .selectFrom('schools')
    .select('timezone')
    .where('id', '=', schoolId)
    .executeTakeFirst();
  return r?.timezone ?? null;
}

/** Every school on this device (started syncing), by name, with its sync state and badges. */
export async function listSchools(store: LocalStore): Promise<SchoolItem[]> {
  const rows = await kysely(store)
    .selectFrom('sync_state as ss')
    .leftJoin('schools as s', 's.id', 'ss.school_id')
    .leftJoin('meta as m', (j) => j.on('m.key', '=', sql<string>`'school_name:' || ss.school_id`))
    .select((eb) => [
      'ss.school_id as id',
      eb.fn.coalesce('s.name', 'm.value', sql<string>`'school ' || ss.school_id`).as('name'),
      's.timezone',
      'ss.checksum',
      'ss.last_synced_at',
      'ss.done',
      'ss.total',
      eb
        .selectFrom('notifications as n')
        .select((e) => e.fn.countAll<number>().as('c'))
        .whereRef('n.school_id', '=', 'ss.school_id')
        .where(sql<SqlBool>`n.is_read = 0 and n.is_dismissed = 0`)
        .as('unread'),
      eb
        .selectFrom('outbox as o')
        .select((e) => e.fn.countAll<number>().as('c'))
        .whereRef('o.school_id', '=', 'ss.school_id')
        .as('pending_edits'),
    ])
    .orderBy('name')
    .orderBy('ss.school_id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    timezone: r.timezone,
    ready: r.checksum !== null,
    last_synced_at: r.last_synced_at,
    done: r.done,
    total: r.total,
    unread: r.unread ?? 0,
    pending_edits: r.pending_edits ?? 0,
  }));
}
