/** Runs a list of Kysely migrations (server or client) to the latest version or to `target`. */
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.migrations);
  }
}

/** Throws with the failing migration's name. */
export async function runMigrations(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
  db: Kysely<any>,
  migrations: Record<string, Migration>,
  target?: string,
): Promise<void> {
  // Kysely looks for its bookkeeping tables in every schema of a PostgreSQL database: pin them to
  // ours, or a second Classdesk schema in the same database (parallel test runs, several
  // instances) fails to migrate with "kysely_migration_lock does not exist".
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(migrations),
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const migrate = () => (target ? migrator.migrateTo(target) : migrator.migrateToLatest());
  let { error, results } = await migrate();
  // Its bookkeeping checks also introspect every schema, and fail when another schema is dropped
  // meanwhile (invalid_schema_name). No migration has run then (`results` is unset): try again.
  for (let retry = 0; retry < 3 && error && !results && isDroppedSchemaRace(error); retry++) {
    ({ error, results } = await migrate());
  }
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, { cause: error });
  }
}

const isDroppedSchemaRace = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '3F000';
