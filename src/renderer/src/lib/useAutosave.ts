/**
 * A value that saves as the teacher types: one save ~500 ms after the last change (and on blur
 * or leaving the page). A new value from the store (sync, another device) replaces what is shown
 * unless typing is waiting to be saved.
 */
import { useEffect, useRef, useState } from 'react';

const SAVE_DELAY_MS = 500;

export type SaveState = 'idle' | 'typing' | 'saved' | 'failed';

export interface Autosave<T> {
  value: T;
  state: SaveState;
  change(value: T): void;
  /** Saves now what is waiting. */
  flush(): void;
}

export function useAutosave<T>(
  stored: T,
  save: (value: T) => Promise<boolean>,
  same: (a: T, b: T) => boolean = Object.is,
): Autosave<T> {
  const [value, setValue] = useState(stored);
  const [state, setState] = useState<SaveState>('idle');
  const valueRef = useRef(stored);
  /** The last value the store had or we sent it: what is shown is "dirty" when it differs. */
  const baseline = useRef(stored);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const saveRef = useRef(save);
  saveRef.current = save;

  const flush = () => {
    if (timer.current === undefined) return;
    clearTimeout(timer.current);
    timer.current = undefined;
    const v = valueRef.current;
    baseline.current = v;
    void saveRef.current(v).then((ok) => setState(ok ? 'saved' : 'failed'));
  };
  const flushRef = useRef(flush);
  flushRef.current = flush;

  // Leaving the page saves what was typed.
  useEffect(() => () => flushRef.current(), []);

  useEffect(() => {
    if (timer.current === undefined && same(valueRef.current, baseline.current)) {
      valueRef.current = stored;
      setValue(stored);
    }
    if (timer.current === undefined) baseline.current = stored;
  }, [stored]);

  return {
    value,
    state,
    change(v) {
      valueRef.current = v;
      setValue(v);
      setState('typing');
      if (timer.current !== undefined) clearTimeout(timer.current);
      timer.current = setTimeout(() => flushRef.current(), SAVE_DELAY_MS);
    },
    flush,
  };
}
