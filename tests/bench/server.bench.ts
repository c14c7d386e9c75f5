/**
 * `npm run bench:server [-- --postgres] [-- --rounds N]`: sync-server benchmarks, each figure
 * next to a baseline measured in the same run (median of several rounds):
 * - full first pull of a ~30 000-row scoped view through the HTTP API (default batch size),
 *   against raw prepared selects of the same rows + JSON.stringify;
 * - dashboard latency p50/p99 over HTTP with 1 000 students per teacher, against the same SQL
 *   (captured from the server's own code) run through raw prepared statements;
 * - SQLite only: push throughput (one edit per request, each its own commit) with the server's
 *   synchronous=FULL next to synchronous=NORMAL, the durability cost (docs/PERFORMANCE.md).
 * - a OneRoster roster import of 5 000 users and 50 000 enrolments over HTTP, dry run and
 *   import, against bare batch inserts of the same rows (tests/bench/import.bench-part.ts);
 *   `--only import` runs only this.
 * - email: an announcement to 500 teachers through the outbox to a local SMTP server, against the
 *   same transport sending as many composed messages alone (tests/bench/email.bench-part.ts);
 *   `--only email` runs only this.
 * SQLite by default; `--postgres` runs against postgres://postgres@127.0.0.1:5432/test in a
 * schema of its own. Everything stays on loopback, in a temp directory, and is removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import type { DB } from '../../server/db/schema.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { authenticate, requireTeacherSchool } from '../../server/domain/auth.js';
import { dashboard } from '../../server/domain/dashboard.js';
import { DEMO_PASSWORD } from '../../server/domain/demo.js';
import { hashPassword, TEST_SCRYPT } from '../../server/domain/passwords.js';
import {
  BIG_VIEW,
  generateSynthetic,
  WIDE_ROSTER,
  type SyntheticSummary,
} from '../../server/domain/synthetic.js';
import { ENTITIES, type Entity } from '../../src/shared/entities.js';
import type { PullResponse } from '../../src/shared/protocol.js';
import { DEFAULT_PULL_LIMIT } from '../../server/domain/pull.js';
import { statementLog } from './statement-log.js';
import { COMMON_VIEW_SQL, type ViewQuery } from './view-sql.js';
import { benchServerEnv } from './bench-env.js';
import { pgAdmin } from '../support/pg-admin.js';
import { measureImport, type ImportFigures } from './import.bench-part.js';
import { measureEmail, type EmailFigures } from './email.bench-part.js';

const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const { values: args } = parseArgs({
  options: {
    postgres: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '5' },
    'dashboard-requests': { type: 'string', default: '400' },
    pushes: { type: 'string', default: '300' },
    /** `import` or `email`: only those figures. */
    only: { type: 'string' },
  },
});
const PUSHES = Number(args.pushes);
const ROUNDS = Number(args.rounds);
const DASH_REQUESTS = Number(args['dashboard-requests']);
if (
  !Number.isInteger(ROUNDS) ||
  ROUNDS < 1 ||
  ROUNDS > 50 ||
  !Number.isInteger(DASH_REQUESTS) ||
  DASH_REQUESTS < 10 ||
  !Number.isInteger(PUSHES) ||
  PUSHES < 10
) {
  console.error(
    'usage: npm run bench:server -- [--postgres] [--rounds 1..50] [--dashboard-requests ≥10] [--pushes ≥10]',
  );
  process.exit(2);
}
const dialect = args.postgres ? 'postgres' : 'sqlite';

// ---- statistics ---------------------------------------------------------------------------

const median = (xs: number[]): number => quantile(xs, 0.5);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** CPU time of this process (every thread), in ms: less sensitive to a busy machine than wall time. */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}

// ---- raw database access for the baselines --------------------------------------------------

/** Prepared statements on the raw driver: better-sqlite3, or a pg client with named statements. */
interface RawDb {
  all(name: string, text: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

function rawSqlite(file: string): RawDb {
  const db = new SQLite(file, { readonly: true });
  const stmts = new Map<string, SQLite.Statement>();
  return {
    all(name, text, params) {
      let st = stmts.get(name);
      if (!st) stmts.set(name, (st = db.prepare(text)));
      return Promise.resolve(st.all(...params) as Record<string, unknown>[]);
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

async function rawPostgres(schema: string): Promise<RawDb> {
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    async all(name, text, params) {
      let n = 0;
      const pgText = text.replace(/\?/g, () => `$${++n}`);
      return (await client.query({ name, text: pgText, values: params as unknown[] })).rows as Record<
        string,
        unknown
      >[];
    },
    close: () => client.end(),
  };
}

// The rows of the scoped view as plain SQL (tests/bench/view-sql.ts); these three are this bench's own.
const VIEW_SQL: Record<Entity, ViewQuery> = {
  ...COMMON_VIEW_SQL,
  student: {
    sql: `select u.id, m.school_id, u.name, u.email, u.version as uv, m.version as mv
          from memberships m join users u on u.id = m.user_id
          where m.school_id = ? and m.role = 'student' and m.active = 1
            and exists (select 1 from enrolments e join class_sessions s on s.id = e.session_id
                        where e.student_id = m.user_id and e.school_id = ? and s.teacher_id = ?)
            and u.id > ? order by u.id limit ?`,
    params: (t, s) => [s, s, t],
  },
  enrolment: {
    sql: `select e.id, e.school_id, e.session_id, e.student_id, e.attendance, e.version
          from enrolments e join class_sessions s on s.id = e.session_id
          join memberships m on m.user_id = e.student_id and m.school_id = e.school_id
          where s.school_id = ? and s.teacher_id = ? and e.school_id = ? and m.role = 'student' and m.active = 1
            and e.id > ? order by e.id limit ?`,
    params: (t, s) => [s, t, s],
  },
  resource: {
    sql: `select id, school_id, teacher_id, title, description, file_type, mime_type, size, sha256, shared_with_students,
                 scan_status, created_at, version
          from resources where school_id = ? and teacher_id = ? and id > ? order by id limit ?`,
    params: (t, s) => [s, t],
  },
};

/** Baseline of a full pull: every row of the view in pages of `batch`, each page JSON-encoded. */
async function baselinePull(
  raw: RawDb,
  teacherId: number,
  schoolId: number,
  batch: number,
): Promise<{ rows: number; bytes: number }> {
  let rows = 0;
  let bytes = 0;
  for (const entity of ENTITIES) {
    const q = VIEW_SQL[entity];
    let after = 0;
    for (;;) {
      const page = await raw.all(`view-${entity}`, q.sql, [
        ...q.params(teacherId, schoolId, after),
        after,
        batch,
      ]);
      const changes = page.map((r) => {
        if (entity === 'student') {
          const { uv, mv, ...row } = r as { uv: number; mv: number };
          return { op: 'upsert', entity, row: { ...row, version: Math.max(Number(uv), Number(mv)) } };
        }
        return { op: 'upsert', entity, row: r };
      });
      bytes += JSON.stringify({ changes }).length;
      rows += page.length;
      if (page.length < batch) break;
      after = Number(page[page.length - 1]!.id);
    }
  }
  return { rows, bytes };
}

// ---- HTTP --------------------------------------------------------------------------------

async function login(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

interface PullRun {
  rows: number;
  requests: number;
  ms: number;
  queries: number;
  dbMs: number;
  bytes: number;
}

/** A device's first pull: batches of the default size until has_more is false. */
async function httpPull(base: string, token: string, schoolId: number): Promise<PullRun> {
  const t0 = performance.now();
  let cursor: string | undefined;
  const run = { rows: 0, requests: 0, ms: 0, queries: 0, dbMs: 0, bytes: 0 };
  for (let guard = 0; guard < 10_000; guard++) {
    const u = new URL('/api/sync/pull', base);
    u.searchParams.set('school_id', String(schoolId));
    if (cursor) u.searchParams.set('cursor', cursor);
    const res = await fetch(u, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`pull: ${res.status} ${text}`);
    const body = JSON.parse(text) as PullResponse;
    const timing = /db;dur=([\d.]+);desc="(\d+) queries"/.exec(res.headers.get('server-timing') ?? '');
    run.dbMs += Number(timing?.[1] ?? 0);
    run.queries += Number(timing?.[2] ?? 0);
    run.bytes += text.length;
    run.rows += body.changes.length;
    run.requests++;
    cursor = body.cursor;
    if (!body.has_more) {
      run.ms = performance.now() - t0;
      return run;
    }
  }
  throw new Error('pull did not finish');
}

// ---- setup -------------------------------------------------------------------------------

/** One server on one copy of the data, with a raw connection to the same data for baselines. */
interface Variant {
  label: string;
  server: RunningServer;
  raw: RawDb;
  databaseUrl: string;
  schema?: string;
}

interface Bench {
  big: SyntheticSummary;
  wide: SyntheticSummary;
  seedMs: number;
  variants: Variant[];
  cleanup(): Promise<void>;
}

/**
 * Seeds the data once, then starts one server per variant: on PostgreSQL one (after ANALYZE,
 * as autovacuum would have run by then); on SQLite two, on two copies of the same file — as
 * the server leaves it (the statistics of its `PRAGMA optimize` at open, which reads a sample of
 * each table) and after a full ANALYZE.
 */
async function setUp(): Promise<Bench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-bench-'));
  const schema = dialect === 'postgres' ? `bench_${randomBytes(6).toString('hex')}` : undefined;
  const variants: Variant[] = [];
  const cleanup = async () => {
    for (const v of variants) {
      await v.raw.close();
      await v.server.close();
    }
    if (schema) await pgAdmin(`drop schema if exists ${schema} cascade`);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (schema) await pgAdmin(`create schema ${schema}`);
    const plainDir = path.join(dir, 'plain');
    const config = loadConfig({ ...benchServerEnv(plainDir), ...(schema ? { DATABASE_URL: PG_URL } : {}) });
    // Seed first and then start the server, like `npm run seed` followed by `npm run server`.
    const seeding = openDatabase({ url: config.databaseUrl, ...(schema ? { pgSchema: schema } : {}) });
    await migrateServer(seeding.db);
    const passwordHash = await hashPassword(DEMO_PASSWORD, TEST_SCRYPT);
    const t0 = performance.now();
    const big = await generateSynthetic(seeding.db, {
      ...BIG_VIEW,
      emailDomain: 'big.bench.test',
      passwordHash,
    });
    const wide = await generateSynthetic(seeding.db, {
      ...WIDE_ROSTER,
      emailDomain: 'wide.bench.test',
      passwordHash,
    });
    const seedMs = performance.now() - t0;
    if (schema) await sql`analyze`.execute(seeding.db);
    else await sql`pragma wal_checkpoint(truncate)`.execute(seeding.db);
    await seeding.destroy();

    const start = async (label: string, cfg: typeof config) => {
      const server = await startServer(cfg, { scheduler: false, ...(schema ? { pgSchema: schema } : {}) });
      const raw = schema ? await rawPostgres(schema) : rawSqlite(cfg.databaseUrl);
      variants.push({ label, server, raw, databaseUrl: cfg.databaseUrl, ...(schema ? { schema } : {}) });
    };
    await start('', config);
    if (!schema) {
      const analyzedDir = path.join(dir, 'analyzed');
      const analyzed = loadConfig(benchServerEnv(analyzedDir));
      fs.mkdirSync(analyzedDir, { recursive: true });
      fs.copyFileSync(config.databaseUrl, analyzed.databaseUrl);
      const db = new SQLite(analyzed.databaseUrl);
      db.exec('analyze');
      db.close();
      await start(', after ANALYZE', analyzed);
    }
    return { big, wide, seedMs, variants, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** The SQL a dashboard request runs (authentication, school check, dashboard), as compiled by Kysely. */
async function captureDashboardSql(v: Variant, token: string, teacherId: number, schoolId: number) {
  const { log, record } = statementLog();
  const db = v.schema
    ? new Kysely<DB>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${v.schema}` }),
        }),
        log,
      })
    : new Kysely<DB>({
        dialect: new SqliteDialect({ database: new SQLite(v.databaseUrl, { readonly: true }) }),
        log,
      });
  try {
    const captured = await record(async () => {
      const now = new Date();
      await authenticate(db, token, now);
      const school = await requireTeacherSchool(db, teacherId, schoolId);
      await dashboard(db, teacherId, school, 'week', now);
    });
    return captured.map((q, i) => ({ name: `dash-${i}`, sql: q.sql, params: q.parameters }));
  } finally {
    await db.destroy();
  }
}

// ---- measurements ------------------------------------------------------------------------
// Rounds alternate between variants and between each figure and its baseline, so a change in
// the machine's load during the run weighs on all of them alike.

interface PullFigures {
  run: PullRun;
  ms: number;
  dbMs: number;
  baseMs: number;
  cpu: number;
  baseCpu: number;
  rate: number;
  baseRate: number;
}

async function measurePull(bench: Bench): Promise<PullFigures[]> {
  const teacherId = bench.big.ids.teachers.first;
  const schoolId = bench.big.ids.schools.first;
  const sides = [];
  for (const v of bench.variants) {
    const token = await login(v.server.url, 'teacher1@big.bench.test');
    await httpPull(v.server.url, token, schoolId); // warm-up
    await baselinePull(v.raw, teacherId, schoolId, DEFAULT_PULL_LIMIT);
    sides.push({
      v,
      token,
      runs: [] as PullRun[],
      base: [] as number[],
      cpu: [] as number[],
      baseCpu: [] as number[],
    });
  }
  for (let i = 0; i < ROUNDS; i++) {
    for (const side of sides) {
      const c0 = cpuMs();
      side.runs.push(await httpPull(side.v.server.url, side.token, schoolId));
      const c1 = cpuMs();
      const t0 = performance.now();
      const b = await baselinePull(side.v.raw, teacherId, schoolId, DEFAULT_PULL_LIMIT);
      side.base.push(performance.now() - t0);
      side.baseCpu.push(cpuMs() - c1);
      side.cpu.push(c1 - c0);
      if (b.rows !== side.runs[0]!.rows)
        throw new Error(`the baseline read ${b.rows} rows, the pull ${side.runs[0]!.rows}`);
    }
  }
  return sides.map(({ runs, base, cpu, baseCpu }) => {
    const ms = median(runs.map((x) => x.ms));
    const baseMs = median(base);
    return {
      run: runs[0]!,
      ms,
      dbMs: median(runs.map((x) => x.dbMs)),
      baseMs,
      cpu: median(cpu),
      baseCpu: median(baseCpu),
      rate: (runs[0]!.rows / ms) * 1000,
      baseRate: (runs[0]!.rows / baseMs) * 1000,
    };
  });
}

interface DashFigures {
  students: number;
  queries: number;
  statements: number;
  p50: number;
  p99: number;
  baseP50: number;
  baseP99: number;
  cpu: number;
  baseCpu: number;
}

/** Dashboard of a teacher with 1 000 students (range "week"): sequential requests. */
async function measureDashboard(bench: Bench): Promise<DashFigures[]> {
  const teacherId = bench.wide.ids.teachers.first;
  const schoolId = bench.wide.ids.schools.first;
  const sides = [];
  for (const v of bench.variants) {
    const token = await login(v.server.url, 'teacher1@wide.bench.test');
    const url = `${v.server.url}/api/dashboard?school_id=${schoolId}&range=week`;
    const first = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await first.json()) as { student_count: number };
    const queries = Number(/desc="(\d+) queries"/.exec(first.headers.get('server-timing') ?? '')?.[1]);
    const statements = await captureDashboardSql(v, token, teacherId, schoolId);
    /** [wall ms, CPU ms] of one call. */
    const http = async (): Promise<[number, number]> => {
      const c0 = cpuMs();
      const t0 = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`dashboard: ${res.status} ${await res.text()}`);
      await res.json();
      return [performance.now() - t0, cpuMs() - c0];
    };
    const baseline = async (): Promise<[number, number]> => {
      const c0 = cpuMs();
      const t0 = performance.now();
      const results: unknown[] = [];
      for (const s of statements) results.push(await v.raw.all(s.name, s.sql, s.params));
      JSON.stringify(results);
      return [performance.now() - t0, cpuMs() - c0];
    };
    for (let i = 0; i < 50; i++) {
      await http();
      await baseline();
    }
    sides.push({
      body,
      queries,
      statements,
      http,
      baseline,
      p50: [] as number[],
      p99: [] as number[],
      b50: [] as number[],
      cpu: [] as number[],
      baseCpu: [] as number[],
      b99: [] as number[],
    });
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of sides) {
      const h: number[] = [];
      const b: number[] = [];
      const hc: number[] = [];
      const bc: number[] = [];
      for (let i = 0; i < DASH_REQUESTS; i++) {
        const [ms, cpu] = await side.http();
        const [baseMs, baseCpu] = await side.baseline();
        h.push(ms);
        hc.push(cpu);
        b.push(baseMs);
        bc.push(baseCpu);
      }
      side.p50.push(quantile(h, 0.5));
      side.p99.push(quantile(h, 0.99));
      side.b50.push(quantile(b, 0.5));
      side.b99.push(quantile(b, 0.99));
      side.cpu.push(mean(hc));
      side.baseCpu.push(mean(bc));
    }
  }
  return sides.map((s) => ({
    students: s.body.student_count,
    queries: s.queries,
    statements: s.statements.length,
    p50: median(s.p50),
    p99: median(s.p99),
    baseP50: median(s.b50),
    baseP99: median(s.b99),
    cpu: median(s.cpu),
    baseCpu: median(s.baseCpu),
  }));
}

/** Pushes per second with SQLite's synchronous=FULL (the server's) and NORMAL, side by side. */
interface PushFigures {
  full: number;
  normal: number;
  fullMs: number;
  normalMs: number;
}

/**
 * Two servers on two fresh SQLite files of the same small dataset, one per synchronous setting.
 * A teacher pushes one `update_lesson_notes` per request, one request after another: each push
 * is its own transaction, so each pays the commit (with FULL, an fsync of the WAL) — the worst
 * case for the setting. Rounds alternate between the two.
 */
async function measurePush(): Promise<PushFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-bench-push-'));
  const sides: Array<{
    mode: 'full' | 'normal';
    server: RunningServer;
    token: string;
    session: { id: number; version: number };
    rates: number[];
    ms: number[];
  }> = [];
  try {
    const passwordHash = await hashPassword(DEMO_PASSWORD, TEST_SCRYPT);
    for (const mode of ['full', 'normal'] as const) {
      const config = loadConfig(benchServerEnv(path.join(dir, mode)));
      const seeding = openDatabase({ url: config.databaseUrl });
      await migrateServer(seeding.db);
      const data = await generateSynthetic(seeding.db, {
        schools: 1,
        teachers: 1,
        students: 30,
        sessions: 50,
        resources: 0,
        notifications: 50,
        emailDomain: 'push.bench.test',
        passwordHash,
      });
      await seeding.destroy();
      const server = await startServer(config, { scheduler: false, sqliteSynchronous: mode });
      const session = await server.database.db
        .selectFrom('class_sessions')
        .select(['id', 'version'])
        .where('teacher_id', '=', data.ids.teachers.first)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const token = await login(server.url, 'teacher1@push.bench.test');
      sides.push({ mode, server, token, session, rates: [], ms: [] });
    }
    let n = 0;
    const push = async (side: (typeof sides)[number]) => {
      const res = await fetch(`${side.server.url}/api/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${side.token}` },
        body: JSON.stringify({
          client_id: 'bench-push-device',
          mutations: [
            {
              id: `m-${++n}`,
              type: 'update_lesson_notes',
              // One client's own earlier writes never conflict: the first base version serves all.
              args: {
                session_id: side.session.id,
                base_version: side.session.version,
                lesson_notes: `n${n}`,
              },
            },
          ],
        }),
      });
      const text = await res.text();
      if (res.status !== 200 || !text.includes('"applied"')) throw new Error(`push: ${res.status} ${text}`);
    };
    for (const side of sides) for (let i = 0; i < 20; i++) await push(side); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
        const t0 = performance.now();
        for (let i = 0; i < PUSHES; i++) await push(side);
        const ms = performance.now() - t0;
        side.ms.push(ms / PUSHES);
        side.rates.push((PUSHES * 1000) / ms);
      }
    }
    const [full, normal] = sides as [(typeof sides)[number], (typeof sides)[number]];
    return {
      full: median(full.rates),
      normal: median(normal.rates),
      fullMs: median(full.ms),
      normalMs: median(normal.ms),
    };
  } finally {
    for (const side of sides) await side.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- report ------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function figureRows(label: string, pull: PullFigures, dash: DashFigures): string[][] {
  return [
    [
      `full pull of a ${fmt(pull.run.rows)}-row view, rows/s${label}`,
      fmt(pull.rate),
      fmt(pull.baseRate),
      `${fmt(pull.baseRate / pull.rate, 1)}× slower`,
    ],
    [
      `  same, wall time ms (${pull.run.requests} requests of ≤${DEFAULT_PULL_LIMIT} rows)`,
      fmt(pull.ms),
      fmt(pull.baseMs),
      '',
    ],
    [
      `dashboard p50 ms (${dash.students} students, ${dash.queries} queries)${label}`,
      fmt(dash.p50, 2),
      fmt(dash.baseP50, 2),
      `${fmt(dash.p50 / dash.baseP50, 1)}×`,
    ],
    [
      `dashboard p99 ms${label}`,
      fmt(dash.p99, 2),
      fmt(dash.baseP99, 2),
      `${fmt(dash.p99 / dash.baseP99, 1)}×`,
    ],
  ];
}

/** CPU time of this process per operation: server and client together on the HTTP side. */
function cpuRows(label: string, pull: PullFigures, dash: DashFigures): string[][] {
  return [
    [`CPU ms per full pull${label}`, fmt(pull.cpu), fmt(pull.baseCpu), `${fmt(pull.cpu / pull.baseCpu, 1)}×`],
    [
      `CPU ms per dashboard request (mean)${label}`,
      fmt(dash.cpu, 2),
      fmt(dash.baseCpu, 2),
      `${fmt(dash.cpu / dash.baseCpu, 1)}×`,
    ],
  ];
}

function printTable(rows: string[][]): void {
  const head = ['measure', 'classdesk', 'baseline', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`Classdesk server benchmark: ${dialect}, median of ${ROUNDS} rounds`);
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? '?'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, ` +
      `Node ${process.version}, load average ${loadAverage()}`,
  );
  if (args.only === 'import') {
    printImport(await measureImport(dialect, Math.min(ROUNDS, 3)));
    return;
  }
  if (args.only === 'email') {
    printEmail(await measureEmail(dialect, Math.min(ROUNDS, 3)));
    return;
  }
  const bench = await setUp();
  try {
    const total = (s: SyntheticSummary) => Object.values(s.counts).reduce((a, b) => a + b, 0);
    console.log(`seeded ${fmt(total(bench.big) + total(bench.wide))} rows in ${fmt(bench.seedMs)} ms`);
    const pulls = await measurePull(bench);
    const dashes = await measureDashboard(bench);
    const pushes = dialect === 'sqlite' ? await measurePush() : undefined;
    const rows = bench.variants.flatMap((v, i) => figureRows(v.label, pulls[i]!, dashes[i]!));
    if (pushes)
      rows.push(
        [
          `push, 1 edit a request, requests/s: synchronous=FULL vs NORMAL`,
          fmt(pushes.full),
          fmt(pushes.normal),
          `${fmt(pushes.normal / pushes.full, 2)}× slower`,
        ],
        [`  same, ms a request (${PUSHES} in a row)`, fmt(pushes.fullMs, 2), fmt(pushes.normalMs, 2), ''],
      );
    console.log();
    printTable(rows);
    console.log();
    printTable(bench.variants.flatMap((v, i) => cpuRows(v.label, pulls[i]!, dashes[i]!)));
    console.log(
      dialect === 'sqlite'
        ? 'CPU time of this Node process: on the HTTP side it holds both the server and the client.'
        : "CPU time of this Node process (server and client); PostgreSQL's own CPU is not counted.",
    );
    console.log();
    for (const [i, v] of bench.variants.entries()) {
      const p = pulls[i]!;
      console.log(
        `pull${v.label}: ${p.run.requests} requests, ${p.run.queries} SQL queries, db time ${fmt(p.dbMs)} ms ` +
          `of ${fmt(p.ms)} ms (Server-Timing), ${fmt(p.run.bytes / 2 ** 20, 1)} MiB of JSON`,
      );
    }
    const driver = dialect === 'sqlite' ? 'better-sqlite3' : 'pg';
    console.log(
      `baseline pull: raw ${driver} prepared keyset selects of the same rows + JSON.stringify, same process`,
    );
    console.log(
      `baseline dashboard: the server's ${dashes[0]!.statements} SQL statements, raw ${driver} prepared + JSON.stringify`,
    );
    if (pushes)
      console.log(
        'push: the server (synchronous=FULL) against the same server with synchronous=NORMAL (baseline column), ' +
          'each on its own fresh SQLite file',
      );
    console.log();
    printImport(await measureImport(dialect, Math.min(ROUNDS, 3)));
    console.log(`load average at the end: ${loadAverage()}`);
  } finally {
    await bench.cleanup();
  }
}

function printImport(f: ImportFigures): void {
  printTable([
    [
      `roster import, dry run, ms (${fmt(f.users)} users, ${fmt(f.enrolments)} enrolments, ${fmt(f.megabytes, 1)} MiB)`,
      fmt(f.dryMs),
      fmt(f.baselineMs),
      `${fmt(f.dryMs / f.baselineMs, 2)}×`,
    ],
    ['roster import, applied, ms', fmt(f.applyMs), fmt(f.baselineMs), `${fmt(f.applyMs / f.baselineMs, 2)}×`],
  ]);
  console.log(
    'roster import: multipart upload over HTTP to a fresh school each round (median of up to 3); baseline: bare batch ' +
      'inserts of the same users, memberships, courses and course members in one transaction, same connection',
  );
}

function printEmail(f: EmailFigures): void {
  printTable([
    [
      `email: an announcement to ${fmt(f.teachers)} teachers, emails/s`,
      fmt(f.perSecond),
      fmt(f.baselinePerSecond),
      `${fmt(f.perSecond / f.baselinePerSecond, 2)}×`,
    ],
  ]);
  console.log(
    `email: from the admin's POST until the local SMTP server accepted every message (outbox, claim, compose, send; ` +
      `${f.concurrency} connections; median of up to 3); baseline: the same nodemailer transport sending as many ` +
      'composed messages alone',
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('benchmark failed:', err);
    process.exit(1);
  },
);
