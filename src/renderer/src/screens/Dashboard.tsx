/** Today / this week / this month at a glance, straight from the local store. */
import { useEffect } from 'react';
import { StatusBadge, ErrorLine } from '../components/bits.js';
import { NextClass } from '../components/NextClass.js';
import { useI18n } from '../i18n/useI18n.js';
import type { MessageKey } from '../i18n/i18n.js';
import { useChanges } from '../state/changes.js';
import { useDashboard } from '../state/dashboard.js';
import { useFlag } from '../state/flags.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { SESSION_STATUSES, type RangeName } from '../types.js';

const RANGES: Array<{ range: RangeName; label: MessageKey }> = [
  { range: 'today', label: 'range.today' },
  { range: 'week', label: 'range.week' },
  { range: 'month', label: 'range.month' },
];

export function DashboardScreen() {
  const { t, fmt } = useI18n();
  const schoolId = useSchools((s) => s.selected);
  // The dashboard's widgets (the next-class card) behind the `dashboard_widgets` flag.
  const widgetsOn = useFlag('dashboard_widgets', schoolId);
  const version = useChanges((s) => s.version);
  const range = useDashboard((s) => s.range);
  const data = useDashboard((s) => s.data);
  const error = useDashboard((s) => s.error);

  useEffect(() => {
    void useDashboard.getState().load(schoolId);
  }, [schoolId, version]);

  const current = data && data.range === range && data.school_id === schoolId ? data : null;
  const multiDay = range !== 'today';

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('dashboard.title')}</h1>
        <div className="segmented" role="group" aria-label={t('range.label')}>
          {RANGES.map((r) => (
            <button
              key={r.range}
              type="button"
              aria-pressed={range === r.range}
              onClick={() => useDashboard.getState().setRange(r.range, schoolId)}
            >
              {t(r.label)}
            </button>
          ))}
        </div>
      </div>
      <ErrorLine error={error} />
      {!current ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <>
          <section className="stats" aria-label={t('dashboard.summary')}>
            <ul className="stat-list">
              {SESSION_STATUSES.map((s) => (
                <li key={s} className={`stat stat-${s}`}>
                  <span className="stat-value">{fmt.number(current.counts[s])}</span>
                  <span className="stat-label">{t(`dashboard.stat.${s}`, { count: current.counts[s] })}</span>
                </li>
              ))}
              <li className="stat">
                <span className="stat-value">{fmt.number(current.student_count)}</span>
                <span className="stat-label">
                  {t('dashboard.studentsLabel', { count: current.student_count })}
                </span>
              </li>
              <li className="stat">
                <a href={routeHref({ name: 'notifications' })} className="stat-link">
                  <span className="stat-value">{fmt.number(current.unread_notifications)}</span>
                  <span className="stat-label">
                    {t('dashboard.unreadLabel', { count: current.unread_notifications })}
                  </span>
                </a>
              </li>
            </ul>
          </section>

          {widgetsOn && <NextClass next={current.next_class} />}

          <section className="card">
            <h2>{t('dashboard.sessions')}</h2>
            {current.sessions.length === 0 ? (
              <p className="muted">{t('dashboard.noSessions')}</p>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('col.time')}</th>
                      <th scope="col">{t('col.title')}</th>
                      <th scope="col">{t('col.course')}</th>
                      <th scope="col">{t('col.location')}</th>
                      <th scope="col">{t('col.status')}</th>
                      <th scope="col" className="num">
                        {t('col.students')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {current.sessions.map((s) => (
                      <tr key={s.id} className={s.status === 'cancelled' ? 'row-cancelled' : undefined}>
                        <td className="nowrap">
                          {multiDay && <span className="day">{fmt.day(s.starts_at)} </span>}
                          {fmt.timeRange(s.starts_at, s.ends_at)}
                        </td>
                        <td>
                          <a href={routeHref({ name: 'session', id: s.id })}>{s.title}</a>
                        </td>
                        <td>{s.course_name ?? '—'}</td>
                        <td>{s.location || '—'}</td>
                        <td>
                          <StatusBadge status={s.status} />
                        </td>
                        <td className="num">{fmt.number(s.student_count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {current.sessions.length >= 50 && (
              <p className="muted">
                <a href={routeHref({ name: 'sessions' })}>{t('dashboard.moreSessions')}</a>
              </p>
            )}
          </section>

          <section className="card">
            <h2>{t('dashboard.recentResources')}</h2>
            {current.recent_resources.length === 0 ? (
              <p className="muted">{t('dashboard.noResources')}</p>
            ) : (
              <ul className="plain-list">
                {current.recent_resources.map((r) => (
                  <li key={`${r.school_id}-${r.id}`}>
                    <a href={routeHref({ name: 'resources' })}>{r.title}</a>{' '}
                    <span className="muted">
                      {fmt.date(r.created_at)} · {fmt.bytes(r.size)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
