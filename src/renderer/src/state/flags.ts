/**
 * The feature flags the device holds for each school, as its pulls gave them (kept on the
 * device, so an offline app behaves the same; docs/ARCHITECTURE.md, "Feature flags"). A screen
 * asks whether a feature is on for the school it shows; for "All my schools", on in any.
 */
import { create } from 'zustand';
import { ALL_ON, type FeatureFlags, type FlagKey } from '../../../shared/feature-flags.js';
import { call } from '../api.js';

interface FlagsStore {
  bySchool: Map<number, FeatureFlags>;
  load(): Promise<void>;
  reset(): void;
}

export const useFlags = create<FlagsStore>()((set) => ({
  bySchool: new Map(),
  async load() {
    try {
      const rows = await call('flags:get');
      set({ bySchool: new Map(rows.map((r) => [r.schoolId, r.flags])) });
    } catch {
      // Signed out or no device yet: nothing is hidden.
      set({ bySchool: new Map() });
    }
  },
  reset() {
    set({ bySchool: new Map() });
  },
}));

/** Whether `key` is on for the school shown (null: all schools, on if on in any; none held: on). */
export function flagOn(bySchool: Map<number, FeatureFlags>, key: FlagKey, schoolId: number | null): boolean {
  if (schoolId !== null) return (bySchool.get(schoolId) ?? ALL_ON)[key];
  if (bySchool.size === 0) return true;
  return [...bySchool.values()].some((f) => f[key]);
}

/** The hook a screen uses: re-renders when the flags or the school shown change. */
export function useFlag(key: FlagKey, schoolId: number | null): boolean {
  return useFlags((s) => flagOn(s.bySchool, key, schoolId));
}
