/** What the tray shows for a given state: its menu, tooltip and badge. Pure, so it is unit-tested. */
import type { MenuItemConstructorOptions } from 'electron';
import type { SyncStatus } from '../../shared/ipc.js';
import { strings, type Lang } from './strings.js';

export interface TrayState {
  signedIn: boolean;
  unread: number;
  status: SyncStatus | null;
  lang: Lang;
  /** The teacher's time zone, for "last sync hh:mm". */
  timeZone: string;
}

export interface TrayActions {
  open(): void;
  syncNow(): void;
  quit(): void;
}

/** The count drawn on the icon: nothing at zero, and at most two digits and a plus. */
export function badgeText(unread: number): string {
  if (!Number.isFinite(unread) || unread <= 0) return '';
  return unread > 99 ? '99+' : String(Math.floor(unread));
}

/** One line saying where sync stands, the most pressing fact first. */
export function syncStateLabel(state: TrayState): string {
  const t = strings(state.lang);
  const s = state.status;
  if (!state.signedIn) return t.signedOut;
  if (!s) return t.neverSynced;
  if (s.attention > 0) return t.attention(s.attention);
  if (s.syncing) return t.syncing;
  if (!s.online) return s.pending > 0 ? `${t.offline} · ${t.pending(s.pending)}` : t.offline;
  if (s.lastError) return t.syncError;
  if (s.pending > 0) return t.pending(s.pending);
  if (!s.lastSyncedAt) return t.neverSynced;
  const time = new Date(s.lastSyncedAt);
  if (Number.isNaN(time.getTime())) return t.upToDate;
  const hhmm = new Intl.DateTimeFormat(state.lang, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: state.timeZone,
  }).format(time);
  return t.lastSynced(hhmm);
}

export function trayTooltip(state: TrayState): string {
  const t = strings(state.lang);
  const unread = state.signedIn ? (state.unread > 0 ? t.unread(state.unread) : t.noUnread) : null;
  return ['Classdesk', unread, syncStateLabel(state)].filter(Boolean).join('\n');
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const t = strings(state.lang);
  const unread = state.signedIn && state.unread > 0 ? ` (${badgeText(state.unread)})` : '';
  return [
    { id: 'open', label: `${t.open}${unread}`, click: () => actions.open() },
    { type: 'separator' },
    { id: 'sync-state', label: syncStateLabel(state), enabled: false },
    {
      id: 'sync-now',
      label: t.syncNow,
      enabled: state.signedIn && !(state.status?.syncing ?? false),
      click: () => actions.syncNow(),
    },
    { type: 'separator' },
    { id: 'quit', label: t.quit, click: () => actions.quit() },
  ];
}
