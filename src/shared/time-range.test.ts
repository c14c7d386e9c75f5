import { describe, expect, test } from 'vitest';
import { nextLocalHour } from './time-range.js';

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
