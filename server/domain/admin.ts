/**
 * School administration: memberships, courses, sessions, enrolments, announcements. Each
 * operation checks the caller is an active admin of the school, treats ids of other schools as
 * unknown, logs the rows whose visibility it changes and creates the notifications of the
 * original analysis (cancelled session, new student, announcement).
 */
import type { z } from 'zod';
import type {
  AddMembershipBody,
  AnnouncementBody,
  CreateCourseBody,
  CreateSessionBody,
  EnrolBody,
  PatchMembershipBody,
  PatchSessionBody,
} from '../../src/shared/api.js';
import type { SessionRow } from '../../src/shared/entities.js';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { randomBytes } from 'node:crypto';
import { stampFields, type WriteContext } from './changes.js';
import { write, type DomainContext } from './context.js';
import { AppError, badRequest, forbidden, notFound } from './errors.js';
import { createNotifications, expiryFrom } from './notifications.js';
import { audit, changedFields } from './audit.js';
import { SESSION_COLUMNS, toSessionRow } from './scope.js';

export async function requireAdmin(db: Kysely<DB>, userId: number, schoolId: number): Promise<void> {
  const m = await db
    .selectFrom('memberships')
    .select('id')
    .where('user_id', '=', userId)
    .where('school_id', '=', schoolId)
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .executeTakeFirst();
  if (!m) throw forbidden('you are not an administrator of this school');
}

/**
 * Where an announcement's notifications point; also how the console finds who read it (the
 * notifications of type school_announcement with this address).
 */
export const announcementUrl = (id: number): string => `classdesk://announcements/${id}`;

export const conflict = (message: string) => new AppError(409, 'conflict', message);

/** Logs a student and their enrolments as touched for every teacher who teaches them in the school. */
export async function touchStudentEverywhere(
  w: WriteContext,
  schoolId: number,
  studentId: number,
): Promise<void> {
  const rows = await w.trx
    .selectFrom('enrolments')
    .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
    .select(['enrolments.id', 'class_sessions.teacher_id'])
    .where('enrolments.school_id', '=', schoolId)
    .where('enrolments.student_id', '=', studentId)
    .execute();
  for (const r of rows) {
    w.touch({ school_id: schoolId, teacher_id: r.teacher_id, entity: 'enrolment', row_id: r.id });
    w.touch({ school_id: schoolId, teacher_id: r.teacher_id, entity: 'student', row_id: studentId });
  }
}

/** Logs a session, its enrolments and their students as touched for one teacher. */
export async function touchSessionFor(
  w: WriteContext,
  schoolId: number,
  sessionId: number,
  teacherId: number,
): Promise<void> {
  w.touch({ school_id: schoolId, teacher_id: teacherId, entity: 'session', row_id: sessionId });
  const rows = await w.trx
    .selectFrom('enrolments')
    .select(['id', 'student_id'])
    .where('session_id', '=', sessionId)
    .execute();
  for (const r of rows) {
    w.touch({ school_id: schoolId, teacher_id: teacherId, entity: 'enrolment', row_id: r.id });
    w.touch({ school_id: schoolId, teacher_id: teacherId, entity: 'student', row_id: r.student_id });
  }
}

async function activeMember(w: WriteContext, schoolId: number, userId: number, role: 'teacher' | 'student') {
  return w.trx
    .selectFrom('memberships')
    .select('id')
    .where('school_id', '=', schoolId)
    .where('user_id', '=', userId)
    .where('role', '=', role)
    .where('active', '=', 1)
    .executeTakeFirst();
}

/**
 * Adds a student to the school. The answer is the same whether or not the email already has an
 * account anywhere (a name is always required; an existing account keeps its own). Teachers and
 * administrators are invited instead (server/domain/invitations.ts).
 */
export async function addMembership(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  body: z.infer<typeof AddMembershipBody>,
) {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    let user = await w.trx
      .selectFrom('users')
      .select(['id'])
      .where('email', '=', body.email)
      .executeTakeFirst();
    user ??= await w.trx
      .insertInto('users')
      .values({
        email: body.email,
        name: body.name,
        password_hash: unusablePasswordHash(),
        version: w.version,
        created_at: w.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const existing = await w.trx
      .selectFrom('memberships')
      .select(['id'])
      .where('school_id', '=', schoolId)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (existing) throw conflict('this person already has a membership in this school; change it with PATCH');
    await w.trx
      .insertInto('memberships')
      .values({
        school_id: schoolId,
        user_id: user.id,
        role: body.role,
        active: 1,
        version: w.version,
        created_at: w.now,
        updated_at: w.now,
      })
      .execute();
    const result = { school_id: schoolId, user_id: user.id, role: body.role, active: true };
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'membership.add',
      subject: `user:${user.id}`,
      before: null,
      after: { email: body.email, role: body.role, active: true },
    });
    return result;
  });
}

/** Activates, deactivates or changes the role (teacher ↔ admin) of a membership. */
export async function updateMembership(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  userId: number,
  body: z.infer<typeof PatchMembershipBody>,
) {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const m = await w.trx
      .selectFrom('memberships')
      .select(['id', 'role', 'active'])
      .where('school_id', '=', schoolId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!m) throw notFound('membership');
    const role = body.role ?? m.role;
    const active = body.active === undefined ? m.active : body.active ? 1 : 0;
    if (role !== m.role && m.role === 'student')
      throw badRequest('role', 'a student stays a student: invite the person as a teacher instead');
    if (role === m.role && active === m.active)
      return { school_id: schoolId, user_id: userId, role: m.role, active: m.active === 1 };
    if (m.role === 'admin' && m.active === 1 && (role !== 'admin' || !active)) {
      const admins = await w.trx
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('school_id', '=', schoolId)
        .where('role', '=', 'admin')
        .where('active', '=', 1)
        .executeTakeFirstOrThrow();
      if (Number(admins.n) <= 1) throw conflict('a school keeps at least one active administrator');
    }
    await w.trx
      .updateTable('memberships')
      .set({ active, role, version: w.version, updated_at: w.now })
      .where('id', '=', m.id)
      .execute();
    if (m.role === 'student') await touchStudentEverywhere(w, schoolId, userId);
    const taught = m.role === 'teacher' && m.active === 1;
    const teaches = role === 'teacher' && active === 1;
    if (taught !== teaches)
      w.afterCommit(() =>
        teaches ? ctx.events.scopeGranted(userId, schoolId) : ctx.events.scopeRevoked(userId, schoolId),
      );
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'membership.update',
      subject: `user:${userId}`,
      ...changedFields({ role: m.role, active: m.active === 1 }, { role, active: active === 1 }),
    });
    return { school_id: schoolId, user_id: userId, role, active: active === 1 };
  });
}

export async function createCourse(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  body: z.infer<typeof CreateCourseBody>,
) {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const c = await w.trx
      .insertInto('courses')
      .values({ school_id: schoolId, name: body.name, code: body.code, version: w.version })
      .returning(['id', 'school_id', 'name', 'code'])
      .executeTakeFirstOrThrow();
    w.touch({ school_id: schoolId, teacher_id: null, entity: 'course', row_id: c.id });
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'course.create',
      subject: `course:${c.id}`,
      before: null,
      after: { name: c.name, code: c.code },
    });
    return c;
  });
}

export async function requireCourse(
  w: WriteContext,
  schoolId: number,
  courseId: number | null | undefined,
): Promise<void> {
  if (courseId == null) return;
  const c = await w.trx
    .selectFrom('courses')
    .select('id')
    .where('id', '=', courseId)
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
  if (!c) throw notFound('course');
}

export async function requireTeacher(w: WriteContext, schoolId: number, teacherId: number): Promise<void> {
  if (!(await activeMember(w, schoolId, teacherId, 'teacher'))) {
    throw new AppError(404, 'not_found', 'no active teacher with this id in this school', 'teacher_id');
  }
}

export async function createSession(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  body: z.infer<typeof CreateSessionBody>,
): Promise<SessionRow> {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    await requireTeacher(w, schoolId, body.teacher_id);
    await requireCourse(w, schoolId, body.course_id);
    const s = await w.trx
      .insertInto('class_sessions')
      .values({
        school_id: schoolId,
        teacher_id: body.teacher_id,
        course_id: body.course_id ?? null,
        title: body.title,
        starts_at: new Date(body.starts_at).toISOString(),
        ends_at: new Date(body.ends_at).toISOString(),
        status: 'scheduled',
        location: body.location ?? '',
        lesson_notes: '',
        field_versions: '{}',
        version: w.version,
        created_at: w.now,
        updated_at: w.now,
      })
      .returning(SESSION_COLUMNS)
      .executeTakeFirstOrThrow();
    w.touch({ school_id: schoolId, teacher_id: s.teacher_id, entity: 'session', row_id: s.id });
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'session.create',
      subject: `session:${s.id}`,
      before: null,
      after: sessionAudit(s),
    });
    return toSessionRow(s);
  });
}

export async function updateSession(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  sessionId: number,
  body: z.infer<typeof PatchSessionBody>,
): Promise<SessionRow> {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const s = await w.trx
      .selectFrom('class_sessions')
      .select([...SESSION_COLUMNS, 'field_versions'])
      .where('id', '=', sessionId)
      .where('school_id', '=', schoolId)
      .executeTakeFirst();
    if (!s) throw notFound('session');
    if (body.teacher_id !== undefined && body.teacher_id !== s.teacher_id)
      await requireTeacher(w, schoolId, body.teacher_id);
    if (body.course_id !== undefined) await requireCourse(w, schoolId, body.course_id);
    const startsAt = body.starts_at ? new Date(body.starts_at).toISOString() : s.starts_at;
    const endsAt = body.ends_at ? new Date(body.ends_at).toISOString() : s.ends_at;
    if (Date.parse(endsAt) <= Date.parse(startsAt)) {
      throw new AppError(400, 'invalid_input', 'ends_at must be after starts_at', 'ends_at');
    }
    const changed = Object.keys(body).filter((k) => k !== 'starts_at' && k !== 'ends_at');
    if (body.starts_at) changed.push('starts_at');
    if (body.ends_at) changed.push('ends_at');
    const updated = await w.trx
      .updateTable('class_sessions')
      .set({
        ...(body.teacher_id !== undefined ? { teacher_id: body.teacher_id } : {}),
        ...(body.course_id !== undefined ? { course_id: body.course_id } : {}),
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.location !== undefined ? { location: body.location } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        starts_at: startsAt,
        ends_at: endsAt,
        field_versions: stampFields(s.field_versions, changed, w.version, null),
        version: w.version,
        updated_at: w.now,
      })
      .where('id', '=', s.id)
      .returning(SESSION_COLUMNS)
      .executeTakeFirstOrThrow();
    await touchSessionFor(w, schoolId, s.id, s.teacher_id);
    if (updated.teacher_id !== s.teacher_id) await touchSessionFor(w, schoolId, s.id, updated.teacher_id);
    if (body.status === 'cancelled' && s.status !== 'cancelled') {
      await createNotifications(w, ctx, [
        {
          school_id: schoolId,
          user_id: updated.teacher_id,
          type: 'session_cancelled',
          params: { session_id: updated.id, session_title: updated.title, starts_at: updated.starts_at },
          action_url: `classdesk://sessions/${updated.id}`,
          expires_at: expiryFrom(w.now),
        },
      ]);
    }
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: body.status === 'cancelled' && s.status !== 'cancelled' ? 'session.cancel' : 'session.update',
      subject: `session:${s.id}`,
      ...changedFields(sessionAudit(s), sessionAudit(updated)),
    });
    return toSessionRow(updated);
  });
}

/** The fields of a session an admin may change: what its audit entries show. */
const sessionAudit = (s: {
  teacher_id: number;
  course_id: number | null;
  title: string;
  location: string;
  starts_at: string;
  ends_at: string;
  status: string;
}) => ({
  teacher_id: s.teacher_id,
  course_id: s.course_id,
  title: s.title,
  location: s.location,
  starts_at: s.starts_at,
  ends_at: s.ends_at,
  status: s.status,
});

export async function enrolStudent(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  sessionId: number,
  body: z.infer<typeof EnrolBody>,
) {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const s = await w.trx
      .selectFrom('class_sessions')
      .select(['id', 'teacher_id', 'title'])
      .where('id', '=', sessionId)
      .where('school_id', '=', schoolId)
      .executeTakeFirst();
    if (!s) throw notFound('session');
    if (!(await activeMember(w, schoolId, body.student_id, 'student'))) {
      throw new AppError(404, 'not_found', 'no active student with this id in this school', 'student_id');
    }
    const dup = await w.trx
      .selectFrom('enrolments')
      .select('id')
      .where('session_id', '=', s.id)
      .where('student_id', '=', body.student_id)
      .executeTakeFirst();
    if (dup) throw conflict('this student is already enrolled in this session');
    const e = await w.trx
      .insertInto('enrolments')
      .values({
        school_id: schoolId,
        session_id: s.id,
        student_id: body.student_id,
        attendance: 'unknown',
        field_versions: '{}',
        version: w.version,
        created_at: w.now,
      })
      .returning(['id', 'session_id', 'student_id', 'attendance'])
      .executeTakeFirstOrThrow();
    w.touch({ school_id: schoolId, teacher_id: s.teacher_id, entity: 'enrolment', row_id: e.id });
    w.touch({ school_id: schoolId, teacher_id: s.teacher_id, entity: 'student', row_id: body.student_id });
    const student = await w.trx
      .selectFrom('users')
      .select('name')
      .where('id', '=', body.student_id)
      .executeTakeFirstOrThrow();
    await createNotifications(w, ctx, [
      {
        school_id: schoolId,
        user_id: s.teacher_id,
        type: 'new_student',
        params: { student_name: student.name, session_id: s.id, session_title: s.title },
        action_url: `classdesk://sessions/${s.id}`,
        expires_at: expiryFrom(w.now),
      },
    ]);
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'enrolment.add',
      subject: `session:${s.id}`,
      before: null,
      after: { student_id: body.student_id, student_name: student.name },
    });
    return e;
  });
}

export async function unenrolStudent(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  sessionId: number,
  studentId: number,
): Promise<void> {
  await requireAdmin(ctx.db, adminId, schoolId);
  await write(ctx, async (w) => {
    const e = await w.trx
      .selectFrom('enrolments')
      .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
      .select(['enrolments.id', 'class_sessions.teacher_id'])
      .where('enrolments.session_id', '=', sessionId)
      .where('enrolments.student_id', '=', studentId)
      .where('enrolments.school_id', '=', schoolId)
      .executeTakeFirst();
    if (!e) throw notFound('enrolment');
    await w.trx.deleteFrom('enrolments').where('id', '=', e.id).execute();
    w.touch({ school_id: schoolId, teacher_id: e.teacher_id, entity: 'enrolment', row_id: e.id });
    w.touch({ school_id: schoolId, teacher_id: e.teacher_id, entity: 'student', row_id: studentId });
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'enrolment.remove',
      subject: `session:${sessionId}`,
      before: { student_id: studentId },
      after: null,
    });
  });
}

export async function postAnnouncement(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  body: z.infer<typeof AnnouncementBody>,
) {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const a = await w.trx
      .insertInto('announcements')
      .values({
        school_id: schoolId,
        author_id: adminId,
        title: body.title,
        message: body.message,
        created_at: w.now,
        version: w.version,
      })
      .returning(['id', 'school_id', 'title', 'message', 'created_at', 'version'])
      .executeTakeFirstOrThrow();
    w.touch({ school_id: schoolId, teacher_id: null, entity: 'announcement', row_id: a.id });
    const teachers = await w.trx
      .selectFrom('memberships')
      .select('user_id')
      .where('school_id', '=', schoolId)
      .where('role', '=', 'teacher')
      .where('active', '=', 1)
      .execute();
    const created = await createNotifications(
      w,
      ctx,
      teachers.map((t) => ({
        school_id: schoolId,
        user_id: t.user_id,
        type: 'school_announcement' as const,
        title: body.title,
        message: body.message,
        params: { announcement_id: a.id },
        action_url: announcementUrl(a.id),
        expires_at: expiryFrom(w.now),
      })),
    );
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'announcement.post',
      subject: `announcement:${a.id}`,
      before: null,
      after: { title: a.title, message: a.message, notified: created.length },
    });
    return { ...a, notified: created.length };
  });
}

/** A password hash nobody can sign in with (accounts created by an admin before a password is set). */
export const unusablePasswordHash = (): string => `disabled$${randomBytes(16).toString('base64')}`;

/** Emails of the school's notifications the SMTP server refused for good (docs/ARCHITECTURE.md, "Notifications"). */
export async function emailFailures(ctx: DomainContext, adminId: number, schoolId: number) {
  await requireAdmin(ctx.db, adminId, schoolId);
  const rows = await ctx.db
    .selectFrom('email_jobs as j')
    .innerJoin('users as u', 'u.id', 'j.user_id')
    .innerJoin('notifications as n', 'n.id', 'j.notification_id')
    .select([
      'j.notification_id',
      'j.user_id',
      'u.email',
      'u.name',
      'n.type',
      'j.attempts',
      'j.last_error',
      'j.created_at',
    ])
    .where('j.school_id', '=', schoolId)
    .where('j.status', '=', 'failed')
    .orderBy('j.id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({ ...r, last_error: r.last_error ?? '' }));
}
