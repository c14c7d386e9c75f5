/** The notification centre (unread first; mark read, dismiss) and the schools' announcements. */
import { useEffect } from 'react';
import { ErrorLine } from '../components/bits.js';
import { useI18n } from '../i18n/useI18n.js';
import { useChanges } from '../state/changes.js';
import { useNotifications } from '../state/notifications.js';
import { parseRoute, routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import type { NotificationRow } from '../types.js';
import { renderNotification } from '../../../shared/notification-text.js';

function target(n: NotificationRow): string | null {
  if (!n.action_url) return null;
  const route = parseRoute(n.action_url);
  return route.name === 'dashboard' ? null : routeHref(route);
}

export function NotificationsScreen() {
  const { t, fmt, language, locale } = useI18n();
  const schoolId = useSchools((s) => s.selected);
  const schools = useSchools((s) => s.schools);
  const version = useChanges((s) => s.synced);
  const rows = useNotifications((s) => s.rows);
  const unread = useNotifications((s) => s.unread);
  const announcements = useNotifications((s) => s.announcements);
  const loaded = useNotifications((s) => s.loaded);
  const error = useNotifications((s) => s.error);
  const showSchool = schoolId === null && schools.length > 1;
  const schoolName = (id: number) => schools.find((s) => s.id === id)?.name ?? '';
  // Times a notification names are the school's (docs/ARCHITECTURE.md, "Notifications").
  const schoolZone = (id: number) => schools.find((s) => s.id === id)?.timezone ?? null;

  useEffect(() => {
    void useNotifications.getState().load(schoolId);
  }, [schoolId, version]);

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('notifications.title')}</h1>
        <p className="muted">{t('notifications.unreadCount', { count: unread })}</p>
      </div>
      <ErrorLine error={error} />
      {!loaded ? (
        <p className="muted">{t('common.loading')}</p>
      ) : rows.length === 0 ? (
        <p className="empty">{t('notifications.none')}</p>
      ) : (
        <ul className="notification-list" aria-label={t('notifications.title')}>
          {rows.map((n) => {
            const href = target(n);
            const text = renderNotification(n, language, schoolZone(n.school_id), locale);
            return (
              <li key={n.id} className={n.is_read ? 'notification read' : 'notification unread'}>
                <div className="notification-body">
                  <h2 className="h3">
                    {!n.is_read && <span className="unread-dot" aria-hidden="true" />}
                    {!n.is_read && (
                      <span className="visually-hidden">{t('notifications.unreadMarker')}: </span>
                    )}
                    {text.title}
                  </h2>
                  {text.body && <p>{text.body}</p>}
                  <p className="muted small">
                    {t(`notificationType.${n.type}`)} · {fmt.moment(n.created_at)}
                    {showSchool ? ` · ${schoolName(n.school_id)}` : ''}
                  </p>
                </div>
                <div className="notification-actions">
                  {href && (
                    <a href={href} className="button-link">
                      {t('notifications.open')}
                    </a>
                  )}
                  {!n.is_read && (
                    <button type="button" onClick={() => void useNotifications.getState().markRead(n.id)}>
                      {t('notifications.markRead')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="ghost"
                    onClick={() => void useNotifications.getState().dismiss(n.id)}
                  >
                    {t('notifications.dismiss')}
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}

      <section className="card">
        <h2>{t('announcements.title')}</h2>
        {announcements.length === 0 ? (
          <p className="muted">{t('announcements.none')}</p>
        ) : (
          <ul className="plain-list announcements">
            {announcements.map((a) => (
              <li key={`${a.school_id}-${a.id}`}>
                <h3>{a.title}</h3>
                <p>{a.message}</p>
                <p className="muted small">
                  {fmt.moment(a.created_at)}
                  {showSchool ? ` · ${schoolName(a.school_id)}` : ''}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
