import { describe, expect, test } from 'vitest';
import { createFormatter, dateInputToIso } from './format.js';

// Pinned zone: Lisbon is UTC+0 in winter, UTC+1 in summer.
const gb = createFormatter('en-GB', 'Europe/Lisbon');
const us = createFormatter('en-US', 'Europe/Lisbon');
const ptPT = createFormatter('pt-PT', 'Europe/Lisbon');
const clean = (s: string) => s.replace(/[\u202f\u00a0\u2009]/g, ' ');

describe('dates and times in the teacher locale', () => {
  test('a time follows the locale clock and the zone offset', () => {
    expect(gb.time('2025-07-01T13:05:00Z')).toBe('14:05');
    expect(clean(us.time('2025-07-01T13:05:00Z'))).toBe('02:05 PM');
    expect(ptPT.time('2025-01-15T13:05:00Z')).toBe('13:05');
  });

  test('a date follows the locale pattern', () => {
    expect(gb.date('2025-03-03T10:00:00Z')).toBe('3 Mar 2025');
    expect(clean(us.date('2025-03-03T10:00:00Z'))).toBe('Mar 3, 2025');
    // CLDR's pt-PT short-month date is numeric, day first (3/03/2025).
    expect(ptPT.date('2025-03-03T10:00:00Z')).toMatch(/^0?3\/03\/2025$|^3 de mar/);
  });

  test('a range on one day shows the day once', () => {
    expect(clean(gb.timeRange('2025-03-03T09:00:00Z', '2025-03-03T10:30:00Z'))).toBe('09:00–10:30');
  });

  test('a range across days shows both dates', () => {
    const r = clean(gb.timeRange('2025-03-03T22:00:00Z', '2025-03-04T01:00:00Z'));
    expect(r).toContain('3');
    expect(r).toContain('4');
  });

  test('moment shows only the time for today, date and time otherwise', () => {
    const now = new Date('2025-03-03T18:00:00Z');
    expect(gb.moment('2025-03-03T09:00:00Z', now)).toBe('09:00');
    expect(gb.moment('2025-03-01T09:00:00Z', now)).toBe('1 Mar 2025, 09:00');
  });

  test('an invalid timestamp is shown as it is rather than "Invalid Date"', () => {
    expect(gb.date('not a date')).toBe('not a date');
  });

  test('sizes use units in the locale', () => {
    expect(gb.bytes(512)).toBe('512 bytes');
    expect(gb.bytes(1_500_000)).toBe('1.5 MB');
    expect(clean(ptPT.bytes(1_500_000))).toBe('1,5 MB');
  });
});

describe('date inputs', () => {
  test('a From date is local midnight of that day', () => {
    expect(dateInputToIso('2025-03-03')).toBe(new Date(2025, 2, 3).toISOString());
  });

  test('a To date includes its whole day (midnight of the next)', () => {
    expect(dateInputToIso('2025-03-31', true)).toBe(new Date(2025, 3, 1).toISOString());
  });

  test('an empty or malformed value is no bound', () => {
    expect(dateInputToIso('')).toBeUndefined();
    expect(dateInputToIso('03/03/2025')).toBeUndefined();
  });
});
