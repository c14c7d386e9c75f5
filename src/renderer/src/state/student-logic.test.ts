import { describe, expect, test } from 'vitest';
import { attendanceRate } from './student-logic.js';

const row = (attendance: 'unknown' | 'present' | 'absent' | 'late', i: number) => ({
  enrolment_id: i,
  session_id: i,
  title: `Aula ${i}`,
  course_name: null,
  starts_at: new Date(Date.UTC(2026, 0, i)).toISOString(),
  status: 'completed' as const,
  attendance,
});

describe('attendance rate', () => {
  test('present and late count as attended, over the sessions whose attendance was taken', () => {
    const history = (['present', 'late', 'absent', 'unknown', 'present'] as const).map(row);
    expect(attendanceRate(history)).toEqual({ attended: 3, marked: 4 });
  });

  test('no attendance taken yet gives nothing to divide', () => {
    expect(attendanceRate([row('unknown', 1)])).toEqual({ attended: 0, marked: 0 });
    expect(attendanceRate([])).toEqual({ attended: 0, marked: 0 });
  });
});
