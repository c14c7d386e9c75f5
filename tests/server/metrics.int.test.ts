/**
 * `GET /metrics`: after real requests, a real socket.io connection, an admin announcement, pulls
 * and a scheduler run, the scraped figures move by exactly what happened (checked against the
 * database where it records the same thing); only a loopback caller or the METRICS_TOKEN
 * bearer may read them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { PullResponse } from '../../src/shared/protocol.js';
import { SERVER_VERSION } from '../../server/server.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { Scrape } from '../support/prometheus.js';

const TOKEN = randomBytes(24).toString('base64url');
const HTTP = 'classdesk_http_request_duration_seconds';
const PULL = 'classdesk_sync_pull_changes';

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(await res.text());
}

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe.each(dialectsHere())('metrics on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestApi & { userId: number };
  let admin: TestApi & { userId: number };

  beforeAll(async () => {
    server = await startTestServer(dialect, { METRICS_TOKEN: TOKEN });
    ids = await demoIds(server.database.db);
    ana = await signedIn(server.url, 'ana@classdesk.test');
    admin = await signedIn(server.url, 'admin@classdesk.test');
  });
  afterAll(() => server?.stop());

  test('request latency is counted by route template, method and status class, never by URL', async () => {
    const me = { route: '/api/me', method: 'GET', status_class: '2xx' };
    const read = { route: '/api/notifications/:id/read', method: 'POST', status_class: '4xx' };
    const before = await scrape(server);
    for (let i = 0; i < 3; i++) expect((await ana.get('/api/me')).status).toBe(200);
    const missing = [987_654_321, 987_654_322];
    for (const id of missing) expect((await ana.post(`/api/notifications/${id}/read`)).status).toBe(404);
    const after = await scrape(server);

    expect(after.value(`${HTTP}_count`, me) - before.value(`${HTTP}_count`, me)).toBe(3);
    expect(after.value(`${HTTP}_count`, read) - before.value(`${HTTP}_count`, read)).toBe(2);
    // Every observation lands in the +Inf bucket; the count is that bucket.
    expect(after.value(`${HTTP}_bucket`, { ...me, le: '+Inf' })).toBe(after.value(`${HTTP}_count`, me));
    for (const id of missing) expect(after.text).not.toContain(String(id));
    const routes = new Set(after.all(`${HTTP}_count`).map((s) => s.labels.route));
    for (const r of routes) expect(r === 'unmatched' || !/\/\d+(\/|$)/.test(r!), r).toBe(true);
  });

  test('the connected-sockets gauge is 1 while a socket is connected and 0 after it leaves', async () => {
    expect((await scrape(server)).value('classdesk_socket_connections')).toBe(0);
    const socket = await connect(server.url, ana.token!);
    expect((await scrape(server)).value('classdesk_socket_connections')).toBe(1);
    socket.disconnect();
    // The server learns of the close a moment later: wait for it, without timing anything.
    await expect
      .poll(async () => (await scrape(server)).value('classdesk_socket_connections'), { timeout: 10_000 })
      .toBe(0);
  });

  test("an announcement's pokes and notifications are counted, matching the change log and the rows", async () => {
    const socket = await connect(server.url, ana.token!);
    const poked = new Promise<unknown>((resolve) => socket.once('poke', resolve));
    try {
      const db = server.database.db;
      const seqBefore =
        (
          await db
            .selectFrom('sync_changes')
            .select((eb) => eb.fn.max('seq').as('m'))
            .executeTakeFirst()
        )?.m ?? 0;
      const before = await scrape(server);
      const title = `Metrics ${randomBytes(4).toString('hex')}`;
      const r = await admin.post(`/api/admin/schools/${ids.norte}/announcements`, { title, message: 'm' });
      expect(r.status).toBe(201);
      await poked;
      const after = await scrape(server);

      const notified = await db
        .selectFrom('notifications')
        .select('user_id')
        .where('type', '=', 'school_announcement')
        .where('title', '=', title)
        .execute();
      expect(notified.length).toBeGreaterThan(1);
      const delta = (name: string) => after.value(name) - before.value(name);
      expect(delta('classdesk_realtime_notifications_total')).toBe(notified.length);

      // The write touched the school-wide announcement and each notified teacher's row; one poke
      // to the school's room covers the teachers' rooms of that school, so exactly one is sent.
      const logged = await db
        .selectFrom('sync_changes')
        .select(['school_id', 'teacher_id'])
        .where('seq', '>', Number(seqBefore))
        .execute();
      const rooms = new Set(logged.map((c) => `${c.school_id}/${c.teacher_id ?? 'school'}`));
      expect(rooms.size).toBe(notified.length + 1);
      expect(delta('classdesk_realtime_pokes_total')).toBe(1);
    } finally {
      socket.disconnect();
    }
  });

  test('each pull response is observed with its number of changes, full and delta apart', async () => {
    const before = await scrape(server);
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const r = await ana.get<PullResponse>('/api/sync/pull', { school_id: ids.norte, limit: 40, cursor });
      expect(r.status).toBe(200);
      sizes.push(r.body.changes.length);
      cursor = r.body.cursor;
      if (!r.body.has_more) break;
    }
    expect(sizes.length).toBeGreaterThan(1);
    await admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
      title: 'After the pull',
      message: 'm',
    });
    const delta = await ana.get<PullResponse>('/api/sync/pull', { school_id: ids.norte, cursor });
    expect(delta.body.changes.length).toBeGreaterThan(0);
    const after = await scrape(server);

    const full = { mode: 'full' };
    const inc = { mode: 'delta' };
    const moved = (name: string, labels: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(moved(`${PULL}_count`, full)).toBe(sizes.length);
    expect(moved(`${PULL}_sum`, full)).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(moved(`${PULL}_count`, inc)).toBe(1);
    expect(moved(`${PULL}_sum`, inc)).toBe(delta.body.changes.length);
    // Buckets are cumulative: batches of at most 50 changes all fall in le="50".
    expect(moved(`${PULL}_bucket`, { ...full, le: '50' })).toBe(sizes.length);
  });

  test('a scheduler run is counted with the reminders it created, its lag and its lease', async () => {
    const db = server.database.db;
    // A class starting within the reminder lead time, so the run has a reminder to create.
    const starts = Date.now() + 5 * 60_000;
    const created = await admin.post(`/api/admin/schools/${ids.norte}/sessions`, {
      teacher_id: ids.ana,
      title: `Metrics class ${randomBytes(4).toString('hex')}`,
      starts_at: new Date(starts).toISOString(),
      ends_at: new Date(starts + 45 * 60_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const reminders = async () =>
      Number(
        (
          await db
            .selectFrom('notifications')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('type', '=', 'session_reminder')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const remindersBefore = await reminders();
    const before = await scrape(server);
    server.scheduler.start();
    await expect.poll(() => server.scheduler.lastRun, { timeout: 10_000 }).toBeDefined();
    // The only process on this database holds the lease until it stops.
    expect((await scrape(server)).value('classdesk_scheduler_leader')).toBe(1);
    await server.scheduler.stop();
    const after = await scrape(server);
    expect(after.value('classdesk_scheduler_leader')).toBe(0);

    const delta = (name: string) => after.value(name) - before.value(name);
    expect(delta('classdesk_scheduler_runs_total')).toBe(server.scheduler.totals.runs);
    expect(server.scheduler.totals.runs).toBeGreaterThanOrEqual(1);
    expect(delta('classdesk_scheduler_reminders_total')).toBe((await reminders()) - remindersBefore);
    expect(delta('classdesk_scheduler_reminders_total')).toBeGreaterThanOrEqual(1);
    expect(after.value('classdesk_scheduler_lag_seconds')).toBe(server.scheduler.lastRun!.lagMs / 1000);
  });

  test('the database pool is reported for what it is', async () => {
    const s = await scrape(server);
    if (dialect === 'postgres') {
      const total = s.value('classdesk_db_pool_connections', { dialect, state: 'total' });
      const idle = s.value('classdesk_db_pool_connections', { dialect, state: 'idle' });
      expect(total).toBeGreaterThanOrEqual(1);
      expect(idle).toBeLessThanOrEqual(total);
      expect(s.value('classdesk_db_pool_max_connections', { dialect })).toBe(
        server.config.DATABASE_POOL_SIZE,
      );
      expect(s.has('classdesk_db_pool_waiting_requests', { dialect })).toBe(true);
    } else {
      // One embedded connection: no pool, so no idle or waiting figures to pretend about.
      expect(s.all('classdesk_db_pool_connections')).toEqual([
        { name: 'classdesk_db_pool_connections', labels: { dialect, state: 'total' }, value: 1 },
      ]);
      expect(s.has('classdesk_db_pool_waiting_requests')).toBe(false);
    }
  });

  test('the Node process metrics and the build are exposed', async () => {
    const s = await scrape(server);
    expect(s.has('process_cpu_user_seconds_total')).toBe(true);
    expect(s.has('process_resident_memory_bytes')).toBe(true);
    expect(s.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(s.value('classdesk_build_info', { version: SERVER_VERSION })).toBe(1);
  });

  test('every metric of the server is described in docs/DEPLOYMENT.md', async () => {
    const doc = fs.readFileSync(new URL('../../docs/DEPLOYMENT.md', import.meta.url), 'utf8');
    const names = [...(await scrape(server)).text.matchAll(/^# TYPE (classdesk_\w+)/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(doc, name).toContain(`\`${name}`);
  });
});

// Access control does not depend on the database: SQLite is enough.
describe('who may read /metrics', () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));
  const start = async (env: Record<string, string>) => {
    const s = await startTestServer('sqlite', env);
    servers.push(s);
    return s;
  };
  const status = async (s: TestServer, headers: Record<string, string> = {}) =>
    (await fetch(`${s.url}/metrics`, { headers })).status;

  test('with METRICS_TOKEN: 401 without the bearer token, 403 with another, 200 with it', async () => {
    const s = await start({ METRICS_TOKEN: TOKEN });
    const none = await new TestApi(s.url).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(none.text).not.toContain('classdesk_');
    expect(await status(s, { authorization: `Bearer ${TOKEN}x` })).toBe(403);
    expect(await status(s, { authorization: `Bearer ${TOKEN.slice(1)}` })).toBe(403);
    expect(await status(s, { authorization: 'Bearer short' })).toBe(403);
    expect(await status(s, { authorization: TOKEN })).toBe(401);
    expect(await status(s, { authorization: `Bearer ${TOKEN}` })).toBe(200);
  });

  test('without METRICS_TOKEN: loopback callers only, judged on the whole forwarded chain', async () => {
    const direct = await start({});
    expect(await status(direct)).toBe(200);
    // Without TRUST_PROXY the header is not believed either way: the peer is loopback.
    expect(await status(direct, { 'x-forwarded-for': '203.0.113.7' })).toBe(200);

    const proxied = await start({ TRUST_PROXY: 'true' });
    expect(await status(proxied)).toBe(200);
    expect(await status(proxied, { 'x-forwarded-for': '127.0.0.1' })).toBe(200);
    const outside = await new TestApi(proxied.url).request('GET', '/metrics', {
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(outside.status).toBe(403);
    expect(outside.text).not.toContain('classdesk_');
    // A client that forges a loopback address before a proxy that appends the real one.
    expect(await status(proxied, { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' })).toBe(403);
    expect(await status(proxied, { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' })).toBe(403);
  });

  test('each server counts only its own requests (one process, two registries)', async () => {
    const [a, b] = [await start({}), await start({})];
    for (let i = 0; i < 2; i++) expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    const healthz = { route: '/healthz', method: 'GET', status_class: '2xx' };
    const scrapeOf = async (s: TestServer) => new Scrape(await (await fetch(`${s.url}/metrics`)).text());
    expect((await scrapeOf(a)).value(`${HTTP}_count`, healthz)).toBe(2);
    expect((await scrapeOf(b)).has(`${HTTP}_count`, healthz)).toBe(false);
  });
});
