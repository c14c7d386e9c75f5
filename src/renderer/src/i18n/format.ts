/** Dates, times and sizes in the teacher's locale (Intl), with formatters cached per locale. */
import { formatNumber } from './i18n.js';

export interface Formatter {
  locale: string;
  number(n: number): string;
  /** 14:05 / 2:05 PM */
  time(iso: string): string;
  /** 3 Mar 2025 */
  date(iso: string): string;
  /** Mon, 3 Mar */
  day(iso: string): string;
  /** 3 Mar 2025, 14:05 */
  dateTime(iso: string): string;
  /** 14:05 – 15:30 (one day), or both ends in full across days. */
  timeRange(startIso: string, endIso: string): string;
  /** The time alone when `iso` is on the same calendar day as `now`, else date and time. */
  moment(iso: string, now?: Date): string;
  /** 1.5 MB */
  bytes(n: number): string;
  /** 40% */
  percent(fraction: number): string;
}

type Options = Intl.DateTimeFormatOptions;
const cache = new Map<string, Intl.DateTimeFormat>();

function dtf(locale: string, timeZone: string | undefined, options: Options): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, timeZone ? { ...options, timeZone } : options);
    cache.set(key, f);
  }
  return f;
}

const TIME: Options = { hour: '2-digit', minute: '2-digit' };
const DATE: Options = { day: 'numeric', month: 'short', year: 'numeric' };
const DAY: Options = { weekday: 'short', day: 'numeric', month: 'short' };
const DATE_TIME: Options = { ...DATE, ...TIME };

const valid = (d: Date) => !Number.isNaN(d.getTime());

/** A formatter for `locale`; `timeZone` defaults to the system's (tests pin it). */
export function createFormatter(locale: string, timeZone?: string): Formatter {
  const fmt = (options: Options, iso: string) => {
    const d = new Date(iso);
    return valid(d) ? dtf(locale, timeZone, options).format(d) : iso;
  };
  const dayKey = (d: Date) =>
    dtf(locale, timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  return {
    locale,
    number: (n) => formatNumber(locale, n),
    time: (iso) => fmt(TIME, iso),
    date: (iso) => fmt(DATE, iso),
    day: (iso) => fmt(DAY, iso),
    dateTime: (iso) => fmt(DATE_TIME, iso),
    timeRange(startIso, endIso) {
      const a = new Date(startIso);
      const b = new Date(endIso);
      if (!valid(a) || !valid(b)) return `${startIso} – ${endIso}`;
      const sameDay = dayKey(a) === dayKey(b);
      const f = dtf(locale, timeZone, sameDay ? TIME : DATE_TIME);
      return b.getTime() >= a.getTime() ? f.formatRange(a, b) : f.format(a);
    },
    moment(iso, now = new Date()) {
      const d = new Date(iso);
      if (!valid(d)) return iso;
      return dayKey(d) === dayKey(now) ? fmt(TIME, iso) : fmt(DATE_TIME, iso);
    },
    bytes(n) {
      const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
      let value = n;
      let i = 0;
      while (value >= 1000 && i < units.length - 1) {
        value /= 1000;
        i++;
      }
      return new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: units[i],
        unitDisplay: i === 0 ? 'long' : 'short',
        maximumFractionDigits: i === 0 ? 0 : 1,
      }).format(value);
    },
    percent: (fraction) =>
      new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(fraction),
  };
}

/**
 * The ISO instant of local midnight at the start of a date input's day (`YYYY-MM-DD`), or of the
 * day after with `endExclusive` (so a "To" date includes its whole day). Undefined for "".
 */
export function dateInputToIso(value: string, endExclusive = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (endExclusive ? 1 : 0));
  return valid(d) ? d.toISOString() : undefined;
}
