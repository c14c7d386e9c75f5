/**
 * The teacher's scoped view of one school (docs/ARCHITECTURE.md, "The scoped view"), written once: every read the server
 * answers for a teacher — full pulls, incremental pulls, checksums — goes through these
 * per-entity queries, so "what a teacher may see" has a single definition.
 *
 * Nothing here depends on the clock: a notification leaves the view when the scheduler
 * publishes its expiry (a logged change), so the view only changes through the change log.
 */
import type { Compilable, Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { compiledQuery } from '../db/compiled-query.js';
import type { Entity, EntityRow } from '../../src/shared/entities.js';
import { ENTITY_COLUMNS, RESOURCE_COLUMNS } from '../../src/shared/entity-columns.js';
import type { DB, NotificationsTable } from '../db/schema.js';

export interface Scope {
  teacherId: number;
  schoolId: number;
}

export interface RowFilter {
  ids?: number[];
  afterId?: number;
  limit?: number;
}

export interface VersionRef {
  id: number;
  version: number;
}

interface EntityView<E extends Entity> {
  rows(db: Kysely<DB>, s: Scope, f?: RowFilter): Promise<EntityRow[E][]>;
  refs(db: Kysely<DB>, s: Scope): Promise<VersionRef[]>;
  count(db: Kysely<DB>, s: Scope): Promise<number>;
}

const flag = (v: number): boolean => v !== 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one filter for every table's builder
function applyFilter<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, col: string, f?: RowFilter): QB {
  let q = qb;
  if (f?.ids) q = q.where(col, 'in', f.ids.length ? f.ids : [-1]) as QB;
  if (f?.afterId !== undefined) q = q.where(col, '>', f.afterId) as QB;
  if (f?.afterId !== undefined || f?.limit !== undefined) q = q.orderBy(col) as QB;
  if (f?.limit !== undefined) q = q.limit(f.limit) as QB;
  return q;
}

/** The scope ids a view's rows depend on (a school-wide view does not depend on the teacher). */
type ScopeKey = keyof Scope;

/**
 * A view's row select (`build`, given the scope and the filter), compiled once per filter shape
 * (server/db/compiled-query.ts): pulls run these for every touched entity of every request.
 */
function viewRows<Row>(
  keys: ScopeKey[],
  build: (db: Kysely<DB>, s: Scope, f: RowFilter) => Compilable<Row>,
): (db: Kysely<DB>, s: Scope, f?: RowFilter) => Promise<Row[]> {
  const run = compiledQuery(
    (
      db: Kysely<DB>,
      a: { schoolId?: number; teacherId?: number; ids?: number[]; afterId?: number; limit?: number },
    ) => build(db, a as Scope, a),
  );
  const bySchool = keys.includes('schoolId');
  const byTeacher = keys.includes('teacherId');
  return (db, s, f) =>
    run(db, {
      ...(bySchool ? { schoolId: s.schoolId } : {}),
      ...(byTeacher ? { teacherId: s.teacherId } : {}),
      ids: f?.ids,
      afterId: f?.afterId,
      limit: f?.limit,
    });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table's builder
async function countRows(qb: SelectQueryBuilder<any, any, any>): Promise<number> {
  const row = (await qb.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()) as {
    n: number | string;
  };
  return Number(row.n);
}

const schoolBase = (db: Kysely<DB>, s: Scope) =>
  db.selectFrom('schools').where('schools.id', '=', s.schoolId);
const courseBase = (db: Kysely<DB>, s: Scope) =>
  db.selectFrom('courses').where('courses.school_id', '=', s.schoolId);
const sessionBase = (db: Kysely<DB>, s: Scope) =>
  db
    .selectFrom('class_sessions')
    .where('class_sessions.school_id', '=', s.schoolId)
    .where('class_sessions.teacher_id', '=', s.teacherId);
const enrolmentBase = (db: Kysely<DB>, s: Scope) =>
  db
    .selectFrom('enrolments')
    .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
    .innerJoin('memberships', (j) =>
      j
        .onRef('memberships.user_id', '=', 'enrolments.student_id')
        .onRef('memberships.school_id', '=', 'enrolments.school_id'),
    )
    .where('class_sessions.school_id', '=', s.schoolId)
    .where('class_sessions.teacher_id', '=', s.teacherId)
    .where('enrolments.school_id', '=', s.schoolId)
    .where('memberships.role', '=', 'student')
    .where('memberships.active', '=', 1);
const studentBase = (db: Kysely<DB>, s: Scope) =>
  db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .where('memberships.school_id', '=', s.schoolId)
    .where('memberships.role', '=', 'student')
    .where('memberships.active', '=', 1)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('enrolments')
          .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
          .select(eb.lit(1).as('one'))
          .whereRef('enrolments.student_id', '=', 'memberships.user_id')
          .where('enrolments.school_id', '=', s.schoolId)
          .where('class_sessions.teacher_id', '=', s.teacherId),
      ),
    );
const resourceBase = (db: Kysely<DB>, s: Scope) =>
  db
    .selectFrom('resources')
    .where('resources.school_id', '=', s.schoolId)
    .where('resources.teacher_id', '=', s.teacherId);
const announcementBase = (db: Kysely<DB>, s: Scope) =>
  db.selectFrom('announcements').where('announcements.school_id', '=', s.schoolId);
const notificationBase = (db: Kysely<DB>, s: Scope) =>
  db
    .selectFrom('notifications')
    .where('notifications.school_id', '=', s.schoolId)
    .where('notifications.user_id', '=', s.teacherId)
    .where('notifications.expiry_published', '=', 0);

const school: EntityView<'school'> = {
  rows: viewRows(['schoolId'], (db, s, f) =>
    applyFilter(schoolBase(db, s).select(['id', 'name', 'timezone', 'version']), 'schools.id', f),
  ),
  refs: (db, s) => schoolBase(db, s).select(['id', 'version']).execute(),
  count: (db, s) => countRows(schoolBase(db, s)),
};

const course: EntityView<'course'> = {
  rows: viewRows(['schoolId'], (db, s, f) =>
    applyFilter(courseBase(db, s).select(['id', 'school_id', 'name', 'code', 'version']), 'courses.id', f),
  ),
  refs: (db, s) => courseBase(db, s).select(['id', 'version']).execute(),
  count: (db, s) => countRows(courseBase(db, s)),
};

/** A session's columns as stored (its plan's lists as JSON text, its "ready" mark as 0/1). */
export const SESSION_COLUMNS = ENTITY_COLUMNS.session;
type StoredSession = Omit<EntityRow['session'], 'plan_activities' | 'resource_ids' | 'plan_ready'> & {
  plan_activities: string;
  resource_ids: string;
  plan_ready: number;
};

/** A stored session in its wire shape (src/shared/entities.ts). */
export function toSessionRow<R extends StoredSession>(
  r: R,
): Omit<R, 'plan_activities' | 'resource_ids' | 'plan_ready'> & EntityRow['session'] {
  return {
    ...r,
    plan_activities: JSON.parse(r.plan_activities) as EntityRow['session']['plan_activities'],
    resource_ids: JSON.parse(r.resource_ids) as number[],
    plan_ready: flag(r.plan_ready),
  };
}

const sessionRows = viewRows(['schoolId', 'teacherId'], (db, s, f) =>
  applyFilter(sessionBase(db, s).select(SESSION_COLUMNS), 'class_sessions.id', f),
);

const session: EntityView<'session'> = {
  rows: async (db, s, f) => (await sessionRows(db, s, f)).map(toSessionRow),
  refs: (db, s) => sessionBase(db, s).select(['id', 'version']).execute(),
  count: (db, s) => countRows(sessionBase(db, s)),
};

/**
 * The rows of enrolmentBase after `afterId`, shaped for a keyset page. SQLite plans
 * enrolmentBase from the school's memberships and sorts the whole view for every page (a full
 * pull of 24 000 enrolments re-read them 24 times); taking the ids from the teacher's sessions
 * through covering indexes first reads only what follows the page's start.
 */
const enrolmentPage = (db: Kysely<DB>, s: Scope, afterId: number) =>
  db
    .selectFrom('enrolments')
    .innerJoin('memberships', (j) =>
      j
        .onRef('memberships.user_id', '=', 'enrolments.student_id')
        .onRef('memberships.school_id', '=', 'enrolments.school_id'),
    )
    .where('enrolments.school_id', '=', s.schoolId)
    .where('memberships.role', '=', 'student')
    .where('memberships.active', '=', 1)
    .where('enrolments.id', 'in', (eb) =>
      eb
        .selectFrom('class_sessions')
        .innerJoin('enrolments as mine', 'mine.session_id', 'class_sessions.id')
        .select('mine.id')
        .where('class_sessions.school_id', '=', s.schoolId)
        .where('class_sessions.teacher_id', '=', s.teacherId)
        .where('mine.id', '>', afterId),
    );

const enrolment: EntityView<'enrolment'> = {
  rows: viewRows(['schoolId', 'teacherId'], (db, s, f) =>
    applyFilter(
      (f?.afterId !== undefined ? enrolmentPage(db, s, f.afterId) : enrolmentBase(db, s)).select([
        'enrolments.id',
        'enrolments.school_id',
        'enrolments.session_id',
        'enrolments.student_id',
        'enrolments.attendance',
        'enrolments.version',
      ]),
      'enrolments.id',
      f,
    ),
  ),
  refs: (db, s) => enrolmentBase(db, s).select(['enrolments.id', 'enrolments.version']).execute(),
  count: (db, s) => countRows(enrolmentBase(db, s)),
};

const studentRows = viewRows(['schoolId', 'teacherId'], (db, s, f) =>
  applyFilter(
    studentBase(db, s).select([
      'users.id',
      'memberships.school_id',
      'users.name',
      'users.email',
      'users.version as user_version',
      'memberships.version as membership_version',
    ]),
    'users.id',
    f,
  ),
);

const student: EntityView<'student'> = {
  async rows(db, s, f) {
    const rows = await studentRows(db, s, f);
    return rows.map((r) => ({
      id: r.id,
      school_id: r.school_id,
      name: r.name,
      email: r.email,
      version: Math.max(r.user_version, r.membership_version),
    }));
  },
  async refs(db, s) {
    const rows = await studentBase(db, s)
      .select(['users.id', 'users.version as uv', 'memberships.version as mv'])
      .execute();
    return rows.map((r) => ({ id: r.id, version: Math.max(r.uv, r.mv) }));
  },
  count: (db, s) => countRows(studentBase(db, s)),
};

const resourceRows = viewRows(['schoolId', 'teacherId'], (db, s, f) =>
  applyFilter(resourceBase(db, s).select(RESOURCE_COLUMNS), 'resources.id', f),
);

const resource: EntityView<'resource'> = {
  async rows(db, s, f) {
    const rows = await resourceRows(db, s, f);
    const links = rows.length
      ? await db
          .selectFrom('resource_courses')
          .select(['resource_id', 'course_id'])
          .where(
            'resource_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('course_id')
          .execute()
      : [];
    const byResource = new Map<number, number[]>();
    for (const l of links) {
      const list = byResource.get(l.resource_id) ?? [];
      list.push(l.course_id);
      byResource.set(l.resource_id, list);
    }
    return rows.map((r) => ({
      ...r,
      shared_with_students: flag(r.shared_with_students),
      course_ids: byResource.get(r.id) ?? [],
    }));
  },
  refs: (db, s) => resourceBase(db, s).select(['id', 'version']).execute(),
  count: (db, s) => countRows(resourceBase(db, s)),
};

const announcement: EntityView<'announcement'> = {
  rows: viewRows(['schoolId'], (db, s, f) =>
    applyFilter(
      announcementBase(db, s).select(['id', 'school_id', 'title', 'message', 'created_at', 'version']),
      'announcements.id',
      f,
    ),
  ),
  refs: (db, s) => announcementBase(db, s).select(['id', 'version']).execute(),
  count: (db, s) => countRows(announcementBase(db, s)),
};

export function toNotificationRow(
  r: Omit<Selectable<NotificationsTable>, 'dedupe_key' | 'expiry_published' | 'delivered_via_email'>,
): EntityRow['notification'] {
  return {
    id: r.id,
    school_id: r.school_id,
    user_id: r.user_id,
    type: r.type,
    title: r.title,
    message: r.message,
    params: JSON.parse(r.params) as EntityRow['notification']['params'],
    action_url: r.action_url,
    is_read: flag(r.is_read),
    is_dismissed: flag(r.is_dismissed),
    read_at: r.read_at,
    delivered_via_socket: flag(r.delivered_via_socket),
    created_at: r.created_at,
    expires_at: r.expires_at,
    version: r.version,
  };
}

export const NOTIFICATION_COLUMNS = ENTITY_COLUMNS.notification;

const notificationRows = viewRows(['schoolId', 'teacherId'], (db, s, f) =>
  applyFilter(notificationBase(db, s).select(NOTIFICATION_COLUMNS), 'notifications.id', f),
);

const notification: EntityView<'notification'> = {
  rows: async (db, s, f) => (await notificationRows(db, s, f)).map(toNotificationRow),
  refs: (db, s) => notificationBase(db, s).select(['id', 'version']).execute(),
  count: (db, s) => countRows(notificationBase(db, s)),
};

// Rows private to a teacher: their plan templates (while not deleted) and notes about students.
const templateBase = (db: Kysely<DB>, s: Scope) =>
  db
    .selectFrom('plan_templates')
    .where('plan_templates.school_id', '=', s.schoolId)
    .where('plan_templates.teacher_id', '=', s.teacherId)
    .where('plan_templates.deleted', '=', 0);
const templateRows = viewRows(['schoolId', 'teacherId'], (db, s, f) =>
  applyFilter(
    templateBase(db, s).select(['id', 'school_id', 'teacher_id', 'name', 'content', 'updated_at', 'version']),
    'plan_templates.id',
    f,
  ),
);
const plan_template: EntityView<'plan_template'> = {
  rows: async (db, s, f) =>
    (await templateRows(db, s, f)).map((r) => ({
      ...r,
      content: JSON.parse(r.content) as EntityRow['plan_template']['content'],
    })),
  refs: (db, s) => templateBase(db, s).select(['id', 'version']).execute(),
  count: (db, s) => countRows(templateBase(db, s)),
};

const noteBase = (db: Kysely<DB>, s: Scope) =>
  db
    .selectFrom('student_notes')
    .where('student_notes.school_id', '=', s.schoolId)
    .where('student_notes.teacher_id', '=', s.teacherId);
const student_note: EntityView<'student_note'> = {
  rows: viewRows(['schoolId', 'teacherId'], (db, s, f) =>
    applyFilter(noteBase(db, s).select(ENTITY_COLUMNS.student_note), 'student_notes.id', f),
  ),
  refs: (db, s) => noteBase(db, s).select(['id', 'version']).execute(),
  count: (db, s) => countRows(noteBase(db, s)),
};

export const VIEW: { [E in Entity]: EntityView<E> } = {
  school,
  course,
  student,
  session,
  enrolment,
  resource,
  announcement,
  notification,
  plan_template,
  student_note,
};
