/**
 * Test fixtures: a real sync server on an ephemeral loopback port, on SQLite (a temp file) or
 * PostgreSQL (its own schema in the `test` database), with the demo data (DEMO_DATA=true; a test
 * passes `DEMO_DATA: ''` for a server without it).
 *
 * PostgreSQL at 127.0.0.1:5432 is required in CI (CI=true): there a missing server fails the
 * run. Elsewhere the PostgreSQL half of each suite is skipped with a message saying so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer, type StartOptions } from '../../server/server.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgProbe: Promise<boolean> | undefined;
export function postgresAvailable(): Promise<boolean> {
  pgProbe ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (e) {
      if (process.env.CI)
        throw new Error(`PostgreSQL is required in CI but ${PG_URL} is unreachable: ${String(e)}`);
      console.warn(`[skipped] PostgreSQL tests: ${PG_URL} is unreachable here (${String(e)}); CI runs them.`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgProbe;
}

export type Dialect = 'sqlite' | 'postgres';
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/** Whether PostgreSQL is reachable (resolved once at import, for `describe.skipIf`). */
export const HAS_POSTGRES = await postgresAvailable();
export const dialectsHere = (): Dialect[] => (HAS_POSTGRES ? DIALECTS : ['sqlite']);

export interface TestServer extends RunningServer {
  dir: string;
  dialect: Dialect;
  /** Stops the server process-wide and removes its data. */
  stop(): Promise<void>;
  /** Closes the server, keeping its data (the sync server is "down"). */
  halt(): Promise<void>;
  /** Starts it again on the same port and data after `halt()`. */
  resume(): Promise<void>;
  /**
   * DATA_DIR and DATABASE_URL for another server process on this one's database and files
   * (tests/support/run-child.ts `spawnServer`), as a second process of a deployment would run.
   */
  sharedEnv: Record<string, string>;
}

/** The payment webhook's secret on every test server (a test passes `PAYMENTS_WEBHOOK_SECRET: ''` for none). */
export const TEST_WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

/** Rate limits out of the way, for suites that send many requests as one user (SYNC stays as configured). */
export const RELAXED_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_DASHBOARD_PER_MIN: '100000',
  RATE_LIMIT_NOTIFICATIONS_PER_MIN: '100000',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '10000',
  RATE_LIMIT_LOGIN_PER_ADDRESS: '100000',
};

export async function startTestServer(
  dialect: Dialect,
  env: Record<string, string> = {},
  opts: StartOptions = {},
): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-test-'));
  let schema: string | undefined;
  if (dialect === 'postgres') {
    schema = `t_${randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
  }
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dir,
    PASSWORD_HASH_COST: 'test',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'true',
    // Every test's sockets come from 127.0.0.1: the per-address handshake rate would count them all.
    RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN: '100000',
    PAYMENTS_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    ...(dialect === 'postgres' ? { DATABASE_URL: PG_URL } : {}),
    ...env,
  });
  const startOpts: StartOptions = { scheduler: false, ...opts, ...(schema ? { pgSchema: schema } : {}) };
  let server = await startServer(config, startOpts);
  let running = true;
  let sharedUrl = config.databaseUrl;
  if (schema) {
    const u = new URL(PG_URL);
    u.searchParams.set('options', `-c search_path=${schema}`);
    sharedUrl = u.toString();
  }
  const fixture: TestServer = {
    ...server,
    dir,
    dialect,
    sharedEnv: { DATA_DIR: dir, DATABASE_URL: sharedUrl },
    async halt() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async resume() {
      if (running) return;
      server = await startServer({ ...config, PORT: server.port }, startOpts);
      Object.assign(fixture, server);
      running = true;
    },
    async stop() {
      if (running) await server.close();
      running = false;
      if (schema) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}
