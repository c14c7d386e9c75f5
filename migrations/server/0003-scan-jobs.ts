import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * A durable job per resource whose virus scan has not finished (server/domain/scan-jobs.ts): a
 * scan interrupted by a stop is resumed, a failed one retried, and one process at a time holds
 * it (`claimed_by` until `lease_until`). Resources already pending become jobs.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('scan_jobs')
    .addColumn('resource_id', 'integer', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('scan_jobs_due').on('scan_jobs').columns(['next_attempt_at']).execute();
  const now = new Date().toISOString();
  const pending = await db
    .selectFrom('resources')
    .select('id')
    .where('scan_status', '=', 'pending')
    .execute();
  for (const r of pending)
    await db
      .insertInto('scan_jobs')
      .values({ resource_id: r.id, attempts: 0, next_attempt_at: now })
      .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('scan_jobs').execute();
}
