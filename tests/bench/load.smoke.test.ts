/**
 * `npm run bench:load -- --quick --json` runs to the end and produces every figure: the sockets
 * asked for are all held, every notification arrives, the pull answers without errors. No
 * timing is asserted: this checks the benchmark, not the machine.
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

function runQuickBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/bench/load.bench.ts', '--quick', '--json', '--duration', '1'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // The bench kills its own server processes on SIGTERM.
    const timer = setTimeout(() => child.kill('SIGTERM'), 170_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('the load benchmark in --quick mode produces every figure', { timeout: 180_000 }, async () => {
  const run = await runQuickBench();
  expect(run.code, run.stderr).toBe(0);
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Output;
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
