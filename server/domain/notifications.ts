/** Creating notifications inside a write: rows, change-log entries and a live event each. */
import type { Kysely } from 'kysely';
import type { NotificationRow } from '../../src/shared/entities.js';
import type { DB } from '../db/schema.js';
import type { WriteContext } from './changes.js';
import type { DomainContext } from './context.js';
import { queueEmails } from './email-jobs.js';
import { NOTIFICATION_COLUMNS, toNotificationRow } from './scope.js';

export interface NewNotification {
  school_id: number;
  user_id: number;
  type: NotificationRow['type'];
  /** What the notification is about; each reader renders it (src/shared/notification-text.ts). */
  params: NotificationRow['params'];
  /** Only text a person wrote (an announcement's); the server writes no sentence of its own. */
  title?: string;
  message?: string;
  action_url?: string;
  expires_at?: string | null;
  dedupe_key?: string | null;
}

/**
 * Creates notifications in the write `w`, with the email job of each one its teacher wants by
 * email (server/domain/email-jobs.ts): both commit, or neither.
 */
export async function createNotifications(
  w: WriteContext,
  ctx: Pick<DomainContext, 'events' | 'mail'>,
  list: NewNotification[],
): Promise<NotificationRow[]> {
  const created: NotificationRow[] = [];
  for (let i = 0; i < list.length; i += 500) {
    const rows = await w.trx
      .insertInto('notifications')
      .values(
        list.slice(i, i + 500).map((n) => ({
          school_id: n.school_id,
          user_id: n.user_id,
          type: n.type,
          title: n.title ?? '',
          message: n.message ?? '',
          params: JSON.stringify(n.params),
          action_url: n.action_url ?? '',
          is_read: 0,
          is_dismissed: 0,
          read_at: null,
          delivered_via_socket: 0,
          created_at: w.now,
          expires_at: n.expires_at ?? null,
          expiry_published: 0,
          dedupe_key: n.dedupe_key ?? null,
          version: w.version,
        })),
      )
      // A notification with a dedupe key that exists already is skipped: that is what makes
      // scheduled notifications exactly-once across restarts and server processes.
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning(NOTIFICATION_COLUMNS)
      .execute();
    created.push(...rows.map(toNotificationRow));
  }
  for (const n of created) {
    w.touch({ school_id: n.school_id, teacher_id: n.user_id, entity: 'notification', row_id: n.id });
    w.afterCommit(() => ctx.events.notificationCreated(n));
  }
  if (ctx.mail) await queueEmails(w, ctx.mail, created);
  return created;
}

/** Notifications last 30 days unless a type says otherwise. */
export const NOTIFICATION_TTL_MS = 30 * 24 * 3600 * 1000;
export const expiryFrom = (nowIso: string, ttlMs = NOTIFICATION_TTL_MS): string =>
  new Date(Date.parse(nowIso) + ttlMs).toISOString();

/**
 * One page of a teacher's visible notifications in a school (the scoped view's, not dismissed),
 * unread first, newest first, by keyset: the rows after `after` in that order (served by the
 * index notifications_page).
 */
export async function notificationPage(
  db: Kysely<DB>,
  q: {
    teacherId: number;
    schoolId: number;
    unreadOnly: boolean;
    limit: number;
    after: { is_read: number; created_at: string; id: number } | null;
  },
): Promise<{ rows: NotificationRow[]; unread: number; more: boolean }> {
  const visible = db
    .selectFrom('notifications')
    .where('user_id', '=', q.teacherId)
    .where('school_id', '=', q.schoolId)
    .where('expiry_published', '=', 0)
    .where('is_dismissed', '=', 0);
  let page = visible.select(NOTIFICATION_COLUMNS);
  if (q.unreadOnly) page = page.where('is_read', '=', 0);
  const a = q.after;
  if (a)
    page = page.where((eb) =>
      eb.or([
        eb('is_read', '>', a.is_read),
        eb.and([
          eb('is_read', '=', a.is_read),
          eb.or([
            eb('created_at', '<', a.created_at),
            eb.and([eb('created_at', '=', a.created_at), eb('id', '<', a.id)]),
          ]),
        ]),
      ]),
    );
  const [rows, unread] = await Promise.all([
    page
      .orderBy('is_read')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute(),
    visible
      .where('is_read', '=', 0)
      .select((eb) => eb.fn.countAll<number | string>().as('c'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.slice(0, q.limit).map(toNotificationRow),
    unread: Number(unread.c),
    more: rows.length > q.limit,
  };
}
