/**
 * docs/ARCHITECTURE.md invariants 2 and 3 over a bad network: the device reaches the server through a TCP
 * proxy that cuts, resets or stalls a connection in the middle of a pull or a push (after some
 * bytes of the request or of the response). Each broken sync fails as "offline"; once the
 * network recovers, a sync completes, every edit is on the server exactly once, and the device
 * converges with an intact database.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TransportError } from '../../src/main/core/sync/transport.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, type TestDevice } from '../support/device.js';
import { TcpProxy, type ArmedFault } from '../support/tcp-proxy.js';
import {
  changeLogHead,
  editableRows,
  expectAppliedExactlyOnce,
  expectDeviceSettled,
  integrity,
  planEdits,
} from '../support/sync-audit.js';

const PULL = /^GET \/api\/sync\/pull/;
const PUSH = /^POST \/api\/sync\/push/;
/** Short, so a stalled request fails fast; long enough for any healthy request here. */
const REQUEST_TIMEOUT_MS = 2_500;

describe('sync through a network that breaks mid-transfer', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let ids: DemoIds;
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite', { RATE_LIMIT_SYNC_PER_MIN: '100000' });
    proxy = await TcpProxy.start(server.port);
    ids = await demoIds(server.database.db);
  });
  afterAll(async () => {
    for (const d of devices) {
      await d.close();
      fs.rmSync(d.dataDir, { recursive: true, force: true });
    }
    await proxy?.close();
    await server?.stop();
  });

  async function device(engine: { pullLimit: number; pushBatch?: number }): Promise<TestDevice> {
    const d = await openTestDevice(proxy.url, 'ana@classdesk.test', {
      loginUrl: server.url,
      engine,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    devices.push(d);
    return d;
  }

  /** Arms one fault, syncs, and expects the sync to fail as offline because of it. */
  async function syncThrough(d: TestDevice, fault: ArmedFault): Promise<void> {
    let fired = false;
    const armed = proxy.arm(fault).then(() => (fired = true));
    const error = await d.engine.syncAll().then(
      () => undefined,
      (e: unknown) => e,
    );
    const label = `${fault.action} ${fault.direction} after ${fault.afterBytes} bytes of ${String(fault.request)}`;
    expect(fired, `${label}: the fault met its request`).toBe(true);
    expect(error, label).toBeInstanceOf(TransportError);
    expect({ label, kind: (error as TransportError).kind }).toEqual({ label, kind: 'offline' });
    await armed;
    proxy.recover();
  }

  test('a first sync broken four times mid-pull resumes where it stopped and converges', async () => {
    const d = await device({ pullLimit: 10 });
    // ~13 batches per school; each broken sync keeps the batches it applied.
    await syncThrough(d, { request: PULL, direction: 'down', afterBytes: 700, action: 'cut', skip: 2 });
    const resumedAt = d.store.syncState(ids.norte)?.done;
    expect(resumedAt).toBe(20);
    await syncThrough(d, { request: PULL, direction: 'down', afterBytes: 700, action: 'reset', skip: 4 });
    await syncThrough(d, { request: PULL, direction: 'down', afterBytes: 700, action: 'stall', skip: 3 });
    await syncThrough(d, { request: PULL, direction: 'up', afterBytes: 20, action: 'cut', skip: 3 });

    const summary = await d.engine.syncAll();
    expect(summary.schools.map((s) => s.schoolId).sort()).toEqual([ids.norte, ids.sul].sort());
    for (const s of summary.schools) expect(s, `school ${s.schoolId}`).toMatchObject({ verified: true });
    expect(integrity(d.store)).toBe('ok');
    for (const v of await d.engine.verify()) expect(v).toMatchObject({ match: true });
  });

  test('pushes and pulls broken nine ways: every edit lands exactly once and the device converges', async () => {
    const d = await device({ pullLimit: 5, pushBatch: 2 });
    await d.engine.syncAll();
    const sessions: number[] = [];
    const enrolments: Array<{ id: number; attendance: string }> = [];
    for (const school of [ids.norte, ids.sul]) {
      const rows = await editableRows(server.database.db, ids.ana, school);
      sessions.push(...rows.sessions.slice(4, 6));
      enrolments.push(rows.enrolments[3]!);
    }
    const plan = planEdits('network', sessions, enrolments, 4);
    const sinceSeq = await changeLogHead(server.database.db);
    const outboxIds = plan.edits.map((e) => d.engine.edit(e.type, e.args).id);

    // The server applies a batch whose answer never arrives...
    await syncThrough(d, { request: PUSH, direction: 'down', afterBytes: 100, action: 'cut', skip: 1 });
    await syncThrough(d, { request: PUSH, direction: 'down', afterBytes: 250, action: 'reset', skip: 1 });
    await syncThrough(d, { request: PUSH, direction: 'down', afterBytes: 0, action: 'stall', skip: 1 });
    // ...or never receives the whole request.
    await syncThrough(d, { request: PUSH, direction: 'up', afterBytes: 300, action: 'cut' });
    await syncThrough(d, { request: PUSH, direction: 'up', afterBytes: 300, action: 'reset', skip: 1 });
    await syncThrough(d, { request: PUSH, direction: 'up', afterBytes: 300, action: 'stall' });
    expect(d.store.pendingCount()).toBeGreaterThan(0);
    // The rest of the outbox goes out; the pull of the edits' changes breaks.
    await syncThrough(d, { request: PULL, direction: 'down', afterBytes: 400, action: 'cut', skip: 1 });
    expect(d.store.pendingCount()).toBe(0);
    await syncThrough(d, { request: PULL, direction: 'down', afterBytes: 400, action: 'reset', skip: 1 });
    await syncThrough(d, { request: PULL, direction: 'down', afterBytes: 400, action: 'stall' });

    const summary = await d.engine.syncAll();
    for (const s of summary.schools) expect(s, `school ${s.schoolId}`).toMatchObject({ verified: true });
    await expectDeviceSettled(d, plan, [ids.norte, ids.sul]);
    await expectAppliedExactlyOnce(server.database.db, {
      userId: ids.ana,
      clientId: d.store.clientId,
      outboxIds,
      plan,
      sinceSeq,
    });
  });
});
