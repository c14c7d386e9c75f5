/**
 * Client migration 0002 (indexes of the desktop read queries). As every migration test (docs/ARCHITECTURE.md, "Migration tests"): migrate to
 * N-1, insert data, migrate to N, assert — the rows are untouched, the indexes exist with their
 * columns (and the partial one with its condition), and SQLite uses them for the queries they
 * were made for. down() removes them and leaves the data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runMigrations } from '../run.js';
import { clientMigrations } from './index.js';
import * as m0002 from './0002-query-indexes.js';

const INDEXES = ['notifications_visible', 'sessions_status_starts', 'announcements_school_created'];
const TS = '2030-01-07T09:00:00.000Z';

describe('client migration 0002-query-indexes', () => {
  let dir: string;
  let sqlite: SQLite.Database;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema as of 0001, untyped
  let db: Kysely<any>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-m0002-'));
    sqlite = new SQLite(path.join(dir, 'store.sqlite'));
    db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
    await runMigrations(db, clientMigrations, '0001-initial');
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const indexSql = (name: string) =>
    (
      sqlite.prepare("select sql from sqlite_master where type = 'index' and name = ?").get(name) as
        { sql: string } | undefined
    )?.sql;
  const dump = () =>
    Object.fromEntries(
      ['schools', 'sessions', 'notifications', 'announcements', 'sync_state', 'outbox'].map((t) => [
        t,
        sqlite.prepare(`select * from ${t} order by rowid`).all(),
      ]),
    );
  const plan = (query: string, ...params: unknown[]) =>
    (sqlite.prepare(`explain query plan ${query}`).all(...params) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n');

  async function insertRows(): Promise<void> {
    await db
      .insertInto('schools')
      .values([
        { id: 1, name: 'Escola Norte', timezone: 'Europe/Lisbon', version: 3 },
        { id: 2, name: 'Escola Sul', timezone: 'Europe/Lisbon', version: 4 },
      ])
      .execute();
    await db
      .insertInto('sessions')
      .values(
        (['scheduled', 'completed', 'cancelled'] as const).map((status, i) => ({
          id: 10 + i,
          school_id: 1 + (i % 2),
          teacher_id: 7,
          course_id: null,
          title: `Aula ${i}`,
          starts_at: `2030-01-0${7 + i}T09:00:00.000Z`,
          ends_at: `2030-01-0${7 + i}T09:50:00.000Z`,
          status,
          location: 'Sala 1',
          lesson_notes: '',
          version: 5 + i,
        })),
      )
      .execute();
    await db
      .insertInto('notifications')
      .values(
        [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ].map(([read, dismissed], i) => ({
          id: 20 + i,
          school_id: 1,
          user_id: 7,
          type: 'session_reminder',
          title: `N${i}`,
          message: 'm',
          action_url: '',
          is_read: read,
          is_dismissed: dismissed,
          read_at: read ? TS : null,
          delivered_via_socket: 0,
          created_at: TS,
          expires_at: null,
          version: 9,
        })),
      )
      .execute();
    await db
      .insertInto('announcements')
      .values({ id: 30, school_id: 2, title: 'Aviso', message: 'Reunião', created_at: TS, version: 2 })
      .execute();
    await db
      .insertInto('sync_state')
      .values({ school_id: 1, cursor: 'c1', checksum: 'x', total: 9, done: 9, last_synced_at: TS })
      .execute();
    await db
      .insertInto('outbox')
      .values({
        id: 'edit-1',
        school_id: 1,
        type: 'mark_notification_read',
        args: '{"notification_id":20}',
        created_at: TS,
      })
      .execute();
  }

  test('adds the query indexes and leaves every row as it was', async () => {
    await insertRows();
    const before = dump();
    for (const name of INDEXES) expect(indexSql(name)).toBeUndefined();

    await runMigrations(db, clientMigrations, '0002-query-indexes');

    expect(dump()).toEqual(before);
    expect(indexSql('notifications_visible')).toMatch(
      /on "notifications" \("school_id", "is_read", "created_at" desc, "id" desc\) where "is_dismissed" = 0$/,
    );
    expect(indexSql('sessions_status_starts')).toMatch(/on "sessions" \("status", "starts_at"\)$/);
    expect(indexSql('announcements_school_created')).toMatch(
      /on "announcements" \("school_id", "created_at"\)$/,
    );
    // The partial index holds the visible notifications only.
    expect(
      sqlite
        .prepare(
          'select count(*) as n from notifications indexed by notifications_visible where is_dismissed = 0',
        )
        .get(),
    ).toEqual({ n: 2 });
    expect(sqlite.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  test('SQLite answers the queries they were made for from them', async () => {
    await insertRows();
    await runMigrations(db, clientMigrations, '0002-query-indexes');
    expect(
      plan('select count(*) from notifications where school_id = ? and is_read = 0 and is_dismissed = 0', 1),
    ).toMatch(/COVERING INDEX notifications_visible/);
    const list = plan(
      'select * from notifications where school_id = ? and is_dismissed = 0 order by is_read, created_at desc, id desc limit 200',
      1,
    );
    expect(list).toMatch(/INDEX notifications_visible/);
    expect(list).not.toMatch(/TEMP B-TREE/);
    expect(
      plan(
        "select count(*) from sessions where status = 'scheduled' and starts_at >= ? and starts_at < ?",
        '2030-01-01',
        '2030-02-01',
      ),
    ).toMatch(/COVERING INDEX sessions_status_starts/);
    const announcements = plan(
      'select * from announcements where school_id = ? order by created_at desc, id desc',
      2,
    );
    expect(announcements).toMatch(/INDEX announcements_school_created/);
  });

  test('down removes the indexes and keeps the data', async () => {
    await insertRows();
    await runMigrations(db, clientMigrations, '0002-query-indexes');
    const before = dump();
    await m0002.down(db);
    for (const name of INDEXES) expect(indexSql(name)).toBeUndefined();
    expect(dump()).toEqual(before);
    await m0002.up(db);
    for (const name of INDEXES) expect(indexSql(name)).toBeDefined();
  });
});
