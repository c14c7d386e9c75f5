import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * One row per kind of scheduled work: the server process that may run it and until when. Several
 * processes on one PostgreSQL database take turns through it (server/domain/scheduler-lease.ts).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('scheduler_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('renewed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('scheduler_lease').execute();
}
