/** An empty server database for migration tests: SQLite in memory, or a fresh PostgreSQL schema. */
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../server/db/database.js';
import { PG_URL, type Dialect } from './server-fixture.js';
import { pgAdmin } from './pg-admin.js';

export async function openEmpty(
  dialect: Dialect,
): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const database = openDatabase({ url: ':memory:' });
    return { database, drop: () => database.destroy() };
  }
  const schema = `m_${randomBytes(6).toString('hex')}`;
  await pgAdmin(`create schema ${schema}`);
  const database = openDatabase({ url: PG_URL, pgSchema: schema, poolSize: 2 });
  return {
    database,
    drop: async () => {
      await database.destroy();
      await pgAdmin(`drop schema ${schema} cascade`);
    },
  };
}
