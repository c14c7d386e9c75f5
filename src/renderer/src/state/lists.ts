/** The paged lists behind the Sessions and Students screens. */
import { call } from '../api.js';
import type { SessionItem, SessionStatus, StudentItem } from '../types.js';
import { createPagedList } from './paged.js';

export const PAGE_SIZE = 100;

export interface SessionFilter {
  search: string;
  status: SessionStatus | '';
  /** Date inputs' values (YYYY-MM-DD) or ''. */
  from: string;
  to: string;
  /** The same as ISO instants (local midnight), computed when the filter is set. */
  fromIso?: string;
  toIso?: string;
}

const sessionQuery = (f: SessionFilter, schoolId: number | null, limit: number, offset: number) => ({
  schoolId,
  limit,
  offset,
  ...(f.search.trim() ? { search: f.search.trim().slice(0, 200) } : {}),
  ...(f.status ? { status: f.status } : {}),
  ...(f.fromIso ? { from: f.fromIso } : {}),
  ...(f.toIso ? { to: f.toIso } : {}),
});

export const useSessionList = createPagedList<SessionItem, SessionFilter>(
  { search: '', status: '', from: '', to: '' },
  (f, schoolId, limit, offset) => call('sessions:list', sessionQuery(f, schoolId, limit, offset)),
  PAGE_SIZE,
);

/** The earlier of two ISO instants (either may be missing). */
export function earliest(a: string | undefined, b: string): string {
  return a !== undefined && a < b ? a : b;
}

/**
 * Where `at` falls in the current session list: the number of listed sessions starting before
 * it (the list is ordered by start), so the list can open at today.
 */
export async function sessionIndexAt(at: string): Promise<number> {
  const { filter, schoolId } = useSessionList.getState();
  const q = sessionQuery(filter, schoolId, 1, 0);
  const r = await call('sessions:list', { ...q, to: earliest(filter.toIso, at) });
  return r.total;
}

export interface StudentFilter {
  search: string;
}

export const useStudentList = createPagedList<StudentItem, StudentFilter>(
  { search: '' },
  (f, schoolId, limit, offset) =>
    call('students:list', {
      schoolId,
      limit,
      offset,
      ...(f.search.trim() ? { search: f.search.trim().slice(0, 200) } : {}),
    }),
  PAGE_SIZE,
);
