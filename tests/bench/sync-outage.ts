/**
 * bench:sync's "server back → outbox empty": how long edits made during a server outage wait
 * after the server is back. Two devices of the same teacher live through the same outages: the
 * app as shipped (the poll stays under `pendingPollMaxMs` while edits wait) and, as the baseline
 * in the same run, the same engine without that ceiling (the poll backs off to its 5-minute
 * maximum, as before). Each round: both devices live, the server stops, halfway through the
 * outage each device makes one edit, the server starts again on the same port and data after
 * `downMs`, and the time until each outbox is empty is taken.
 */
import type { Device } from '../../src/main/core/device.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { loadConfig } from '../../server/config.js';

export interface OutageRound {
  shippedMs: number;
  baselineMs: number;
}

async function until(what: string, probe: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function benchOutage(opts: {
  server: RunningServer;
  env: Record<string, string>;
  shipped: Device;
  baseline: Device;
  sessionId: number;
  rounds: number;
  downMs: number;
  /** Called with the restarted server (the caller keeps closing the current one). */
  replaced(server: RunningServer): void;
}): Promise<OutageRound[]> {
  let server = opts.server;
  const devices = [opts.shipped, opts.baseline];
  for (const d of devices) d.engine.start();
  const rounds: OutageRound[] = [];
  for (let i = 0; i < opts.rounds; i++) {
    for (const d of devices)
      await until('device live', () => d.engine.status.live && !d.engine.status.syncing, 60_000);
    const port = server.port;
    await server.close();
    for (const [n, d] of devices.entries())
      d.engine.edit('update_lesson_notes', {
        session_id: opts.sessionId,
        lesson_notes: `outage ${i} device ${n}`,
      });
    await new Promise((r) => setTimeout(r, opts.downMs));
    server = await startServer(loadConfig({ ...opts.env, PORT: String(port) }), { scheduler: false });
    opts.replaced(server);
    const back = performance.now();
    const done: number[] = [];
    await Promise.all(
      devices.map(async (d, n) => {
        // The baseline may wait up to its whole backoff: allow 6 minutes.
        await until('outbox empty', () => d.store.pendingCount() === 0, 6 * 60_000);
        done[n] = performance.now() - back;
      }),
    );
    rounds.push({ shippedMs: done[0]!, baselineMs: done[1]! });
  }
  for (const d of devices) d.engine.stop();
  return rounds;
}
