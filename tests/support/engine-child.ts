/**
 * A device in a process of its own, for crash tests (started by run-child.ts). It opens
 * the store in CLASSDESK_DATA_DIR, makes the edits of CLASSDESK_EDITS once, syncs, and prints
 * one JSON line with the sync summary. CLASSDESK_FAULT=point:n SIGKILLs the process at the
 * n-th hit of the engine's fault point `point` — no cleanup, no flush, like a power cut.
 *
 * The edits need their rows on the device, so a run that has not made them yet syncs first;
 * they are enqueued together with a marker (the list of their outbox ids) in one transaction,
 * so a restarted child never enqueues them twice and the test can find every accepted edit.
 */
import { Device } from '../../src/main/core/device.js';
import { MemorySecretStore, type FaultHook } from '../../src/main/core/ports.js';
import type { EngineOptions } from '../../src/main/core/sync/engine.js';
import { EDITS_MARKER, type ChildEdit } from './run-child.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';

function faultHook(spec: string | undefined): FaultHook {
  if (!spec) return () => undefined;
  const at = spec.lastIndexOf(':');
  const point = spec.slice(0, at);
  const n = Number(spec.slice(at + 1));
  let hits = 0;
  return (p) => {
    if (p === point && ++hits === n) process.kill(process.pid, 'SIGKILL');
  };
}

async function main(): Promise<void> {
  const env = process.env;
  const device = await Device.open({
    dataDir: env.CLASSDESK_DATA_DIR!,
    serverUrl: env.CLASSDESK_SERVER_URL!,
    userId: Number(env.CLASSDESK_USER_ID),
    secrets: new MemorySecretStore(),
    faults: faultHook(env.CLASSDESK_FAULT),
    engine: JSON.parse(env.CLASSDESK_ENGINE ?? '{}') as EngineOptions,
  });
  await device.setToken(env.CLASSDESK_TOKEN!);
  const { store, engine } = device;
  if (store.getMeta(EDITS_MARKER) === undefined) {
    await engine.syncAll();
    const edits = JSON.parse(env.CLASSDESK_EDITS ?? '[]') as ChildEdit[];
    // Nested better-sqlite3 transactions become savepoints: all the edits and the marker, or nothing.
    storeDatabase(store).sqlite.transaction(() => {
      const ids = edits.map((e) => engine.edit(e.type, e.args).id);
      store.setMeta(EDITS_MARKER, JSON.stringify(ids));
    })();
  }
  const summary = await engine.syncAll();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  await device.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
