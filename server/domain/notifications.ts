/** Creating notifications inside a write: rows, change-log entries and a live event each. */
import type { NotificationRow } from '../../src/shared/entities.js';
import type { WriteContext } from './changes.js';
import type { DomainEvents } from './events.js';
import { NOTIFICATION_COLUMNS, toNotificationRow } from './scope.js';

export interface NewNotification {
  school_id: number;
  user_id: number;
  type: NotificationRow['type'];
  title: string;
  message: string;
  action_url?: string;
  expires_at?: string | null;
  dedupe_key?: string | null;
}

export async function createNotifications(
  w: WriteContext,
  events: DomainEvents,
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
          title: n.title,
          message: n.message,
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
    w.afterCommit(() => events.notificationCreated(n));
  }
  return created;
}

/** Notifications last 30 days unless a type says otherwise. */
export const NOTIFICATION_TTL_MS = 30 * 24 * 3600 * 1000;
export const expiryFrom = (nowIso: string, ttlMs = NOTIFICATION_TTL_MS): string =>
  new Date(Date.parse(nowIso) + ttlMs).toISOString();
