/**
 * A straight sync path (src/main/core/sync/engine.ts): what one saved note costs on the wire for a
 * teacher in two schools, counted by the server itself (its request metrics). The edit pushes and
 * pulls its own school only, and the server's poke about the teacher's own write — already
 * pulled — is skipped.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, startLive, type TestDevice } from '../support/device.js';
import { Scrape } from '../support/prometheus.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { until } from '../support/until.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';

const TOKEN = randomBytes(24).toString('base64url');
const HTTP = 'classdesk_http_request_duration_seconds_count';

async function requestsByRoute(server: TestServer): Promise<Record<string, number>> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  const out: Record<string, number> = {};
  for (const s of new Scrape(await res.text()).samples)
    if (s.name === HTTP && s.labels.route) out[s.labels.route] = (out[s.labels.route] ?? 0) + s.value;
  return out;
}

describe('requests per saved note', () => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestDevice;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { METRICS_TOKEN: TOKEN });
    ids = await demoIds(server.database.db);
    ana = await openTestDevice(server.url, 'ana@classdesk.test');
    await startLive(ana, 2);
  });
  afterAll(async () => {
    await ana?.close();
    fs.rmSync(ana?.dataDir ?? '', { recursive: true, force: true });
    await server?.stop();
  });

  test('a teacher in two schools saves a note: one push and one pull of that school, and the poke is skipped', async () => {
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select('id')
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.sul)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const before = await requestsByRoute(server);
    const pokes: Array<{ schoolId: number; pulled: boolean }> = [];
    ana.engine.on('poke', (p) => pokes.push(p));

    ana.engine.edit('update_lesson_notes', { session_id: session.id, lesson_notes: 'Um só pedido de cada' });
    await until('the poke about the write', () => (pokes.length > 0 ? true : undefined));
    await ana.engine.idle();
    const after = await requestsByRoute(server);
    const delta = (route: string) => (after[route] ?? 0) - (before[route] ?? 0);

    expect(delta('/api/sync/push')).toBe(1);
    expect(delta('/api/sync/pull')).toBe(1);
    expect(delta('/api/me')).toBe(0);
    // The poke came (during the sync or after it) and cost no request of its own.
    expect(pokes.map((p) => p.schoolId)).toEqual([ids.sul]);
    const row = await server.database.db
      .selectFrom('class_sessions')
      .select(['lesson_notes', 'version'])
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).toBe('Um só pedido de cada');
    // The device holds the server's version of the row: the one pull brought it.
    const local = storeDatabase(ana.store)
      .sqlite.prepare('select version from sessions where id = ?')
      .get(session.id) as {
      version: number;
    };
    expect(local.version).toBe(row.version);
  });
});
