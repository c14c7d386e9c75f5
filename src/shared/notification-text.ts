/**
 * A notification's words, rendered by each reader from its type and parameters (docs/ARCHITECTURE.md,
 * "Notifications"): the app in the teacher's language and the school's time zone, the native
 * notification in the app's language, the email in the language the teacher chose. The server
 * stores no sentence of its own: `title`/`message` hold only what a person wrote (an
 * announcement's text) or, for rows written before parameters existed, their old text.
 */
import type { NotificationRow } from './entities.js';

export type NotificationLanguage = 'en' | 'pt-PT';
export const NOTIFICATION_LANGUAGES = ['en', 'pt-PT'] as const;

type P = NotificationRow['params'];
type Row = Pick<NotificationRow, 'type' | 'title' | 'message' | 'params'>;

export interface RenderedNotification {
  title: string;
  body: string;
}

const str = (p: P, k: string): string => {
  const v = p[k];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
};

/** "15 Dec 2026, 14:30" in the school's time zone and the reader's language. */
export function formatWhen(iso: string, locale: string, timeZone: string | null): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  };
  try {
    return new Intl.DateTimeFormat(locale, timeZone ? { ...options, timeZone } : options).format(d);
  } catch {
    // An unknown zone name: UTC, said so.
    return `${new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(d)} UTC`;
  }
}

function money(p: P, locale: string): string {
  const cents = p['amount_cents'];
  if (typeof cents !== 'number') return '';
  const currency = str(p, 'currency') || 'EUR';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** How many sessions a payment covers (0 when the notification does not say). */
function sessions(p: P): number {
  const n = p['sessions'];
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * A holiday's calendar date (`holiday_date`, YYYY-MM-DD in the school's zone), "25 Dec 2026":
 * a date, not an instant, so it is formatted as it is, in no time zone.
 */
function day(p: P, locale: string): string {
  const d = str(p, 'holiday_date');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return d;
  try {
    return new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${d}T12:00:00Z`));
  } catch {
    return d;
  }
}

const TEXT: Record<
  NotificationLanguage,
  Record<NotificationRow['type'], (p: P, when: (k: string) => string, locale: string) => RenderedNotification>
> = {
  en: {
    session_reminder: (p, when) => ({
      title: `${str(p, 'session_title')} starts at ${when('starts_at')}`,
      body: str(p, 'location') ? `Room: ${str(p, 'location')}` : '',
    }),
    session_cancelled: (p, when, locale) =>
      str(p, 'holiday_name')
        ? {
            title: `School closed: ${str(p, 'holiday_name')}`,
            body:
              sessions(p) > 1
                ? `Your ${sessions(p)} sessions on ${day(p, locale)} were cancelled.`
                : `${str(p, 'session_title')} on ${when('starts_at')} was cancelled.`,
          }
        : {
            title: 'Session cancelled',
            body:
              sessions(p) > 1
                ? `${sessions(p)} sessions of ${str(p, 'session_title')} from ${when('starts_at')} were cancelled.`
                : `${str(p, 'session_title')} on ${when('starts_at')} was cancelled.`,
          },
    new_student: (p) => ({
      title: 'New student',
      body: `${str(p, 'student_name')} joined ${str(p, 'session_title')}.`,
    }),
    payment_processed: (p, _w, lang) => {
      const n = sessions(p);
      const amount = money(p, lang);
      const received =
        n > 0 ? `${amount} received for ${n} ${n === 1 ? 'session' : 'sessions'}.` : `${amount} received.`;
      return {
        title: 'Payment processed',
        body: [amount && received, str(p, 'description')].filter(Boolean).join(' — '),
      };
    },
    school_announcement: (p) =>
      str(p, 'invitation_school')
        ? {
            title: `Invitation from ${str(p, 'invitation_school')}`,
            body: `${str(p, 'invitation_school')} invites you to join. Sign in to the Classdesk console (/admin/ on your server) to accept.`,
          }
        : { title: 'Announcement', body: '' },
  },
  'pt-PT': {
    session_reminder: (p, when) => ({
      title: `${str(p, 'session_title')} começa às ${when('starts_at')}`,
      body: str(p, 'location') ? `Sala: ${str(p, 'location')}` : '',
    }),
    session_cancelled: (p, when, locale) =>
      str(p, 'holiday_name')
        ? {
            title: `Escola fechada: ${str(p, 'holiday_name')}`,
            body:
              sessions(p) > 1
                ? `As suas ${sessions(p)} aulas de ${day(p, locale)} foram canceladas.`
                : `A aula ${str(p, 'session_title')} de ${when('starts_at')} foi cancelada.`,
          }
        : {
            title: 'Aula cancelada',
            body:
              sessions(p) > 1
                ? `${sessions(p)} aulas de ${str(p, 'session_title')} a partir de ${when('starts_at')} foram canceladas.`
                : `A aula ${str(p, 'session_title')} de ${when('starts_at')} foi cancelada.`,
          },
    new_student: (p) => ({
      title: 'Novo aluno',
      body: `${str(p, 'student_name')} entrou em ${str(p, 'session_title')}.`,
    }),
    payment_processed: (p, _w, lang) => {
      const n = sessions(p);
      const amount = money(p, lang);
      const received =
        n > 0 ? `${amount} recebidos por ${n} ${n === 1 ? 'aula' : 'aulas'}.` : `${amount} recebidos.`;
      return {
        title: 'Pagamento processado',
        body: [amount && received, str(p, 'description')].filter(Boolean).join(' — '),
      };
    },
    school_announcement: (p) =>
      str(p, 'invitation_school')
        ? {
            title: `Convite de ${str(p, 'invitation_school')}`,
            body: `${str(p, 'invitation_school')} convida-o a juntar-se. Entre na consola do Classdesk (/admin/ no seu servidor) para aceitar.`,
          }
        : { title: 'Aviso', body: '' },
  },
};

/**
 * The title and body a reader shows, in `language` with dates and amounts formatted for `locale`
 * (the app's, e.g. en-GB; by default the language) in the school's `timeZone`. Text a person
 * wrote (an announcement) and text of rows from before parameters (title set, no parameters) is
 * shown as written.
 */
export function renderNotification(
  n: Row,
  language: NotificationLanguage,
  timeZone: string | null,
  locale: string = language,
): RenderedNotification {
  if (n.title !== '' || Object.keys(n.params).length === 0) {
    const fallback = TEXT[language][n.type](n.params, () => '', locale);
    return { title: n.title || fallback.title, body: n.message };
  }
  const when = (k: string) => formatWhen(str(n.params, k), locale, timeZone);
  return TEXT[language][n.type](n.params, when, locale);
}

/** The name of each type, for settings and emails. */
export const NOTIFICATION_TYPE_NAMES: Record<
  NotificationLanguage,
  Record<NotificationRow['type'], string>
> = {
  en: {
    session_reminder: 'Class reminders',
    session_cancelled: 'Cancelled classes',
    new_student: 'New students',
    payment_processed: 'Payments',
    school_announcement: 'School announcements',
  },
  'pt-PT': {
    session_reminder: 'Lembretes de aulas',
    session_cancelled: 'Aulas canceladas',
    new_student: 'Novos alunos',
    payment_processed: 'Pagamentos',
    school_announcement: 'Avisos da escola',
  },
};
