/**
 * `npm run bench:sync [-- --rounds N] [-- --latency-iterations N]`: desktop sync benchmarks,
 * each figure next to a baseline measured in the same run (median of several rounds):
 * - first sync of a ~30 000-row scoped view, from a real server (SQLite, loopback) to a
 *   queryable local store through a Device with the default pull batch size, against a raw
 *   floor: the same rows read with prepared better-sqlite3 selects, JSON encoded, parsed and
 *   inserted with prepared statements into a fresh store in one transaction, in one process;
 * - latency from a server-side commit (an admin PATCH of a session title over HTTP) to the
 *   local commit on a device whose socket is connected, against the PATCH round trip alone;
 * - p95 of each desktop query function (src/main/core/store/queries.ts) over the synced
 *   30 000-row store, against the same SQL through hand-prepared better-sqlite3 statements.
 * Everything stays on loopback, in a temp directory removed at the end; every loop is bounded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { DEMO_PASSWORD } from '../../server/domain/demo.js';
import { hashPassword, TEST_SCRYPT } from '../../server/domain/passwords.js';
import { BIG_VIEW, generateSynthetic, type SyntheticSummary } from '../../server/domain/synthetic.js';
import { Device, signIn } from '../../src/main/core/device.js';
import { MemorySecretStore } from '../../src/main/core/ports.js';
import { LocalStore, TABLE_OF, storeDatabase } from '../../src/main/core/store/local-store.js';
import { ENTITY_COLUMNS } from '../../src/shared/entity-columns.js';
import * as queries from '../../src/main/core/store/queries.js';
import { ENTITIES, type Entity } from '../../src/shared/entities.js';
import type { EngineOptions } from '../../src/main/core/sync/engine.js';
import { COMMON_VIEW_SQL, type ViewQuery } from './view-sql.js';
import { benchServerEnv } from './bench-env.js';
import { benchOutage } from './sync-outage.js';
import { benchSearch } from './sync-search.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'latency-iterations': { type: 'string', default: '150' },
    'query-iterations': { type: 'string', default: '300' },
    'outage-rounds': { type: 'string', default: '4' },
    'outage-down-s': { type: 'string', default: '45' },
    /** Run one part only (for profiling): first | latency | queries | outage | search. */
    only: { type: 'string' },
  },
});
const ONLY = args.only;
const ROUNDS = Number(args.rounds);
const LAT_N = Number(args['latency-iterations']);
const QUERY_N = Number(args['query-iterations']);
const OUTAGE_ROUNDS = Number(args['outage-rounds']);
const OUTAGE_DOWN_S = Number(args['outage-down-s']);
if (
  ![ROUNDS, LAT_N, QUERY_N, OUTAGE_ROUNDS, OUTAGE_DOWN_S].every(Number.isInteger) ||
  OUTAGE_ROUNDS < 1 ||
  OUTAGE_ROUNDS > 20 ||
  OUTAGE_DOWN_S < 1 ||
  OUTAGE_DOWN_S > 120 ||
  ROUNDS < 1 ||
  ROUNDS > 50 ||
  LAT_N < 10 ||
  LAT_N > 5000 ||
  QUERY_N < 20 ||
  QUERY_N > 100_000 ||
  (ONLY !== undefined && !['first', 'latency', 'queries', 'outage', 'search'].includes(ONLY))
) {
  console.error(
    'usage: npm run bench:sync -- [--rounds 1..50] [--latency-iterations 10..5000] [--query-iterations 20..100000] [--outage-rounds 1..20] [--outage-down-s 1..120] [--only first|latency|queries|outage|search]',
  );
  process.exit(2);
}
const DOMAIN = 'sync.bench.test';
const SMALL_DOMAIN = 'small.sync.bench.test';
/** A typical teacher (like the demo's): ~700 rows. */
const SMALL_VIEW = {
  schools: 1,
  teachers: 1,
  students: 30,
  sessions: 60,
  resources: 5,
  notifications: 20,
  enrolmentsPerSession: 10,
};
/** Rows per pull batch, for the floor: the engine's default (src/main/core/sync/engine.ts). */
const PULL_BATCH = 5000;
const TIMEOUT_MS = 10_000;

// ---- statistics and output -------------------------------------------------------------------

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}
const median = (xs: number[]): number => quantile(xs, 0.5);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Row {
  measure: string;
  classdesk: string;
  baseline: string;
  ratio: string;
  goal: string;
}

function printTable(rows: Row[]): void {
  const keys = ['measure', 'classdesk', 'baseline', 'ratio', 'goal'] as const;
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line([...keys]));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
}

async function within<T>(what: string, p: Promise<T>, ms = TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- setup ---------------------------------------------------------------------------------

interface Bench {
  dir: string;
  /** The server now running (the outage part replaces it). */
  server: RunningServer;
  env: Record<string, string>;
  data: SyntheticSummary;
  small: SyntheticSummary;
  teacherEmail: string;
  adminEmail: string;
  cleanup(): Promise<void>;
}

async function setUp(): Promise<Bench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-sync-bench-'));
  const env = benchServerEnv(path.join(dir, 'server'));
  const config = loadConfig(env);
  // Seed, then start the server on the seeded database (like `npm run seed` + `npm run server`).
  const seeding = openDatabase({ url: config.databaseUrl });
  await migrateServer(seeding.db);
  const passwordHash = await hashPassword(DEMO_PASSWORD, TEST_SCRYPT);
  const data = await generateSynthetic(seeding.db, { ...BIG_VIEW, emailDomain: DOMAIN, passwordHash });
  const small = await generateSynthetic(seeding.db, {
    ...SMALL_VIEW,
    emailDomain: SMALL_DOMAIN,
    passwordHash,
  });
  await seeding.destroy();
  const server = await startServer(config, { scheduler: false });
  const bench: Bench = {
    dir,
    server,
    env,
    data,
    small,
    teacherEmail: `teacher1@${DOMAIN}`,
    adminEmail: `admin1@${DOMAIN}`,
    async cleanup() {
      await bench.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return bench;
}

async function openDevice(
  b: Bench,
  name: string,
  email = b.teacherEmail,
  engine?: EngineOptions,
): Promise<Device> {
  const { token, user } = await signIn(b.server.url, email, DEMO_PASSWORD);
  const device = await Device.open({
    dataDir: path.join(b.dir, 'devices', name),
    serverUrl: b.server.url,
    userId: user.id,
    secrets: new MemorySecretStore(),
    ...(engine ? { engine } : {}),
  });
  await device.setToken(token);
  return device;
}

// ---- 1. first sync -------------------------------------------------------------------------

/** The view's rows as plain SQL (tests/bench/view-sql.ts); these three are this bench's own. */
const VIEW_SQL: Record<Entity, ViewQuery> = {
  ...COMMON_VIEW_SQL,
  student: {
    sql: `select u.id, m.school_id, u.name, u.email, max(u.version, m.version) as version
          from memberships m join users u on u.id = m.user_id
          where m.school_id = ? and m.role = 'student' and m.active = 1
            and exists (select 1 from enrolments e join class_sessions s on s.id = e.session_id
                        where e.student_id = m.user_id and e.school_id = ? and s.teacher_id = ?)
            and u.id > ? order by u.id limit ?`,
    params: (t, s) => [s, s, t],
  },
  enrolment: {
    // The ids come from the teacher's sessions through covering indexes (as server/domain/scope.ts
    // pages them): SQLite's own plan for the plain join sorts the whole view for every page.
    sql: `select e.id, e.school_id, e.session_id, e.student_id, e.attendance, e.version
          from enrolments e join memberships m on m.user_id = e.student_id and m.school_id = e.school_id
          where e.school_id = ? and m.role = 'student' and m.active = 1
            and e.id in (select e2.id from class_sessions s join enrolments e2 on e2.session_id = s.id
                         where s.school_id = ? and s.teacher_id = ? and e2.id > ?)
            and e.id > ? order by e.id limit ?`,
    params: (t, s, after) => [s, s, t, after],
  },
  resource: {
    sql: `select id, school_id, teacher_id, title, description, file_type, mime_type, size, sha256, shared_with_students,
                 (select json_group_array(course_id) from resource_courses where resource_id = r.id) as course_ids,
                 scan_status, created_at, version
          from resources r where school_id = ? and teacher_id = ? and id > ? order by id limit ?`,
    params: (t, s) => [s, t],
  },
};

/** Local table and columns of each entity: the device store's own (src/main/core/store/local-store.ts). */
const LOCAL = Object.fromEntries(
  ENTITIES.map((e) => [e, { table: TABLE_OF[e], columns: ENTITY_COLUMNS[e] }]),
) as Record<Entity, { table: string; columns: string[] }>;

/**
 * The floor of a first sync: select the view in pages of `batch`, JSON-encode each page as the
 * wire would carry it, parse it, insert every row with prepared statements in one transaction
 * into a fresh store (same schema, indexes and pragmas as the device's).
 */
async function floorSync(
  serverDb: SQLite.Database,
  file: string,
  teacherId: number,
  schoolId: number,
  batch: number,
): Promise<{ rows: number; ms: number; cpuMs: number }> {
  const target = await LocalStore.open(file);
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const selects = new Map(ENTITIES.map((e) => [e, serverDb.prepare(VIEW_SQL[e].sql)]));
    const inserts = new Map(
      ENTITIES.map((e) => {
        const { table, columns } = LOCAL[e];
        return [
          e,
          storeDatabase(target).sqlite.prepare(
            `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
          ),
        ];
      }),
    );
    let rows = 0;
    storeDatabase(target).sqlite.transaction(() => {
      for (const entity of ENTITIES) {
        const q = VIEW_SQL[entity];
        const columns = LOCAL[entity].columns;
        const insert = inserts.get(entity)!;
        let after = 0;
        for (let guard = 0; guard < 1_000_000; guard++) {
          const page = selects
            .get(entity)!
            .all(...q.params(teacherId, schoolId, after), after, batch) as Array<Record<string, unknown>>;
          const wire = JSON.stringify({
            changes: page.map((r) => ({
              op: 'upsert',
              entity,
              row:
                entity === 'resource'
                  ? { ...r, course_ids: JSON.parse(r.course_ids as string) as number[] }
                  : r,
            })),
          });
          const parsed = JSON.parse(wire) as { changes: Array<{ row: Record<string, unknown> }> };
          for (const c of parsed.changes) {
            const row = c.row;
            if (entity === 'resource') row.course_ids = JSON.stringify(row.course_ids);
            insert.run(...columns.map((col) => row[col]));
          }
          rows += page.length;
          if (page.length < batch) break;
          after = Number(page[page.length - 1]!.id);
        }
      }
    })();
    const cpu = process.cpuUsage(cpu0);
    return { rows, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await target.close();
  }
}

interface FirstSync {
  rows: number;
  ms: number;
  /** CPU time of this process (server and device both run in it). */
  cpuMs: number;
  batches: number;
  floorMs: number;
  floorCpuMs: number;
}

async function benchFirstSync(b: Bench, rounds: number): Promise<{ runs: FirstSync[]; device: Device }> {
  const serverDb = new SQLite(b.server.config.databaseUrl, { readonly: true });
  const teacherId = b.data.ids.teachers.first;
  const schoolId = b.data.ids.schools.first;
  const runs: FirstSync[] = [];
  let kept: Device | undefined;
  try {
    // Round 0 is a warm-up (JIT, page cache); ROUNDS measured rounds follow.
    for (let r = 0; r <= rounds; r++) {
      const device = await openDevice(b, `first-${r}`);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const summary = await within('first sync', device.engine.syncAll(), 120_000);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const school = summary.schools.find((s) => s.schoolId === schoolId);
      if (!school?.verified) throw new Error('first sync did not converge (checksum mismatch)');
      const floor = await floorSync(
        serverDb,
        path.join(b.dir, 'floor', `${r}.sqlite`),
        teacherId,
        schoolId,
        PULL_BATCH,
      );
      if (floor.rows !== school.changes)
        throw new Error(`floor read ${floor.rows} rows, the device pulled ${school.changes}`);
      if (r > 0)
        runs.push({
          rows: school.changes,
          ms,
          cpuMs: (cpu.user + cpu.system) / 1000,
          batches: school.batches,
          floorMs: floor.ms,
          floorCpuMs: floor.cpuMs,
        });
      if (r === rounds) kept = device;
      else {
        await device.close();
        fs.rmSync(path.join(b.dir, 'devices', `first-${r}`), { recursive: true, force: true });
      }
    }
  } finally {
    serverDb.close();
  }
  return { runs, device: kept! };
}

// ---- 2. server commit → local commit ------------------------------------------------------------

interface LatencyRound {
  /** Server commit (the poke leaving) → the row committed on the device. */
  commitToLocal: number[];
  /** Client sends the PATCH → the row committed on the device. */
  requestToLocal: number[];
  /** PATCH round trip with no device connected. */
  http: number[];
}

async function benchLatency(
  b: Bench,
  device: Device,
  data: SyntheticSummary,
  adminEmail: string,
): Promise<LatencyRound[]> {
  const schoolId = data.ids.schools.first;
  const sessionId = data.ids.sessions.first;
  const { token } = await signIn(b.server.url, adminEmail, DEMO_PASSWORD);
  const url = `${b.server.url}/api/admin/schools/${schoolId}/sessions/${sessionId}`;
  const patch = async (title: string) => {
    const res = await fetch(url, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });
    if (res.status !== 200) throw new Error(`PATCH session: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };

  // The server emits a poke right after its transaction commits: note when.
  const io = b.server.io;
  const to = io.to.bind(io);
  let commitAt: number | undefined;
  io.to = (room: Parameters<typeof to>[0]) => {
    commitAt ??= performance.now();
    return to(room);
  };

  const titleOf = storeDatabase(device.store)
    .sqlite.prepare('select title from sessions where id = ?')
    .pluck();
  let expected = '';
  let seenAt: number | undefined;
  let arrived: (() => void) | undefined;
  const onChanged = () => {
    if (seenAt === undefined && titleOf.get(sessionId) === expected) {
      seenAt = performance.now();
      arrived?.();
    }
  };
  device.engine.on('changed', onChanged);

  const waitLive = async () => {
    for (let i = 0; i < 1000 && !device.engine.status.live; i++) await new Promise((r) => setTimeout(r, 5));
    if (!device.engine.status.live) throw new Error('the device socket did not connect');
    await device.engine.idle();
  };

  let n = 0;
  const rounds: LatencyRound[] = [];
  try {
    // Round 0 is a short warm-up; at most 3 measured rounds (each edit waits for a whole sync).
    const measured = Math.min(ROUNDS, 3);
    for (let r = 0; r <= measured; r++) {
      const iterations = r === 0 ? Math.min(LAT_N, 20) : LAT_N;
      const round: LatencyRound = { commitToLocal: [], requestToLocal: [], http: [] };
      // Baseline: the same request with no device listening.
      device.engine.stop();
      await device.engine.idle();
      for (let i = 0; i < iterations; i++) {
        const t0 = performance.now();
        await patch(`Baseline ${++n}`);
        round.http.push(performance.now() - t0);
      }
      device.engine.start();
      await within('socket connect', waitLive());
      for (let i = 0; i < iterations; i++) {
        expected = `Latency ${++n}`;
        seenAt = undefined;
        commitAt = undefined;
        const local = new Promise<void>((resolve) => (arrived = resolve));
        const t0 = performance.now();
        await within('PATCH', patch(expected));
        await within('local commit', local);
        round.requestToLocal.push(seenAt! - t0);
        if (commitAt === undefined) throw new Error('no poke left the server');
        round.commitToLocal.push(seenAt! - commitAt);
        // The engine verifies the checksum after applying: let it finish before the next edit.
        await within('engine idle', device.engine.idle());
      }
      if (r > 0) rounds.push(round);
    }
  } finally {
    io.to = to;
    device.engine.off('changed', onChanged);
    device.engine.stop();
    await device.engine.idle();
  }
  return rounds;
}

// ---- 3. desktop queries -----------------------------------------------------------------------

interface QueryCase {
  name: string;
  run: (store: LocalStore) => Promise<unknown>;
}

function queryCases(b: Bench, store: LocalStore, now: Date): QueryCase[] {
  const school = b.data.ids.schools.first;
  const session = b.data.ids.sessions.first + 700;
  const tz = 'Europe/Lisbon';
  const count =
    (storeDatabase(store).sqlite.prepare('select count(*) from sessions').pluck().get() as number) || 1;
  return [
    {
      name: 'dashboard week, one school',
      run: (s) => queries.dashboard(s, { schoolId: school, range: 'week', now, timeZone: tz }),
    },
    {
      name: 'dashboard month, all schools',
      run: (s) => queries.dashboard(s, { schoolId: null, range: 'month', now, timeZone: tz }),
    },
    {
      name: 'listSessions first page (50)',
      run: (s) => queries.listSessions(s, { schoolId: school, limit: 50, offset: 0 }),
    },
    {
      name: 'listSessions last page (50)',
      run: (s) => queries.listSessions(s, { schoolId: null, limit: 50, offset: Math.max(0, count - 50) }),
    },
    {
      name: 'listSessions search "sala 12"',
      run: (s) => queries.listSessions(s, { schoolId: school, search: 'sala 12', limit: 50, offset: 0 }),
    },
    {
      name: 'listSessions status+range',
      run: (s) =>
        queries.listSessions(s, {
          schoolId: null,
          status: 'scheduled',
          from: now.toISOString(),
          to: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
          limit: 50,
          offset: 0,
        }),
    },
    { name: 'sessionDetail (12 students)', run: (s) => queries.sessionDetail(s, session) },
    {
      name: 'listStudents page (50)',
      run: (s) => queries.listStudents(s, { schoolId: school, limit: 50, offset: 500 }),
    },
    {
      name: 'listStudents search',
      run: (s) => queries.listStudents(s, { schoolId: null, search: 'student 12', limit: 50, offset: 0 }),
    },
    { name: 'listResources (500)', run: (s) => queries.listResources(s, { schoolId: school }) },
    { name: 'listNotifications (200)', run: (s) => queries.listNotifications(s, { schoolId: null }) },
    { name: 'unreadCount', run: (s) => queries.unreadCount(s, school) },
    { name: 'listSchools', run: (s) => queries.listSchools(s) },
    { name: 'listAnnouncements', run: (s) => queries.listAnnouncements(s, { schoolId: school }) },
  ];
}

interface CapturedSql {
  sql: string;
  params: unknown[];
}

/**
 * The SQL a query function runs, captured on the same connection: every statement of the store,
 * Kysely's and its own, is prepared through its one statement cache, so a wrapper of the cache's
 * `prepare` sees each text and, through a proxy of the statement, its parameters.
 */
async function captureSql(store: LocalStore, c: QueryCase): Promise<CapturedSql[]> {
  const captured: CapturedSql[] = [];
  const statement = (st: SQLite.Statement, sql: string) =>
    new Proxy(st, {
      get(target, key) {
        const v = Reflect.get(target, key, target) as unknown;
        if (typeof v !== 'function') return v;
        if (key === 'all' || key === 'get' || key === 'run' || key === 'iterate')
          return (...params: unknown[]) => {
            captured.push({ sql, params });
            return (v as (...a: unknown[]) => unknown).apply(target, params);
          };
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
  const cache = storeDatabase(store).statements;
  const prepare = cache.prepare.bind(cache);
  cache.prepare = (sql: string) => statement(prepare(sql), sql);
  try {
    await c.run(store);
  } finally {
    cache.prepare = prepare;
  }
  return captured.filter((q) => !/^(begin|commit|rollback|savepoint|release)\b/i.test(q.sql));
}

interface QueryResult {
  name: string;
  p95: number[];
  rawP95: number[];
  statements: number;
}

async function benchQueries(b: Bench, store: LocalStore): Promise<QueryResult[]> {
  const now = new Date();
  const out: QueryResult[] = [];
  for (const c of queryCases(b, store, now)) {
    const statements = (await captureSql(store, c)).map((q) => ({
      stmt: storeDatabase(store).sqlite.prepare(q.sql),
      params: q.params,
    }));
    const raw = () => {
      for (const s of statements) {
        if (s.stmt.reader) s.stmt.all(...s.params);
        else s.stmt.run(...s.params);
      }
    };
    for (let i = 0; i < 20; i++) {
      await c.run(store);
      raw();
    }
    const result: QueryResult = { name: c.name, p95: [], rawP95: [], statements: statements.length };
    for (let r = 0; r < ROUNDS; r++) {
      const fn: number[] = [];
      const base: number[] = [];
      for (let i = 0; i < QUERY_N; i++) {
        const t0 = performance.now();
        await c.run(store);
        const t1 = performance.now();
        raw();
        const t2 = performance.now();
        fn.push(t1 - t0);
        base.push(t2 - t1);
      }
      result.p95.push(quantile(fn, 0.95));
      result.rawP95.push(quantile(base, 0.95));
    }
    out.push(result);
  }
  return out;
}

// ---- main --------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(
    `Classdesk desktop sync benchmark — SQLite server on loopback, ${ROUNDS} rounds (median), Node ${process.version}, ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}`,
  );
  if (ONLY === 'search') {
    printTable(await searchRows());
    printSearchNote();
    return;
  }
  const b = await setUp();
  let device: Device | undefined;
  try {
    const table: Row[] = [];
    const first = await benchFirstSync(b, ONLY === undefined || ONLY === 'first' ? ROUNDS : 0);
    device = first.device;
    if (first.runs.length > 0) {
      const rows = first.runs[0]!.rows;
      const syncMs = median(first.runs.map((x) => x.ms));
      const floorMs = median(first.runs.map((x) => x.floorMs));
      const rate = (rows / syncMs) * 1000;
      const floorRate = (rows / floorMs) * 1000;
      const cpuRate = (rows / median(first.runs.map((x) => x.cpuMs))) * 1000;
      const floorCpuRate = (rows / median(first.runs.map((x) => x.floorCpuMs))) * 1000;
      table.push(
        {
          measure: `first sync of a ${fmt(rows)}-row view (rows/s)`,
          classdesk: fmt(rate),
          baseline: fmt(floorRate),
          ratio: `${fmt(floorRate / rate, 2)}× slower`,
          goal: '≥ 40,000; ≤ 4×',
        },
        {
          measure: `  same, wall time (ms; ${first.runs[0]!.batches} batches)`,
          classdesk: fmt(syncMs),
          baseline: fmt(floorMs),
          ratio: '',
          goal: '',
        },
        {
          measure: '  same, rows per CPU-second (server + device)',
          classdesk: fmt(cpuRate),
          baseline: fmt(floorCpuRate),
          ratio: `${fmt(floorCpuRate / cpuRate, 2)}× slower`,
          goal: '',
        },
      );
    }

    if (ONLY === undefined || ONLY === 'latency') {
      const small = await openDevice(b, 'small', `teacher1@${SMALL_DOMAIN}`);
      const smallSync = await within('small first sync', small.engine.syncAll(), 60_000);
      const smallRows = smallSync.schools[0]?.changes ?? 0;
      const scenarios = [
        { view: `${fmt(first.runs[0]?.rows ?? 30_000)}-row view`, device, data: b.data, admin: b.adminEmail },
        { view: `${fmt(smallRows)}-row view`, device: small, data: b.small, admin: `admin1@${SMALL_DOMAIN}` },
      ];
      try {
        for (const sc of scenarios) {
          const lat = await benchLatency(b, sc.device, sc.data, sc.admin);
          const p = (pick: (r: LatencyRound) => number[], q: number) =>
            median(lat.map((r) => quantile(pick(r), q)));
          for (const [label, q, goal] of [
            ['p50', 0.5, '≤ 10'],
            ['p99', 0.99, '≤ 50'],
          ] as const) {
            const http = p((r) => r.http, q);
            const commit = p((r) => r.commitToLocal, q);
            const request = p((r) => r.requestToLocal, q);
            table.push(
              {
                measure: `server commit → local commit ${label} (ms; ${sc.view})`,
                classdesk: fmt(commit, 2),
                baseline: fmt(http, 2),
                ratio: `${fmt(commit / http, 1)}×`,
                goal,
              },
              {
                measure: `  PATCH sent → local commit ${label} (ms)`,
                classdesk: fmt(request, 2),
                baseline: fmt(http, 2),
                ratio: `${fmt(request / http, 1)}×`,
                goal: '',
              },
            );
          }
        }
      } finally {
        await small.close();
      }
    }

    if (ONLY === undefined || ONLY === 'queries') {
      for (const q of await benchQueries(b, device.store)) {
        const fn = median(q.p95);
        const raw = median(q.rawP95);
        table.push({
          measure: `${q.name} p95 (ms; ${q.statements} SQL)`,
          classdesk: fmt(fn, 3),
          baseline: fmt(raw, 3),
          ratio: `${fmt(fn / raw, 1)}×`,
          goal: 'a few ms',
        });
      }
    }
    if (ONLY === undefined || ONLY === 'outage') {
      const email = `teacher1@${SMALL_DOMAIN}`;
      const shipped = await openDevice(b, 'outage-shipped', email);
      // The baseline: the same engine without the ceiling while edits wait (the behaviour before it).
      const baseline = await openDevice(b, 'outage-baseline', email, { pendingPollMaxMs: 5 * 60_000 });
      try {
        await within(
          'outage devices first sync',
          Promise.all([shipped.engine.syncAll(), baseline.engine.syncAll()]),
          60_000,
        );
        const sessionId = (
          storeDatabase(shipped.store)
            .sqlite.prepare('select id from sessions order by id limit 1')
            .get() as { id: number }
        ).id;
        const rounds = await benchOutage({
          server: b.server,
          env: b.env,
          shipped,
          baseline,
          sessionId,
          rounds: OUTAGE_ROUNDS,
          downMs: OUTAGE_DOWN_S * 1000,
          replaced: (s) => (b.server = s),
        });
        for (const [label, q] of [
          ['p50', 0.5],
          ['p95', 0.95],
        ] as const) {
          const mine = quantile(
            rounds.map((r) => r.shippedMs),
            q,
          );
          const before = quantile(
            rounds.map((r) => r.baselineMs),
            q,
          );
          table.push({
            measure: `server back → outbox empty ${label} (ms; down ${OUTAGE_DOWN_S} s, ${rounds.length} rounds)`,
            classdesk: fmt(mine),
            baseline: fmt(before),
            ratio: `${fmt(before / mine, 1)}× sooner`,
            goal: label === 'p95' ? '≤ 5,000' : '',
          });
        }
      } finally {
        await shipped.close();
        await baseline.close();
      }
    }
    if (ONLY === undefined) table.push(...(await searchRows()));

    console.log();
    printTable(table);
    console.log();
    if (ONLY === undefined) printSearchNote();
    console.log(
      `first sync: Device.engine.syncAll() on a fresh store (push, /api/me, pull in batches of ${PULL_BATCH} — the engine default — apply, checksum);`,
    );
    console.log(
      `  floor: prepared selects of the same rows (pages of ${PULL_BATCH}) from the server SQLite + JSON.stringify/parse + prepared inserts into a fresh store, one transaction`,
    );
    console.log(
      `latency: ${LAT_N} PATCH /api/admin/…/sessions/:id {title} per round, ${Math.min(ROUNDS, 3)} rounds; "server commit" is the poke leaving the server (right after its commit),`,
    );
    console.log(
      '  "local commit" the engine\'s changed event with the new title in the store; baseline: the PATCH round trip with no device connected',
    );
    console.log(
      `queries: ${QUERY_N} calls per round over the synced store; baseline: the same SQL (captured at the store's statement cache) through prepared better-sqlite3 statements`,
    );
    console.log(
      `outage: two live devices of a ~700-row teacher; the server stops, each device makes one edit halfway, the server starts again after ${OUTAGE_DOWN_S} s;`,
    );
    console.log(
      '  time from the restart to an empty outbox; baseline: the same engine with its poll backing off to 5 min while edits wait (before pendingPollMaxMs)',
    );
  } finally {
    await device?.close();
    await b.cleanup();
  }
}

/** The search figures (a store of their own: no server needed). */
async function searchRows(): Promise<Row[]> {
  const r = await benchSearch({ iterations: QUERY_N, rounds: ROUNDS });
  const index = median(r.indexP95);
  const scan = median(r.scanP95);
  return [
    {
      measure: `full-text search over ${fmt(r.sessions)} sessions with plans, p95 (ms)`,
      classdesk: fmt(index, 2),
      baseline: fmt(scan, 2),
      ratio: scan >= index ? `${fmt(scan / index, 1)}× faster` : `${fmt(index / scan, 1)}× slower`,
      goal: '≤ 20',
    },
  ];
}

function printSearchNote(): void {
  console.log(
    `search: ${QUERY_N} queries per round (one or two words of the plans' vocabulary, the last a prefix), ${ROUNDS} rounds; ` +
      "classdesk: search() over the FTS5 index (with each hit's school and highlights); baseline: folding and scanning every session's fields (instr) for the first word, one prepared statement",
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('benchmark failed:', err);
    process.exit(1);
  },
);
