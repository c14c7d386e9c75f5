/** The teacher's schools on this device, the school the screens show (null: all), revocations. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { SchoolItem } from '../types.js';

const STORAGE_KEY = 'classdesk.school';

function storedSelection(): number | null {
  try {
    const v = Number(globalThis.localStorage?.getItem(STORAGE_KEY));
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

function storeSelection(id: number | null): void {
  try {
    if (id === null) globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, String(id));
  } catch {
    // Storage unavailable: the choice lasts until restart.
  }
}

interface SchoolsStore {
  schools: SchoolItem[];
  loaded: boolean;
  /** The school the screens show; null for "All my schools". */
  selected: number | null;
  /** Names of schools removed from this device, for the notice. */
  removed: string[];
  error: { code: string; message: string } | null;
  load(): Promise<void>;
  select(id: number | null): void;
  onRevoked(schoolId: number): Promise<void>;
  dismissNotice(): void;
  reset(): void;
}

export const useSchools = create<SchoolsStore>()((set, get) => ({
  schools: [],
  loaded: false,
  selected: storedSelection(),
  removed: [],
  error: null,
  async load() {
    try {
      const schools = await call('schools:list');
      const { selected } = get();
      // An empty list means the first sync has not started: keep the remembered choice till then.
      const gone = selected !== null && schools.length > 0 && !schools.some((s) => s.id === selected);
      if (gone) storeSelection(null);
      set({ schools, loaded: true, error: null, ...(gone ? { selected: null } : {}) });
    } catch (e) {
      set({ error: errorOf(e), loaded: true });
    }
  },
  select(id) {
    storeSelection(id);
    set({ selected: id });
  },
  async onRevoked(schoolId) {
    const { schools, selected, removed } = get();
    const name = schools.find((s) => s.id === schoolId)?.name;
    set({
      schools: schools.filter((s) => s.id !== schoolId),
      removed: [...removed, name ?? ''],
    });
    if (selected === schoolId) get().select(null);
    await get().load();
  },
  dismissNotice() {
    set({ removed: [] });
  },
  reset() {
    set({ schools: [], loaded: false, removed: [], error: null });
  },
}));

/** The selected school's name, or null for all schools. */
export function schoolName(schools: readonly SchoolItem[], id: number): string {
  return schools.find((s) => s.id === id)?.name ?? '';
}
