/** The notification centre, the unread badge, announcements and in-app toasts. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { AnnouncementRow, NotificationRow } from '../types.js';

export interface Toast {
  key: number;
  notification: NotificationRow;
}

/** Unread first, newest first (the store's order, kept after optimistic edits). */
export function sortNotifications(rows: readonly NotificationRow[]): NotificationRow[] {
  return [...rows].sort(
    (a, b) =>
      Number(a.is_read) - Number(b.is_read) || b.created_at.localeCompare(a.created_at) || b.id - a.id,
  );
}

export function markedRead(rows: readonly NotificationRow[], id: number, now: string): NotificationRow[] {
  return sortNotifications(
    rows.map((n) => (n.id === id ? { ...n, is_read: true, read_at: n.read_at ?? now } : n)),
  );
}

export function withoutNotification(rows: readonly NotificationRow[], id: number): NotificationRow[] {
  return rows.filter((n) => n.id !== id);
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
  markRead(id: number): Promise<void>;
  dismiss(id: number): Promise<void>;
  toast(n: NotificationRow): void;
  closeToast(key: number): void;
}

let seq = 0;
let toastKey = 0;

export const useNotifications = create<NotificationsStore>()((set, get) => {
  const edit = async (type: string, id: number) => {
    try {
      await call('edit', { type, args: { notification_id: id } });
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
    async markRead(id) {
      const { rows, unread } = get();
      const wasUnread = rows.some((n) => n.id === id && !n.is_read);
      set({
        rows: markedRead(rows, id, new Date().toISOString()),
        unread: Math.max(0, unread - (wasUnread ? 1 : 0)),
      });
      await edit('mark_notification_read', id);
    },
    async dismiss(id) {
      const { rows, unread } = get();
      const wasUnread = rows.some((n) => n.id === id && !n.is_read);
      set({ rows: withoutNotification(rows, id), unread: Math.max(0, unread - (wasUnread ? 1 : 0)) });
      await edit('dismiss_notification', id);
    },
    toast(notification) {
      const toasts = [...get().toasts, { key: ++toastKey, notification }].slice(-MAX_TOASTS);
      set({ toasts });
    },
    closeToast(key) {
      set({ toasts: get().toasts.filter((t) => t.key !== key) });
    },
  };
});
