/**
 * The moving parts of `npm run bench:load`: server processes (started, measured and always
 * killed), many WebSocket clients (socket.io or plain `ws`), a keep-alive HTTP load loop and
 * the statistics. tests/bench/load.bench.ts decides what to measure with them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import WebSocket from 'ws';
import type { ChildReply, ChildRequest, MemoryFigures } from './load-ipc.js';
import type { RecordedStatement } from './statement-log.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

// ---- statistics ------------------------------------------------------------------------------

export function quantile(xs: ArrayLike<number>, q: number): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}
export const median = (xs: number[]): number => quantile(xs, 0.5);

export async function within<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- server processes ----------------------------------------------------------------------

const children = new Set<ChildProcess>();

/** Kills every server process still running (SIGKILL): on error, Ctrl-C and exit. */
export function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
}

export interface ServerChild {
  url: string;
  /** Memory of the process after a full GC, and the sockets it holds. */
  memory(): Promise<MemoryFigures & { sockets: number }>;
  /** Baseline only: the body `GET /body` (and `GET /floor`) answers. */
  setBody(body: string): Promise<void>;
  /** Baseline only: the database file and per-teacher statements `GET /floor?t=I` replays. */
  setFloor(file: string, teachers: RecordedStatement[][]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts tests/bench/load-server.ts (Classdesk) or load-baseline.ts (bare node:http + ws) in a
 * process of its own, `node --expose-gc --import tsx`, talking over IPC.
 */
export async function startChild(
  kind: 'server' | 'baseline',
  env: Record<string, string>,
): Promise<ServerChild> {
  const file = path.join(HERE, kind === 'server' ? 'load-server.ts' : 'load-baseline.ts');
  // BENCH_LOAD_NODE_ARGS: extra flags for the Classdesk server processes, e.g. `--cpu-prof`.
  const extra = kind === 'server' ? (process.env.BENCH_LOAD_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];
  const proc = spawn(process.execPath, ['--expose-gc', ...extra, '--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(proc);
  let output = '';
  const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<never>((_, reject) =>
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      reject(new Error(`${kind} process ended (${signal ?? code}): ${output.trim()}`));
    }),
  );
  exited.catch(() => undefined);
  const next = <T extends ChildReply['type']>(type: T) =>
    Promise.race([
      new Promise<Extract<ChildReply, { type: T }>>((resolve) => {
        const on = (m: ChildReply) => {
          if (m.type !== type) return;
          proc.off('message', on);
          resolve(m as Extract<ChildReply, { type: T }>);
        };
        proc.on('message', on);
      }),
      exited,
    ]);
  const ask = <T extends ChildReply['type']>(req: ChildRequest, type: T) => {
    const reply = next(type);
    proc.send(req);
    return within(`${kind} ${req.type}`, reply, 60_000);
  };
  const ready = await within(`${kind} start`, next('ready'), 120_000);
  return {
    url: ready.url,
    memory: async () => {
      const { type: _, ...m } = await ask({ type: 'memory' }, 'memory');
      return m;
    },
    setBody: async (body) => {
      await ask({ type: 'body', body }, 'body-set');
    },
    setFloor: async (file, teachers) => {
      await ask({ type: 'floor', file, teachers }, 'floor-set');
    },
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null || proc.killed || !proc.connected) return;
      proc.send({ type: 'stop' } satisfies ChildRequest);
      await within(`${kind} stop`, exited, 15_000).catch((e: unknown) => {
        if (e instanceof Error && e.message.includes('nothing within')) proc.kill('SIGKILL');
      });
    },
  };
}

// ---- WebSocket clients ---------------------------------------------------------------------

/** One connected client of the fan-out; `notified` is called with the title of each notification. */
export interface LoadClient {
  connected(): boolean;
  onNotification(cb: (title: string) => void): void;
  close(): void;
}

/**
 * Source addresses for `count` connections to one server: one 127.0.0.x address per 20 000
 * connections, so they never run out of the 28 000 ephemeral ports of one address.
 */
export function localAddressOf(i: number, count: number): string | undefined {
  const addresses = Math.ceil(count / 20_000);
  return addresses > 1 ? `127.0.0.${1 + (i % addresses)}` : undefined;
}

/** A socket.io client as the desktop app opens it: websocket transport only, token in `auth`. */
export function socketIoClient(url: string, token: string, localAddress?: string): Promise<LoadClient> {
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress?: string } = {
    transports: ['websocket'],
    auth: { token },
    forceNew: true,
    reconnection: false,
    timeout: 120_000,
    ...(localAddress ? { localAddress } : {}),
  };
  const socket: Socket = io(url, options);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('connect_error');
      resolve({
        connected: () => socket.connected,
        onNotification: (cb) => socket.on('notification', (row: { title: string }) => cb(row.title)),
        close: () => socket.disconnect(),
      });
    });
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
  });
}

/** A plain WebSocket to the baseline server, in the set of its school. */
export function wsClient(
  url: string,
  school: number,
  user: number,
  localAddress?: string,
): Promise<LoadClient> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?school=${school}&user=${user}`, {
    ...(localAddress ? { localAddress } : {}),
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => undefined);
      resolve({
        connected: () => ws.readyState === WebSocket.OPEN,
        onNotification: (cb) =>
          ws.on('message', (data: Buffer) => {
            const m = JSON.parse(data.toString()) as { event: string; row: { title: string } };
            if (m.event === 'notification') cb(m.row.title);
          }),
        close: () => ws.close(),
      });
    });
    ws.once('error', reject);
  });
}

export interface Connected {
  clients: LoadClient[];
  failures: number;
  firstError?: string;
  ms: number;
}

/** Opens `count` clients, `concurrency` handshakes at a time; failed ones are counted, not retried. */
export async function connectAll(
  count: number,
  open: (i: number) => Promise<LoadClient>,
  concurrency = 200,
): Promise<Connected> {
  const clients: LoadClient[] = [];
  let failures = 0;
  let firstError: string | undefined;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        clients[i] = await open(i);
      } catch (e) {
        failures++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return {
    clients: clients.filter(Boolean),
    failures,
    ...(firstError ? { firstError } : {}),
    ms: performance.now() - t0,
  };
}

// ---- HTTP ------------------------------------------------------------------------------------

export interface HttpResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: {
          ...opts.headers,
          ...(opts.body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(opts.body) }
            : {}),
        },
        ...(opts.agent ? { agent: opts.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface LoadRun {
  requests: number;
  errors: number;
  firstError?: string;
  ms: number;
  latencies: number[];
}

/**
 * autocannon-like: `connections` keep-alive connections, each sending its next request as soon
 * as the previous answer is read in full, for `durationMs`. Counts answers with status 200.
 */
export async function httpLoad(
  connections: number,
  durationMs: number,
  target: (worker: number) => { url: string; headers?: Record<string, string> },
): Promise<LoadRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const run: LoadRun = { requests: 0, errors: 0, ms: 0, latencies: [] };
  const t0 = performance.now();
  const end = t0 + durationMs;
  const worker = async (w: number) => {
    const { url, headers } = target(w);
    while (performance.now() < end) {
      const s = performance.now();
      try {
        const res = await request(url, { ...(headers ? { headers } : {}), agent });
        if (res.status === 200) {
          run.requests++;
          run.latencies.push(performance.now() - s);
        } else {
          run.errors++;
          run.firstError ??= `${res.status} ${res.body.slice(0, 200)}`;
        }
      } catch (e) {
        run.errors++;
        run.firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  run.ms = performance.now() - t0;
  agent.destroy();
  return run;
}

/** Sequential requests to one URL until `until` resolves: latencies of the 200s, in ms. */
export async function sequentialUntil(
  url: string,
  headers: Record<string, string>,
  until: Promise<unknown>,
): Promise<{ latencies: number[]; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  let errors = 0;
  while (!done) {
    const s = performance.now();
    const res = await request(url, { headers, agent });
    if (res.status === 200) latencies.push(performance.now() - s);
    else errors++;
  }
  agent.destroy();
  return { latencies, errors };
}

// ---- fan-out -----------------------------------------------------------------------------------

export interface FanoutRound {
  /** ms from the POST being sent to each target client's receipt of the notification. */
  latencies: number[];
  /** Target clients that had not received it when the round timed out. */
  missing: number;
  /** Clients outside the school that received it (must be 0). */
  strays: number;
  /** ms until the POST's answer. */
  postMs: number;
  /** Per client (index as given): its time in ms, NaN when it did not receive it. */
  byClient: Float64Array;
}

/** Watches every client for the notification of the current round; `isTarget(i)`: client i must get it. */
export class Fanout {
  private title = '';
  private t0 = 0;
  private round = 0;
  private times: number[] = [];
  private byClient: Float64Array;
  private strays = 0;
  private resolve: (() => void) | undefined;
  private readonly targets: number;

  constructor(clients: LoadClient[], isTarget: (i: number) => boolean) {
    const seen = new Int32Array(clients.length);
    this.byClient = new Float64Array(clients.length);
    let targets = 0;
    clients.forEach((c, i) => {
      const target = isTarget(i);
      if (target) targets++;
      c.onNotification((title) => {
        if (title !== this.title || seen[i] === this.round) return;
        seen[i] = this.round;
        const ms = performance.now() - this.t0;
        this.byClient[i] = ms;
        if (!target) this.strays++;
        else if (this.times.push(ms) === this.targets) this.resolve?.();
      });
    });
    this.targets = targets;
  }

  async run(
    title: string,
    post: () => Promise<{ status: number; body: string }>,
    timeoutMs: number,
  ): Promise<FanoutRound> {
    this.round++;
    this.title = title;
    this.times = [];
    this.strays = 0;
    this.byClient.fill(NaN);
    const all = new Promise<void>((r) => (this.resolve = r));
    this.t0 = performance.now();
    const res = await post();
    const postMs = performance.now() - this.t0;
    if (res.status !== 201) throw new Error(`announcement: ${res.status} ${res.body.slice(0, 300)}`);
    await within('fan-out', all, timeoutMs).catch(() => undefined);
    const latencies = this.times;
    this.resolve = undefined;
    return {
      latencies,
      missing: this.targets - latencies.length,
      strays: this.strays,
      postMs,
      byClient: this.byClient.slice(),
    };
  }
}
