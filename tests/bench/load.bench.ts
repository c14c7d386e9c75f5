/**
 * `npm run bench:load [-- --sockets N] [-- --teachers N] [-- --rounds R] [-- --quick] [-- --json]`:
 * load on one sync server process (and on two through Redis), driven from this process over
 * loopback, each figure next to a baseline measured in the same run:
 * 1. authenticated socket.io sockets held by one server process, and its heap per socket,
 *    against a plain `ws` WebSocketServer holding as many plain WebSockets;
 * 2. an announcement (admin API) to a school of `teachers` connected teachers: per-client time
 *    from the POST to its `notification` event, against the same fan-out from the ws server;
 * 3. pull requests/s for a small delta with keep-alive concurrency, against a bare node:http
 *    server answering the same JSON; and the dashboard's latency under that load;
 * 4. the fan-out of 2 across two server processes (PostgreSQL + Redis), against two ws
 *    servers relaying through one Redis PUBLISH — skipped, saying why, when it cannot run.
 * The servers run in child processes (tests/bench/load-server.ts, load-baseline.ts) and are
 * killed on every way out. Parts 1–3 use SQLite (the default single-school deployment).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { ConfigSchema, loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { seedLoadData, seedSchoolA } from './load-data.js';
import {
  closeAll,
  EDITS_PER_TEACHER,
  fanout,
  holdSockets,
  measurePull,
  openSocketIo,
  openWs,
  postAnnouncement,
  postBaselineAnnouncement,
  preparePull,
  progress,
  recordPullStatements,
  type FanoutSide,
  type SocketsSide,
} from './load-parts.js';
import { killChildren, startChild, type ServerChild } from './load-support.js';
import { fanoutRows, fmt, printTable, pullRows, socketRows, type PullReport } from './load-report.js';
import { benchServerEnv } from './bench-env.js';
import { pgAdmin } from '../support/pg-admin.js';
import { deleteRedisKeys } from '../support/redis-admin.js';

const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string' },
    teachers: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    duration: { type: 'string' },
    'pull-teachers': { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const Q = args.quick;
const opt = (v: string | undefined, full: number, quick: number) => Number(v ?? (Q ? quick : full));
const SOCKETS = opt(args.sockets, 10_000, 200);
const TEACHERS = opt(args.teachers, 5000, 100);
const ROUNDS = opt(args.rounds, 5, 2);
const CONNECTIONS = opt(args.connections, 32, 8);
const DURATION_MS = opt(args.duration, 5, 1) * 1000;
const PULL_TEACHERS = opt(args['pull-teachers'], 32, 8);
if (
  ![SOCKETS, TEACHERS, ROUNDS, CONNECTIONS, DURATION_MS, PULL_TEACHERS].every(Number.isInteger) ||
  TEACHERS < 2 ||
  SOCKETS < TEACHERS ||
  SOCKETS > 100_000 ||
  ROUNDS < 1 ||
  ROUNDS > 50 ||
  CONNECTIONS < 1 ||
  CONNECTIONS > 1000 ||
  DURATION_MS < 1000 ||
  PULL_TEACHERS < 1
) {
  console.error(
    'usage: npm run bench:load -- [--quick] [--json] [--sockets N ≥ teachers] [--teachers N ≥ 2] [--rounds 1..50]\n' +
      '                             [--connections 1..1000] [--duration seconds] [--pull-teachers N]',
  );
  process.exit(2);
}
const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

// ---- clean-up on every way out ------------------------------------------------------------------

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!().catch((e: unknown) => progress(`clean-up: ${String(e)}`));
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    killChildren();
    void Promise.race([cleanUp(), new Promise((r) => setTimeout(r, 10_000))]).then(() => process.exit(130));
  });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(2000, () => s.destroy());
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('close', () => resolve(false));
  });
}

// ---- parts ---------------------------------------------------------------------------------------

interface SinglePart {
  database: string;
  seededRows: number;
  seedMs: number;
  sockets: { classdesk: SocketsSide; baseline: SocketsSide };
  /** socket.io alone (the baseline process's /socket.io/: no auth, no rooms), for reference. */
  socketIoAlone: SocketsSide;
  fanout: { classdesk: FanoutSide; baseline: FanoutSide };
  pull: PullReport;
}

/** Parts 1–3 on SQLite: one Classdesk server process and one baseline process. */
async function singleProcess(): Promise<SinglePart> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-load-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const env = benchServerEnv(path.join(dir, 'server'));
  const databaseFile = loadConfig(env).databaseUrl;
  const seeding = openDatabase({ url: databaseFile });
  await migrateServer(seeding.db);
  progress(`seeding ${SOCKETS} socket teachers (${TEACHERS} in school A) and ${PULL_TEACHERS} pull teachers`);
  const data = await seedLoadData(seeding.db, {
    sockets: SOCKETS,
    teachers: TEACHERS,
    pullTeachers: PULL_TEACHERS,
  });
  await sql`pragma wal_checkpoint(truncate)`.execute(seeding.db);
  await seeding.destroy();

  const server = await startChild('server', env);
  cleanups.push(() => server.stop());
  const baseline = await startChild('baseline', {});
  cleanups.push(() => baseline.stop());
  const inA = (i: number) => data.socketTeachers[i]!.schoolId === data.schoolA;

  // 1 + 2, Classdesk: hold every socket, then announce to school A while they are all held.
  const c = await holdSockets('classdesk', [server], data.socketTeachers, openSocketIo);
  const cFan = await fanout(
    'classdesk',
    c.clients,
    inA,
    postAnnouncement(server.url, data.schoolA, data.adminA),
    ROUNDS,
  );
  await closeAll(c.clients, [server]);
  // 1 + 2, baseline: the same with plain WebSockets (one process cannot hold both sets at once).
  const b = await holdSockets('baseline', [baseline], data.socketTeachers, openWs);
  const bFan = await fanout(
    'baseline',
    b.clients,
    inA,
    postBaselineAnnouncement(baseline.url, data.schoolA),
    ROUNDS,
  );
  await closeAll(b.clients, [baseline]);
  // 1, reference: socket.io itself, as shipped (no auth, no rooms), held by the baseline process.
  const s = await holdSockets('socket.io alone', [baseline], data.socketTeachers, openSocketIo);
  await closeAll(s.clients, [baseline]);

  // 3: pull throughput.
  progress(`pull: editing ${EDITS_PER_TEACHER} session(s) of each of ${PULL_TEACHERS} teachers`);
  const setup = await preparePull(server.url, data.pullTeachers, data.pullAdmins);
  await baseline.setBody(setup.body);
  const statements = await recordPullStatements(databaseFile, data.pullTeachers);
  // The server counts the queries of a request, not the transaction's begin and commit.
  const queries = statements[0]!.filter((st) => !/^(begin|commit)\b/i.test(st.sql)).length;
  if (queries !== setup.queries)
    throw new Error(
      `floor: ${queries} queries recorded, the server counted ${setup.queries} for the same pull`,
    );
  await baseline.setFloor(databaseFile, statements);
  const pull = await measurePull(server.url, baseline.url, data.pullTeachers, {
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    rounds: ROUNDS,
    idleDashboards: Q ? 30 : 200,
  });
  await server.stop();
  await baseline.stop();
  return {
    database: 'SQLite',
    seededRows: data.rows,
    seedMs: data.ms,
    sockets: { classdesk: c.side, baseline: b.side },
    socketIoAlone: s.side,
    fanout: { classdesk: cFan, baseline: bFan },
    pull: { ...pull, changes: setup.changes, bytes: setup.bytes, queries: setup.queries },
  };
}

type RedisPart =
  | { skipped: string }
  | {
      sockets: { classdesk: SocketsSide; baseline: SocketsSide };
      fanout: { classdesk: FanoutSide; baseline: FanoutSide };
    };

/** Part 4: two server processes on one PostgreSQL database and Redis, half the clients on each. */
async function twoProcesses(): Promise<RedisPart> {
  if (!('REDIS_URL' in ConfigSchema.shape))
    return { skipped: 'this server does not support REDIS_URL yet (server/config.ts has no such setting)' };
  if (!(await reachable(Number(new URL(PG_ADMIN_URL).port || 5432))))
    return { skipped: `no PostgreSQL at ${new URL(PG_ADMIN_URL).host}` };
  if (!(await reachable(Number(new URL(REDIS_URL).port || 6379))))
    return { skipped: `no Redis at ${new URL(REDIS_URL).host}` };

  const name = `classdesk_load_${randomBytes(6).toString('hex')}`;
  await pgAdmin(`create database ${name}`, PG_ADMIN_URL);
  cleanups.push(() => pgAdmin(`drop database if exists ${name} with (force)`, PG_ADMIN_URL));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const seeding = openDatabase({ url: databaseUrl });
  await migrateServer(seeding.db);
  progress(`part 4: seeding ${TEACHERS} teachers in PostgreSQL database ${name}`);
  const data = await seedSchoolA(seeding.db, TEACHERS);
  await sql`analyze`.execute(seeding.db);
  await seeding.destroy();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-load-redis-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const channel = `classdesk-load-baseline-${randomBytes(6).toString('hex')}`;
  const redisPrefix = `classdesk-load-${randomBytes(6).toString('hex')}`;
  cleanups.push(() => deleteRedisKeys(REDIS_URL, redisPrefix));
  const servers: ServerChild[] = [];
  for (let i = 0; i < 2; i++) {
    const s = await startChild('server', {
      ...benchServerEnv(path.join(dir, `server${i}`)),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
    });
    cleanups.push(() => s.stop());
    servers.push(s);
  }
  const baselines: ServerChild[] = [];
  for (let i = 0; i < 2; i++) {
    const s = await startChild('baseline', { REDIS_URL, BASELINE_CHANNEL: channel });
    cleanups.push(() => s.stop());
    baselines.push(s);
  }
  const all = () => true;
  /** Client i is on process i % 2 (holdSockets); the announcement goes to process 0. */
  const byServer = (i: number) => i % 2;
  const c = await holdSockets('classdesk ×2', servers, data.socketTeachers, openSocketIo);
  const cFan = await fanout(
    'classdesk ×2',
    c.clients,
    all,
    postAnnouncement(servers[0]!.url, data.schoolA, data.adminA),
    ROUNDS,
    byServer,
  );
  await closeAll(c.clients, servers);
  const b = await holdSockets('baseline ×2', baselines, data.socketTeachers, openWs);
  const bFan = await fanout(
    'baseline ×2',
    b.clients,
    all,
    postBaselineAnnouncement(baselines[0]!.url, data.schoolA),
    ROUNDS,
    byServer,
  );
  await closeAll(b.clients, baselines);
  for (const s of [...servers, ...baselines]) await s.stop();
  return { sockets: { classdesk: c.side, baseline: b.side }, fanout: { classdesk: cFan, baseline: bFan } };
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model.trim() ?? '?',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    loadAverageStart: loadAverage(),
  };
  const options = {
    sockets: SOCKETS,
    teachers: TEACHERS,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    durationSeconds: DURATION_MS / 1000,
    pullTeachers: PULL_TEACHERS,
    quick: Q,
  };
  if (!args.json) {
    console.log(
      `Classdesk load benchmark: ${fmt(SOCKETS)} sockets, announcement to ${fmt(TEACHERS)} teachers, ${ROUNDS} rounds (median)`,
    );
    console.log(
      `machine: ${machine.cores} × ${machine.cpu}, ${fmt(machine.memoryGiB, 1)} GiB, Node ${machine.node}, ` +
        `load average ${machine.loadAverageStart}`,
    );
  }
  const single = await singleProcess();
  const redis = await twoProcesses();
  await cleanUp();

  const rows = [
    ...socketRows('sockets', '', single.sockets, single.socketIoAlone),
    ...fanoutRows('fanout', '', single.fanout),
    ...pullRows(single.pull, CONNECTIONS),
    ...('skipped' in redis
      ? []
      : [
          ...socketRows('redis.sockets', ', 2 processes', redis.sockets),
          ...fanoutRows('redis.fanout', ', 2 processes + Redis', redis.fanout),
        ]),
  ];
  const loadAverageEnd = loadAverage();
  if (args.json) {
    console.log(
      JSON.stringify({
        machine: { ...machine, loadAverageEnd },
        options,
        database: single.database,
        figures: Object.fromEntries(
          rows.map((r) => [r.id, { classdesk: r.classdesk, baseline: r.baseline }]),
        ),
        redis: 'skipped' in redis ? { skipped: redis.skipped } : { database: 'PostgreSQL', processes: 2 },
        raw: { single, redis },
      }),
    );
    return;
  }
  console.log(`seeded ${fmt(single.seededRows)} rows (${single.database}) in ${fmt(single.seedMs)} ms`);
  console.log();
  printTable(rows);
  console.log();
  const s = single.sockets.classdesk;
  console.log(
    `parts 1–3: ${single.database}, one server process (server/server.ts startServer, scheduler off) and one baseline process ` +
      `(node:http + ws), both started with --expose-gc; clients in this process, on 127.0.0.1`,
  );
  console.log(
    `sockets: socket.io-client, transports ['websocket'], one token per teacher (${fmt(SOCKETS)} teachers); heap per socket = ` +
      `(heap used after connecting − before) ÷ held, each after a forced GC${s.gc ? '' : ' (NO GC: --expose-gc missing)'}; ` +
      `server heap ${fmt(s.heapBefore / 2 ** 20, 1)} → ${fmt(s.heapAfter / 2 ** 20, 1)} MiB; ` +
      `reference rows: the same clients against a socket.io server as shipped in the baseline process (same transport, ` +
      `no middleware, no rooms, no handlers), "classdesk" column = that server`,
  );
  console.log(
    `announcement: POST /api/admin/schools/:id/announcements with every socket connected, ${fmt(single.fanout.classdesk.targets)} of them in the school; ` +
      `baseline: POST /announce to the ws server, which sends each socket of the school one notification-shaped JSON message`,
  );
  console.log(
    `pull: GET /api/sync/pull from the cursor of the seeded head, after ${EDITS_PER_TEACHER} session edit per teacher: ${single.pull.changes} changes ` +
      `(${PULL_TEACHERS} teachers with ~900-row views, ` +
      `round robin over ${CONNECTIONS} keep-alive connections, ${DURATION_MS / 1000} s per round); baseline: GET /body on a bare node:http server ` +
      `answering the same JSON bytes; floor ("classdesk" column): GET /floor on that server, replaying each teacher's SQL ` +
      `statements of that pull (recorded through the route's own domain calls, ${single.pull.queries} queries + begin/commit) ` +
      `through better-sqlite3 prepared statements on the same database file, then answering the same bytes; ` +
      `dashboard: one more connection, sequential requests`,
  );
  if ('skipped' in redis) console.log(`part 4 (two processes through Redis): skipped — ${redis.skipped}`);
  else
    console.log(
      'part 4: two server processes on one PostgreSQL database with REDIS_URL, clients alternating between them, announcement posted to the first; ' +
        'baseline: two ws processes, the announcement relayed by one Redis PUBLISH',
    );
  console.log(`load average at the end: ${loadAverageEnd}`);
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error('benchmark failed:', err);
    killChildren();
    await cleanUp();
    process.exit(1);
  },
);
