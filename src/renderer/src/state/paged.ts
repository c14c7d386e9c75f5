/**
 * A list read a page at a time as the teacher scrolls (sessions, students): the virtualized
 * list asks for the rows it shows, pages are fetched once per generation, and a refresh
 * (data changed) re-reads the visible pages while the old rows stay on screen.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import { errorOf } from '../api.js';

/** The page indexes covering rows start..end (inclusive). */
export function pagesForRange(start: number, end: number, pageSize: number): number[] {
  if (end < start || start < 0) return [];
  const first = Math.floor(start / pageSize);
  const last = Math.floor(end / pageSize);
  const out: number[] = [];
  for (let p = first; p <= last; p++) out.push(p);
  return out;
}

export function rowAt<Row>(pages: Record<number, Row[]>, index: number, pageSize: number): Row | undefined {
  return pages[Math.floor(index / pageSize)]?.[index % pageSize];
}

export interface PagedState<Row, Filter> {
  filter: Filter;
  schoolId: number | null;
  pages: Record<number, Row[]>;
  total: number | null;
  error: { code: string; message: string } | null;
  /** Pages of the current generation already read or being read. */
  fresh: ReadonlySet<number>;
  generation: number;
  setFilter(patch: Partial<Filter>): void;
  setSchool(schoolId: number | null): void;
  /** Makes sure rows start..end are (being) read. */
  ensure(start: number, end: number): void;
  /** Data changed: re-read what is on screen, keep showing the old rows meanwhile. */
  refresh(): void;
}

export type FetchPage<Row, Filter> = (
  filter: Filter,
  schoolId: number | null,
  limit: number,
  offset: number,
) => Promise<{ rows: Row[]; total: number }>;

export function createPagedList<Row, Filter extends object>(
  initialFilter: Filter,
  fetchPage: FetchPage<Row, Filter>,
  pageSize: number,
): UseBoundStore<StoreApi<PagedState<Row, Filter>>> {
  let lastRange: [number, number] = [0, pageSize - 1];

  return create<PagedState<Row, Filter>>()((set, get) => {
    const load = (page: number) => {
      const { generation, filter, schoolId } = get();
      set({ fresh: new Set(get().fresh).add(page) });
      fetchPage(filter, schoolId, pageSize, page * pageSize).then(
        (r) => {
          if (get().generation !== generation) return;
          set({ pages: { ...get().pages, [page]: r.rows }, total: r.total, error: null });
        },
        (e: unknown) => {
          if (get().generation !== generation) return;
          const fresh = new Set(get().fresh);
          fresh.delete(page);
          set({ error: errorOf(e), fresh });
        },
      );
    };
    const restart = (patch: Partial<PagedState<Row, Filter>>, keepRows: boolean) => {
      set({
        ...patch,
        generation: get().generation + 1,
        fresh: new Set(),
        ...(keepRows ? {} : { pages: {}, total: null }),
      });
      get().ensure(...lastRange);
    };
    return {
      filter: initialFilter,
      schoolId: null,
      pages: {},
      total: null,
      error: null,
      fresh: new Set(),
      generation: 0,
      setFilter(patch) {
        lastRange = [0, pageSize - 1];
        restart({ filter: { ...get().filter, ...patch } }, false);
      },
      setSchool(schoolId) {
        // The same school again (a screen coming back): re-read, keeping the rows on screen.
        if (schoolId === get().schoolId && get().generation > 0) return get().refresh();
        lastRange = [0, pageSize - 1];
        restart({ schoolId }, false);
      },
      ensure(start, end) {
        lastRange = [start, end];
        const { total, fresh } = get();
        const last = total === null ? end : Math.min(end, total - 1);
        for (const p of pagesForRange(start, Math.max(last, start), pageSize)) if (!fresh.has(p)) load(p);
      },
      refresh() {
        restart({}, true);
      },
    };
  });
}
