/**
 * What an administrator reads of their school (docs/ARCHITECTURE.md, "Admin console"): every
 * list checks the caller is an active admin of the school first, reads that school's rows only,
 * and pages by keyset — the cursor is the last row's sort key, so a page costs the same wherever
 * it is and a row written meanwhile is neither skipped nor repeated.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { z } from 'zod';
import type {
  AnnouncementItem,
  AnnouncementReader,
  AuditItem,
  CourseItem,
  InvitationItem,
  MembershipItem,
  MembershipListQuery,
  PageQuery,
  ResourceItem,
  ResourceListQuery,
  SessionItem,
  SessionListQuery,
  StudentItem,
  StudentListQuery,
} from '../../src/shared/admin-api.js';
import { calendarRange } from '../../src/shared/time-range.js';
import { announcementUrl, requireAdmin } from './admin.js';
import type { DomainContext } from './context.js';
import { AppError, badRequest, notFound } from './errors.js';

export type Key = string | number;
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const encodeCursor = (key: Key[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The sort key a cursor carries, checked against the kinds it must have; 400 when it is not one. */
export function decodeCursor(cursor: string | undefined, kinds: Array<'string' | 'number'>): Key[] | null {
  if (cursor === undefined) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (
    !Array.isArray(key) ||
    key.length !== kinds.length ||
    key.some((v, i) => typeof v !== kinds[i] || (typeof v === 'number' && !Number.isSafeInteger(v)))
  )
    throw badRequest('cursor', 'this cursor was not given by this list: start again without it');
  return key as Key[];
}

/** One more row than the page is read: it says whether a next page exists. */
export function pageOf<R, T>(rows: R[], limit: number, key: (r: R) => Key[], shape: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { items: page.map(shape), next_cursor: more && last ? encodeCursor(key(last)) : null };
}

/** `(a, b) > (x, y)` written out (SQLite and PostgreSQL both, whatever the collation). */
export function after<DBT, TB extends keyof DBT>(
  eb: ExpressionBuilder<DBT, TB>,
  a: Expression<unknown>,
  b: Expression<unknown>,
  [x, y]: Key[],
): Expression<SqlBool> {
  return eb.or([
    eb(a as never, '>', x as never),
    eb.and([eb(a as never, '=', x as never), eb(b as never, '>', y as never)]),
  ]);
}

export async function listMemberships(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof MembershipListQuery>,
): Promise<Page<z.infer<typeof MembershipItem>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['string', 'number']);
  let qb = ctx.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id as user_id',
      'users.email',
      'users.name',
      'memberships.role',
      'memberships.active',
      'memberships.created_at',
      'memberships.updated_at',
    ])
    .where('memberships.school_id', '=', schoolId);
  // Without a role, the staff: students have their own list.
  qb = q.role ? qb.where('memberships.role', '=', q.role) : qb.where('memberships.role', '!=', 'student');
  if (q.active !== undefined) qb = qb.where('memberships.active', '=', q.active ? 1 : 0);
  if (c) qb = qb.where((eb) => after(eb, eb.ref('users.name'), eb.ref('users.id'), c));
  const rows = await qb
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(q.limit + 1)
    .execute();
  return pageOf(
    rows,
    q.limit,
    (r) => [r.name, r.user_id],
    (r) => ({ ...r, active: r.active === 1 }),
  );
}

export async function listCourses(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof PageQuery>,
): Promise<Page<z.infer<typeof CourseItem>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['string', 'number']);
  let qb = ctx.db
    .selectFrom('courses')
    .select((eb) => [
      'courses.id',
      'courses.name',
      'courses.code',
      eb
        .selectFrom('class_sessions')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('class_sessions.course_id', '=', 'courses.id')
        .as('session_count'),
    ])
    .where('courses.school_id', '=', schoolId);
  if (c) qb = qb.where((eb) => after(eb, eb.ref('courses.name'), eb.ref('courses.id'), c));
  const rows = await qb
    .orderBy('courses.name')
    .orderBy('courses.id')
    .limit(q.limit + 1)
    .execute();
  return pageOf(
    rows,
    q.limit,
    (r) => [r.name, r.id],
    (r) => ({ ...r, session_count: Number(r.session_count ?? 0) }),
  );
}

export async function listStudents(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof StudentListQuery>,
): Promise<Page<z.infer<typeof StudentItem>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['string', 'number']);
  let qb = ctx.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id as user_id', 'users.email', 'users.name', 'memberships.active'])
    .where('memberships.school_id', '=', schoolId)
    .where('memberships.role', '=', 'student');
  if (q.active !== undefined) qb = qb.where('memberships.active', '=', q.active ? 1 : 0);
  if (c) qb = qb.where((eb) => after(eb, eb.ref('users.name'), eb.ref('users.id'), c));
  const rows = await qb
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(
    rows,
    q.limit,
    (r) => [r.name, r.user_id],
    (r) => ({ ...r, active: r.active === 1, enrolments: [] as z.infer<typeof StudentItem>['enrolments'] }),
  );
  const ids = page.items.map((s) => s.user_id);
  if (ids.length) {
    const enrolments = await ctx.db
      .selectFrom('enrolments')
      .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
      .select([
        'enrolments.student_id',
        'class_sessions.id as session_id',
        'class_sessions.title',
        'class_sessions.starts_at',
        'class_sessions.status',
      ])
      .where('enrolments.school_id', '=', schoolId)
      .where('enrolments.student_id', 'in', ids)
      .orderBy('class_sessions.starts_at')
      .orderBy('class_sessions.id')
      .execute();
    const byStudent = new Map(page.items.map((s) => [s.user_id, s]));
    for (const { student_id, ...e } of enrolments) byStudent.get(student_id)?.enrolments.push(e);
  }
  return page;
}

export async function listSessions(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof SessionListQuery>,
): Promise<Page<z.infer<typeof SessionItem>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['string', 'number']);
  let qb = ctx.db
    .selectFrom('class_sessions')
    .innerJoin('users', 'users.id', 'class_sessions.teacher_id')
    .leftJoin('courses', 'courses.id', 'class_sessions.course_id')
    .select((eb) => [
      'class_sessions.id',
      'class_sessions.teacher_id',
      'users.name as teacher_name',
      'class_sessions.course_id',
      'courses.name as course_name',
      'class_sessions.title',
      'class_sessions.location',
      'class_sessions.starts_at',
      'class_sessions.ends_at',
      'class_sessions.status',
      eb
        .selectFrom('enrolments')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('enrolments.session_id', '=', 'class_sessions.id')
        .as('student_count'),
    ])
    .where('class_sessions.school_id', '=', schoolId);
  // A filter by a teacher or course of another school answers as one that exists nowhere.
  if (q.teacher_id !== undefined) {
    const t = await ctx.db
      .selectFrom('memberships')
      .select('id')
      .where('school_id', '=', schoolId)
      .where('user_id', '=', q.teacher_id)
      .where('role', '=', 'teacher')
      .executeTakeFirst();
    if (!t) throw new AppError(404, 'not_found', 'no teacher with this id in this school', 'teacher_id');
    qb = qb.where('class_sessions.teacher_id', '=', q.teacher_id);
  }
  if (q.course_id !== undefined) {
    const c = await ctx.db
      .selectFrom('courses')
      .select('id')
      .where('school_id', '=', schoolId)
      .where('id', '=', q.course_id)
      .executeTakeFirst();
    if (!c) throw new AppError(404, 'not_found', 'no course with this id in this school', 'course_id');
    qb = qb.where('class_sessions.course_id', '=', q.course_id);
  }
  if (q.status !== undefined) qb = qb.where('class_sessions.status', '=', q.status);
  if (q.from !== undefined) qb = qb.where('class_sessions.starts_at', '>=', new Date(q.from).toISOString());
  if (q.week !== undefined) {
    const school = await ctx.db
      .selectFrom('schools')
      .select('timezone')
      .where('id', '=', schoolId)
      .executeTakeFirstOrThrow();
    // Noon UTC of the date is that date in every zone from UTC-11 to UTC+11.
    const { from, to } = calendarRange('week', school.timezone, new Date(`${q.week}T12:00:00Z`));
    qb = qb
      .where('class_sessions.starts_at', '>=', from.toISOString())
      .where('class_sessions.starts_at', '<', to.toISOString());
  }
  if (c) qb = qb.where((eb) => after(eb, eb.ref('class_sessions.starts_at'), eb.ref('class_sessions.id'), c));
  const rows = await qb
    .orderBy('class_sessions.starts_at')
    .orderBy('class_sessions.id')
    .limit(q.limit + 1)
    .execute();
  return pageOf(
    rows,
    q.limit,
    (r) => [r.starts_at, r.id],
    (r) => ({ ...r, student_count: Number(r.student_count ?? 0) }),
  );
}

export async function listAnnouncements(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof PageQuery>,
): Promise<Page<z.infer<typeof AnnouncementItem>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['number']);
  let qb = ctx.db
    .selectFrom('announcements')
    .innerJoin('users', 'users.id', 'announcements.author_id')
    .select([
      'announcements.id',
      'announcements.title',
      'announcements.message',
      'announcements.created_at',
      'users.name as author_name',
    ])
    .where('announcements.school_id', '=', schoolId);
  if (c) qb = qb.where('announcements.id', '<', c[0] as number);
  const rows = await qb
    .orderBy('announcements.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(
    rows,
    q.limit,
    (r) => [r.id],
    (r) => ({ ...r, notified: 0, read: 0 }),
  );
  if (page.items.length) {
    const counts = await ctx.db
      .selectFrom('notifications')
      .select((eb) => [
        'action_url',
        eb.fn.countAll<number>().as('notified'),
        eb.fn.sum<number>('is_read').as('read'),
      ])
      .where('school_id', '=', schoolId)
      .where('type', '=', 'school_announcement')
      .where(
        'action_url',
        'in',
        page.items.map((a) => announcementUrl(a.id)),
      )
      .groupBy('action_url')
      .execute();
    const byUrl = new Map(counts.map((r) => [r.action_url, r]));
    for (const a of page.items) {
      const n = byUrl.get(announcementUrl(a.id));
      a.notified = Number(n?.notified ?? 0);
      a.read = Number(n?.read ?? 0);
    }
  }
  return page;
}

/** Who an announcement was sent to, and whether each has read it. */
export async function listAnnouncementReaders(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  announcementId: number,
  q: z.infer<typeof PageQuery>,
): Promise<Page<z.infer<typeof AnnouncementReader>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['string', 'number']);
  const a = await ctx.db
    .selectFrom('announcements')
    .select('id')
    .where('id', '=', announcementId)
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
  if (!a) throw notFound('announcement');
  let qb = ctx.db
    .selectFrom('notifications')
    .innerJoin('users', 'users.id', 'notifications.user_id')
    .select([
      'users.id as user_id',
      'users.name',
      'users.email',
      'notifications.is_read',
      'notifications.read_at',
    ])
    .where('notifications.school_id', '=', schoolId)
    .where('notifications.type', '=', 'school_announcement')
    .where('notifications.action_url', '=', announcementUrl(a.id));
  if (c) qb = qb.where((eb) => after(eb, eb.ref('users.name'), eb.ref('users.id'), c));
  const rows = await qb
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(q.limit + 1)
    .execute();
  return pageOf(
    rows,
    q.limit,
    (r) => [r.name, r.user_id],
    (r) => ({ ...r, is_read: r.is_read === 1 }),
  );
}

export async function listResources(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof ResourceListQuery>,
): Promise<Page<z.infer<typeof ResourceItem>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['number']);
  let qb = ctx.db
    .selectFrom('resources')
    .innerJoin('users', 'users.id', 'resources.teacher_id')
    .select([
      'resources.id',
      'resources.title',
      'resources.teacher_id',
      'users.name as teacher_name',
      'resources.file_type',
      'resources.mime_type',
      'resources.size',
      'resources.scan_status',
      'resources.created_at',
    ])
    .where('resources.school_id', '=', schoolId);
  if (q.scan_status) qb = qb.where('resources.scan_status', '=', q.scan_status);
  if (c) qb = qb.where('resources.id', '<', c[0] as number);
  const rows = await qb
    .orderBy('resources.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  return pageOf(
    rows,
    q.limit,
    (r) => [r.id],
    (r) => ({ ...r, size: Number(r.size) }),
  );
}

export async function listAudit(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof PageQuery>,
): Promise<Page<z.infer<typeof AuditItem>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['number']);
  let qb = ctx.db
    .selectFrom('admin_audit')
    .innerJoin('users', 'users.id', 'admin_audit.actor_id')
    .select([
      'admin_audit.id',
      'admin_audit.actor_id',
      'users.name as actor_name',
      'admin_audit.action',
      'admin_audit.subject',
      'admin_audit.before',
      'admin_audit.after',
      'admin_audit.created_at',
    ])
    .where('admin_audit.school_id', '=', schoolId);
  if (c) qb = qb.where('admin_audit.id', '<', c[0] as number);
  const rows = await qb
    .orderBy('admin_audit.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const json = (s: string | null) => (s === null ? null : (JSON.parse(s) as Record<string, unknown>));
  return pageOf(
    rows,
    q.limit,
    (r) => [r.id],
    (r) => ({ ...r, before: json(r.before), after: json(r.after) }),
  );
}

export async function listInvitations(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof PageQuery>,
): Promise<Page<z.infer<typeof InvitationItem>>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['number']);
  let qb = ctx.db
    .selectFrom('invitations')
    .innerJoin('users', 'users.id', 'invitations.invited_by')
    .select([
      'invitations.id',
      'invitations.email',
      'invitations.role',
      'invitations.status',
      'users.name as invited_by_name',
      'invitations.created_at',
      'invitations.expires_at',
    ])
    .where('invitations.school_id', '=', schoolId);
  if (c) qb = qb.where('invitations.id', '<', c[0] as number);
  const rows = await qb
    .orderBy('invitations.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  return pageOf(
    rows,
    q.limit,
    (r) => [r.id],
    (r) => r,
  );
}
