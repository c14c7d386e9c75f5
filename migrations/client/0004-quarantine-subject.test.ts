/**
 * Client migration 0004 (what a kept-aside edit was about). As every migration test
 * (docs/ARCHITECTURE.md, "Migration tests"): migrate to N-1, insert data, migrate to N, assert —
 * the kept-aside rows are untouched and read a null subject; down() drops the columns and keeps them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runMigrations } from '../run.js';
import { clientMigrations } from './index.js';
import * as m0004 from './0004-quarantine-subject.js';

const ROW = {
  id: 'edit-1',
  school_id: 2,
  school_name: 'Escola Sul',
  type: 'update_lesson_notes',
  args: '{"session_id":10,"lesson_notes":"written on the bus"}',
  created_at: '2030-01-07T09:00:00.000Z',
  quarantined_at: '2030-01-07T10:00:00.000Z',
};

describe('client migration 0004-quarantine-subject', () => {
  let dir: string;
  let sqlite: SQLite.Database;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema as of 0003, untyped
  let db: Kysely<any>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-m0004-'));
    sqlite = new SQLite(path.join(dir, 'store.sqlite'));
    db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
    await runMigrations(db, clientMigrations, '0003-lesson-prep');
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('adds subject and subject_at to the quarantine and keeps its rows', async () => {
    await db.insertInto('quarantine').values(ROW).execute();

    await runMigrations(db, clientMigrations, '0004-quarantine-subject');

    expect(sqlite.prepare('select * from quarantine').all()).toEqual([
      { ...ROW, subject: null, subject_at: null },
    ]);
    sqlite
      .prepare("update quarantine set subject = 'Matemática — 6.º A', subject_at = ? where id = 'edit-1'")
      .run('2030-01-07T08:00:00.000Z');

    await m0004.down(db);
    expect(sqlite.prepare('select * from quarantine').all()).toEqual([ROW]);
  });
});
