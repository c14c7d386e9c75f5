/**
 * The week timetable: a grid by day and hour of the teacher's lessons, each placed by its
 * school's time zone and naming its school when the teacher has several. Keyboard: the arrow keys
 * move between lessons, Page Up / Page Down change the week.
 */
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { ErrorLine, StatusBadge } from '../components/bits.js';
import { createFormatter } from '../i18n/format.js';
import { useI18n } from '../i18n/useI18n.js';
import { useChanges } from '../state/changes.js';
import { useRouter } from '../state/router.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { planStatus } from '../state/session-logic.js';
import { useWeek } from '../state/week.js';
import { addDays, mondayOf, placeWeek, zoned, type DateKey } from '../state/week-logic.js';

const systemZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function WeekScreen({ start }: { start?: string }) {
  const { t, locale } = useI18n();
  const schoolId = useSchools((s) => s.selected);
  const schools = useSchools((s) => s.schools);
  const version = useChanges((s) => s.version);
  const { monday, sessions, error } = useWeek();
  const today = zoned(new Date(), systemZone()).date;
  const shown: DateKey = mondayOf(start ?? today);
  const gridRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void useWeek.getState().load(schoolId, shown);
  }, [schoolId, shown, version]);

  const zoneOf = useMemo(() => {
    const byId = new Map(schools.map((s) => [s.id, s.timezone ?? systemZone()]));
    return (id: number) => byId.get(id) ?? systemZone();
  }, [schools]);
  const { placed, hours } = useMemo(
    () => placeWeek(monday === shown ? sessions : [], shown, zoneOf),
    [sessions, monday, shown, zoneOf],
  );
  const days = Array.from({ length: 7 }, (_, i) => addDays(shown, i)).filter(
    (d, i) => i < 5 || placed.some((p) => p.date === d),
  );
  const several = schools.length > 1;
  const dayLabel = (d: DateKey) =>
    new Intl.DateTimeFormat(locale, {
      weekday: 'long',
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    }).format(new Date(`${d}T12:00:00.000Z`));
  const rangeLabel = `${dayLabel(shown)} – ${dayLabel(addDays(shown, 6))}`;
  const go = (d: DateKey) => useRouter.getState().navigate({ name: 'week', start: d });

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'PageUp' || e.key === 'PageDown') {
      e.preventDefault();
      go(addDays(shown, e.key === 'PageUp' ? -7 : 7));
      return;
    }
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    const lessons = [...(gridRef.current?.querySelectorAll<HTMLAnchorElement>('a.lesson') ?? [])];
    const at = lessons.indexOf(document.activeElement as HTMLAnchorElement);
    if (lessons.length === 0) return;
    let next: number | null = null;
    if (step !== undefined) next = at < 0 ? 0 : Math.min(lessons.length - 1, Math.max(0, at + step));
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = lessons.length - 1;
    if (next !== null) {
      e.preventDefault();
      lessons[next]!.focus();
    }
  }

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('week.title')}</h1>
        <div className="segmented" role="group" aria-label={t('week.navigate')}>
          <button type="button" onClick={() => go(addDays(shown, -7))}>
            {t('week.previous')}
          </button>
          <button type="button" onClick={() => go(mondayOf(today))} aria-pressed={shown === mondayOf(today)}>
            {t('week.this')}
          </button>
          <button type="button" onClick={() => go(addDays(shown, 7))}>
            {t('week.next')}
          </button>
        </div>
      </div>
      <ErrorLine error={error} />
      <p className="muted" aria-live="polite">
        {rangeLabel} · {t('week.lessons', { count: placed.length })}
      </p>
      <div className="week-grid" ref={gridRef} onKeyDown={onKeyDown}>
        <table>
          <caption className="visually-hidden">
            {t('week.caption', { range: rangeLabel })} {t('week.keys')}
          </caption>
          <thead>
            <tr>
              <th scope="col" className="week-hour">
                <span className="visually-hidden">{t('week.hour')}</span>
              </th>
              {days.map((d) => (
                <th key={d} scope="col" aria-current={d === today ? 'date' : undefined}>
                  {dayLabel(d)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h}>
                <th scope="row" className="week-hour">
                  {String(h).padStart(2, '0')}:00
                </th>
                {days.map((d) => (
                  <td key={d}>
                    {placed
                      .filter((p) => p.date === d && p.hour === h)
                      .map(({ session: s }) => {
                        const school = schools.find((x) => x.id === s.school_id);
                        const when = createFormatter(locale, zoneOf(s.school_id)).timeRange(
                          s.starts_at,
                          s.ends_at,
                        );
                        const plan = planStatus(s);
                        return (
                          <a
                            key={s.id}
                            className={`lesson lesson-${s.status}`}
                            href={routeHref({ name: 'session', id: s.id })}
                          >
                            <span className="lesson-time">{when}</span>
                            <span className="lesson-title">{s.course_name ?? s.title}</span>
                            {s.location && <span className="muted">{s.location}</span>}
                            {several && school && <span className="lesson-school">{school.name}</span>}
                            {s.status === 'scheduled' ? (
                              <span className={`badge plan-${plan}`}>{t(`plan.status.${plan}`)}</span>
                            ) : (
                              <StatusBadge status={s.status} />
                            )}
                          </a>
                        );
                      })}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
