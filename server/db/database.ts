/**
 * Opens the server database: SQLite (better-sqlite3, WAL, a file under the data directory)
 * by default, PostgreSQL when the URL is a postgres URL. One Kysely type, two dialects.
 *
 * SQLite runs with synchronous=FULL: a write the server acknowledged (a push) survives a power
 * loss, which WAL with NORMAL does not promise. It keeps its planner statistics fresh with
 * `PRAGMA optimize` as SQLite advises: 0x10002 when the connection opens, then every few hours
 * and before it closes. docs/PERFORMANCE.md has the measured cost; PostgreSQL is durable and
 * analyzes by itself (autovacuum) already.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { DB } from './schema.js';
import { keepingStatements } from '../../src/shared/sqlite-statements.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** Closes every connection. */
  destroy(): Promise<void>;
  /** Live pool figures for metrics (PostgreSQL); SQLite has one connection. */
  poolStats(): { total: number; idle: number; waiting: number };
}

// int8 (counts, versions) as JS numbers: our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface DatabaseOptions {
  /** `postgres://…` or a path to a SQLite file (`:memory:` allowed in tests). */
  url: string;
  /** PostgreSQL schema to use (tests give each run its own). */
  pgSchema?: string;
  poolSize?: number;
  /** SQLite's synchronous setting: `full` (the server's; default) or `normal` (benchmarks compare). */
  synchronous?: 'full' | 'normal';
}

/** How often a long-lived SQLite connection runs `PRAGMA optimize`. */
const OPTIMIZE_EVERY_MS = 3 * 3600_000;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function openDatabase(opts: DatabaseOptions): Database {
  if (isPostgresUrl(opts.url)) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      destroy: () => db.destroy(),
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    };
  }
  if (opts.url !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(opts.url)), { recursive: true });
  const sqlite = new SQLite(opts.url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Analyzes the tables that have no statistics yet or changed a lot since (quick: SQLite caps
  // the rows it reads); later runs look only at the tables this connection used.
  sqlite.pragma('optimize = 0x10002');
  const optimize = () => {
    try {
      sqlite.pragma('optimize');
    } catch {
      // Statistics only speed queries up: a busy or read-only file keeps the ones it has.
    }
  };
  const timer = setInterval(optimize, OPTIMIZE_EVERY_MS);
  timer.unref();
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    destroy: async () => {
      clearInterval(timer);
      if (sqlite.open) optimize();
      await db.destroy();
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
  };
}
