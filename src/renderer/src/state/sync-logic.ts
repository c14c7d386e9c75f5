/** Pure pieces of the sync status: first-sync progress, the state word, attention items. */
import type { AttentionItem, SchoolItem, SyncStatus } from '../types.js';

export type Progress = Record<number, { done: number; total: number }>;

/** Keeps a school's first-sync progress while it runs; drops it once done reaches total. */
export function applyProgress(
  progress: Progress,
  e: { schoolId: number; done: number; total: number },
): Progress {
  const next = { ...progress };
  if (e.total <= 0 || e.done >= e.total) delete next[e.schoolId];
  else next[e.schoolId] = { done: e.done, total: e.total };
  return next;
}

/** Progress of schools whose first sync had not finished (after a restart, say). */
export function progressFromSchools(schools: readonly SchoolItem[], previous: Progress): Progress {
  const next: Progress = {};
  for (const s of schools) {
    if (s.ready) continue;
    const live = previous[s.id];
    if (live) next[s.id] = live;
    else if (s.total !== null && s.total > 0 && (s.done ?? 0) < s.total)
      next[s.id] = { done: s.done ?? 0, total: s.total };
  }
  return next;
}

/** Sum of every running first sync, for one progress bar. */
export function totalProgress(progress: Progress): { done: number; total: number } | null {
  const entries = Object.values(progress);
  if (entries.length === 0) return null;
  return entries.reduce((a, p) => ({ done: a.done + p.done, total: a.total + p.total }), {
    done: 0,
    total: 0,
  });
}

export type StatusWord = 'syncing' | 'online' | 'offline' | 'notAnswering';

export function statusWord(status: SyncStatus | null): StatusWord {
  if (!status) return 'offline';
  if (status.syncing) return 'syncing';
  if (status.notAnswering) return 'notAnswering';
  return status.online ? 'online' : 'offline';
}

/** What the top bar's "Needs attention" counts: refused edits and edits kept aside from removed schools. */
export const attentionCount = (status: SyncStatus | null): number =>
  (status?.attention ?? 0) + (status?.quarantined ?? 0);

export interface ConflictView {
  field: string;
  server_value: unknown;
  your_value: unknown;
}

export interface AttentionView {
  item: AttentionItem;
  args: Record<string, unknown>;
  conflict: ConflictView | null;
}

function parseObject(json: string | null): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** An attention item with its JSON fields parsed (bad JSON reads as "no details"). */
export function viewAttention(item: AttentionItem): AttentionView {
  const c = parseObject(item.conflict);
  return {
    item,
    args: parseObject(item.args) ?? {},
    conflict:
      c && typeof c.field === 'string'
        ? { field: c.field, server_value: c.server_value, your_value: c.your_value }
        : null,
  };
}

/** A conflict value as text: strings as they are, anything else as JSON. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '—' : v;
  return JSON.stringify(v);
}
