/**
 * Migration 0007 (roster import, timetable, payments), on SQLite and PostgreSQL. As every
 * migration test (docs/ARCHITECTURE.md, "Migration tests"): migrate to N-1, insert data, migrate
 * to N, assert: sessions keep their rows, not generated from any timetable entry; an event id and
 * a sourcedId are taken once; a course member once per role; one holiday a day; down() removes
 * the tables and keeps the sessions.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { dialectsHere } from '../../tests/support/server-fixture.js';
import { openEmpty } from '../../tests/support/empty-database.js';
import * as m0007 from './0007-roster-timetable.js';
import { serverMigrations } from './index.js';

const TS = '2030-01-07T09:00:00.000Z';

describe.each(dialectsHere())('server migration 0007-roster-timetable on %s', (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ database, drop } = await openEmpty(dialect));
  });
  afterEach(() => drop());

  test('it comes right after 0006-admin-audit', () => {
    const names = Object.keys(serverMigrations);
    expect(names.indexOf('0007-roster-timetable')).toBe(names.indexOf('0006-admin-audit') + 1);
  });

  test('sessions keep their rows; events, sourcedIds, members and holidays are unique', async () => {
    const db = database.db;
    const previous = Object.keys(serverMigrations).at(-2)!;
    await migrateServer(db, previous);
    const school = await db
      .insertInto('schools')
      .values({ name: 'Escola Teste', timezone: 'Europe/Lisbon', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    const teacher = await db
      .insertInto('users')
      .values({ email: 't@test', name: 'T', password_hash: 'x', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    const course = await db
      .insertInto('courses')
      .values({ school_id: school.id, name: 'Mat', code: 'M', version: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const session = await db
      .insertInto('class_sessions')
      .values({
        school_id: school.id,
        teacher_id: teacher.id,
        course_id: course.id,
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

    await migrateServer(db, '0007-roster-timetable');
    const row = await db
      .selectFrom('class_sessions')
      .selectAll()
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ lesson_notes: 'notas', timetable_entry_id: null });

    const payment = () =>
      db
        .insertInto('payment_events')
        .values({
          id: 'evt_1',
          school_id: school.id,
          teacher_id: teacher.id,
          amount_cents: 100,
          currency: 'EUR',
          session_ids: '[]',
          notification_id: null,
          received_at: TS,
        })
        .execute();
    await payment();
    await expect(payment()).rejects.toThrow();

    const sourced = () =>
      db
        .insertInto('sourced_ids')
        .values({ school_id: school.id, kind: 'user', sourced_id: 'u-1', local_id: teacher.id })
        .execute();
    await sourced();
    await expect(sourced()).rejects.toThrow();

    const member = (role: 'teacher' | 'student') =>
      db
        .insertInto('course_members')
        .values({
          school_id: school.id,
          course_id: course.id,
          user_id: teacher.id,
          role,
          active: 1,
          created_at: TS,
          updated_at: TS,
        })
        .execute();
    await member('teacher');
    await expect(member('teacher')).rejects.toThrow();

    const holiday = () =>
      db
        .insertInto('school_holidays')
        .values({ school_id: school.id, date: '2030-01-01', name: 'Ano Novo', created_at: TS })
        .execute();
    await holiday();
    await expect(holiday()).rejects.toThrow();

    const entry = await db
      .insertInto('timetable_entries')
      .values({
        school_id: school.id,
        course_id: course.id,
        teacher_id: teacher.id,
        weekday: 1,
        starts: '09:00',
        ends: '09:50',
        room: 'A1',
        term_start: '2030-01-07',
        term_end: '2030-03-29',
        active: 1,
        created_at: TS,
        updated_at: TS,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('class_sessions')
      .set({ timetable_entry_id: entry.id })
      .where('id', '=', session.id)
      .execute();
    await m0007.down(db);
    await expect(db.selectFrom('payment_events').selectAll().execute()).rejects.toThrow();
    await expect(db.selectFrom('timetable_entries').selectAll().execute()).rejects.toThrow();
    const after = await db
      .selectFrom('class_sessions')
      .selectAll()
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(after).not.toHaveProperty('timetable_entry_id');
    expect(after.lesson_notes).toBe('notas');
  });
});
