/**
 * A paged list screen's wiring (sessions, students): the list follows the selected school, a
 * debounced search box, and re-reads what is on screen when the device's data changes.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StoreApi, UseBoundStore } from 'zustand';
import { useChanges } from '../state/changes.js';
import type { PagedState } from '../state/paged.js';
import { useSchools } from '../state/schools.js';
import { useDebounced } from './useDebounced.js';

export function usePagedList<Row, Filter extends { search: string }>(
  list: UseBoundStore<StoreApi<PagedState<Row, Filter>>>,
) {
  const schoolId = useSchools((s) => s.selected);
  const version = useChanges((s) => s.version);
  const filter = list((s) => s.filter);
  const pages = list((s) => s.pages);
  const total = list((s) => s.total);
  const error = list((s) => s.error);
  const [search, setSearch] = useState(filter.search);
  const debouncedSearch = useDebounced(search, 250);
  const firstVersion = useRef(version);

  useEffect(() => {
    list.getState().setSchool(schoolId);
  }, [list, schoolId]);
  useEffect(() => {
    if (debouncedSearch !== list.getState().filter.search)
      list.getState().setFilter({ search: debouncedSearch } as Partial<Filter>);
  }, [list, debouncedSearch]);
  useEffect(() => {
    if (version !== firstVersion.current) list.getState().refresh();
  }, [list, version]);

  const onRange = useCallback((start: number, end: number) => list.getState().ensure(start, end), [list]);
  return { schoolId, filter, pages, total, error, search, setSearch, onRange };
}
