/**
 * A better-sqlite3 database for Kysely's SqliteDialect that keeps its prepared statements.
 * Kysely prepares every query afresh; a statement is compiled by SQLite each time, which is a
 * large share of a small query's cost. Queries built by the same code have the same SQL text,
 * so statements are kept by text, least recently used out beyond `max` (queries with `in (…)`
 * lists of varying length make new texts). Used by the server and the desktop store alike.
 *
 * Reusing a statement is safe here because Kysely runs one query at a time on a SQLite
 * connection (its driver holds a mutex for the query, or for a whole transaction).
 */
import type { Database as SQLiteDatabase, Statement } from 'better-sqlite3';
import { lruGetOrCreate } from './lru.js';

/** What Kysely's dialect needs of a database, with better-sqlite3's own statement type. */
export interface KeptStatements {
  close(): void;
  prepare(sql: string): Statement;
}

export function keepingStatements(sqlite: SQLiteDatabase, max = 512): KeptStatements {
  const kept = new Map<string, Statement>();
  return {
    close: () => {
      kept.clear();
      sqlite.close();
    },
    prepare: (sql: string) => lruGetOrCreate(kept, sql, max, () => sqlite.prepare(sql)),
  };
}
