/**
 * End-to-end fixture: Debian's Chromium (driven by playwright-core) on the real renderer, served
 * by the browser harness whose core talks to a real sync server — each test gets its own server
 * (SQLite, demo data), harness, data directory and browser context; the browser is per file.
 *
 * Chromium is required in CI (CI=true): there a missing binary fails the run. Elsewhere the
 * suites are skipped with a message saying how to get it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { beforeAll, test as base } from 'vitest';
import { ensureRendererBuilt, REPO_ROOT } from '../../../src/harness/build.js';
import { startHarness, type Harness } from '../../../src/harness/server.js';
import { signedIn, type TestApi } from '../../support/api-client.js';
import { demoIds, type DemoIds } from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server-fixture.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

export const CHROMIUM_PATH = process.env.CLASSDESK_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function chromiumPresent(): boolean {
  if (fs.existsSync(CHROMIUM_PATH)) return true;
  const why = `Chromium is not installed at ${CHROMIUM_PATH}`;
  if (process.env.CI)
    throw new Error(`${why}: it is required in CI (.ci/install-system-deps installs it with apt-get).`);
  console.warn(
    `[skipped] end-to-end tests: ${why} (apt-get install chromium, or set CLASSDESK_CHROMIUM); CI runs them.`,
  );
  return false;
}

/** Whether the end-to-end suites can run here (resolved once at import, for `describe.skipIf`). */
export const HAS_CHROMIUM = chromiumPresent();

// The real renderer, built when out/renderer is older than its sources (once per run: a lock
// serialises the workers). In a hook of its own so a slow build does not eat a test's time.
if (HAS_CHROMIUM)
  beforeAll(async () => {
    await ensureRendererBuilt({ log: (m) => console.log(`[e2e] ${m}`) });
  }, 300_000);

export const DEMO_PASSWORD = 'classdesk-demo';
export const VIEWPORT = { width: 1280, height: 800 };
/** Where `npm run screenshots` writes; elsewhere screenshots go under out/ (not committed). */
export const SCREENSHOT_DIR = path.resolve(
  REPO_ROOT,
  process.env.CLASSDESK_SCREENSHOTS_DIR ?? path.join('out', 'e2e-screenshots'),
);

/** What a test may change about its app (`test.override('appOptions', {...})`). */
export interface AppOptions {
  /** How long the app's requests wait for the server's answer (the app's default: 30 s). */
  requestTimeoutMs?: number;
}

/** One device: a harness (its own core and data directory) and a browser page on it. */
export interface Device {
  /** The device's network path to the server: `net.refuseAll()` cuts only this device off. */
  net: TcpProxy;
  harness: Harness;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and CSP violations seen so far (checked after every test). */
  problems: string[];
  /** Opens the app and signs in through the sign-in form; resolves once the dashboard shows. */
  signIn(email?: string): Promise<void>;
  /** Waits until the core is live (socket connected), idle and has nothing left to send. */
  settled(): Promise<void>;
  /** This device loses the network (the server stays up) until `online()`; the UI says Offline. */
  offline(): Promise<void>;
  online(): Promise<void>;
  /** Follows a link of the side navigation ("Dashboard", "Sessions", …). */
  go(section: string): Promise<void>;
  /** Closes the notification toasts on screen. */
  closeToasts(): Promise<void>;
  /** Sets the app's language (as Settings does) and reloads the page, which stays signed in. */
  useLanguage(language: 'en' | 'pt-PT'): Promise<void>;
}

export interface App extends Device {
  /** The sync server; `halt()` and `resume()` take it down and up (same port and data). */
  server: TestServer;
  ids: DemoIds;
  /** admin@classdesk.test, signed in against the server's HTTP API. */
  admin: TestApi;
  /**
   * A second device of the same teacher against the same server: another harness instance
   * with its own data directory and network path, in its own browser context. Closed with the test.
   */
  secondDevice(): Promise<Device>;
}

async function openDevice(
  browser: Browser,
  server: TestServer,
  options: AppOptions,
): Promise<{ device: Device; close: () => Promise<void> }> {
  const net = await TcpProxy.start(server.port);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-e2e-core-'));
  let harness: Harness | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close().catch(() => undefined);
    await harness?.close().catch(() => undefined);
    await net.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    harness = await startHarness({ serverUrl: net.url, dataDir, requestTimeoutMs: options.requestTimeoutMs });
    context = await browser.newContext({
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      colorScheme: 'light',
      reducedMotion: 'reduce',
      locale: 'en-GB',
      timezoneId: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // A violation is refused; notes such as "frame-ancestors is ignored in a <meta>" are not.
      if (m.type() === 'error' && /Refused to|violates the following Content Security Policy/i.test(m.text()))
        problems.push(`CSP: ${m.text()}`);
    });
    const h = harness;
    const status = page.getByRole('status').filter({ hasText: /Online|Offline|Syncing/ });
    const device: Device = {
      net,
      harness: h,
      context,
      page,
      problems,
      async signIn(email = 'ana@classdesk.test') {
        await page.goto(h.url);
        await page.getByLabel('Server address').fill(net.url);
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill(DEMO_PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('navigation').getByRole('link', { name: 'Dashboard', exact: true }).waitFor();
        await device.settled();
      },
      async settled() {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const engine = h.controller.device().engine;
          await engine.idle();
          const s = engine.status;
          if (s.online && s.live && s.pending === 0 && !s.syncing) return;
          if (Date.now() > deadline) throw new Error(`the core did not settle: ${JSON.stringify(s)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      async offline() {
        net.refuseAll();
        // The core notices at its next sync; the teacher's "Sync now" asks for one.
        await page.getByRole('button', { name: 'Sync now' }).click();
        await status.filter({ hasText: 'Offline' }).waitFor();
      },
      async online() {
        net.recover();
        await page.getByRole('button', { name: 'Sync now' }).click();
        await device.settled();
        await status.filter({ hasText: 'Online' }).waitFor();
      },
      async go(section) {
        await page.getByRole('navigation').getByRole('link', { name: section, exact: true }).click();
        await page.getByRole('heading', { level: 1 }).first().waitFor();
      },
      async closeToasts() {
        const close = page.getByRole('button', { name: 'Close notification' });
        while ((await close.count()) > 0) await close.first().click();
      },
      async useLanguage(language) {
        h.controller.setSettings({ language });
        await page.reload();
        await page.getByRole('navigation').waitFor();
        await page.locator(`html[lang="${language}"]`).waitFor();
      },
    };
    return { device, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function openApp(
  browser: Browser,
  options: AppOptions,
): Promise<{ app: App; close: () => Promise<void> }> {
  const server = await startTestServer('sqlite');
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
    await server.stop();
  };
  try {
    const first = await openDevice(browser, server, options);
    closers.push(first.close);
    const ids = await demoIds(server.database.db);
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const others: Device[] = [];
    const app: App = Object.assign(first.device, {
      server,
      ids,
      admin,
      async secondDevice() {
        const d = await openDevice(browser, server, options);
        closers.push(d.close);
        others.push(d.device);
        return d.device;
      },
    });
    // Problems on any device of the test fail it.
    const own = app.problems;
    Object.defineProperty(app, 'problems', { get: () => [...own, ...others.flatMap((o) => o.problems)] });
    return { app, close };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}

/** `test` with an `app` fixture (a fresh server, harness and browser context per test) and a `browser` shared by the file. */
export const test = base.extend<{
  $test: { app: App; appOptions: AppOptions };
  $file: { browser: Browser };
}>({
  appOptions: {},
  browser: [
    // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      await use(browser);
      await browser.close();
    },
    { scope: 'file' },
  ],
  app: async ({ browser, appOptions }, use) => {
    const { app, close } = await openApp(browser, appOptions);
    try {
      await use(app);
      // Every screen ran under the app's real CSP without an error.
      if (app.problems.length > 0) throw new Error(`the page reported problems:\n${app.problems.join('\n')}`);
    } finally {
      await close();
    }
  },
});

/** Polls `fn` until it returns a truthy value (assertions on server rows that arrive by sync). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
