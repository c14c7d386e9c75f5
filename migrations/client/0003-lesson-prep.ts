import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Lesson preparation on the device (docs/ARCHITECTURE.md, "Lesson plans"): a session's plan
 * fields and attached files, the teacher's plan templates and private notes about students.
 * A pulled session is written whole, so existing rows get the fields' empty values here and
 * their content with the next pull.
 *
 * Full-text search (src/main/core/store/search.ts): one FTS5 index over the teacher's sessions
 * (title, place, plan, notes, homework), students (name, email), files (title, description,
 * type) and private notes, kept by triggers. Its rowid encodes the row: id × 8 +
 * kind, so a trigger replaces an entry by rowid instead of scanning (a pulled row is written with
 * `insert or replace`, whose implicit delete fires no trigger).
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

  await sql`create virtual table search_index using fts5(
    kind unindexed, row_id unindexed, school_id unindexed, title, body,
    tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
  for (const [table, code, kind, title, body, when] of SEARCH_SOURCES) {
    const key = `new.id * 8 + ${code}`;
    const replace = `delete from search_index where rowid = ${key};
      insert into search_index (rowid, kind, row_id, school_id, title, body)
        select ${key}, '${kind}', new.id, new.school_id, ${title}, ${body} where ${when};`;
    await sql
      .raw(`create trigger ${table}_search_insert after insert on ${table} begin ${replace} end`)
      .execute(db);
    await sql
      .raw(`create trigger ${table}_search_update after update on ${table} begin ${replace} end`)
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_search_delete after delete on ${table} begin
          delete from search_index where rowid = old.id * 8 + ${code}; end`,
      )
      .execute(db);
  }
}

/** What the search index holds of each table: [table, kind code, kind, title, body, condition]. */
const SEARCH_SOURCES: Array<[string, number, string, string, string, string]> = [
  [
    'sessions',
    1,
    'session',
    'new.title',
    `new.location || ' ' || new.plan_objectives || ' ' || coalesce((select group_concat(
       json_extract(value, '$.title') || ' ' || json_extract(value, '$.notes'), ' ')
       from json_each(new.plan_activities)), '') || ' ' || new.plan_materials || ' ' ||
       new.plan_homework || ' ' || new.lesson_notes`,
    '1',
  ],
  ['students', 2, 'student', 'new.name', 'new.email', '1'],
  ['resources', 3, 'resource', 'new.title', `new.description || ' ' || new.file_type`, '1'],
  ['student_notes', 4, 'student_note', "''", 'new.body', '1'],
];

export async function down(db: AnyDb): Promise<void> {
  for (const [table] of SEARCH_SOURCES)
    for (const op of ['insert', 'update', 'delete'])
      await sql.raw(`drop trigger ${table}_search_${op}`).execute(db);
  await sql`drop table search_index`.execute(db);
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
