/**
 * The rows of the scoped view (server/domain/scope.ts) written out as plain SQL, one keyset page
 * each: the baselines of bench:server and bench:sync. Parameters are `?` (each bench adapts them);
 * the entities whose SQL differs between the two (a dialect's functions, a query plan) are given
 * by each bench.
 */
import type { Entity } from '../../src/shared/entities.js';

export interface ViewQuery {
  sql: string;
  /** The parameters before the page's own (`after`, `limit`) or, where the SQL takes it twice, with it. */
  params: (teacherId: number, schoolId: number, after: number) => number[];
}

export const COMMON_VIEW_SQL: Record<Exclude<Entity, 'student' | 'enrolment' | 'resource'>, ViewQuery> = {
  school: {
    sql: 'select id, name, timezone, version from schools where id = ? and id > ? order by id limit ?',
    params: (_t, s) => [s],
  },
  course: {
    sql: 'select id, school_id, name, code, version from courses where school_id = ? and id > ? order by id limit ?',
    params: (_t, s) => [s],
  },
  session: {
    sql: `select id, school_id, teacher_id, course_id, title, starts_at, ends_at, status, location, lesson_notes,
                 plan_objectives, plan_activities, plan_materials, plan_homework, plan_ready, resource_ids, version
          from class_sessions where school_id = ? and teacher_id = ? and id > ? order by id limit ?`,
    params: (t, s) => [s, t],
  },
  announcement: {
    sql: 'select id, school_id, title, message, created_at, version from announcements where school_id = ? and id > ? order by id limit ?',
    params: (_t, s) => [s],
  },
  notification: {
    sql: `select id, school_id, user_id, type, title, message, action_url, is_read, is_dismissed, read_at,
                 delivered_via_socket, created_at, expires_at, version
          from notifications where school_id = ? and user_id = ? and expiry_published = 0 and id > ? order by id limit ?`,
    params: (t, s) => [s, t],
  },
  plan_template: {
    sql: `select id, school_id, teacher_id, name, content, updated_at, version
          from plan_templates where school_id = ? and teacher_id = ? and deleted = 0 and id > ? order by id limit ?`,
    params: (t, s) => [s, t],
  },
  student_note: {
    sql: `select id, school_id, teacher_id, student_id, body, updated_at, version
          from student_notes where school_id = ? and teacher_id = ? and id > ? order by id limit ?`,
    params: (t, s) => [s, t],
  },
};
