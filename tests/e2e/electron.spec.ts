/**
 * The real desktop app under Playwright's Electron driver: the built bundle (out/) launched with
 * the Electron binary, against a real sync server. It checks what only a running Electron can
 * show — the renderer has no Node, the contract is the only bridge, window.open and navigation
 * away are refused, permissions are denied, a teacher signs in and syncs through the preload,
 * closing the window keeps the app in the tray, and the window's bounds survive a restart.
 *
 * Self-contained (no Playwright config): run with `npm run test:electron`. Where the Electron
 * binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1, offline machines) or there is no
 * display, every test is reported as skipped with the reason — never as passed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

function electronBinary(): string | null {
  try {
    const exe = require('electron') as unknown as string;
    return typeof exe === 'string' && fs.existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

const electronPath = electronBinary();
const electronVersion = (require('electron/package.json') as { version: string }).version;
const nativeBinding = path.join(
  root,
  'native',
  'electron',
  `electron-v${electronVersion}-${process.platform}-${process.arch}`,
  'better_sqlite3.node',
);
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

const SKIP_NO_ELECTRON =
  'the Electron binary is not installed here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline): run `node node_modules/electron/install.js` with network access';
const SKIP_NO_DISPLAY = 'no display to open a window on: run under `xvfb-run -a npm run test:electron`';
const SKIP_NO_SQLITE =
  "better-sqlite3 is not built for Electron's ABI (native/electron/ is missing): run `npm run native:electron` with network access";

if (!electronPath) console.warn(`[skipped] Electron end-to-end tests: ${SKIP_NO_ELECTRON}`);
else if (noDisplay) console.warn(`[skipped] Electron end-to-end tests: ${SKIP_NO_DISPLAY}`);

test.describe.configure({ mode: 'serial', timeout: 120_000 });
test.skip(!electronPath, SKIP_NO_ELECTRON);
test.skip(noDisplay, SKIP_NO_DISPLAY);

let userData: string;
let app: ElectronApplication | undefined;

async function launch(): Promise<{ app: ElectronApplication; page: Page }> {
  const a = await _electron.launch({
    executablePath: electronPath!,
    // Chromium refuses to run as root (CI containers) without turning its OS sandbox off; the
    // renderer's Electron sandbox (sandbox: true) still applies.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root],
    cwd: root,
    env: {
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          (e): e is [string, string] => e[1] !== undefined && e[0] !== 'ELECTRON_RENDERER_URL',
        ),
      ),
      CLASSDESK_USER_DATA_DIR: userData,
      CLASSDESK_DISABLE_UPDATES: '1',
    },
    timeout: 60_000,
  });
  const page = await a.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app: a, page };
}

/** Quits for real (the window's close only hides it to the tray). */
async function quit(a: ElectronApplication): Promise<void> {
  const exited = new Promise<void>((r) => a.process().once('exit', () => r()));
  await a.evaluate(({ app: electronApp }) => electronApp.quit());
  await exited;
}

test.beforeAll(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-electron-e2e-'));
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
});

test.afterEach(async () => {
  if (app) await quit(app).catch(() => app?.close());
  app = undefined;
});

test.afterAll(() => {
  if (userData) fs.rmSync(userData, { recursive: true, force: true });
});

test('the renderer has no Node and reaches the core only through the contract', async () => {
  const launched = await launch();
  app = launched.app;
  const { page } = launched;
  expect(await page.evaluate(() => [typeof require, typeof process, typeof module])).toEqual([
    'undefined',
    'undefined',
    'undefined',
  ]);
  const channels = await page.evaluate(() =>
    Object.entries((window as unknown as { classdesk: Record<string, unknown> }).classdesk).map(
      ([k, v]) => `${k}:${typeof v}`,
    ),
  );
  expect(channels).toContain('app:info:function');
  expect(channels).toContain('onEvent:function');
  expect(channels.every((c) => c.endsWith(':function'))).toBe(true);
  const info = await page.evaluate(() =>
    (window as unknown as { classdesk: { 'app:info'(): Promise<unknown> } }).classdesk['app:info'](),
  );
  expect(info).toMatchObject({ ok: true, value: { harness: false } });
  await expect(page).toHaveTitle('Classdesk');
});

test('the window runs sandboxed, with the CSP, and refuses to leave the app', async () => {
  const launched = await launch();
  app = launched.app;
  const { page } = launched;
  // sandboxed, without Node: the page sees neither require nor process (checked above too)
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  const csp = await page.evaluate(
    () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
  );
  expect(csp).toContain("script-src 'self'");

  // window.open never opens anything
  expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
  expect(app.windows()).toHaveLength(1);
  // navigating away is refused: the page stays the app's own file
  const before = page.url();
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  expect(page.url().startsWith('file://')).toBe(true);
  // web permissions are denied without asking
  expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
});

test('a teacher signs in against the sync server and syncs through the preload', async () => {
  test.skip(!fs.existsSync(nativeBinding), SKIP_NO_SQLITE);
  const { startTestServer } = await import('../support/server-fixture.js');
  const server = await startTestServer('sqlite');
  try {
    const launched = await launch();
    app = launched.app;
    const { page } = launched;
    const call = (channel: string, ...args: unknown[]) =>
      page.evaluate(
        ([c, a]) =>
          (window as unknown as { classdesk: Record<string, (...x: unknown[]) => Promise<unknown>> })
            .classdesk[c]!(...a),
        [channel, args] as const,
      );
    const signIn = (await call('auth:signIn', {
      serverUrl: server.url,
      email: 'ana@classdesk.test',
      password: 'classdesk-demo',
    })) as { ok: boolean; value: { signedIn: boolean; tokenPersisted: boolean } };
    expect(signIn).toMatchObject({ ok: true, value: { signedIn: true } });
    await call('sync:now');
    const schools = (await call('schools:list')) as { ok: boolean; value: Array<{ name: string }> };
    expect(schools.value.map((s) => s.name).sort()).toEqual(['Escola Norte', 'Escola Sul']);
    // the token is on disk only where the OS encrypts it, and never in plaintext
    const secrets = path.join(userData, 'secrets.json');
    if (signIn.value.tokenPersisted) expect(fs.existsSync(secrets)).toBe(true);
    else expect(fs.existsSync(secrets)).toBe(false);
  } finally {
    await server.stop();
  }
});

test('closing the window keeps the app running in the tray', async () => {
  const launched = await launch();
  app = launched.app;
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
  const state = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => ({ destroyed: w.isDestroyed(), visible: w.isVisible() })),
  );
  expect(state).toEqual([{ destroyed: false, visible: false }]);
  expect(app.process().exitCode).toBeNull();
});

test('the window remembers its size and position across a restart', async () => {
  let launched = await launch();
  await launched.app.evaluate(({ BrowserWindow }) => {
    const w = BrowserWindow.getAllWindows()[0]!;
    w.unmaximize();
    w.setBounds({ x: 40, y: 60, width: 900, height: 640 });
  });
  await launched.page.waitForTimeout(800); // the state is saved shortly after a move/resize
  await quit(launched.app);
  launched = await launch();
  app = launched.app;
  const bounds = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows()[0]!.getNormalBounds(),
  );
  expect({ width: bounds.width, height: bounds.height }).toEqual({ width: 900, height: 640 });
});
