/** Calendar ranges (today / this week / this month) in a school's time zone, as UTC instants. */

// Building an Intl.DateTimeFormat costs ~0.4 ms, more than a dashboard's SQL, and a range needs
// five offsets: keep one formatter per time zone (a school's zone is one of a few hundred).
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC at `at`, in minutes (Lisbon summer time → 60). */
function offsetMinutes(tz: string, at: Date): number {
  const parts = formatterFor(tz).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/** The UTC instant of local midnight (or of `hour`:00) of the given local calendar date in `tz`. */
function localMidnight(tz: string, y: number, m: number, d: number, hour = 0, minute = 0): Date {
  const guess = new Date(Date.UTC(y, m, d, hour, minute));
  const first = new Date(guess.getTime() - offsetMinutes(tz, guess) * 60000);
  // Re-evaluate at the found instant: the offset can differ across a DST change.
  return new Date(guess.getTime() - offsetMinutes(tz, first) * 60000);
}

export type RangeName = 'today' | 'week' | 'month';

export function calendarRange(range: RangeName, tz: string, now: Date): { from: Date; to: Date } {
  const local = new Date(now.getTime() + offsetMinutes(tz, now) * 60000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  if (range === 'today') return { from: localMidnight(tz, y, m, d), to: localMidnight(tz, y, m, d + 1) };
  if (range === 'week') {
    const mondayOffset = (local.getUTCDay() + 6) % 7; // ISO weeks start on Monday
    return {
      from: localMidnight(tz, y, m, d - mondayOffset),
      to: localMidnight(tz, y, m, d - mondayOffset + 7),
    };
  }
  return { from: localMidnight(tz, y, m, 1), to: localMidnight(tz, y, m + 1, 1) };
}

/** The instant of the next `hour`:00 in `tz` strictly after `now` (daily digests). */
export function nextLocalHour(now: Date, tz: string, hour: number): Date {
  const local = new Date(now.getTime() + offsetMinutes(tz, now) * 60000);
  for (let add = 0; add < 3; add++) {
    const t = localMidnight(tz, local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + add, hour);
    if (t.getTime() > now.getTime()) return t;
  }
  return new Date(now.getTime() + 24 * 3600_000);
}

/**
 * The UTC instant of the wall-clock time `hhmm` (HH:MM) on the calendar date `ymd` (YYYY-MM-DD)
 * in `tz` (a weekly timetable's lesson, server/domain/timetable.ts). A time the clocks skip on
 * a spring-forward day is taken one hour later (01:30 in Lisbon on the last Sunday of March is
 * 02:30); one they repeat in autumn is its first occurrence.
 */
export function zonedInstant(tz: string, ymd: string, hhmm: string): Date {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const [h, min] = hhmm.split(':').map(Number) as [number, number];
  return localMidnight(tz, y, m - 1, d, h, min);
}

/** The calendar date (YYYY-MM-DD) `at` has in `tz`. */
export function zonedDate(tz: string, at: Date): string {
  return new Date(at.getTime() + offsetMinutes(tz, at) * 60000).toISOString().slice(0, 10);
}
