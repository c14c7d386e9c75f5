/** Device settings (language, reminders, pop-ups, storage), the app's version and its update state. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { Settings, UpdateState } from '../types.js';

interface SettingsStore {
  settings: Settings | null;
  update: UpdateState | null;
  version: string | null;
  error: { code: string; message: string } | null;
  /** Bumped after each successful save, for a "Settings saved" message. */
  savedAt: number;
  load(): Promise<void>;
  save(patch: Partial<Settings>): Promise<boolean>;
  setUpdate(update: UpdateState): void;
  installUpdate(): Promise<void>;
}

export const useSettings = create<SettingsStore>()((set) => ({
  settings: null,
  update: null,
  version: null,
  error: null,
  savedAt: 0,
  async load() {
    const [settings, update, info] = await Promise.allSettled([
      call('settings:get'),
      call('update:state'),
      call('app:info'),
    ]);
    set({
      settings: settings.status === 'fulfilled' ? settings.value : null,
      update: update.status === 'fulfilled' ? update.value : null,
      version: info.status === 'fulfilled' ? info.value.version : null,
      error: settings.status === 'rejected' ? errorOf(settings.reason) : null,
    });
  },
  async save(patch) {
    try {
      const settings = await call('settings:set', patch);
      set({ settings, error: null, savedAt: Date.now() });
      return true;
    } catch (e) {
      set({ error: errorOf(e) });
      return false;
    }
  },
  setUpdate(update) {
    set({ update });
  },
  async installUpdate() {
    try {
      await call('update:install');
    } catch (e) {
      set({ error: errorOf(e) });
    }
  },
}));
