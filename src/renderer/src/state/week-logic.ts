/**
 * The week timetable's calendar arithmetic, pure: weeks start on Monday; a session is placed on
 * the day and hour it has in its school's time zone (across daylight-saving changes), whatever
 * the time zone of the computer showing it.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type DateKey = string;

const partsCache = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

/** The date, hour and minute an instant has in `timeZone`. */
export function zoned(iso: string | Date, timeZone: string): { date: DateKey; hour: number; minute: number } {
  const parts = partsFormat(timeZone).formatToParts(typeof iso === 'string' ? new Date(iso) : iso);
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '00';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    hour: Number(get('hour')),
    minute: Number(get('minute')),
  };
}

export function addDays(date: DateKey, days: number): DateKey {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Monday of the week holding `date`. */
export function mondayOf(date: DateKey): DateKey {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(date, -weekday);
}

/** The seven dates of the week starting `monday`. */
export const weekDays = (monday: DateKey): DateKey[] =>
  Array.from({ length: 7 }, (_, i) => addDays(monday, i));

/**
 * The instants to ask the store for: a day wider on each side than the week in UTC, since a
 * school's Monday may start before the computer's; sessions are then kept by their school's date.
 */
export function queryRange(monday: DateKey): { from: string; to: string } {
  return {
    from: new Date(`${addDays(monday, -1)}T00:00:00.000Z`).toISOString(),
    to: new Date(`${addDays(monday, 8)}T00:00:00.000Z`).toISOString(),
  };
}

export interface Placed<S> {
  session: S;
  date: DateKey;
  hour: number;
  minute: number;
}

/**
 * Sessions placed on the week's grid by their school's time zone, in time order; the hours the
 * grid shows: 8 to 17 at least, widened to every placed lesson.
 */
export function placeWeek<S extends { starts_at: string; school_id: number }>(
  sessions: S[],
  monday: DateKey,
  timeZoneOf: (schoolId: number) => string,
): { placed: Placed<S>[]; hours: number[] } {
  const days = new Set(weekDays(monday));
  const placed = sessions
    .map((session) => ({ session, ...zoned(session.starts_at, timeZoneOf(session.school_id)) }))
    .filter((p) => days.has(p.date))
    .sort((a, b) => a.date.localeCompare(b.date) || a.hour - b.hour || a.minute - b.minute);
  let first = 8;
  let last = 17;
  for (const p of placed) {
    first = Math.min(first, p.hour);
    last = Math.max(last, p.hour);
  }
  return { placed, hours: Array.from({ length: last - first + 1 }, (_, i) => first + i) };
}
