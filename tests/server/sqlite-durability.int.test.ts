/**
 * The server's SQLite database (server/db/database.ts): a push the server acknowledged survives a
 * power loss (synchronous=FULL in WAL mode), and the query planner has statistics as soon as the
 * server opens a database with data (PRAGMA optimize=0x10002 at open).
 */
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server-fixture.js';

describe('the server database on SQLite', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('runs in WAL mode with synchronous=FULL (2)', async () => {
    server = await startTestServer('sqlite');
    const { rows: sync } = await sql<{ synchronous: number }>`pragma synchronous`.execute(server.database.db);
    expect(sync).toEqual([{ synchronous: 2 }]);
    const { rows: mode } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(
      server.database.db,
    );
    expect(mode).toEqual([{ journal_mode: 'wal' }]);
  });

  test('a database with data has planner statistics once the server opened it', async () => {
    server = await startTestServer('sqlite');
    await server.halt();
    // Whatever statistics the first run left are gone: only opening the file again can bring them.
    const file = new SQLite(server.config.databaseUrl);
    const hasStat1 = file.prepare(`select 1 from sqlite_master where name = 'sqlite_stat1'`).get();
    if (hasStat1) file.exec('delete from sqlite_stat1');
    expect(file.prepare('select count(*) as n from class_sessions').get()).not.toEqual({ n: 0 });
    file.close();

    await server.resume();
    const { rows } = await sql<{
      tbl: string;
      idx: string | null;
    }>`select tbl, idx from sqlite_stat1`.execute(server.database.db);
    const tables = new Set(rows.map((r) => r.tbl));
    for (const t of ['class_sessions', 'enrolments', 'memberships', 'notifications'])
      expect(tables).toContain(t);
  });
});
