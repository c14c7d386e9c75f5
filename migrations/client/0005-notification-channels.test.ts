/**
 * Client migration 0005 (notification parameters). As every migration test (docs/ARCHITECTURE.md,
 * "Migration tests"): migrate to N-1, insert data, migrate to N, assert — notifications without
 * parameters are dropped and every school's cursor cleared (the next pull brings them again with
 * their parameters), the rest of the store and the announced set are untouched. down() removes
 * the column.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runMigrations } from '../run.js';
import { clientMigrations } from './index.js';
import * as m0005 from './0005-notification-channels.js';

const TS = '2030-01-07T09:00:00.000Z';
const NAME = '0005-notification-channels';
const keys = Object.keys(clientMigrations);
const PREVIOUS = keys[keys.indexOf(NAME) - 1]!;

describe('client migration 0005-notification-channels', () => {
  let dir: string;
  let sqlite: SQLite.Database;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema as of N-1, untyped
  let db: Kysely<any>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-m0005-'));
    sqlite = new SQLite(path.join(dir, 'store.sqlite'));
    db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
    await runMigrations(db, clientMigrations, PREVIOUS);
    await db
      .insertInto('schools')
      .values({ id: 1, name: 'Escola Norte', timezone: 'Europe/Lisbon', version: 3 })
      .execute();
    await db
      .insertInto('notifications')
      .values({
        id: 7,
        school_id: 1,
        user_id: 2,
        type: 'session_cancelled',
        title: 'Session cancelled',
        message: 'Português on 2026-12-15 14:30 UTC was cancelled.',
        action_url: '',
        is_read: 0,
        is_dismissed: 0,
        read_at: null,
        delivered_via_socket: 1,
        created_at: TS,
        expires_at: null,
        version: 5,
      })
      .execute();
    await db.insertInto('announced_notifications').values({ id: 7 }).execute();
    await db
      .insertInto('sync_state')
      .values({ school_id: 1, cursor: '1:42', checksum: 'abc', total: 10, done: 10, last_synced_at: TS })
      .execute();
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('rows without parameters go and the next pull is a full one', async () => {
    await runMigrations(db, clientMigrations, NAME);
    expect(await db.selectFrom('notifications').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('sync_state').selectAll().execute()).toEqual([
      { school_id: 1, cursor: null, checksum: null, total: 10, done: 10, last_synced_at: TS },
    ]);
    // Already shown: not shown again when the full pull brings it back.
    expect(await db.selectFrom('announced_notifications').selectAll().execute()).toEqual([{ id: 7 }]);
    expect(await db.selectFrom('schools').select('name').execute()).toEqual([{ name: 'Escola Norte' }]);
    const cols = sqlite.prepare('pragma table_info(notifications)').all() as Array<{
      name: string;
      dflt_value: string;
    }>;
    expect(cols.find((c) => c.name === 'params')?.dflt_value).toBe("'{}'");
  });

  test('down() removes the column', async () => {
    await runMigrations(db, clientMigrations, NAME);
    await m0005.down(db);
    const cols = sqlite.prepare('pragma table_info(notifications)').all() as Array<{ name: string }>;
    expect(cols.map((c) => c.name)).not.toContain('params');
  });
});
