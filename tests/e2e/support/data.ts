/** Server-side look-ups the end-to-end tests start from (the demo's rows, found by query). */
import type { Kysely } from 'kysely';
import type { DB } from '../../../server/db/schema.js';

export interface SessionWithRoster {
  id: number;
  title: string;
  /** Its enrolled students whose name no other student on the roster shares. */
  roster: Array<{ enrolmentId: number; studentId: number; name: string }>;
}

/** The teacher's next scheduled session in a school that has at least `minStudents` enrolled. */
export async function upcomingSession(
  db: Kysely<DB>,
  teacherId: number,
  schoolId: number,
  minStudents = 2,
): Promise<SessionWithRoster> {
  const sessions = await db
    .selectFrom('class_sessions')
    .select(['id', 'title'])
    .where('teacher_id', '=', teacherId)
    .where('school_id', '=', schoolId)
    .where('status', '=', 'scheduled')
    .where('starts_at', '>', new Date().toISOString())
    .orderBy('starts_at')
    .execute();
  for (const s of sessions) {
    const roster = await db
      .selectFrom('enrolments')
      .innerJoin('users', 'users.id', 'enrolments.student_id')
      .select(['enrolments.id as enrolmentId', 'enrolments.student_id as studentId', 'users.name'])
      .where('enrolments.session_id', '=', s.id)
      .orderBy('users.name')
      .execute();
    // The demo has namesakes; a test picks students by their (accessible) name.
    const unique = roster.filter((r) => roster.filter((o) => o.name === r.name).length === 1);
    if (unique.length >= minStudents) return { ...s, roster: unique };
  }
  throw new Error(
    `no upcoming session with ${minStudents} students for teacher ${teacherId} in school ${schoolId}`,
  );
}
