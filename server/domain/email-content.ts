/**
 * The email of a notification, or of a day's digest of them (docs/ARCHITECTURE.md,
 * "Notifications"): the same words the app shows (src/shared/notification-text.ts) in the
 * language the teacher chose and the school's time zone, as plain text and HTML, with the
 * school's name, a link that opens the notification in the app and a one-click unsubscribe
 * (RFC 8058: `List-Unsubscribe` with an https/http URL and `List-Unsubscribe-Post`).
 */
import type { NotificationRow } from '../../src/shared/entities.js';
import {
  NOTIFICATION_TYPE_NAMES,
  renderNotification,
  type NotificationLanguage,
} from '../../src/shared/notification-text.js';

export interface EmailFacts {
  school: { name: string; timezone: string };
  language: NotificationLanguage;
  notifications: Array<Pick<NotificationRow, 'id' | 'type' | 'title' | 'message' | 'params' | 'created_at'>>;
  /** The one-click unsubscribe URL (POST turns the types off; GET shows a page with a button). */
  unsubscribeUrl: string;
  digest: boolean;
}

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** Opens the notification in the desktop app (src/main/shell/notification-route.ts). */
export const appLink = (notificationId: number) => `classdesk://notifications/${notificationId}`;

const WORDS = {
  en: {
    open: 'Open in Classdesk',
    digest: (n: number) =>
      n === 1 ? 'Your Classdesk summary: 1 notification' : `Your Classdesk summary: ${n} notifications`,
    why: (types: string) => `You receive these emails for: ${types}.`,
    unsubscribe: 'Stop these emails',
  },
  'pt-PT': {
    open: 'Abrir no Classdesk',
    digest: (n: number) =>
      n === 1 ? 'Resumo do Classdesk: 1 notificação' : `Resumo do Classdesk: ${n} notificações`,
    why: (types: string) => `Recebe estes emails por: ${types}.`,
    unsubscribe: 'Deixar de receber estes emails',
  },
} as const;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function composeEmail(f: EmailFacts): ComposedEmail {
  const w = WORDS[f.language];
  const items = f.notifications.map((n) => ({
    ...renderNotification(n, f.language, f.school.timezone),
    link: appLink(n.id),
  }));
  const typeNames = [
    ...new Set(f.notifications.map((n) => NOTIFICATION_TYPE_NAMES[f.language][n.type])),
  ].join(', ');
  const subject = f.digest
    ? `${w.digest(items.length)} — ${f.school.name}`
    : `${items[0]!.title} — ${f.school.name}`;
  const text = [
    f.school.name,
    '',
    ...items.flatMap((i) => [i.title, ...(i.body ? [i.body] : []), `${w.open}: ${i.link}`, '']),
    '--',
    w.why(typeNames),
    `${w.unsubscribe}: ${f.unsubscribeUrl}`,
    '',
  ].join('\n');
  const html = `<!doctype html>
<html lang="${f.language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; color: #1f2933;">
<p style="color:#52606d">${escapeHtml(f.school.name)}</p>
${items
  .map(
    (i) => `<h2 style="font-size:18px">${escapeHtml(i.title)}</h2>
${i.body ? `<p>${escapeHtml(i.body).replace(/\n/g, '<br>')}</p>` : ''}
<p><a href="${escapeHtml(i.link)}">${escapeHtml(w.open)}</a></p>`,
  )
  .join('\n')}
<hr>
<p style="color:#52606d;font-size:12px">${escapeHtml(w.why(typeNames))}
<a href="${escapeHtml(f.unsubscribeUrl)}">${escapeHtml(w.unsubscribe)}</a></p>
</body></html>
`;
  return {
    subject,
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${f.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
