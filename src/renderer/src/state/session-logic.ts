/** Pure helpers of the session page: attendance counts and keys. */
import type { Attendance, SessionDetail, SessionItem } from '../types.js';

export type AttendanceCounts = Record<Attendance, number>;

export function attendanceCounts(detail: SessionDetail): AttendanceCounts {
  const counts: AttendanceCounts = { unknown: 0, present: 0, absent: 0, late: 0 };
  for (const r of detail.roster) counts[r.attendance]++;
  return counts;
}

/** The attendance a key sets (P, A, L in English; P, F, A in Portuguese: presente, falta, atraso). */
export function attendanceForKey(key: string, language: 'en' | 'pt-PT'): Attendance | null {
  const k = key.toLowerCase();
  if (language === 'pt-PT') {
    if (k === 'p') return 'present';
    if (k === 'f') return 'absent';
    if (k === 'a') return 'late';
    return null;
  }
  if (k === 'p') return 'present';
  if (k === 'a') return 'absent';
  if (k === 'l') return 'late';
  return null;
}

export type PlanStatus = 'empty' | 'drafted' | 'ready';

/** Where a session's plan stands: marked ready, written in part, or not started. */
export function planStatus(
  s: Pick<
    SessionItem,
    'plan_ready' | 'plan_objectives' | 'plan_activities' | 'plan_materials' | 'plan_homework' | 'lesson_notes'
  >,
): PlanStatus {
  if (s.plan_ready) return 'ready';
  const written =
    s.plan_activities.length > 0 ||
    [s.plan_objectives, s.plan_materials, s.plan_homework, s.lesson_notes].some((t) => t.trim() !== '');
  return written ? 'drafted' : 'empty';
}
