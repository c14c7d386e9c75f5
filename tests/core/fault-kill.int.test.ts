/**
 * docs/ARCHITECTURE.md invariants 2 and 3 under crashes: a device process is SIGKILLed at the sync
 * engine's named fault points — while it pulls a school for the first time, while it pushes its
 * offline edits (before a batch is sent, after the server applied it but before the device
 * recorded the answer, after it recorded it) and while it pulls its own changes back — and
 * restarted on the same data directory each time. In the end every edit it accepted is on the
 * server exactly once, nothing is left pending, its copy matches the server's checksum and its
 * database passes `PRAGMA integrity_check`.
 *
 * Each kill costs a process start, so the kills are chained: every restart is killed again at
 * the next point of the list and makes some progress before it dies; 16 kill points in all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Device, signIn } from '../../src/main/core/device.js';
import { MemorySecretStore } from '../../src/main/core/ports.js';
import type { EngineOptions, SyncSummary } from '../../src/main/core/sync/engine.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { EDITS_MARKER, runEngineChild } from '../support/run-child.js';
import {
  changeLogHead,
  editableRows,
  expectAppliedExactlyOnce,
  expectDeviceSettled,
  planEdits,
  type EditPlan,
} from '../support/sync-audit.js';

describe.concurrent('a device killed at the sync fault points', () => {
  let server: TestServer;
  let ids: DemoIds;
  /** Each test is a different teacher, so one's edits never show in the other's checksums. */
  const tokens = new Map<number, string>();
  const dirs: string[] = [];

  beforeAll(async () => {
    // Restarted devices re-pull in small batches: hundreds of requests, not what the rate limit is about.
    server = await startTestServer('sqlite', { RATE_LIMIT_SYNC_PER_MIN: '100000' });
    ids = await demoIds(server.database.db);
    for (const email of ['ana@classdesk.test', 'rui@classdesk.test']) {
      const { token, user } = await signIn(server.url, email, 'classdesk-demo');
      tokens.set(user.id, token);
    }
  });
  afterAll(async () => {
    await server?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Rows of the teacher the plan edits, in each school: sessions, and enrolments spread over sessions. */
  async function rowsFor(
    teacherId: number,
    schools: number[],
    perSchool: { sessions: number; enrolments: number },
  ) {
    const sessions: number[] = [];
    const enrolments: Array<{ id: number; attendance: string }> = [];
    for (const school of schools) {
      const rows = await editableRows(server.database.db, teacherId, school);
      sessions.push(...rows.sessions.slice(0, perSchool.sessions));
      enrolments.push(...rows.enrolments.filter((_, i) => i % 3 === 0).slice(0, perSchool.enrolments));
    }
    return { sessions, enrolments };
  }

  /**
   * Runs the child once per fault (each run must die by SIGKILL at it), then without a fault
   * until it completes, and audits the device and the server.
   */
  async function killAndRecover(
    teacher: { id: number; schools: number[] },
    plan: EditPlan,
    engine: EngineOptions,
    faults: string[],
  ): Promise<void> {
    const token = tokens.get(teacher.id)!;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-kill-'));
    dirs.push(dataDir);
    const sinceSeq = await changeLogHead(server.database.db);
    const child = { dataDir, serverUrl: server.url, userId: teacher.id, token, edits: plan.edits, engine };
    for (const fault of faults) {
      const run = await runEngineChild({ ...child, fault });
      expect({ fault, signal: run.signal, stderr: run.stderr }).toEqual({
        fault,
        signal: 'SIGKILL',
        stderr: '',
      });
    }
    let done: SyncSummary | undefined;
    let stderr = '';
    for (let attempt = 0; attempt < 3 && !done; attempt++)
      ({ summary: done, stderr } = await runEngineChild(child));
    expect(done, `the restarted device completes a sync: ${stderr}`).toBeDefined();
    for (const s of done!.schools) expect(s, `school ${s.schoolId}`).toMatchObject({ verified: true });

    const device = await Device.open({
      dataDir,
      serverUrl: server.url,
      userId: teacher.id,
      secrets: new MemorySecretStore(),
    });
    try {
      await device.setToken(token);
      await expectDeviceSettled(device, plan, teacher.schools);
      await expectAppliedExactlyOnce(server.database.db, {
        userId: teacher.id,
        clientId: device.store.clientId,
        outboxIds: JSON.parse(device.store.getMeta(EDITS_MARKER) ?? '[]') as string[],
        plan,
        sinceSeq,
      });
    } finally {
      await device.close();
    }
  }

  test('killed 6 times while pulling two schools for the first time, it resumes and its later edits land once', async () => {
    const ana = { id: ids.ana, schools: [ids.norte, ids.sul] };
    const rows = await rowsFor(ana.id, ana.schools, { sessions: 2, enrolments: 1 });
    const plan = planEdits('first-pull', rows.sessions, rows.enrolments, 3);
    // About 25 batches of 5 rows per school: the kills land in both schools' first pulls.
    await killAndRecover(ana, plan, { pullLimit: 5, pushBatch: 2 }, [
      'pull:before-apply:1',
      'pull:after-apply:1',
      'pull:before-apply:4',
      'pull:after-apply:6',
      'pull:before-apply:9',
      'pull:after-apply:12',
    ]);
  }, 180_000);

  test('killed 10 times while pushing 30 edits and pulling them back, every edit is applied exactly once', async () => {
    const rui = { id: ids.rui, schools: [ids.norte] };
    const rows = await rowsFor(rui.id, rui.schools, { sessions: 4, enrolments: 2 });
    const plan = planEdits('push', rows.sessions, rows.enrolments, 5);
    expect(plan.edits).toHaveLength(30);
    // 15 push batches of 2; the pull faults come after the outbox is empty, in the pull of the edits' changes.
    await killAndRecover(rui, plan, { pullLimit: 5, pushBatch: 2 }, [
      'push:before-send:1',
      'push:after-send:1',
      'push:after-settle:1',
      'push:before-send:3',
      'push:after-send:2',
      'push:after-settle:3',
      'pull:before-apply:1',
      'pull:after-apply:1',
      'pull:before-apply:2',
      'pull:after-apply:2',
    ]);
  }, 180_000);
});
