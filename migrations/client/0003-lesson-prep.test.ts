/**
 * Client migration 0003 (lesson preparation). As every migration test (docs/ARCHITECTURE.md,
 * "Migration tests"): migrate to N-1, insert data, migrate to N, assert — existing sessions keep
 * their rows and get empty plan fields, the new tables take rows, the search index holds the rows
 * that were already there (the migration indexes nothing by itself: a session rewritten by the
 * next pull is indexed by its trigger). down() removes it all and leaves the data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runMigrations } from '../run.js';
import { clientMigrations } from './index.js';
import * as m0003 from './0003-lesson-prep.js';

describe('client migration 0003-lesson-prep', () => {
  let dir: string;
  let sqlite: SQLite.Database;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema as of 0002, untyped
  let db: Kysely<any>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-m0003-'));
    sqlite = new SQLite(path.join(dir, 'store.sqlite'));
    db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
    await runMigrations(db, clientMigrations, '0002-query-indexes');
    await db
      .insertInto('sessions')
      .values({
        id: 7,
        school_id: 1,
        teacher_id: 2,
        course_id: null,
        title: 'Matemática 7.º A',
        starts_at: '2030-01-07T09:00:00.000Z',
        ends_at: '2030-01-07T09:50:00.000Z',
        status: 'scheduled',
        location: 'Sala 3',
        lesson_notes: 'Frações',
        version: 4,
      })
      .execute();
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('it follows 0002-query-indexes', () => {
    expect(Object.keys(clientMigrations).slice(0, 3)).toEqual([
      '0001-initial',
      '0002-query-indexes',
      '0003-lesson-prep',
    ]);
  });

  test('sessions keep their rows with empty plans; templates, notes and the index take rows', async () => {
    await runMigrations(db, clientMigrations, '0003-lesson-prep');
    expect(sqlite.prepare('select * from sessions').all()).toEqual([
      {
        id: 7,
        school_id: 1,
        teacher_id: 2,
        course_id: null,
        title: 'Matemática 7.º A',
        starts_at: '2030-01-07T09:00:00.000Z',
        ends_at: '2030-01-07T09:50:00.000Z',
        status: 'scheduled',
        location: 'Sala 3',
        lesson_notes: 'Frações',
        version: 4,
        plan_objectives: '',
        plan_activities: '[]',
        plan_materials: '',
        plan_homework: '',
        plan_ready: 0,
        resource_ids: '[]',
      },
    ]);
    // The next pull rewrites the session whole; its trigger indexes it.
    sqlite.prepare('insert or replace into sessions select * from sessions where id = 7').run();
    sqlite
      .prepare(
        "insert into student_notes (id, school_id, teacher_id, student_id, body, updated_at, version) values (9, 1, 2, 30, 'Óculos na primeira fila', '', 1)",
      )
      .run();
    sqlite
      .prepare("insert into plan_templates (id, school_id, name, content) values (5, 1, 'Revisões', '{}')")
      .run();
    const found = (q: string) =>
      sqlite.prepare('select kind, row_id from search_index where search_index match ?').all(q);
    expect(found('fracoes')).toEqual([{ kind: 'session', row_id: 7 }]);
    expect(found('oculos')).toEqual([{ kind: 'student_note', row_id: 9 }]);
    expect(sqlite.prepare('select deleted from plan_templates').all()).toEqual([{ deleted: 0 }]);
  });

  test('down() removes the plan columns, the tables, the index and its triggers, and keeps the sessions', async () => {
    await runMigrations(db, clientMigrations, '0003-lesson-prep');
    await m0003.down(db);
    const names = (
      sqlite
        .prepare(
          "select name from sqlite_master where name like '%search%' or name in ('plan_templates', 'student_notes')",
        )
        .all() as Array<{ name: string }>
    ).map((r) => r.name);
    expect(names).toEqual([]);
    expect(Object.keys(sqlite.prepare('select * from sessions').get() as object)).not.toContain(
      'plan_objectives',
    );
    expect(sqlite.prepare('select title from sessions').all()).toEqual([{ title: 'Matemática 7.º A' }]);
  });
});
