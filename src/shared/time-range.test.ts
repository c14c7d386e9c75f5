import { describe, expect, test } from 'vitest';
import { nextLocalHour, zonedDate, zonedInstant } from './time-range.js';

describe('the next digest hour in a school time zone', () => {
  test('later today, tomorrow once past, and across summer and winter time', () => {
    const at = (iso: string) => nextLocalHour(new Date(iso), 'Europe/Lisbon', 18).toISOString();
    expect(at('2027-07-15T10:00:00.000Z')).toBe('2027-07-15T17:00:00.000Z');
    expect(at('2027-07-15T17:00:00.000Z')).toBe('2027-07-16T17:00:00.000Z');
    expect(at('2027-01-15T17:30:00.000Z')).toBe('2027-01-15T18:00:00.000Z');
    // The night summer time ends (31 Oct 2027): 18:00 that day is already winter time.
    expect(at('2027-10-31T12:00:00.000Z')).toBe('2027-10-31T18:00:00.000Z');
  });
});

describe("a wall-clock time in a school's time zone (the weekly timetable)", () => {
  const at = (tz: string, ymd: string, hhmm: string) => zonedInstant(tz, ymd, hhmm).toISOString();
  test('the same local time on both sides of each daylight-saving change', () => {
    // Lisbon: summer time from the last Sunday of March to the last Sunday of October.
    expect(at('Europe/Lisbon', '2027-03-27', '10:00')).toBe('2027-03-27T10:00:00.000Z');
    expect(at('Europe/Lisbon', '2027-03-28', '10:00')).toBe('2027-03-28T09:00:00.000Z');
    expect(at('Europe/Lisbon', '2027-10-30', '10:00')).toBe('2027-10-30T09:00:00.000Z');
    expect(at('Europe/Lisbon', '2027-10-31', '10:00')).toBe('2027-10-31T10:00:00.000Z');
    // New York: daylight time from the second Sunday of March to the first Sunday of November.
    expect(at('America/New_York', '2027-03-13', '10:00')).toBe('2027-03-13T15:00:00.000Z');
    expect(at('America/New_York', '2027-03-14', '10:00')).toBe('2027-03-14T14:00:00.000Z');
    expect(at('America/New_York', '2027-11-06', '10:00')).toBe('2027-11-06T14:00:00.000Z');
    expect(at('America/New_York', '2027-11-07', '10:00')).toBe('2027-11-07T15:00:00.000Z');
    // East of UTC the local date starts the UTC day before.
    expect(at('Asia/Tokyo', '2027-01-04', '08:00')).toBe('2027-01-03T23:00:00.000Z');
  });
  test('a skipped time is taken an hour later, a repeated one is its first occurrence', () => {
    expect(at('Europe/Lisbon', '2027-03-28', '01:30')).toBe('2027-03-28T01:30:00.000Z'); // 02:30 WEST
    expect(at('America/New_York', '2027-11-07', '01:30')).toBe('2027-11-07T05:30:00.000Z'); // 01:30 EDT
  });
  test('the local date of an instant', () => {
    expect(zonedDate('Europe/Lisbon', new Date('2027-07-15T23:30:00Z'))).toBe('2027-07-16');
    expect(zonedDate('America/New_York', new Date('2027-07-16T03:30:00Z'))).toBe('2027-07-15');
  });
});
