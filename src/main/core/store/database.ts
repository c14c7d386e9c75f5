/**
 * The device store's database: one SQLite file per signed-in user and server, opened with its
 * pragmas and migrations, and ONE cache of prepared statements shared by Kysely (the UI's
 * queries) and the store's own synchronous statements (least recently used out beyond 512).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { clientMigrations } from '../../../../migrations/client/index.js';
import { runMigrations } from '../../../../migrations/run.js';
import { keepingStatements, type KeptStatements } from '../../../shared/sqlite-statements.js';
import type { LocalDB } from './schema.js';

export interface OpenOptions {
  /** Path of better-sqlite3's native module built for this runtime (Electron); default: Node's. */
  nativeBinding?: string;
}

export class StoreDatabase {
  readonly db: Kysely<LocalDB>;
  /** Where every statement of this database is prepared, Kysely's and `stmt`'s alike. */
  readonly statements: KeptStatements;

  private constructor(
    readonly sqlite: SQLite.Database,
    readonly file: string,
  ) {
    this.statements = keepingStatements(sqlite);
    this.db = new Kysely<LocalDB>({ dialect: new SqliteDialect({ database: this.statements }) });
  }

  static async open(file: string, opts: OpenOptions = {}): Promise<StoreDatabase> {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new SQLite(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('busy_timeout = 5000');
    const d = new StoreDatabase(sqlite, file);
    await runMigrations(d.db, clientMigrations);
    if (!d.getMeta('client_id')) d.setMeta('client_id', randomUUID());
    return d;
  }

  stmt(sql: string): SQLite.Statement {
    return this.statements.prepare(sql);
  }

  getMeta(key: string): string | undefined {
    return (this.stmt('select value from meta where key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt(
      'insert into meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value',
    ).run(key, value);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
