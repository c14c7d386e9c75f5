import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Running a school (docs/ARCHITECTURE.md, "Running a school"):
 * - `payment_events`: each payment provider event id, processed exactly once (the primary key);
 * - `sourced_ids`: what a OneRoster import created, by (school, kind, sourcedId), so that
 *   importing the same files again changes nothing;
 * - `course_members`: a course's teachers and students (a OneRoster class's roster);
 * - `timetable_entries`, `school_holidays` and `class_sessions.timetable_entry_id`: the weekly
 *   timetable the sessions are generated from, and the days the school is closed.
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = pg ? 'bigserial' : 'integer';
  const big = pg ? 'bigint' : 'integer';
  const serial = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('payment_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('teacher_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('amount_cents', big, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('session_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('notification_id', big)
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sourced_ids')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('user', 'class', 'enrollment')`))
    .addColumn('sourced_id', 'text', (c) => c.notNull())
    .addColumn('local_id', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('sourced_ids_pk', ['school_id', 'kind', 'sourced_id'])
    .execute();

  await db.schema
    .createTable('course_members')
    .addColumn('id', id, serial)
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('course_id', big, (c) => c.notNull().references('courses.id'))
    .addColumn('user_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('teacher', 'student')`))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('course_members_one', ['course_id', 'user_id', 'role'])
    .execute();
  await db.schema
    .createIndex('course_members_school')
    .on('course_members')
    .columns(['school_id', 'course_id'])
    .execute();

  await db.schema
    .createTable('timetable_entries')
    .addColumn('id', id, serial)
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('course_id', big, (c) => c.notNull().references('courses.id'))
    .addColumn('teacher_id', big, (c) => c.notNull().references('users.id'))
    // ISO weekday: 1 Monday … 7 Sunday; times are wall-clock in the school's time zone.
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('starts', 'text', (c) => c.notNull())
    .addColumn('ends', 'text', (c) => c.notNull())
    .addColumn('room', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('term_start', 'text', (c) => c.notNull())
    .addColumn('term_end', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('timetable_entries_school')
    .on('timetable_entries')
    .columns(['school_id', 'id'])
    .execute();

  await db.schema
    .createTable('school_holidays')
    .addColumn('id', id, serial)
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('school_holidays_one_a_day', ['school_id', 'date'])
    .execute();

  await db.schema
    .alterTable('class_sessions')
    .addColumn('timetable_entry_id', big, (c) => c.references('timetable_entries.id'))
    .execute();
  await db.schema
    .createIndex('class_sessions_timetable_entry')
    .on('class_sessions')
    .columns(['timetable_entry_id', 'starts_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('class_sessions_timetable_entry').execute();
  await db.schema.alterTable('class_sessions').dropColumn('timetable_entry_id').execute();
  for (const t of ['school_holidays', 'timetable_entries', 'course_members', 'sourced_ids', 'payment_events'])
    await db.schema.dropTable(t).execute();
}
