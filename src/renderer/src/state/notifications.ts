/** The notification centre, the unread badge, announcements and in-app toasts. */
import { create } from 'zustand';
import { call, edit, errorOf } from '../api.js';
import type { AnnouncementRow, EditWrite, NotificationRow } from '../types.js';
import { withWrites } from './edit-writes.js';

export interface Toast {
  key: number;
  notification: NotificationRow;
}

/** Unread first, newest first (the store's order, kept after edits). */
export function sortNotifications(rows: readonly NotificationRow[]): NotificationRow[] {
  return [...rows].sort(
    (a, b) =>
      Number(a.is_read) - Number(b.is_read) || b.created_at.localeCompare(a.created_at) || b.id - a.id,
  );
}

/** The list after an edit's field writes: dismissed notifications leave it, read ones sort down. */
export function notificationsAfter(
  rows: readonly NotificationRow[],
  writes: readonly EditWrite[],
): NotificationRow[] {
  return sortNotifications(
    rows.map((n) => withWrites(n, 'notifications', n.id, writes)).filter((n) => !n.is_dismissed),
  );
}

export const unreadOf = (rows: readonly NotificationRow[]) => rows.filter((n) => !n.is_read).length;

const MAX_TOASTS = 3;

interface NotificationsStore {
  rows: NotificationRow[];
  unread: number;
  announcements: AnnouncementRow[];
  loaded: boolean;
  error: { code: string; message: string } | null;
  toasts: Toast[];
  load(schoolId: number | null): Promise<void>;
  /** Shows the field writes of an edit the core has just applied. */
  applyWrites(writes: readonly EditWrite[]): void;
  markRead(id: number): Promise<void>;
  dismiss(id: number): Promise<void>;
  toast(n: NotificationRow): void;
  closeToast(key: number): void;
  /** Closes the toasts of a school removed from this device: what they point to is gone. */
  closeSchoolToasts(schoolId: number): void;
}

let seq = 0;
let toastKey = 0;

export const useNotifications = create<NotificationsStore>()((set, get) => {
  const run = async (type: 'mark_notification_read' | 'dismiss_notification', id: number) => {
    try {
      await edit(type, { notification_id: id });
    } catch (e) {
      set({ error: errorOf(e) });
    }
  };
  return {
    rows: [],
    unread: 0,
    announcements: [],
    loaded: false,
    error: null,
    toasts: [],
    async load(schoolId) {
      const mine = ++seq;
      try {
        const [list, announcements] = await Promise.all([
          call('notifications:list', { schoolId }),
          call('announcements:list', { schoolId }),
        ]);
        if (mine === seq)
          set({ rows: list.rows, unread: list.unread, announcements, loaded: true, error: null });
      } catch (e) {
        if (mine === seq) set({ error: errorOf(e), loaded: true });
      }
    },
    applyWrites(writes) {
      if (!writes.some((w) => w.table === 'notifications')) return;
      const before = get();
      const rows = notificationsAfter(before.rows, writes);
      // The badge counts the whole store, the list may not: move it by what this edit changed.
      const drop = unreadOf(before.rows) - unreadOf(rows);
      set({ rows, unread: Math.max(0, before.unread - drop) });
    },
    async markRead(id) {
      await run('mark_notification_read', id);
    },
    async dismiss(id) {
      await run('dismiss_notification', id);
    },
    toast(notification) {
      const toasts = [...get().toasts, { key: ++toastKey, notification }].slice(-MAX_TOASTS);
      set({ toasts });
    },
    closeToast(key) {
      set({ toasts: get().toasts.filter((t) => t.key !== key) });
    },
    closeSchoolToasts(schoolId) {
      set({ toasts: get().toasts.filter((t) => t.notification.school_id !== schoolId) });
    },
  };
});
