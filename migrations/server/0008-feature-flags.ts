import { PostgresAdapter, sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Feature flags (docs/ARCHITECTURE.md, "Feature flags"): one row per (school, flag key), set by
 * an administrator. `enabled` turns the flag on or off for the whole school; a non-null
 * `percentage` (0..100) turns it on for that stable share of the school's teachers instead.
 * No row means on.
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const big = pg ? 'bigint' : 'integer';
  await db.schema
    .createTable('feature_flags')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().check(sql`enabled in (0, 1)`))
    .addColumn('percentage', 'integer', (c) => c.check(sql`percentage between 0 and 100`))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', big, (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('feature_flags_pk', ['school_id', 'key'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('feature_flags').execute();
}
