/**
 * The benchmarks in quick mode run to the end and produce every figure:
 * - `npm run bench:load -- --quick --json`: the sockets asked for are all held, every
 *   notification arrives, the pull answers without errors;
 * - `npm run bench:pull -- --quick --json`: every statement of the pull is timed and returns rows.
 * No timing is asserted: this checks the benchmarks, not the machine.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Output {
  options: { sockets: number; teachers: number };
  database: string;
  figures: Record<string, { classdesk: number; baseline: number | null }>;
  redis: { skipped: string } | { database: string; processes: number };
}

function runBench(
  file: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // The load bench kills its own server processes on SIGTERM.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lastLine = (stdout: string): unknown => JSON.parse(stdout.trim().split('\n').at(-1)!);

test('the load benchmark in --quick mode produces every figure', { timeout: 180_000 }, async () => {
  const run = await runBench('tests/bench/load.bench.ts', ['--quick', '--json', '--duration', '1'], 170_000);
  expect(run.code, run.stderr).toBe(0);
  const out = lastLine(run.stdout) as Output;
  const f = out.figures;
  expect(out.database).toBe('SQLite');

  const ids = [
    'sockets.held',
    'sockets.serverHeld',
    'sockets.heapPerSocketKiB',
    'sockets.externalPerSocketKiB',
    'sockets.rssPerSocketKiB',
    'sockets.connectsPerSecond',
    'fanout.p50Ms',
    'fanout.p99Ms',
    'fanout.lastMs',
    'fanout.postMs',
    'fanout.missing',
    'fanout.strays',
    'pull.rps',
    'pull.p50Ms',
    'pull.p99Ms',
    'pull.errors',
    'dashboard.p50Ms',
    'dashboard.p99Ms',
  ];
  const redisIds = ids
    .filter((id) => id.startsWith('sockets.') || id.startsWith('fanout.'))
    .map((id) => `redis.${id}`);
  // Figures of the single process only: the references measured beside the baseline.
  const references = [
    'sockets.socketIoAloneHeapPerSocketKiB',
    'sockets.socketIoAloneRssPerSocketKiB',
    'pull.floorRps',
  ];
  const expected = [...references, ...('skipped' in out.redis ? ids : [...ids, ...redisIds])];
  for (const id of expected) {
    expect(f[id], id).toBeDefined();
    expect(Number.isFinite(f[id]!.classdesk), `${id} classdesk`).toBe(true);
    expect(Number.isFinite(f[id]!.baseline), `${id} baseline`).toBe(true);
  }
  if ('skipped' in out.redis) expect(out.redis.skipped).toMatch(/\w/);

  for (const prefix of ['sockets', ...('skipped' in out.redis ? [] : ['redis.sockets'])]) {
    const requested = prefix === 'sockets' ? out.options.sockets : out.options.teachers;
    for (const side of ['classdesk', 'baseline'] as const) {
      expect(f[`${prefix}.held`]![side], `${prefix} ${side}`).toBe(requested);
      expect(f[`${prefix}.serverHeld`]![side], `${prefix} ${side} (server)`).toBe(requested);
    }
  }
  const zero = ['fanout.missing', 'fanout.strays', 'pull.errors'];
  for (const id of [...zero, ...('skipped' in out.redis ? [] : ['redis.fanout.missing'])]) {
    expect(f[id], id).toEqual({ classdesk: 0, baseline: 0 });
  }
  expect(f['pull.rps']!.classdesk).toBeGreaterThan(0);
  expect(f['pull.floorRps']!.classdesk).toBeGreaterThan(0);
});

test(
  'the pull anatomy benchmark in --quick mode times every statement of the pull',
  { timeout: 120_000 },
  async () => {
    const run = await runBench('tests/bench/pull.bench.ts', ['--quick', '--json'], 110_000);
    expect(run.code, run.stderr).toBe(0);
    const out = lastLine(run.stdout) as {
      changes: number;
      statements: Array<{ label: string; us: number; rows: number }>;
      floor: number;
      domain: Record<string, number>;
    };
    // One session edited: the session, its enrolments and their students.
    expect(out.changes).toBeGreaterThan(1);
    const tables = out.statements.flatMap((s) => s.label.split(' ⋈ '));
    for (const table of ['auth_tokens', 'memberships', 'sync_changes', 'class_sessions', 'enrolments'])
      expect(tables, table).toContain(table);
    for (const s of out.statements) {
      expect(s.rows, s.label).toBeGreaterThan(0);
      expect(Number.isFinite(s.us) && s.us > 0, s.label).toBe(true);
    }
    expect(Object.keys(out.domain)).toEqual(['authenticate', 'requireTeacherSchool', 'pull']);
    for (const us of Object.values(out.domain)) expect(Number.isFinite(us) && us > 0).toBe(true);
  },
);
