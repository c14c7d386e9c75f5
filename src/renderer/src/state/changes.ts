/**
 * A counter the screens watch to re-read the local store. `changed` events arrive in bursts
 * during a sync (one per pulled batch): the first bumps at once, the rest of a burst are
 * folded into one more bump at the end of a `WINDOW_MS` window (leading and trailing throttle).
 */
import { create } from 'zustand';

const WINDOW_MS = 50;

interface ChangesStore {
  version: number;
  bump(): void;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let trailing = false;

export const useChanges = create<ChangesStore>()((set, get) => {
  const open = () => {
    timer = setTimeout(() => {
      timer = undefined;
      if (trailing) {
        trailing = false;
        set({ version: get().version + 1 });
        open();
      }
    }, WINDOW_MS);
  };
  return {
    version: 0,
    bump() {
      if (timer !== undefined) {
        trailing = true;
        return;
      }
      set({ version: get().version + 1 });
      open();
    },
  };
});
