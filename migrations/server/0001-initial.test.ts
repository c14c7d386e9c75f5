/**
 * Migration 0001 (the initial schema), on SQLite and PostgreSQL. As every migration test (docs/ARCHITECTURE.md, "Migration tests"): migrate to
 * N-1, insert data, migrate to N, assert. N-1 of the first migration is the empty database, so
 * "the data" is only what a fresh database holds (nothing); the assertions are on the schema it
 * creates: tables, defaults, constraints, indexes, the seeded change counter; and down() then
 * up() gives the same empty schema back.
 */
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import type { DB } from '../../server/db/schema.js';
import { dialectsHere } from '../../tests/support/server-fixture.js';
import { openEmpty } from '../../tests/support/empty-database.js';
import * as m0001 from './0001-initial.js';
import { serverMigrations } from './index.js';

const MIGRATION = '0001-initial';
const KYSELY_TABLES = ['kysely_migration', 'kysely_migration_lock'];
const TABLES = [
  'announcements',
  'auth_tokens',
  'change_counter',
  'class_sessions',
  'courses',
  'enrolments',
  'memberships',
  'notifications',
  'push_receipts',
  'resource_courses',
  'resources',
  'schools',
  'sync_changes',
  'users',
];
// The original analysis's indexes, and the ones sync and the scheduler rely on.
const INDEXES = [
  'memberships_user',
  'courses_school',
  'sessions_teacher_starts',
  'sessions_teacher_status',
  'sessions_school_teacher_starts',
  'sessions_starts',
  'enrolments_student',
  'resources_teacher_school',
  'resources_shared',
  'notifications_user_school',
  'notifications_expiry',
  'announcements_school',
  'auth_tokens_user',
  'sync_changes_school_seq',
];
/**
 * The composite indexes, each with its table and its columns in order: an index on the right
 * columns in another order serves other queries. The first four are the original analysis's
 * (session: teacher+date, teacher+status, school+teacher+date; resource: teacher+school).
 */
const COMPOSITE_INDEXES: Record<string, { table: string; columns: string[] }> = {
  sessions_teacher_starts: { table: 'class_sessions', columns: ['teacher_id', 'starts_at'] },
  sessions_teacher_status: { table: 'class_sessions', columns: ['teacher_id', 'status'] },
  sessions_school_teacher_starts: {
    table: 'class_sessions',
    columns: ['school_id', 'teacher_id', 'starts_at'],
  },
  resources_teacher_school: { table: 'resources', columns: ['teacher_id', 'school_id'] },
  sessions_starts: { table: 'class_sessions', columns: ['starts_at', 'status'] },
  memberships_user: { table: 'memberships', columns: ['user_id', 'active'] },
  enrolments_student: { table: 'enrolments', columns: ['student_id', 'school_id'] },
  notifications_user_school: { table: 'notifications', columns: ['user_id', 'school_id', 'is_read'] },
  notifications_expiry: { table: 'notifications', columns: ['expiry_published', 'expires_at'] },
  sync_changes_school_seq: { table: 'sync_changes', columns: ['school_id', 'seq'] },
};
const TS = '2030-01-07T09:00:00.000Z';

async function tablesOf(database: Database): Promise<string[]> {
  const q =
    database.dialect === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`
      : sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`;
  return (await q.execute(database.db)).rows.map((r) => r.name).sort();
}

async function indexesOf(database: Database): Promise<string[]> {
  const q =
    database.dialect === 'postgres'
      ? sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master where type = 'index'`;
  return (await q.execute(database.db)).rows.map((r) => r.name);
}

/** An index's table and its columns in key order, as the database itself records them. */
async function indexColumns(
  database: Database,
  index: string,
): Promise<{ table: string; columns: string[] }> {
  if (database.dialect === 'postgres') {
    const { rows } = await sql<{ table: string; column: string }>`
      select t.relname as table, a.attname as column
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = i.relnamespace
      cross join lateral unnest(x.indkey::int2[]) with ordinality as k(attnum, position)
      join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
      where n.nspname = current_schema() and i.relname = ${index}
      order by k.position`.execute(database.db);
    return { table: rows[0]?.table ?? '', columns: rows.map((r) => r.column) };
  }
  const { rows: owner } = await sql<{ table: string }>`
    select tbl_name as "table" from sqlite_master where type = 'index' and name = ${index}`.execute(
    database.db,
  );
  const { rows } = await sql<{ name: string }>`
    select name from pragma_index_info(${index}) order by seqno`.execute(database.db);
  return { table: owner[0]?.table ?? '', columns: rows.map((r) => r.name) };
}

/** The smallest consistent data set: a school, a teacher and a student, a session with an enrolment. */
async function insertSchoolWithASession(db: Kysely<DB>) {
  const school = await db
    .insertInto('schools')
    .values({ name: 'Escola Teste', timezone: 'Europe/Lisbon', version: 1, created_at: TS })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = async (email: string) =>
    (
      await db
        .insertInto('users')
        .values({ email, name: email, password_hash: 'x', version: 1, created_at: TS })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const teacher = await user('t@test');
  const student = await user('s@test');
  for (const [id, role] of [
    [teacher, 'teacher'],
    [student, 'student'],
  ] as const) {
    await db
      .insertInto('memberships')
      .values({
        school_id: school.id,
        user_id: id,
        role,
        active: 1,
        version: 1,
        created_at: TS,
        updated_at: TS,
      })
      .execute();
  }
  const session = await db
    .insertInto('class_sessions')
    .values({
      school_id: school.id,
      teacher_id: teacher,
      course_id: null,
      title: 'Aula',
      starts_at: TS,
      ends_at: TS,
      status: 'scheduled',
      location: '',
      lesson_notes: '',
      field_versions: '{}',
      version: 2 ** 40,
      created_at: TS,
      updated_at: TS,
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
  return { school: school.id, teacher, student, session: session.id, sessionVersion: session.version };
}

function notification(school: number, user: number, dedupe_key: string | null, type = 'session_reminder') {
  return {
    school_id: school,
    user_id: user,
    type: type as 'session_reminder',
    title: 't',
    message: 'm',
    action_url: '',
    is_read: 0,
    is_dismissed: 0,
    read_at: null,
    delivered_via_socket: 0,
    created_at: TS,
    expires_at: null,
    expiry_published: 0,
    dedupe_key,
    version: 1,
  };
}

describe.each(dialectsHere())('server migration 0001-initial on %s', (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ database, drop } = await openEmpty(dialect));
  });
  afterEach(() => drop());

  test('it is the first migration: N-1 is the empty database', async () => {
    expect(Object.keys(serverMigrations)[0]).toBe(MIGRATION);
    expect(await tablesOf(database)).toEqual([]);
  });

  test('migrating the empty database creates every table and index and seeds the change counter', async () => {
    await migrateServer(database.db, MIGRATION);
    expect(await tablesOf(database)).toEqual([...TABLES, ...KYSELY_TABLES].sort());
    const indexes = await indexesOf(database);
    for (const name of INDEXES) expect(indexes, name).toContain(name);
    expect(await database.db.selectFrom('change_counter').selectAll().execute()).toEqual([
      { id: 1, value: 0 },
    ]);
    for (const t of TABLES.filter((t) => t !== 'change_counter')) {
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t)}`.execute(
        database.db,
      );
      expect(Number(rows[0]!.n), t).toBe(0);
    }
  });

  test('each composite index is on its table with its columns in order', async () => {
    await migrateServer(database.db);
    for (const [name, expected] of Object.entries(COMPOSITE_INDEXES))
      expect(await indexColumns(database, name), name).toEqual(expected);
  });

  test('columns get their defaults and big versions round-trip as numbers', async () => {
    await migrateServer(database.db, MIGRATION);
    const db = database.db;
    const ids = await insertSchoolWithASession(db);
    const school = (
      await sql<{
        id: number;
      }>`insert into schools (name, version, created_at) values (${'Sem fuso'}, ${1}, ${TS}) returning id`.execute(
        db,
      )
    ).rows[0]!;
    expect(
      await db.selectFrom('schools').select('timezone').where('id', '=', school.id).executeTakeFirstOrThrow(),
    ).toEqual({ timezone: 'UTC' });

    await sql`insert into enrolments (school_id, session_id, student_id, version, created_at)
      values (${ids.school}, ${ids.session}, ${ids.student}, ${1}, ${TS})`.execute(db);
    expect(
      await db.selectFrom('enrolments').select(['attendance', 'field_versions']).executeTakeFirstOrThrow(),
    ).toEqual({
      attendance: 'unknown',
      field_versions: '{}',
    });
    await sql`insert into notifications (school_id, user_id, type, title, message, created_at, version)
      values (${ids.school}, ${ids.teacher}, ${'new_student'}, ${'t'}, ${'m'}, ${TS}, ${1})`.execute(db);
    expect(
      await db
        .selectFrom('notifications')
        .select([
          'action_url',
          'is_read',
          'is_dismissed',
          'read_at',
          'delivered_via_socket',
          'expires_at',
          'expiry_published',
          'dedupe_key',
        ])
        .executeTakeFirstOrThrow(),
    ).toEqual({
      action_url: '',
      is_read: 0,
      is_dismissed: 0,
      read_at: null,
      delivered_via_socket: 0,
      expires_at: null,
      expiry_published: 0,
      dedupe_key: null,
    });
    const session = await db
      .selectFrom('class_sessions')
      .select(['version'])
      .where('id', '=', ids.session)
      .executeTakeFirstOrThrow();
    expect(session.version).toBe(2 ** 40);
    expect(ids.sessionVersion).toBe(2 ** 40);

    const first = await db
      .insertInto('sync_changes')
      .values({ school_id: ids.school, teacher_id: null, entity: 'course', row_id: 1 })
      .returning('seq')
      .executeTakeFirstOrThrow();
    const second = await db
      .insertInto('sync_changes')
      .values({ school_id: ids.school, teacher_id: ids.teacher, entity: 'session', row_id: ids.session })
      .returning('seq')
      .executeTakeFirstOrThrow();
    expect(second.seq).toBeGreaterThan(first.seq);
  });

  test('constraints reject rows the domain must never write', async () => {
    await migrateServer(database.db, MIGRATION);
    const db = database.db;
    const ids = await insertSchoolWithASession(db);
    const membership = { school_id: ids.school, active: 1, version: 1, created_at: TS, updated_at: TS };

    // role check, one membership per school and user, known users only
    await expect(
      db
        .insertInto('memberships')
        .values({ ...membership, user_id: ids.student + 100, role: 'teacher' })
        .execute(),
    ).rejects.toThrow();
    const other = await db
      .insertInto('users')
      .values({ email: 'o@test', name: 'o', password_hash: 'x', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      db
        .insertInto('memberships')
        .values({ ...membership, user_id: other.id, role: 'owner' as 'admin' })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('memberships')
        .values({ ...membership, user_id: ids.teacher, role: 'admin' })
        .execute(),
    ).rejects.toThrow();
    // unique emails
    await expect(
      db
        .insertInto('users')
        .values({ email: 't@test', name: 'dup', password_hash: 'x', version: 1, created_at: TS })
        .execute(),
    ).rejects.toThrow();
    // status and attendance checks, one enrolment per session and student
    await expect(
      db
        .updateTable('class_sessions')
        .set({ status: 'postponed' as 'cancelled' })
        .where('id', '=', ids.session)
        .execute(),
    ).rejects.toThrow();
    const enrolment = {
      school_id: ids.school,
      session_id: ids.session,
      student_id: ids.student,
      field_versions: '{}',
      version: 1,
      created_at: TS,
    };
    await expect(
      db
        .insertInto('enrolments')
        .values({ ...enrolment, attendance: 'maybe' as 'late' })
        .execute(),
    ).rejects.toThrow();
    await db
      .insertInto('enrolments')
      .values({ ...enrolment, attendance: 'unknown' })
      .execute();
    await expect(
      db
        .insertInto('enrolments')
        .values({ ...enrolment, attendance: 'present' })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('enrolments')
        .values({ ...enrolment, session_id: ids.session + 100, attendance: 'unknown' })
        .execute(),
    ).rejects.toThrow();

    // notification types; dedupe keys unique when set (exactly-once reminders), free when null
    await expect(
      db
        .insertInto('notifications')
        .values(notification(ids.school, ids.teacher, null, 'spam'))
        .execute(),
    ).rejects.toThrow();
    await db
      .insertInto('notifications')
      .values(notification(ids.school, ids.teacher, 'reminder:1:x'))
      .execute();
    await expect(
      db
        .insertInto('notifications')
        .values(notification(ids.school, ids.teacher, 'reminder:1:x'))
        .execute(),
    ).rejects.toThrow();
    await db
      .insertInto('notifications')
      .values(notification(ids.school, ids.teacher, null))
      .execute();
    await db
      .insertInto('notifications')
      .values(notification(ids.school, ids.teacher, null))
      .execute();
    const skipped = await db
      .insertInto('notifications')
      .values(notification(ids.school, ids.teacher, 'reminder:1:x'))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .execute();
    expect(skipped).toEqual([]);
    expect(await db.selectFrom('notifications').select('id').execute()).toHaveLength(3);

    // push receipts: one per user, client and mutation
    const receipt = {
      user_id: ids.teacher,
      client_id: 'device-1',
      mutation_id: 'm1',
      result: '{}',
      created_at: TS,
    };
    await db.insertInto('push_receipts').values(receipt).execute();
    await expect(db.insertInto('push_receipts').values(receipt).execute()).rejects.toThrow();
  });

  test('deleting a resource removes its course links and nothing else', async () => {
    await migrateServer(database.db, MIGRATION);
    const db = database.db;
    const ids = await insertSchoolWithASession(db);
    const course = await db
      .insertInto('courses')
      .values({ school_id: ids.school, name: 'Mat', code: 'MAT', version: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const resource = await db
      .insertInto('resources')
      .values({
        school_id: ids.school,
        teacher_id: ids.teacher,
        title: 'Ficha',
        description: '',
        file_type: 'pdf',
        mime_type: 'application/pdf',
        size: 10,
        sha256: 'abc',
        storage_name: 'abc',
        shared_with_students: 0,
        scan_status: 'clean',
        uploader_address: '127.0.0.1',
        field_versions: '{}',
        version: 1,
        created_at: TS,
        updated_at: TS,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('resource_courses')
      .values({ resource_id: resource.id, course_id: course.id })
      .execute();
    await db.deleteFrom('resources').where('id', '=', resource.id).execute();
    expect(await db.selectFrom('resource_courses').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('courses').select('id').execute()).toEqual([{ id: course.id }]);
  });

  test('migrating again is a no-op that keeps the data', async () => {
    await migrateServer(database.db, MIGRATION);
    const ids = await insertSchoolWithASession(database.db);
    await migrateServer(database.db);
    const sessions = await database.db.selectFrom('class_sessions').select('id').execute();
    expect(sessions).toEqual([{ id: ids.session }]);
    expect(await database.db.selectFrom('change_counter').selectAll().execute()).toEqual([
      { id: 1, value: 0 },
    ]);
  });

  test('down() removes every table of the migration and up() recreates them empty', async () => {
    await migrateServer(database.db, MIGRATION);
    await insertSchoolWithASession(database.db);
    await m0001.down(database.db);
    expect(await tablesOf(database)).toEqual(KYSELY_TABLES);
    await m0001.up(database.db);
    expect(await tablesOf(database)).toEqual([...TABLES, ...KYSELY_TABLES].sort());
    expect(await database.db.selectFrom('schools').select('id').execute()).toEqual([]);
    expect(await database.db.selectFrom('change_counter').selectAll().execute()).toEqual([
      { id: 1, value: 0 },
    ]);
    const indexes = await indexesOf(database);
    for (const name of INDEXES) expect(indexes, name).toContain(name);
  });
});
