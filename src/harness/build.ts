/**
 * Builds what the harness serves: the real renderer (`electron-vite build` → out/renderer, the
 * very files the Electron app loads) when it is missing or older than its sources, and the
 * harness preload (one classic script, kept in memory).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(REPO_ROOT, 'out', 'renderer');

/** What the renderer bundle is made from: a change to any of these makes out/renderer stale. */
const RENDERER_SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package-lock.json'];

function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** What the admin console (served by the server at /admin/) is made from. */
const CONSOLE_SOURCES = [
  'src/console',
  'src/shared',
  'src/renderer/src/styles.css',
  'src/renderer/src/i18n',
  'console.vite.config.ts',
  'package-lock.json',
];

function staleReason(root: string, out: string, sources: string[]): string | null {
  const index = path.join(root, 'out', out, 'index.html');
  if (!fs.existsSync(index)) return `out/${out} is missing`;
  const built = fs.statSync(index).mtimeMs;
  for (const src of sources)
    if (newestMtime(path.join(root, src)) > built) return `${src} changed since the last build`;
  return null;
}

/** Why out/renderer must be (re)built, or null when it is up to date. */
export function rendererStaleReason(root = REPO_ROOT): string | null {
  return staleReason(root, 'renderer', RENDERER_SOURCES);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One build at a time per checkout (test files run in parallel workers): a lock directory,
 * taken atomically; a lock older than ten minutes is a crashed build and is broken.
 */
async function withBuildLock<T>(root: string, fn: () => Promise<T>, what = 'renderer'): Promise<T> {
  const key = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const lock = path.join(os.tmpdir(), `classdesk-${what}-build-${key}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 10 * 60_000) fs.rmSync(lock, { recursive: true });
      } catch {
        // released meanwhile
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function runBuild(root: string, tool = 'electron-vite', args = ['build']): Promise<void> {
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${tool}.cmd` : tool);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${tool} ${args.join(' ')} failed (exit ${code}):\n${output.split('\n').slice(-40).join('\n')}`,
          ),
        );
    });
  });
}

/** Builds out/renderer when it is missing or stale (or always with `force`). */
export async function ensureRendererBuilt(
  o: { root?: string; force?: boolean; log?: (msg: string) => void } = {},
): Promise<string> {
  const root = o.root ?? REPO_ROOT;
  const dir = path.join(root, 'out', 'renderer');
  if (!o.force && rendererStaleReason(root) === null) return dir;
  await withBuildLock(root, async () => {
    // Another worker may have built it while this one waited for the lock.
    const reason = o.force ? 'a build was asked for' : rendererStaleReason(root);
    if (reason === null) return;
    o.log?.(`Building the renderer (${reason})…`);
    await runBuild(root);
  });
  return dir;
}

/**
 * Builds the admin console (`npm run build:console` → out/console) when it is missing or older
 * than its sources (or always with `force`); the server serves that directory at /admin/.
 */
export async function ensureConsoleBuilt(
  o: { root?: string; force?: boolean; log?: (msg: string) => void } = {},
): Promise<string> {
  const root = o.root ?? REPO_ROOT;
  const dir = path.join(root, 'out', 'console');
  const reason = () => (o.force ? 'a build was asked for' : staleReason(root, 'console', CONSOLE_SOURCES));
  if (reason() === null) return dir;
  await withBuildLock(
    root,
    async () => {
      const why = reason();
      if (why === null) return;
      o.log?.(`Building the admin console (${why})…`);
      await runBuild(root, 'vite', ['build', '--config', 'console.vite.config.ts']);
    },
    'console',
  );
  return dir;
}

let preload: Promise<string> | undefined;

/** The harness preload (src/harness/browser/preload.ts) bundled into one classic script. */
export function buildPreload(): Promise<string> {
  preload ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [path.join(REPO_ROOT, 'src', 'harness', 'browser', 'preload.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      logLevel: 'silent',
    });
    const file = result.outputFiles[0];
    if (!file) throw new Error('the harness preload bundle came out empty');
    return file.text;
  })();
  preload.catch(() => (preload = undefined));
  return preload;
}
