import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Notifications carry `params` (protocol version 3; docs/ARCHITECTURE.md, "Notifications"), which
 * the app renders in its language and the school's time zone. The rows held before it have none:
 * they are dropped and every school's cursor is cleared, so the next pull brings the whole view
 * again — notifications with their parameters included. Notifications already announced stay
 * announced (`announced_notifications` is kept): nothing pops up twice.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('notifications')
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.deleteFrom('notifications').execute();
  await db.updateTable('sync_state').set({ cursor: null, checksum: null }).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await sql`alter table notifications drop column params`.execute(db);
}
