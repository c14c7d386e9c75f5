/**
 * The teacher dashboard of the original analysis, for one school: up to 50 sessions in range,
 * counts by status, students, unread notifications and recent resources — three queries here
 * (the request's authentication and school check add two: five in all, whatever the data size).
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DashboardResponse } from '../../src/shared/api.js';
import type { DB } from '../db/schema.js';
import { calendarRange, type RangeName } from '../../src/shared/time-range.js';
import { columnsOf, RESOURCE_COLUMNS } from '../../src/shared/entity-columns.js';
import { toSessionRow } from './scope.js';

export async function dashboard(
  db: Kysely<DB>,
  teacherId: number,
  school: { id: number; timezone: string },
  range: RangeName,
  now: Date,
): Promise<DashboardResponse> {
  const { from, to } = calendarRange(range, school.timezone, now);
  const fromIso = from.toISOString();
  const toIso = to.toISOString();

  const sessions = await db
    .selectFrom('class_sessions as s')
    .leftJoin('courses as c', 'c.id', 's.course_id')
    .select((eb) => [
      ...columnsOf('session', 's'),
      'c.name as course_name',
      eb
        .selectFrom('enrolments as e')
        .innerJoin('memberships as m', (j) =>
          j.onRef('m.user_id', '=', 'e.student_id').onRef('m.school_id', '=', 'e.school_id'),
        )
        .select((eb2) => eb2.fn.countAll<number>().as('n'))
        .whereRef('e.session_id', '=', 's.id')
        .where('m.role', '=', 'student')
        .where('m.active', '=', 1)
        .as('student_count'),
    ])
    .where('s.school_id', '=', school.id)
    .where('s.teacher_id', '=', teacherId)
    .where('s.starts_at', '>=', fromIso)
    .where('s.starts_at', '<', toIso)
    .orderBy('s.starts_at')
    .limit(50)
    .execute();

  const inRange = (eb: ExpressionBuilder<DB, never>, status: 'scheduled' | 'completed' | 'cancelled') =>
    eb
      .selectFrom('class_sessions')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('school_id', '=', school.id)
      .where('teacher_id', '=', teacherId)
      .where('starts_at', '>=', fromIso)
      .where('starts_at', '<', toIso)
      .where('status', '=', status);

  const agg = await db
    .selectNoFrom((eb) => [
      inRange(eb, 'scheduled').as('scheduled'),
      inRange(eb, 'completed').as('completed'),
      inRange(eb, 'cancelled').as('cancelled'),
      eb
        .selectFrom('memberships as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('m.school_id', '=', school.id)
        .where('m.role', '=', 'student')
        .where('m.active', '=', 1)
        .where((e) =>
          e.exists(
            e
              .selectFrom('enrolments as en')
              .innerJoin('class_sessions as cs', 'cs.id', 'en.session_id')
              .select(e.lit(1).as('one'))
              .whereRef('en.student_id', '=', 'm.user_id')
              .where('en.school_id', '=', school.id)
              .where('cs.teacher_id', '=', teacherId),
          ),
        )
        .as('students'),
      eb
        .selectFrom('notifications')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('user_id', '=', teacherId)
        .where('school_id', '=', school.id)
        .where('is_read', '=', 0)
        .where('is_dismissed', '=', 0)
        .where('expiry_published', '=', 0)
        .as('unread'),
    ])
    .executeTakeFirstOrThrow();

  const resources = await db
    .selectFrom('resources')
    .select(RESOURCE_COLUMNS)
    .where('school_id', '=', school.id)
    .where('teacher_id', '=', teacherId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(5)
    .execute();

  return {
    school_id: school.id,
    range,
    from: fromIso,
    to: toIso,
    sessions: sessions.map((s) => ({ ...toSessionRow(s), student_count: Number(s.student_count ?? 0) })),
    counts: {
      scheduled: Number(agg.scheduled ?? 0),
      completed: Number(agg.completed ?? 0),
      cancelled: Number(agg.cancelled ?? 0),
    },
    student_count: Number(agg.students ?? 0),
    unread_notifications: Number(agg.unread ?? 0),
    recent_resources: resources.map((r) => ({ ...r, shared_with_students: r.shared_with_students !== 0 })),
  };
}
