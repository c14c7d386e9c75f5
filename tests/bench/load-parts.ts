/**
 * The measurements of `npm run bench:load`, one function per part; each returns raw figures for
 * one side (Classdesk or baseline) and load.bench.ts pairs and prints them.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { PullResponse } from '../../src/shared/protocol.js';
import { keepingStatements } from '../../src/shared/sqlite-statements.js';
import type { DB } from '../../server/db/schema.js';
import { authenticate, requireTeacherSchool } from '../../server/domain/auth.js';
import { ChecksumCache } from '../../server/domain/checksum-cache.js';
import { pull } from '../../server/domain/pull.js';
import { statementLog, type RecordedStatement } from './statement-log.js';
import type { PullTeacher, SocketTeacher } from './load-data.js';
import {
  connectAll,
  Fanout,
  httpLoad,
  localAddressOf,
  median,
  quantile,
  request,
  sequentialUntil,
  socketIoClient,
  wsClient,
  type FanoutRound,
  type LoadClient,
  type ServerChild,
} from './load-support.js';

export const progress = (msg: string): void => {
  process.stderr.write(`[bench:load ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

// ---- 1. sockets held, memory per socket ------------------------------------------------------

export interface SocketsSide {
  requested: number;
  /** Clients connected at the end, as the clients see it. */
  held: number;
  /** Sockets the server process reports holding. */
  serverHeld: number;
  failures: number;
  firstError?: string;
  connectMs: number;
  heapPerSocket: number;
  externalPerSocket: number;
  rssPerSocket: number;
  heapBefore: number;
  heapAfter: number;
  gc: boolean;
}

/**
 * Opens one client per teacher against `servers` (client i → server i % servers.length) and
 * reads the servers' memory before and after (after a forced GC): per socket is the increase
 * summed over the servers, divided by the sockets held.
 */
export async function holdSockets(
  label: string,
  servers: ServerChild[],
  teachers: SocketTeacher[],
  open: (server: ServerChild, t: SocketTeacher, localAddress: string | undefined) => Promise<LoadClient>,
): Promise<{ side: SocketsSide; clients: LoadClient[] }> {
  const before = await Promise.all(servers.map((s) => s.memory()));
  progress(`${label}: opening ${teachers.length} sockets`);
  const perServer = Math.ceil(teachers.length / servers.length);
  const connected = await connectAll(teachers.length, (i) =>
    open(
      servers[i % servers.length]!,
      teachers[i]!,
      localAddressOf(Math.floor(i / servers.length), perServer),
    ),
  );
  // Let late handshakes and any early disconnects settle before counting.
  await new Promise((r) => setTimeout(r, 1000));
  const after = await Promise.all(servers.map((s) => s.memory()));
  const held = connected.clients.filter((c) => c.connected()).length;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const delta = (pick: (m: (typeof after)[number]) => number) =>
    (sum(after.map(pick)) - sum(before.map(pick))) / Math.max(1, held);
  progress(
    `${label}: ${held} held (${connected.failures} failed) in ${Math.round(connected.ms)} ms` +
      (connected.firstError ? `; first error: ${connected.firstError}` : ''),
  );
  return {
    clients: connected.clients,
    side: {
      requested: teachers.length,
      held,
      serverHeld: sum(after.map((m) => m.sockets)),
      failures: connected.failures,
      ...(connected.firstError ? { firstError: connected.firstError } : {}),
      connectMs: connected.ms,
      heapPerSocket: delta((m) => m.heapUsed),
      externalPerSocket: delta((m) => m.external),
      rssPerSocket: delta((m) => m.rss),
      heapBefore: sum(before.map((m) => m.heapUsed)),
      heapAfter: sum(after.map((m) => m.heapUsed)),
      gc: after.every((m) => m.gc),
    },
  };
}

export const openSocketIo = (server: ServerChild, t: SocketTeacher, localAddress: string | undefined) =>
  socketIoClient(server.url, t.token, localAddress);
export const openWs = (server: ServerChild, t: SocketTeacher, localAddress: string | undefined) =>
  wsClient(server.url, t.schoolId, t.userId, localAddress);

/** Closes the clients and waits (bounded) until the servers report none left. */
export async function closeAll(clients: LoadClient[], servers: ServerChild[]): Promise<void> {
  for (const c of clients) c.close();
  for (let i = 0; i < 60; i++) {
    const left = (await Promise.all(servers.map((s) => s.memory()))).reduce((a, m) => a + m.sockets, 0);
    if (left === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

// ---- 2. / 4. announcement fan-out ------------------------------------------------------------

export interface FanoutSide {
  targets: number;
  /** Per round: p50, p99, last and POST ms, missing. */
  rounds: Array<
    Pick<FanoutRound, 'postMs' | 'missing' | 'strays'> & { p50: number; p99: number; last: number }
  >;
  /** With `groupOf`: p99 ms of each group's clients (median over the rounds). */
  groupP99: number[];
  p50: number;
  p99: number;
  last: number;
  postMs: number;
  missing: number;
  strays: number;
}

/**
 * `rounds` announcements, one at a time: `post(title)` sends one (the admin API, or the
 * baseline's /announce); each target client's time is from the POST being sent until its
 * socket receives the notification. Figures are medians over the rounds.
 */
export async function fanout(
  label: string,
  clients: LoadClient[],
  isTarget: (i: number) => boolean,
  post: (title: string) => Promise<{ status: number; body: string }>,
  rounds: number,
  groupOf?: (i: number) => number,
): Promise<FanoutSide> {
  const watch = new Fanout(clients, isTarget);
  const runs: FanoutRound[] = [];
  const tag = Math.random().toString(36).slice(2, 8);
  for (let r = 0; r < rounds; r++) {
    const round = await watch.run(
      `Load bench ${tag} ${label} ${r + 1}`,
      () => post(`Load bench ${tag} ${label} ${r + 1}`),
      60_000,
    );
    runs.push(round);
    progress(
      `${label} round ${r + 1}: ${round.latencies.length} received, p99 ${quantile(round.latencies, 0.99).toFixed(0)} ms, ` +
        `last ${Math.max(...round.latencies).toFixed(0)} ms, missing ${round.missing}`,
    );
    // A quiet moment between rounds, so one round's tail does not run into the next.
    await new Promise((r) => setTimeout(r, 500));
  }
  const summaries = runs.map((r) => ({
    p50: quantile(r.latencies, 0.5),
    p99: quantile(r.latencies, 0.99),
    last: Math.max(...r.latencies),
    postMs: r.postMs,
    missing: r.missing,
    strays: r.strays,
  }));
  const groups = groupOf ? Math.max(...clients.map((_, i) => groupOf(i))) + 1 : 0;
  const groupP99 = Array.from({ length: groups }, (_, g) =>
    median(
      runs.map((r) =>
        quantile(
          Array.from(r.byClient).filter((ms, i) => groupOf!(i) === g && isTarget(i) && !Number.isNaN(ms)),
          0.99,
        ),
      ),
    ),
  );
  return {
    targets: clients.filter((_, i) => isTarget(i)).length,
    rounds: summaries,
    groupP99,
    p50: median(summaries.map((r) => r.p50)),
    p99: median(summaries.map((r) => r.p99)),
    last: median(summaries.map((r) => r.last)),
    postMs: median(summaries.map((r) => r.postMs)),
    missing: runs.reduce((a, r) => a + r.missing, 0),
    strays: runs.reduce((a, r) => a + r.strays, 0),
  };
}

export function postAnnouncement(serverUrl: string, schoolId: number, adminToken: string) {
  return (title: string) =>
    request(`${serverUrl}/api/admin/schools/${schoolId}/announcements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ title, message: 'Reunião geral na quinta-feira às 17h na biblioteca.' }),
    });
}

export function postBaselineAnnouncement(baselineUrl: string, schoolId: number) {
  return (title: string) =>
    request(`${baselineUrl}/announce?school=${schoolId}`, {
      method: 'POST',
      body: JSON.stringify({ title, message: 'Reunião geral na quinta-feira às 17h na biblioteca.' }),
    });
}

// ---- 3. pull throughput ------------------------------------------------------------------------

/** Sessions of each pull teacher edited after its cursor: a session edit re-sends the session,
 * its enrolments and their students (touchSessionFor), so one edit is ~21 changes. */
export const EDITS_PER_TEACHER = 1;

export interface PullSetup {
  changes: number;
  bytes: number;
  body: string;
  /** SQL queries of one such pull (Server-Timing), NaN when the header is missing. */
  queries: number;
}

const queriesOf = (headers: { 'server-timing'?: string | undefined }): number =>
  Number(/desc="(\d+) queries"/.exec(headers['server-timing'] ?? '')?.[1] ?? NaN);

/**
 * Edits EDITS_PER_TEACHER sessions of every pull teacher through the admin API, after the
 * cursors were taken: each teacher's pull from its cursor then answers those few changes.
 * Returns one teacher's answer (the body the baseline serves).
 */
export async function preparePull(
  serverUrl: string,
  teachers: PullTeacher[],
  admins: Map<number, string>,
): Promise<PullSetup> {
  for (const t of teachers) {
    for (const id of t.sessionIds.slice(0, EDITS_PER_TEACHER)) {
      const res = await request(`${serverUrl}/api/admin/schools/${t.schoolId}/sessions/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admins.get(t.schoolId)!}` },
        body: JSON.stringify({ title: `Edited for the load bench ${id}` }),
      });
      if (res.status !== 200) throw new Error(`PATCH session ${id}: ${res.status} ${res.body.slice(0, 300)}`);
    }
  }
  const t = teachers[0]!;
  const pullOnce = () => request(pullUrl(serverUrl, t), { headers: { authorization: `Bearer ${t.token}` } });
  // The second pull is the steady state the load repeats (the first computes the checksum).
  await pullOnce();
  const res = await pullOnce();
  if (res.status !== 200) throw new Error(`pull: ${res.status} ${res.body.slice(0, 300)}`);
  const body = JSON.parse(res.body) as PullResponse;
  if (body.has_more) throw new Error('a small delta should fit one pull');
  return {
    changes: body.changes.length,
    bytes: Buffer.byteLength(res.body),
    body: res.body,
    queries: queriesOf(res.headers as { 'server-timing'?: string }),
  };
}

/**
 * The SQL statements of each teacher's steady-state pull, as the pull route sends them: the
 * route's own domain calls (authenticate, requireTeacherSchool, pull with a kept checksum),
 * run here against the server's SQLite file with Kysely's query log on. The floor replays them.
 */
export async function recordPullStatements(
  file: string,
  teachers: PullTeacher[],
): Promise<RecordedStatement[][]> {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  const statements = statementLog();
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: keepingStatements(sqlite) }),
    log: statements.log,
  });
  const checksums = new ChecksumCache({ maxRows: Number.MAX_SAFE_INTEGER, maxAgeMs: 3_600_000 });
  const once = async (t: PullTeacher) => {
    const user = await authenticate(db, t.token);
    if (!user) throw new Error(`floor: token of teacher ${t.userId} refused`);
    await requireTeacherSchool(db, user.id, t.schoolId);
    await pull(db, { teacherId: user.id, schoolId: t.schoolId }, t.cursor, undefined, checksums);
  };
  const all: RecordedStatement[][] = [];
  try {
    for (const t of teachers) {
      await once(t);
      all.push(await statements.record(() => once(t)));
    }
  } finally {
    await db.destroy();
  }
  return all;
}

export const pullUrl = (serverUrl: string, t: PullTeacher): string =>
  `${serverUrl}/api/sync/pull?school_id=${t.schoolId}&cursor=${encodeURIComponent(t.cursor)}`;

export interface LoadRound {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
}

export interface PullFigures {
  classdesk: LoadRound[];
  baseline: LoadRound[];
  /** The floor: the same SQL statements, replayed on node:http (the baseline process's /floor). */
  floor: LoadRound[];
  /** Dashboard latencies measured while the pull load ran, one list per round. */
  dashboardUnderLoad: number[][];
  dashboardIdle: number[];
  /** SQL queries of one dashboard request (Server-Timing). */
  dashboardQueries: number;
}

/**
 * Rounds alternate: `connections` keep-alive connections pulling from Classdesk for
 * `durationMs` (each connection one teacher, round robin) while one more connection asks for
 * a teacher's dashboard again and again; then the same load against the baseline's GET /body,
 * then against its GET /floor (each connection replaying its teacher's statements).
 */
export async function measurePull(
  serverUrl: string,
  baselineUrl: string,
  teachers: PullTeacher[],
  o: { connections: number; durationMs: number; rounds: number; idleDashboards: number },
): Promise<PullFigures> {
  const auth = (t: PullTeacher) => ({ authorization: `Bearer ${t.token}` });
  const classdesk = (ms: number) =>
    httpLoad(o.connections, ms, (w) => {
      const t = teachers[w % teachers.length]!;
      return { url: pullUrl(serverUrl, t), headers: auth(t) };
    });
  const baseline = (ms: number) => httpLoad(o.connections, ms, () => ({ url: `${baselineUrl}/body` }));
  const floor = (ms: number) =>
    httpLoad(o.connections, ms, (w) => ({ url: `${baselineUrl}/floor?t=${w % teachers.length}` }));
  const dash = teachers[0]!;
  const dashUrl = `${serverUrl}/api/dashboard?school_id=${dash.schoolId}&range=week`;

  const warm = Math.min(1000, o.durationMs);
  await classdesk(warm);
  await baseline(warm);
  await floor(warm);
  const dashboardIdle: number[] = [];
  let dashboardQueries = NaN;
  for (let i = 0; i < o.idleDashboards; i++) {
    const s = performance.now();
    const res = await request(dashUrl, { headers: auth(dash) });
    if (res.status !== 200) throw new Error(`dashboard: ${res.status} ${res.body.slice(0, 300)}`);
    dashboardIdle.push(performance.now() - s);
    dashboardQueries = queriesOf(res.headers as { 'server-timing'?: string });
  }
  const figures: PullFigures = {
    classdesk: [],
    baseline: [],
    floor: [],
    dashboardUnderLoad: [],
    dashboardIdle,
    dashboardQueries,
  };
  const summary = (run: Awaited<ReturnType<typeof httpLoad>>): LoadRound => ({
    rps: (run.requests / run.ms) * 1000,
    p50: quantile(run.latencies, 0.5),
    p99: quantile(run.latencies, 0.99),
    errors: run.errors,
    ...(run.firstError ? { firstError: run.firstError } : {}),
  });
  for (let r = 0; r < o.rounds; r++) {
    const load = classdesk(o.durationMs);
    const dashboards = await sequentialUntil(dashUrl, auth(dash), load);
    const c = summary(await load);
    if (dashboards.errors > 0) throw new Error(`dashboard under load: ${dashboards.errors} errors`);
    figures.classdesk.push(c);
    figures.dashboardUnderLoad.push(dashboards.latencies);
    const b = summary(await baseline(o.durationMs));
    figures.baseline.push(b);
    const f = summary(await floor(o.durationMs));
    figures.floor.push(f);
    progress(
      `pull round ${r + 1}: ${c.rps.toFixed(0)} req/s (baseline ${b.rps.toFixed(0)}, floor ${f.rps.toFixed(0)}), ` +
        `dashboard p99 under load ${quantile(dashboards.latencies, 0.99).toFixed(1)} ms` +
        (c.errors ? `, ${c.errors} errors: ${c.firstError}` : ''),
    );
  }
  return figures;
}
