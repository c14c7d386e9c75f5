import { PostgresAdapter, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Lesson preparation (docs/ARCHITECTURE.md, "Lesson plans"):
 * - a session's plan, one column per field so that edits of different fields merge: objectives,
 *   activities (JSON list), materials, homework, the "ready" mark; the files attached to the
 *   session (`resource_ids`, JSON list of resource ids);
 * - a teacher's plan templates and private notes about students. Their ids are chosen by the
 *   device that creates them (an edit made offline needs its row's id at once), unique per
 *   teacher: the primary key is (teacher_id, id).
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const big = pg ? 'bigint' : 'integer';
  for (const [col, type, dflt] of [
    ['plan_objectives', 'text', ''],
    ['plan_activities', 'text', '[]'],
    ['plan_materials', 'text', ''],
    ['plan_homework', 'text', ''],
    ['plan_ready', 'integer', 0],
    ['resource_ids', 'text', '[]'],
  ] as const) {
    await db.schema
      .alterTable('class_sessions')
      .addColumn(col, type, (c) => c.notNull().defaultTo(dflt))
      .execute();
  }

  await db.schema
    .createTable('plan_templates')
    .addColumn('teacher_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('id', big, (c) => c.notNull())
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('field_versions', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_templates_pk', ['teacher_id', 'id'])
    .execute();
  await db.schema
    .createIndex('plan_templates_school_teacher')
    .on('plan_templates')
    .columns(['school_id', 'teacher_id', 'id'])
    .execute();

  await db.schema
    .createTable('student_notes')
    .addColumn('teacher_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('id', big, (c) => c.notNull())
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('student_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('field_versions', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('student_notes_pk', ['teacher_id', 'id'])
    .addUniqueConstraint('student_notes_one_per_student', ['school_id', 'teacher_id', 'student_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('student_notes').execute();
  await db.schema.dropTable('plan_templates').execute();
  for (const col of [
    'resource_ids',
    'plan_ready',
    'plan_homework',
    'plan_materials',
    'plan_activities',
    'plan_objectives',
  ])
    await db.schema.alterTable('class_sessions').dropColumn(col).execute();
}
