/**
 * Migration 0004 (lesson preparation), on SQLite and PostgreSQL. As every migration test
 * (docs/ARCHITECTURE.md, "Migration tests"): migrate to N-1, insert data, migrate to N, assert:
 * sessions keep their rows with empty plans; templates and notes are keyed by (teacher, id), so
 * two teachers may use the same id and one teacher may not; one note per teacher and student;
 * down() removes it all and keeps the sessions.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { dialectsHere } from '../../tests/support/server-fixture.js';
import { openEmpty } from '../../tests/support/empty-database.js';
import * as m0004 from './0004-lesson-prep.js';
import { serverMigrations } from './index.js';

const TS = '2030-01-07T09:00:00.000Z';

describe.each(dialectsHere())('server migration 0004-lesson-prep on %s', (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ database, drop } = await openEmpty(dialect));
  });
  afterEach(() => drop());

  test('it follows 0003-scan-jobs', () => {
    expect(Object.keys(serverMigrations).slice(2, 4)).toEqual(['0003-scan-jobs', '0004-lesson-prep']);
  });

  test('sessions keep their rows; templates and notes are per teacher', async () => {
    const db = database.db;
    await migrateServer(db, '0003-scan-jobs');
    const school = await db
      .insertInto('schools')
      .values({ name: 'Escola Teste', timezone: 'UTC', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = (email: string) =>
      db
        .insertInto('users')
        .values({ email, name: email, password_hash: 'x', version: 1, created_at: TS })
        .returning('id')
        .executeTakeFirstOrThrow();
    const [t1, t2, student] = [await user('t1@test'), await user('t2@test'), await user('s@test')];
    const session = await db
      .insertInto('class_sessions')
      .values({
        school_id: school.id,
        teacher_id: t1.id,
        course_id: null,
        title: 'Aula',
        starts_at: TS,
        ends_at: TS,
        status: 'scheduled',
        location: '',
        lesson_notes: 'notas',
        field_versions: '{}',
        version: 1,
        created_at: TS,
        updated_at: TS,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    await migrateServer(db, '0004-lesson-prep');
    const row = await db
      .selectFrom('class_sessions')
      .selectAll()
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      lesson_notes: 'notas',
      plan_objectives: '',
      plan_activities: '[]',
      plan_materials: '',
      plan_homework: '',
      plan_ready: 0,
      resource_ids: '[]',
    });

    const template = (teacher_id: number, id: number) =>
      db
        .insertInto('plan_templates')
        .values({
          teacher_id,
          id,
          school_id: school.id,
          name: 'T',
          content: '{}',
          deleted: 0,
          field_versions: '{}',
          version: 1,
          created_at: TS,
          updated_at: TS,
        })
        .execute();
    await template(t1.id, 281_474_976_710_000);
    await template(t2.id, 281_474_976_710_000);
    await expect(template(t1.id, 281_474_976_710_000)).rejects.toThrow();
    const ids = await db.selectFrom('plan_templates').select('id').execute();
    expect(ids.map((r) => Number(r.id))).toEqual([281_474_976_710_000, 281_474_976_710_000]);

    const note = (id: number) =>
      db
        .insertInto('student_notes')
        .values({
          teacher_id: t1.id,
          id,
          school_id: school.id,
          student_id: student.id,
          body: 'x',
          field_versions: '{}',
          version: 1,
          created_at: TS,
          updated_at: TS,
        })
        .execute();
    await note(1);
    await expect(note(2)).rejects.toThrow();

    await m0004.down(db);
    await expect(db.selectFrom('plan_templates').selectAll().execute()).rejects.toThrow();
    const after = await db
      .selectFrom('class_sessions')
      .selectAll()
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(after).not.toHaveProperty('plan_objectives');
    expect(after.lesson_notes).toBe('notas');
  });
});
