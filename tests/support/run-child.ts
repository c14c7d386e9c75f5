/**
 * Runs children for crash and cluster tests: tests/support/engine-child.ts (a device) and
 * server/main.ts (a sync server, as `npm run server` starts it), and reports how they ended.
 *
 * The engine child is bundled once (esbuild, the compiler tsx and vite use) into one file under
 * node_modules/.cache: a bundled child starts in well under half the time `node --import tsx`
 * needs to compile its ~100 modules, and the crash tests start dozens of children.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { EngineOptions, SyncSummary } from '../../src/main/core/sync/engine.js';
import type { EditRequest } from '../../src/shared/ipc.js';

/** Meta key under which the child records the outbox ids of the edits it enqueued. */
export const EDITS_MARKER = 'test:edits';

export type ChildEdit = EditRequest;

export interface ChildOptions {
  dataDir: string;
  serverUrl: string;
  userId: number;
  token: string;
  edits: ChildEdit[];
  engine?: EngineOptions;
  /** `point:n`: SIGKILL at the n-th hit of the engine's fault point. */
  fault?: string;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The summary of a run that completed. */
  summary?: SyncSummary;
  stderr: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

let bundled: Promise<string> | undefined;
function childBundle(): Promise<string> {
  bundled ??= (async () => {
    const outfile = path.join(ROOT, 'node_modules/.cache/classdesk-tests/engine-child.mjs');
    // Test files in other workers may build at the same time: write aside, then rename (atomic).
    const partial = `${outfile}.${process.pid}.tmp`;
    fs.mkdirSync(path.dirname(outfile), { recursive: true });
    await build({
      entryPoints: [path.join(HERE, 'engine-child.ts')],
      outfile: partial,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Native modules stay outside; bundled CommonJS packages get a `require`.
      external: ['better-sqlite3', 'bufferutil', 'utf-8-validate'],
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'error',
    });
    fs.renameSync(partial, outfile);
    return outfile;
  })();
  return bundled;
}

export async function runEngineChild(o: ChildOptions): Promise<ChildExit> {
  const child = spawn(process.execPath, [await childBundle()], {
    env: {
      ...process.env,
      CLASSDESK_DATA_DIR: o.dataDir,
      CLASSDESK_SERVER_URL: o.serverUrl,
      CLASSDESK_USER_ID: String(o.userId),
      CLASSDESK_TOKEN: o.token,
      CLASSDESK_EDITS: JSON.stringify(o.edits),
      CLASSDESK_ENGINE: JSON.stringify(o.engine ?? {}),
      CLASSDESK_FAULT: o.fault ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1);
      resolve({
        code,
        signal,
        stderr,
        ...(code === 0 && last ? { summary: JSON.parse(last) as SyncSummary } : {}),
      });
    });
  });
}

export interface ServerChild {
  pid: number;
  /** Resolves with the server's URL once it listens; rejects when it exits before. */
  listening: Promise<string>;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote so far (pino's JSON lines and the start line). */
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `server/main.ts` through tsx in a process of its own with these environment variables
 * (PORT=0 gives an ephemeral port; the URL is read from the line it prints when listening).
 * Not bundled like the engine child: the server reads files relative to its own source.
 */
export function spawnServer(env: Record<string, string>): ServerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      const m = /Classdesk sync server on (http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    void exited.then(({ code, signal }) =>
      reject(new Error(`the server exited before listening (${code ?? signal}): ${stderr || stdout}`)),
    );
  });
  // A test that only waits for the exit (a refused configuration) does not await this.
  listening.catch(() => undefined);
  return {
    pid: child.pid!,
    listening,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
