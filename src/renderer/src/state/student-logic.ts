/** A student's attendance rate: present or late over the sessions whose attendance was taken. */
import type { StudentDetail } from '../types.js';

export function attendanceRate(history: StudentDetail['attendance']): { attended: number; marked: number } {
  let attended = 0;
  let marked = 0;
  for (const a of history) {
    if (a.attendance === 'unknown') continue;
    marked++;
    if (a.attendance === 'present' || a.attendance === 'late') attended++;
  }
  return { attended, marked };
}
