/** A device-like copy of a teacher's view of one school, kept by pulling over the HTTP API. */
import { expect } from 'vitest';
import { viewChecksum } from '../../src/shared/checksum.js';
import type { PullChange, PullResponse } from '../../src/shared/protocol.js';
import type { TestApi } from './api-client.js';

/** `entity:id` → the row as last pulled. */
export type ViewCopy = Map<string, { id: number; version: number }>;

/**
 * Pulls until has_more is false from `cursor` (none: the whole view), applying every change to
 * `copy`. Answers the server's checksum next to the copy's own, and what the pull carried.
 */
export async function pullAll(
  api: TestApi,
  schoolId: number,
  opts: { copy?: ViewCopy; cursor?: string; limit?: number } = {},
) {
  const copy: ViewCopy = opts.copy ?? new Map<string, { id: number; version: number }>();
  let cursor = opts.cursor;
  const changes: PullChange[] = [];
  let last: PullResponse;
  let requests = 0;
  do {
    const r = await api.get<PullResponse>('/api/sync/pull', {
      school_id: schoolId,
      cursor,
      limit: opts.limit,
    });
    expect(r.status, r.text).toBe(200);
    last = r.body;
    requests++;
    for (const c of last.changes) {
      changes.push(c);
      if (c.op === 'upsert') copy.set(`${c.entity}:${c.row.id}`, c.row);
      else copy.delete(`${c.entity}:${c.id}`);
    }
    cursor = last.cursor;
  } while (last.has_more);
  const localChecksum = viewChecksum(
    [...copy].map(([k, row]) => ({ entity: k.split(':')[0]!, id: row.id, version: row.version })),
  );
  return { copy, cursor, checksum: last.checksum, localChecksum, requests, last, changes };
}
