/** Server-side look-ups for the lesson-plan end-to-end tests. */
import type { Kysely } from 'kysely';
import type { DB } from '../../../server/db/schema.js';

export interface SessionRef {
  id: number;
  title: string;
  starts_at: string;
  ends_at: string;
}

/**
 * Two upcoming scheduled lessons of one course of the teacher, one right after the other (no
 * lesson of the course between them but cancelled ones).
 */
export async function consecutiveLessons(
  db: Kysely<DB>,
  teacherId: number,
  schoolId: number,
): Promise<[SessionRef, SessionRef]> {
  const rows = await db
    .selectFrom('class_sessions')
    .select(['id', 'title', 'starts_at', 'ends_at', 'course_id', 'status'])
    .where('teacher_id', '=', teacherId)
    .where('school_id', '=', schoolId)
    .where('course_id', 'is not', null)
    .where('status', '!=', 'cancelled')
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  const now = new Date().toISOString();
  const lastOfCourse = new Map<number, (typeof rows)[number]>();
  for (const r of rows) {
    const prev = lastOfCourse.get(r.course_id!);
    lastOfCourse.set(r.course_id!, r);
    if (prev && prev.starts_at > now && prev.status === 'scheduled' && r.status === 'scheduled')
      return [prev, r];
  }
  throw new Error(`no two consecutive upcoming lessons of one course for teacher ${teacherId}`);
}

/** Monday 00:00 (this machine's time zone, as the browser's) of the week holding `iso`, and the Monday after. */
export function weekOf(iso: string): { from: Date; to: Date } {
  const d = new Date(iso);
  const from = new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7));
  return { from, to: new Date(from.getFullYear(), from.getMonth(), from.getDate() + 7) };
}

/** The teacher's lessons (not cancelled) starting in [from, to), in every school. */
export async function lessonsBetween(db: Kysely<DB>, teacherId: number, from: Date, to: Date) {
  return db
    .selectFrom('class_sessions')
    .select(['id', 'title', 'school_id'])
    .where('teacher_id', '=', teacherId)
    .where('status', '!=', 'cancelled')
    .where('starts_at', '>=', from.toISOString())
    .where('starts_at', '<', to.toISOString())
    .execute();
}
