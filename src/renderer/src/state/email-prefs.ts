/** The teacher's email choices per notification type (on the server: read and saved online). */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { EmailPrefs as Prefs, EmailPrefsChange } from '../types.js';

interface EmailPrefsStore {
  prefs: Prefs | null;
  loading: boolean;
  error: { code: string; message: string } | null;
  savedAt: number;
  load(): Promise<void>;
  save(change: EmailPrefsChange): Promise<void>;
}

export const useEmailPrefs = create<EmailPrefsStore>()((set) => ({
  prefs: null,
  loading: false,
  error: null,
  savedAt: 0,
  async load() {
    set({ loading: true });
    try {
      set({ prefs: await call('emailPrefs:get'), error: null, loading: false });
    } catch (e) {
      // What was shown before may be out of date: show none rather than a stale choice.
      set({ prefs: null, error: errorOf(e), loading: false });
    }
  },
  async save(change) {
    try {
      set({ prefs: await call('emailPrefs:set', change), error: null, savedAt: Date.now() });
    } catch (e) {
      set({ error: errorOf(e) });
    }
  },
}));
