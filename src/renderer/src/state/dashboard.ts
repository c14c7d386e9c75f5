/** The dashboard of the selected school (or all) for today, this week or this month. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { Dashboard, RangeName } from '../types.js';

interface DashboardStore {
  range: RangeName;
  data: Dashboard | null;
  error: { code: string; message: string } | null;
  setRange(range: RangeName, schoolId: number | null): void;
  load(schoolId: number | null): Promise<void>;
}

let seq = 0;

export const useDashboard = create<DashboardStore>()((set, get) => ({
  range: 'today',
  data: null,
  error: null,
  setRange(range, schoolId) {
    set({ range });
    void get().load(schoolId);
  },
  async load(schoolId) {
    const mine = ++seq;
    try {
      const data = await call('dashboard:get', { schoolId, range: get().range });
      if (mine === seq) set({ data, error: null });
    } catch (e) {
      if (mine === seq) set({ error: errorOf(e) });
    }
  },
}));
