/**
 * Counters the screens watch to re-read the local store. `changed` events arrive in bursts
 * during a sync (one per pulled batch): the first bumps at once, the rest of a burst are
 * folded into one more bump at the end of a `WINDOW_MS` window (leading and trailing throttle).
 *
 * `version` counts every change; `synced` only those the teacher's own edits did not make.
 * A screen that applies an edit's field writes itself (the open session, the notification
 * centre) watches `synced`, so it does not re-read the row it has just been told about.
 */
import { create } from 'zustand';

const WINDOW_MS = 50;

interface ChangesStore {
  version: number;
  synced: number;
  /** `ownEdit`: the change is an edit whose writes came with the event. */
  bump(ownEdit?: boolean): void;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let trailing = false;
let trailingSynced = false;

export const useChanges = create<ChangesStore>()((set, get) => {
  const open = () => {
    timer = setTimeout(() => {
      timer = undefined;
      if (trailing) {
        const s = get();
        set({ version: s.version + 1, synced: s.synced + (trailingSynced ? 1 : 0) });
        trailing = false;
        trailingSynced = false;
        open();
      }
    }, WINDOW_MS);
  };
  return {
    version: 0,
    synced: 0,
    bump(ownEdit = false) {
      if (timer !== undefined) {
        trailing = true;
        trailingSynced ||= !ownEdit;
        return;
      }
      const s = get();
      set({ version: s.version + 1, synced: s.synced + (ownEdit ? 0 : 1) });
      open();
    },
  };
});
