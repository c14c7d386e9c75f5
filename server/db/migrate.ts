import type { Kysely, Migration } from 'kysely';
import { serverMigrations } from '../../migrations/server/index.js';
import { runMigrations } from '../../migrations/run.js';

/** Migrates the server database to the latest version (or to `target`). */
export async function migrateServer(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
  db: Kysely<any>,
  target?: string,
  migrations: Record<string, Migration> = serverMigrations,
): Promise<void> {
  await runMigrations(db, migrations, target);
}
