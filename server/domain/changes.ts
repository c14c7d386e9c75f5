/**
 * Every write that can touch a teacher's scoped view runs in `writeTransaction`: it takes the
 * next version from the change counter (whose row lock serialises writers, so versions and
 * change-log sequence numbers are allocated in commit order) and records which rows it touched
 * in `sync_changes`. A pull re-evaluates the touched rows against the puller's scope, so a row
 * that left the view becomes a delete and one that entered it an upsert.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Entity } from '../../src/shared/entities.js';
import type { DB } from '../db/schema.js';

export interface ChangeRef {
  school_id: number;
  /** Teacher whose view may be affected; null for rows every teacher of the school sees. */
  teacher_id: number | null;
  entity: Entity;
  row_id: number;
}

export class WriteContext {
  readonly changes: ChangeRef[] = [];
  readonly after: Array<() => void> = [];
  constructor(
    readonly trx: Transaction<DB>,
    readonly version: number,
    readonly now: string,
  ) {}

  touch(ref: ChangeRef): void {
    this.changes.push(ref);
  }

  /** Runs after the transaction commits (socket emits). */
  afterCommit(fn: () => void): void {
    this.after.push(fn);
  }
}

export interface WriteResult<T> {
  value: T;
  version: number;
  changes: ChangeRef[];
  /** Highest change-log sequence number this write produced (0 when it logged nothing). */
  lastSeq: number;
}

export async function writeTransaction<T>(
  db: Kysely<DB>,
  fn: (w: WriteContext) => Promise<T>,
  now: Date = new Date(),
): Promise<WriteResult<T>> {
  const { value, w, lastSeq } = await db.transaction().execute(async (trx) => {
    const { value: version } = await trx
      .updateTable('change_counter')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('id', '=', 1)
      .returning('value')
      .executeTakeFirstOrThrow();
    const w = new WriteContext(trx, version, now.toISOString());
    const value = await fn(w);
    let lastSeq = 0;
    const unique = dedupeChanges(w.changes);
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await trx
        .insertInto('sync_changes')
        .values(unique.slice(i, i + 500))
        .returning('seq')
        .execute();
      for (const r of rows) lastSeq = Math.max(lastSeq, r.seq);
    }
    return { value, w, lastSeq };
  });
  for (const fn of w.after) fn();
  return { value, version: w.version, changes: dedupeChanges(w.changes), lastSeq };
}

function dedupeChanges(changes: ChangeRef[]): ChangeRef[] {
  const seen = new Set<string>();
  const out: ChangeRef[] = [];
  for (const c of changes) {
    const key = `${c.school_id}/${c.teacher_id ?? '*'}/${c.entity}/${c.row_id}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(c);
    }
  }
  return out;
}

/** field → [version, client_id|null] of the last write of that field. */
export type FieldVersions = Record<string, [number, string | null]>;

export function parseFieldVersions(json: string): FieldVersions {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' ? (v as FieldVersions) : {};
  } catch {
    return {};
  }
}

export function stampFields(
  json: string,
  fields: string[],
  version: number,
  clientId: string | null,
): string {
  const fv = parseFieldVersions(json);
  for (const f of fields) fv[f] = [version, clientId];
  return JSON.stringify(fv);
}
