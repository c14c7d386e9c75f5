/** Runs one administrative statement (create/drop a database or schema) on its own connection. */
import pg from 'pg';
import { PG_URL } from './server-fixture.js';

export async function pgAdmin(statement: string, url: string = PG_URL): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}
