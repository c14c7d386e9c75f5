/**
 * `npm run harness`: the desktop app's real UI and core in a browser, against a sync server
 * (CLASSDESK_SERVER_URL, default the one `npm start` runs). Builds the renderer when it is
 * missing or stale, then prints the address to open.
 *
 * Environment: CLASSDESK_SERVER_URL, CLASSDESK_HARNESS_PORT (default 4100, 0 for any),
 * CLASSDESK_HARNESS_DATA_DIR (default data/harness), CLASSDESK_HARNESS_DEBUG=1 for core logs.
 */
import path from 'node:path';
import { createLogger } from '../main/core/logger.js';
import { serverUrlFromEnv } from '../main/core/app/prefill.js';
import { silentLogger } from '../main/core/ports.js';
import { ensureRendererBuilt, REPO_ROOT } from './build.js';
import { startHarness } from './server.js';

const DEFAULT_SERVER = 'http://127.0.0.1:4000';

/** Whether the sync server answers /readyz within a few seconds (it may be starting beside us). */
async function serverReady(url: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2000) });
      if (r.ok) return true;
    } catch {
      // not up (yet)
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main(): Promise<void> {
  const raw = process.env.CLASSDESK_SERVER_URL;
  const serverUrl = serverUrlFromEnv(raw ?? DEFAULT_SERVER);
  if (!serverUrl) {
    console.error(`CLASSDESK_SERVER_URL must be an http(s) address, not ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  const port = Number(process.env.CLASSDESK_HARNESS_PORT ?? 4100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('CLASSDESK_HARNESS_PORT must be a port number (0 for any free port)');
    process.exit(2);
  }
  const dataDir = path.resolve(
    process.env.CLASSDESK_HARNESS_DATA_DIR ?? path.join(REPO_ROOT, 'data', 'harness'),
  );

  await ensureRendererBuilt({ log: (m) => console.log(m), force: process.argv.includes('--build') });
  const harness = await startHarness({
    serverUrl,
    dataDir,
    port,
    logger: process.env.CLASSDESK_HARNESS_DEBUG ? createLogger(console) : silentLogger,
  });
  if (!(await serverReady(serverUrl)))
    console.warn(
      `\nNote: no sync server answers at ${serverUrl} (start one with \`npm start\` or \`npm run server\`). ` +
        'The app still opens, offline.',
    );
  console.log(
    [
      '',
      `Classdesk browser harness: open ${harness.url}`,
      `  sync server: ${serverUrl}   core data: ${dataDir}`,
      '  demo accounts (`npm start`, or DEMO_DATA=true): ana@classdesk.test, rui@classdesk.test (password in README.md)',
      '  Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  const stop = () => {
    harness.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('closing the harness failed:', e);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error('The Classdesk harness failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
