/**
 * With edits waiting, the device notices the server is back within seconds
 * (src/main/core/sync/engine.ts, `pendingPollMaxMs`): while the socket is down the poll backs
 * off, but never past the pending ceiling once the outbox holds an edit. The delays are read
 * from the engine's clock (what it scheduled), not timed; bench:sync measures the seconds.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemClock, type Clock } from '../../src/main/core/ports.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, startLive, type TestDevice } from '../support/device.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { until } from '../support/until.js';

const POLL_MIN = 50;
const PENDING_MAX = 200;

describe('reconnecting with edits waiting', () => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestDevice;
  const delays: number[] = [];
  const clock: Clock = {
    now: () => systemClock.now(),
    setTimeout: (fn, ms) => {
      // Only the poll's timers: the same clock also times the file downloads' stalls.
      if (new Error().stack?.includes('schedulePoll')) delays.push(ms);
      return systemClock.setTimeout(fn, ms);
    },
    clearTimeout: (h) => systemClock.clearTimeout(h),
  };

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ids = await demoIds(server.database.db);
    ana = await openTestDevice(server.url, 'ana@classdesk.test', {
      clock,
      engine: { pollMinMs: POLL_MIN, pollMaxMs: 60_000, pendingPollMaxMs: PENDING_MAX },
    });
    await startLive(ana);
  });
  afterAll(async () => {
    await ana?.close();
    fs.rmSync(ana?.dataDir ?? '', { recursive: true, force: true });
    await server?.stop();
  });

  test('the poll backs off while nothing waits, stays under the ceiling once an edit waits, and the edit lands when the server is back', async () => {
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select('id')
      .where('teacher_id', '=', ids.ana)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await server.halt();
    // Nothing waiting: the delay grows past the pending ceiling (50, 100, 200, 400, 800 ms …).
    await until(
      'the poll backing off',
      () => (delays.some((d) => d > PENDING_MAX * 3) ? true : undefined),
      15_000,
    );

    const before = delays.length;
    ana.engine.edit('update_lesson_notes', {
      session_id: session.id,
      lesson_notes: 'escrito com o servidor em baixo',
    });
    await until(
      'two polls with the edit waiting',
      () => (delays.length >= before + 2 ? true : undefined),
      15_000,
    );
    const whileWaiting = delays.slice(before);
    // ±25% jitter around at most the ceiling.
    for (const d of whileWaiting) expect(d).toBeLessThanOrEqual(PENDING_MAX * 1.25);

    await server.resume();
    await until('the outbox empty', () => (ana.store.pendingCount() === 0 ? true : undefined), 15_000);
    const row = await server.database.db
      .selectFrom('class_sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).toBe('escrito com o servidor em baixo');
  });
});
