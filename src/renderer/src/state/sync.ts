/** Sync status (online, syncing, pending edits), first-sync progress, needs-attention and quarantine. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { AttentionItem, QuarantineItem, SchoolItem, SyncStatus } from '../types.js';
import { applyProgress, progressFromSchools, type Progress } from './sync-logic.js';

interface SyncStore {
  status: SyncStatus | null;
  progress: Progress;
  attention: AttentionItem[];
  quarantine: QuarantineItem[];
  syncingNow: boolean;
  /** "Sync now" found the device offline: the bar says so until it is back online. */
  offlineNotice: boolean;
  error: { code: string; message: string } | null;
  loadStatus(): Promise<void>;
  setStatus(status: SyncStatus): void;
  onProgress(e: { schoolId: number; done: number; total: number }): void;
  progressFromSchools(schools: readonly SchoolItem[]): void;
  syncNow(): Promise<void>;
  loadAttention(): Promise<void>;
  retry(id: string): Promise<void>;
  discard(id: string): Promise<void>;
  exportQuarantine(): Promise<{ fileName: string; json: string } | null>;
  discardQuarantine(id: string): Promise<void>;
  reset(): void;
}

export const useSync = create<SyncStore>()((set, get) => ({
  status: null,
  progress: {},
  attention: [],
  quarantine: [],
  syncingNow: false,
  offlineNotice: false,
  error: null,
  async loadStatus() {
    try {
      set({ status: await call('sync:status') });
    } catch (e) {
      set({ error: errorOf(e) });
    }
  },
  setStatus(status) {
    const before = get().status;
    set({ status, ...(status.online ? { offlineNotice: false } : {}) });
    // The attention list changes with its count; keep an open list current.
    if (before && (before.attention !== status.attention || before.quarantined !== status.quarantined))
      void get().loadAttention();
  },
  onProgress(e) {
    set({ progress: applyProgress(get().progress, e) });
  },
  progressFromSchools(schools) {
    set({ progress: progressFromSchools(schools, get().progress) });
  },
  async syncNow() {
    set({ syncingNow: true, error: null });
    try {
      const status = await call('sync:now');
      set({ status, offlineNotice: !status.online && !status.notAnswering });
    } catch (e) {
      set({ error: errorOf(e) });
    } finally {
      set({ syncingNow: false });
    }
  },
  async loadAttention() {
    try {
      const [attention, quarantine] = await Promise.all([call('attention:list'), call('quarantine:list')]);
      set({ attention, quarantine, error: null });
    } catch (e) {
      set({ error: errorOf(e) });
    }
  },
  async retry(id) {
    set({ attention: get().attention.filter((a) => a.id !== id) });
    try {
      await call('attention:retry', { id });
    } catch (e) {
      set({ error: errorOf(e) });
    }
    await get().loadAttention();
  },
  async discard(id) {
    set({ attention: get().attention.filter((a) => a.id !== id) });
    try {
      await call('attention:discard', { id });
    } catch (e) {
      set({ error: errorOf(e) });
    }
    await get().loadAttention();
  },
  async exportQuarantine() {
    try {
      return await call('quarantine:export');
    } catch (e) {
      set({ error: errorOf(e) });
      return null;
    }
  },
  async discardQuarantine(id) {
    set({ quarantine: get().quarantine.filter((q) => q.id !== id) });
    try {
      await call('quarantine:discard', { id });
    } catch (e) {
      set({ error: errorOf(e) });
    }
    await get().loadAttention();
  },
  reset() {
    set({ status: null, progress: {}, attention: [], quarantine: [], offlineNotice: false, error: null });
  },
}));
