/**
 * The checksum of a teacher's scoped view (src/shared/checksum.ts), kept up to date from the
 * change log instead of recomputed over the whole view on every pull that reaches the head.
 *
 * An entry holds, for one (teacher, school), the version of every row of the view as of a
 * change-log position, and the running digest. A pull that reaches the head has just
 * re-evaluated every row touched since its cursor (upsert with the current version, or
 * delete); applying those to an entry taken at or after the cursor gives the view as of the
 * new head — rows touched before the entry's position are applied again with the same state,
 * which changes nothing. Otherwise (no entry, one from a later position, one too old) the
 * checksum is computed from the view and becomes the entry.
 *
 * The checksum exists to catch a device that drifted from the server, including through a bug
 * in what the change log records. An entry therefore lives at most `maxAgeMs`: after that the
 * view is read again, and an entry that disagrees with it is logged as an error.
 *
 * Entries are per process (several server processes each keep their own) and bounded by the
 * number of rows they hold, least recently used first out.
 */
import type { Kysely } from 'kysely';
import { ENTITIES, type Entity } from '../../src/shared/entities.js';
import type { PullChange } from '../../src/shared/protocol.js';
import { ViewChecksum } from '../../src/shared/checksum.js';
import type { DB } from '../db/schema.js';
import { VIEW, type Scope } from './scope.js';

interface Entry {
  /** Change-log position the entry describes. */
  seq: number;
  versions: Map<Entity, Map<number, number>>;
  sum: ViewChecksum;
  rows: number;
  readAt: number;
}

export interface ChecksumCacheOptions {
  /** Most rows held over all entries; 0 turns the cache off. */
  maxRows: number;
  /** Longest time an entry is used before the view is read again. */
  maxAgeMs: number;
  clock?: () => number;
  /** Called when an entry disagrees with the view it should describe. */
  onDrift?: (scope: Scope, cached: string, actual: string) => void;
}

export interface ChecksumCacheStats {
  hits: number;
  updates: number;
  reads: number;
  drifts: number;
  entries: number;
  rows: number;
}

export class ChecksumCache {
  private readonly entries = new Map<string, Entry>();
  private rowsHeld = 0;
  readonly stats = { hits: 0, updates: 0, reads: 0, drifts: 0 };

  constructor(private readonly opts: ChecksumCacheOptions) {}

  /**
   * The checksum of `scope`'s view as of change-log position `to`, read in `trx` (a snapshot in
   * which `to` is the newest change of the view), given every change of the view since `from`.
   */
  async checksum(
    trx: Kysely<DB>,
    scope: Scope,
    from: number,
    to: number,
    changes: readonly PullChange[],
  ): Promise<string> {
    const key = `${scope.teacherId}:${scope.schoolId}`;
    const now = this.clock();
    const entry = this.entries.get(key);
    let stale: Entry | undefined;
    if (entry && now - entry.readAt <= this.opts.maxAgeMs) {
      if (entry.seq === to) {
        this.stats.hits++;
        this.use(key, entry);
        return entry.sum.digest();
      }
      if (entry.seq >= from && entry.seq < to) {
        this.stats.updates++;
        this.use(key, entry);
        this.apply(entry, changes, to);
        return entry.sum.digest();
      }
    } else if (entry?.seq === to) {
      stale = entry;
    }

    this.stats.reads++;
    const fresh = await read(trx, scope, to, now);
    const digest = fresh.sum.digest();
    if (stale) {
      const cached = stale.sum.digest();
      if (cached !== digest) {
        this.stats.drifts++;
        this.opts.onDrift?.(scope, cached, digest);
      }
    }
    // Another pull may have moved the entry on meanwhile: never replace it by an older one.
    const current = this.entries.get(key);
    if (!current || current === entry || current.seq <= to) this.store(key, fresh);
    return digest;
  }

  get size(): ChecksumCacheStats {
    return { ...this.stats, entries: this.entries.size, rows: this.rowsHeld };
  }

  /** Forgets everything (tests; a school's data restored from a backup). */
  clear(): void {
    this.entries.clear();
    this.rowsHeld = 0;
  }

  private clock(): number {
    return (this.opts.clock ?? Date.now)();
  }

  private apply(entry: Entry, changes: readonly PullChange[], to: number): void {
    for (const c of changes) {
      let ids = entry.versions.get(c.entity);
      if (!ids) entry.versions.set(c.entity, (ids = new Map<number, number>()));
      const id = c.op === 'upsert' ? c.row.id : c.id;
      const old = ids.get(id);
      if (old !== undefined) {
        entry.sum.remove(c.entity, id, old);
        ids.delete(id);
        entry.rows--;
        this.rowsHeld--;
      }
      if (c.op === 'upsert') {
        entry.sum.add(c.entity, id, c.row.version);
        ids.set(id, c.row.version);
        entry.rows++;
        this.rowsHeld++;
      }
    }
    entry.seq = to;
    this.evict();
  }

  private use(key: string, entry: Entry): void {
    // A Map iterates in insertion order: re-inserting makes the entry the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  private store(key: string, entry: Entry): void {
    this.drop(key);
    if (entry.rows > this.opts.maxRows) return;
    this.entries.set(key, entry);
    this.rowsHeld += entry.rows;
    this.evict();
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.rowsHeld -= old.rows;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.rowsHeld <= this.opts.maxRows) break;
      this.drop(key);
    }
  }
}

async function read(db: Kysely<DB>, scope: Scope, seq: number, now: number): Promise<Entry> {
  const entry: Entry = { seq, versions: new Map(), sum: new ViewChecksum(), rows: 0, readAt: now };
  for (const e of ENTITIES) {
    const ids = new Map<number, number>();
    for (const r of await VIEW[e].refs(db, scope)) {
      ids.set(r.id, r.version);
      entry.sum.add(e, r.id, r.version);
    }
    entry.versions.set(e, ids);
    entry.rows += ids.size;
  }
  return entry;
}

/** The checksum of the whole scoped view, read from the database. */
export async function scopeChecksum(db: Kysely<DB>, scope: Scope): Promise<string> {
  return (await read(db, scope, 0, 0)).sum.digest();
}
