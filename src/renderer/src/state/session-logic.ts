/** Pure helpers of the session page: attendance counts and keys. */
import type { Attendance, SessionDetail, SessionItem } from '../types.js';

export type AttendanceCounts = Record<Attendance, number>;

export function attendanceCounts(detail: SessionDetail): AttendanceCounts {
  const counts: AttendanceCounts = { unknown: 0, present: 0, absent: 0, late: 0 };
  for (const r of detail.roster) counts[r.attendance]++;
  return counts;
}

/**
 * The key of each attendance mark, by language: P, A, L in English (present, absent, late); P, F, A
 * in Portuguese (presente, falta, atraso). The roster shows them on its buttons.
 */
export const ATTENDANCE_KEYS: Record<'en' | 'pt-PT', Record<Exclude<Attendance, 'unknown'>, string>> = {
  en: { present: 'P', absent: 'A', late: 'L' },
  'pt-PT': { present: 'P', absent: 'F', late: 'A' },
};

/** The attendance a key sets in this language, or null. */
export function attendanceForKey(key: string, language: 'en' | 'pt-PT'): Attendance | null {
  const k = key.toUpperCase();
  const keys = ATTENDANCE_KEYS[language];
  return (Object.keys(keys) as Array<keyof typeof keys>).find((a) => keys[a] === k) ?? null;
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
