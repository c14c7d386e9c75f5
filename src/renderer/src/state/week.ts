/** The week timetable: the teacher's sessions of one week, in every school or the selected one. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { SessionItem } from '../types.js';
import { queryRange, type DateKey } from './week-logic.js';

/** More lessons than any teacher's week holds. */
const WEEK_LIMIT = 500;

interface WeekStore {
  monday: DateKey | null;
  sessions: SessionItem[];
  error: { code: string; message: string } | null;
  load(schoolId: number | null, monday: DateKey): Promise<void>;
}

let seq = 0;

export const useWeek = create<WeekStore>()((set) => ({
  monday: null,
  sessions: [],
  error: null,
  async load(schoolId, monday) {
    const mine = ++seq;
    try {
      const page = await call('sessions:list', {
        schoolId,
        ...queryRange(monday),
        limit: WEEK_LIMIT,
        offset: 0,
      });
      if (mine === seq) set({ monday, sessions: page.rows, error: null });
    } catch (e) {
      if (mine === seq) set({ error: errorOf(e) });
    }
  },
}));
