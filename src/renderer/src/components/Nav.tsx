/** Side navigation; the Notifications entry carries the unread badge. */
import { useI18n } from '../i18n/useI18n.js';
import type { MessageKey } from '../i18n/i18n.js';
import { useNotifications } from '../state/notifications.js';
import { navSection, routeHref, type Route } from '../state/routes.js';

const ENTRIES: Array<{ name: Route['name']; label: MessageKey }> = [
  { name: 'dashboard', label: 'nav.dashboard' },
  { name: 'week', label: 'nav.week' },
  { name: 'sessions', label: 'nav.sessions' },
  { name: 'students', label: 'nav.students' },
  { name: 'resources', label: 'nav.resources' },
  { name: 'notifications', label: 'nav.notifications' },
  { name: 'search', label: 'nav.search' },
  { name: 'settings', label: 'nav.settings' },
];

export function Nav({ route }: { route: Route }) {
  const { t } = useI18n();
  const unread = useNotifications((s) => s.unread);
  const current = navSection(route);
  return (
    <nav className="sidebar" aria-label={t('nav.label')}>
      <ul>
        {ENTRIES.map((e) => (
          <li key={e.name}>
            <a
              href={routeHref({ name: e.name } as Route)}
              aria-current={current === e.name ? 'page' : undefined}
              className="nav-link"
            >
              {t(e.label)}
            </a>
            {e.name === 'notifications' && unread > 0 && (
              <span className="badge count" role="img" aria-label={t('nav.unread', { count: unread })}>
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
