/**
 * Server processes that start together on one PostgreSQL database take turns to migrate it and
 * to create the demo data, so an empty database gets the demo schools once. The migrator has
 * its own lock; the demo check-then-create needs this one. A session-level advisory lock keyed by
 * the schema, held on one connection for the whole step (a pool of one connection cannot wait
 * for a second). SQLite is one process: the step just runs.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import type { DB } from './schema.js';

export async function withStartupLock<T>(
  database: Database,
  step: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (database.dialect !== 'postgres') return step(database.db);
  return database.db.connection().execute(async (conn) => {
    const key = sql`hashtext('classdesk-startup:' || current_schema())`;
    await sql`select pg_advisory_lock(${key})`.execute(conn);
    try {
      return await step(conn);
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}
