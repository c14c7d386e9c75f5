import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Lesson preparation on the device (docs/ARCHITECTURE.md, "Lesson plans"): a session's plan
 * fields and attached files, the teacher's plan templates and private notes about students.
 * A pulled session is written whole, so existing rows get the fields' empty values here and
 * their content with the next pull.
 */
export async function up(db: AnyDb): Promise<void> {
  for (const [col, type, dflt] of [
    ['plan_objectives', 'text', ''],
    ['plan_activities', 'text', '[]'],
    ['plan_materials', 'text', ''],
    ['plan_homework', 'text', ''],
    ['plan_ready', 'integer', 0],
    ['resource_ids', 'text', '[]'],
  ] as const) {
    await db.schema
      .alterTable('sessions')
      .addColumn(col, type, (c) => c.notNull().defaultTo(dflt))
      .execute();
  }
  await db.schema
    .createTable('plan_templates')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('teacher_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('plan_templates_school').on('plan_templates').columns(['school_id']).execute();
  await db.schema
    .createTable('student_notes')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('teacher_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('student_id', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('student_notes_student')
    .on('student_notes')
    .columns(['school_id', 'student_id'])
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
    await db.schema.alterTable('sessions').dropColumn(col).execute();
}
