/**
 * Where a click on a native notification takes the teacher: the notification's `action_url`
 * (`classdesk://sessions/42`, `classdesk://announcements/7`) mapped to a renderer route. Only
 * the app's own scheme and known targets map to a page; anything else — an empty action, a web
 * address, a malformed id — opens the notifications list, so a notification can never steer the
 * app to an arbitrary place.
 */
import type { NotificationRow } from '../../shared/entities.js';
import { renderNotification, type NotificationLanguage } from '../../shared/notification-text.js';

export const NOTIFICATIONS_ROUTE = '/notifications';

const TARGETS: Record<string, (id: number) => string> = {
  sessions: (id) => `/sessions/${id}`,
  announcements: (id) => `/announcements/${id}`,
  // An email's link to a notification (server/domain/email-content.ts): the notification centre.
  notifications: () => NOTIFICATIONS_ROUTE,
};

export function routeForActionUrl(actionUrl: string): string {
  let url: URL;
  try {
    url = new URL(actionUrl);
  } catch {
    return NOTIFICATIONS_ROUTE;
  }
  if (url.protocol !== 'classdesk:' || url.search || url.hash || url.username || url.password)
    return NOTIFICATIONS_ROUTE;
  const m = /^\/([1-9][0-9]{0,14})\/?$/.exec(url.pathname);
  if (!Object.hasOwn(TARGETS, url.hostname) || !m) return NOTIFICATIONS_ROUTE;
  return TARGETS[url.hostname]!(Number(m[1]));
}

const MAX_TITLE = 120;
const MAX_BODY = 300;
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Title and body of the native notification for a row, in the app's language and the school's
 * time zone (OS notification centres truncate anyway).
 */
export function notificationContent(
  n: Pick<NotificationRow, 'type' | 'title' | 'message' | 'params'>,
  lang: NotificationLanguage = 'en',
  timeZone: string | null = null,
): { title: string; body: string } {
  const r = renderNotification(n, lang, timeZone);
  return { title: cut(r.title.trim() || 'Classdesk', MAX_TITLE), body: cut(r.body.trim(), MAX_BODY) };
}
