/**
 * A cluster of real sync-server processes for tests: each `server/main.ts` in a process of its
 * own (run-child.ts), all on one fresh PostgreSQL database (`classdesk_cluster_<random>`, dropped
 * afterwards), one shared data directory (as a shared volume would be) and one Redis, under a key
 * prefix of their own so parallel runs do not hear each other.
 *
 * PostgreSQL and Redis are required in CI (CI=true); elsewhere a cluster suite is skipped with a
 * message saying which one is unreachable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { openDatabase, type Database } from '../../server/db/database.js';
import { PG_URL, postgresAvailable } from './server-fixture.js';
import { spawnServer, type ServerChild } from './run-child.js';
import { pgAdmin } from './pg-admin.js';
import { deleteRedisKeys } from './redis-admin.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAvailable(): Promise<boolean> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (e) {
    if (process.env.CI)
      throw new Error(`Redis is required in CI but ${REDIS_URL} is unreachable: ${String(e)}`);
    console.warn(`[skipped] cluster tests: Redis at ${REDIS_URL} is unreachable here (${String(e)}).`);
    return false;
  } finally {
    if (client.isOpen) await client.close();
  }
}

/** Whether PostgreSQL and Redis are both reachable (resolved once at import, for `describe.skip`). */
export const HAS_CLUSTER_SERVICES = (await postgresAvailable()) && (await redisAvailable());

export interface ClusterProcess extends ServerChild {
  name: string;
  url: string;
  port: number;
}

export interface Cluster {
  /** The test's own connection to the cluster's database, for assertions. */
  database: Database;
  databaseUrl: string;
  redisPrefix: string;
  dataDir: string;
  processes: ClusterProcess[];
  /** Starts a server process with the cluster's settings (and `env` on top). */
  start(name: string, env?: Record<string, string>): Promise<ClusterProcess>;
  /** Kills what still runs, drops the database, deletes the Redis keys and the data directory. */
  close(): Promise<void>;
}

export async function createCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const tag = randomBytes(5).toString('hex');
  const dbName = `classdesk_cluster_${tag}`;
  await pgAdmin(`create database ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-cluster-'));
  const redisPrefix = `classdesk-test-${tag}`;
  const database = openDatabase({ url: databaseUrl, poolSize: 3 });
  const processes: ClusterProcess[] = [];
  const base = {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    PASSWORD_HASH_COST: 'test',
    DEMO_DATA: 'true',
    LOG_LEVEL: 'info',
    SHUTDOWN_DRAIN_SECONDS: '0',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '10000',
    RATE_LIMIT_LOGIN_PER_ADDRESS: '10000',
    RATE_LIMIT_SYNC_PER_MIN: '100000',
    RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN: '100000',
    ...env,
  };
  return {
    database,
    databaseUrl,
    redisPrefix,
    dataDir,
    processes,
    async start(name, extra = {}) {
      const child = spawnServer({ ...base, ...extra });
      const serverUrl = await child.listening.catch((e: unknown) => {
        throw new Error(`server process ${name}: ${e instanceof Error ? e.message : String(e)}`);
      });
      const p: ClusterProcess = { ...child, name, url: serverUrl, port: Number(new URL(serverUrl).port) };
      processes.push(p);
      return p;
    },
    async close() {
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
      await database.destroy();
      await pgAdmin(`drop database if exists ${dbName} with (force)`);
      await deleteRedisKeys(REDIS_URL, redisPrefix);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
