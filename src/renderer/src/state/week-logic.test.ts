import { describe, expect, test } from 'vitest';
import { addDays, mondayOf, placeWeek, queryRange, weekDays, zoned } from './week-logic.js';

describe('week timetable arithmetic', () => {
  test('weeks start on Monday, across months and years', () => {
    expect(mondayOf('2026-12-05')).toBe('2026-11-30'); // a Saturday
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(mondayOf('2027-01-03')).toBe('2026-12-28'); // a Sunday
    expect(weekDays('2026-12-28').at(-1)).toBe('2027-01-03');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  test("a lesson keeps its school's hour across daylight-saving changes (Lisbon, New York)", () => {
    // Lisbon: WET (UTC+0) until 29 March 2026, then WEST (UTC+1).
    expect(zoned('2026-03-27T09:00:00.000Z', 'Europe/Lisbon')).toEqual({
      date: '2026-03-27',
      hour: 9,
      minute: 0,
    });
    expect(zoned('2026-03-30T08:00:00.000Z', 'Europe/Lisbon')).toEqual({
      date: '2026-03-30',
      hour: 9,
      minute: 0,
    });
    // New York: EST (UTC−5) until 8 March 2026, then EDT (UTC−4).
    expect(zoned('2026-03-06T14:00:00.000Z', 'America/New_York').hour).toBe(9);
    expect(zoned('2026-03-09T13:00:00.000Z', 'America/New_York').hour).toBe(9);
  });

  test("sessions are placed on their school's date, in time order, and widen the hours shown", () => {
    const s = (id: number, starts_at: string, school_id: number) => ({ id, starts_at, school_id });
    const tz = (school: number) => (school === 1 ? 'Europe/Lisbon' : 'Pacific/Auckland');
    const { placed, hours } = placeWeek(
      [
        s(1, '2026-11-30T14:30:00.000Z', 1),
        s(2, '2026-11-30T07:00:00.000Z', 1),
        // 20:00 UTC on Sunday 29 Nov is Monday 30 Nov, 09:00 in Auckland (UTC+13).
        s(3, '2026-11-29T20:00:00.000Z', 2),
        s(4, '2026-12-07T09:00:00.000Z', 1), // next week
        s(5, '2026-12-06T19:30:00.000Z', 1), // Sunday evening
      ],
      '2026-11-30',
      tz,
    );
    expect(placed.map((p) => [p.session.id, p.date, p.hour])).toEqual([
      [2, '2026-11-30', 7],
      [3, '2026-11-30', 9],
      [1, '2026-11-30', 14],
      [5, '2026-12-06', 19],
    ]);
    expect(hours[0]).toBe(7);
    expect(hours.at(-1)).toBe(19);
    const range = queryRange('2026-11-30');
    expect(range).toEqual({ from: '2026-11-29T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z' });
  });
});
