/** Full-text search over the device's copy (the core's FTS5 index): the query and its hits. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { SearchHit } from '../types.js';

export const SEARCH_LIMIT = 50;

interface SearchStore {
  query: string;
  hits: SearchHit[];
  /** The query the hits answer (null before the first search). */
  answered: string | null;
  error: { code: string; message: string } | null;
  setQuery(query: string): void;
  run(schoolId: number | null): Promise<void>;
}

let seq = 0;

export const useSearch = create<SearchStore>()((set, get) => ({
  query: '',
  hits: [],
  answered: null,
  error: null,
  setQuery(query) {
    set({ query });
  },
  async run(schoolId) {
    const query = get().query.trim();
    const mine = ++seq;
    if (!query) {
      set({ hits: [], answered: null, error: null });
      return;
    }
    try {
      const hits = await call('search:query', { query, schoolId, limit: SEARCH_LIMIT });
      if (mine === seq) set({ hits, answered: query, error: null });
    } catch (e) {
      if (mine === seq) set({ error: errorOf(e) });
    }
  },
}));
