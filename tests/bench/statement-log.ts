/**
 * The SQL statements Kysely sends, recorded through its query log: the benches' raw baselines
 * replay exactly what the server's own code runs.
 */
import type { LogEvent } from 'kysely';

/** One SQL statement as Kysely sent it to the database. */
export interface RecordedStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * A Kysely `log` option, and `record(fn)`: the statements sent while `fn` runs (calls outside
 * it, such as warm-ups on the same database, are not recorded).
 */
export function statementLog(): {
  log: (e: LogEvent) => void;
  record: (fn: () => Promise<unknown>) => Promise<RecordedStatement[]>;
} {
  let recording: RecordedStatement[] | null = null;
  return {
    log: (e) => {
      if (e.level === 'query') recording?.push({ sql: e.query.sql, parameters: [...e.query.parameters] });
    },
    record: async (fn) => {
      const statements: RecordedStatement[] = [];
      recording = statements;
      try {
        await fn();
      } finally {
        recording = null;
      }
      return statements;
    },
  };
}
