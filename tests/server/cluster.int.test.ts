/**
 * Several sync-server processes share the work: real `server/main.ts` processes on ephemeral
 * ports, one fresh PostgreSQL database and one Redis (tests/support/cluster.ts). Events caused by a
 * request on one process reach sockets connected to another; room changes and disconnections
 * cross processes; a device whose process is SIGKILLed reconnects to another and misses no
 * notification; the scheduled work runs exactly once across processes and moves to another
 * process when its holder dies; SIGTERM drains and shuts down gracefully.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient } from 'redis';
import { SERVER_EVENTS } from '../../src/shared/protocol.js';
import type { NotificationRow, SessionRow } from '../../src/shared/entities.js';
import { hashToken } from '../../server/domain/auth.js';
import {
  HAS_CLUSTER_SERVICES,
  REDIS_URL,
  createCluster,
  type Cluster,
  type ClusterProcess,
} from '../support/cluster.js';
import { spawnServer } from '../support/run-child.js';
import { TestApi, signedIn } from '../support/api-client.js';
import { inviteAndAccept } from '../support/invitations.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, type TestDevice } from '../support/device.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { Inbox, connected, disconnected, openSocket, type ClientSocket } from '../support/socket-inbox.js';
import { until } from '../support/until.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';

const MINUTE = 60_000;
const WAIT_MS = 20_000;
const unique = (label: string) => `${label} ${randomBytes(4).toString('hex')}`;

const describeCluster = HAS_CLUSTER_SERVICES ? describe : describe.skip;

describeCluster('two server processes on one PostgreSQL database and one Redis', () => {
  let cluster: Cluster;
  let a: ClusterProcess;
  let b: ClusterProcess;
  let ids: DemoIds;
  /** The school admin, signed in through process B. */
  let adminB: TestApi;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    cluster = await createCluster({ SCHEDULER_INTERVAL_SECONDS: '1' });
    // Started together on the empty database: the demo data is created once.
    [a, b] = await Promise.all([cluster.start('A'), cluster.start('B')]);
    ids = await demoIds(cluster.database.db);
    adminB = await signedIn(b.url, 'admin@classdesk.test');
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster?.close();
  }, 30_000);

  const db = () => cluster.database.db;

  async function inboxOn(p: ClusterProcess, api: TestApi): Promise<Inbox> {
    const socket = openSocket(p.url, { token: api.token });
    sockets.push(socket);
    const inbox = new Inbox(socket);
    await connected(socket);
    return inbox;
  }

  async function announce(via: TestApi, schoolId: number, title: string): Promise<void> {
    const r = await via.post(`/api/admin/schools/${schoolId}/announcements`, {
      title,
      message: `${title} — message`,
    });
    expect(r.status, r.text).toBe(201);
  }

  const isFor = (e: { payload: unknown }, schoolId: number) =>
    (e.payload as { school_id?: unknown } | undefined)?.school_id === schoolId;

  async function lease() {
    return db().selectFrom('scheduler_lease').selectAll().where('name', '=', 'scheduled-work').execute();
  }
  const holderPid = (holder: string) => Number(holder.split(':').at(-2));

  /** Waits until the lease has been renewed `rounds` more times (by whichever process holds it). */
  async function leaseRounds(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const [before] = await lease();
      await until(
        'the scheduler lease to be renewed',
        async () => {
          const [now] = await lease();
          return now && now.renewed_at !== before?.renewed_at ? true : undefined;
        },
        WAIT_MS,
      );
    }
  }

  test('a teacher connected to process A receives the announcement posted through process B', async () => {
    const ana = await inboxOn(a, await signedIn(a.url, 'ana@classdesk.test'));
    const rui = await inboxOn(a, await signedIn(a.url, 'rui@classdesk.test'));
    const title = unique('Sul announcement through B');
    await announce(adminB, ids.sul, title);

    const n = await ana.notification('school_announcement', title);
    expect(n).toMatchObject({ school_id: ids.sul, user_id: ids.ana });
    expect((await ana.poke(ids.sul)).school_id).toBe(ids.sul);
    const row = await db()
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', n.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      user_id: ids.ana,
      school_id: ids.sul,
      type: 'school_announcement',
      title,
    });

    // Rui teaches in Norte only: Norte's announcement reaches him on A, and nothing of Sul before it.
    const marker = unique('Norte announcement through B');
    await announce(adminB, ids.norte, marker);
    const got = await rui.notification('school_announcement', marker);
    expect(got.user_id).toBe(ids.rui);
    expect(rui.received.filter((e) => isFor(e, ids.sul))).toEqual([]);
  });

  test("signing out through process B disconnects that token's socket on process A", async () => {
    const signedOut = await signedIn(a.url, 'ana@classdesk.test');
    const other = await signedIn(a.url, 'ana@classdesk.test');
    const gone = await inboxOn(a, signedOut);
    const stays = await inboxOn(a, other);
    const disconnect = disconnected(gone.socket);

    const logout = await fetch(new URL('/api/auth/logout', b.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${signedOut.token}` },
    });
    expect(logout.status).toBe(204);
    expect(await disconnect).toBe('io server disconnect');
    const token = await db()
      .selectFrom('auth_tokens')
      .select('revoked_at')
      .where('token_hash', '=', hashToken(signedOut.token!))
      .executeTakeFirstOrThrow();
    expect(token.revoked_at).not.toBeNull();

    const title = unique('after a logout through B');
    await announce(adminB, ids.norte, title);
    await stays.notification('school_announcement', title);
    expect(stays.socket.connected).toBe(true);
  });

  test("memberships changed through process B move the teachers' sockets on process A in and out of the school's rooms", async () => {
    const ana = await inboxOn(a, await signedIn(a.url, 'ana@classdesk.test'));
    const rui = await inboxOn(a, await signedIn(a.url, 'rui@classdesk.test'));
    try {
      // Rui joins Sul through B: his socket on A joins Sul's rooms (socketsJoin across processes).
      const ruiOnB = await signedIn(b.url, 'rui@classdesk.test');
      const added = await inviteAndAccept(adminB, ruiOnB, ids.sul, 'rui@classdesk.test');
      expect(added.status, added.text).toBe(200);
      await rui.poke(ids.sul);

      // Ana leaves Sul through B: her socket on A leaves Sul's rooms and is told so.
      const r = await adminB.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false });
      expect(r.status).toBe(200);
      const revoked = await ana.waitFor('scope_revoked', (e) => e.event === 'scope_revoked');
      expect(SERVER_EVENTS.scope_revoked.parse(revoked.payload)).toEqual({ school_id: ids.sul });
      const membership = await db()
        .selectFrom('memberships')
        .select('active')
        .where('school_id', '=', ids.sul)
        .where('user_id', '=', ids.ana)
        .executeTakeFirstOrThrow();
      expect(membership.active).toBe(0);

      // A school-wide event of Sul: it reaches Rui's socket on A (so it was emitted to Sul's room
      // there) and not Ana's; her Norte marker proves her socket was still being served.
      const sulTitle = unique('Sul after revocation');
      await announce(adminB, ids.sul, sulTitle);
      await rui.notification('school_announcement', sulTitle);
      const sulPoke = await rui.poke(ids.sul);
      expect(sulPoke.school_id).toBe(ids.sul);
      const marker = unique('Norte after revocation');
      await announce(adminB, ids.norte, marker);
      await ana.notification('school_announcement', marker);
      const after = ana.received.slice(ana.received.indexOf(revoked) + 1);
      expect(after.filter((e) => isFor(e, ids.sul))).toEqual([]);
      expect(JSON.stringify(ana.received)).not.toContain(sulTitle);
      const recipients = await db()
        .selectFrom('notifications')
        .select('user_id')
        .where('title', '=', sulTitle)
        .execute();
      expect(recipients.map((x) => x.user_id)).toEqual([ids.rui]);
    } finally {
      const back = await adminB.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, {
        active: true,
      });
      expect(back.status).toBe(200);
      const out = await adminB.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.rui}`, {
        active: false,
      });
      expect(out.status).toBe(200);
    }
  });

  test('with both processes running the scheduler, each due session gets one reminder and each expiry is published once', async () => {
    const schedule = async (schoolId: number, teacherId: number, inMinutes: number) => {
      const startsAt = Date.now() + inMinutes * MINUTE;
      const r = await adminB.post<SessionRow>(`/api/admin/schools/${schoolId}/sessions`, {
        teacher_id: teacherId,
        title: unique('Cluster session'),
        location: 'Sala 9',
        starts_at: new Date(startsAt).toISOString(),
        ends_at: new Date(startsAt + 50 * MINUTE).toISOString(),
      });
      expect(r.status, r.text).toBe(201);
      return r.body;
    };
    const due = [
      await schedule(ids.norte, ids.ana, 6),
      await schedule(ids.sul, ids.ana, 8),
      await schedule(ids.norte, ids.rui, 10),
      await schedule(ids.norte, ids.ana, 12),
    ];

    const expiring = (
      await db()
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', ids.ana)
        .where('expiry_published', '=', 0)
        .where((eb) =>
          eb.or([
            eb('expires_at', 'is', null),
            eb('expires_at', '>', new Date(Date.now() + 60 * MINUTE).toISOString()),
          ]),
        )
        .orderBy('id')
        .limit(3)
        .execute()
    ).map((n) => n.id);
    expect(expiring).toHaveLength(3);
    const head = await db()
      .selectFrom('sync_changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirstOrThrow();
    await db()
      .updateTable('notifications')
      .set({ expires_at: new Date(Date.now() - MINUTE).toISOString() })
      .where('id', 'in', expiring)
      .execute();

    const reminders = () =>
      db()
        .selectFrom('notifications')
        .select(['user_id', 'school_id', 'action_url'])
        .where('type', '=', 'session_reminder')
        .where(
          'action_url',
          'in',
          due.map((s) => `classdesk://sessions/${s.id}`),
        )
        .execute();
    await until(
      'every due session to have a reminder and every expiry to be published',
      async () => {
        const published = await db()
          .selectFrom('notifications')
          .select('id')
          .where('id', 'in', expiring)
          .where('expiry_published', '=', 1)
          .execute();
        const sent = new Set((await reminders()).map((r) => r.action_url));
        return sent.size === due.length && published.length === expiring.length ? true : undefined;
      },
      WAIT_MS,
    );
    // Both processes keep running rounds; nothing more appears.
    await leaseRounds(3);

    const rows = await reminders();
    expect(rows).toHaveLength(due.length);
    expect(
      rows
        .map((r) => ({ user_id: r.user_id, school_id: r.school_id, action_url: r.action_url }))
        .sort((x, y) => x.action_url.localeCompare(y.action_url)),
    ).toEqual(
      due
        .map((s) => ({
          user_id: s.teacher_id,
          school_id: s.school_id,
          action_url: `classdesk://sessions/${s.id}`,
        }))
        .sort((x, y) => x.action_url.localeCompare(y.action_url)),
    );
    const logged = await db()
      .selectFrom('sync_changes')
      .select('row_id')
      .where('entity', '=', 'notification')
      .where('row_id', 'in', expiring)
      .where('seq', '>', head.seq ?? 0)
      .execute();
    expect(logged.map((l) => l.row_id).sort((x, y) => x - y)).toEqual(expiring);

    // One lease row, held by one of the two processes.
    const [held, ...more] = await lease();
    expect(more).toEqual([]);
    expect([a.pid, b.pid]).toContain(holderPid(held!.holder));
  });

  test('a process whose connection to Redis breaks for a while still delivers the events published meanwhile', async () => {
    // Process R reaches Redis through a proxy that the test cuts; B keeps its own connection.
    const redisPort = Number(new URL(REDIS_URL).port || 6379);
    const redisProxy = await TcpProxy.start(redisPort, new URL(REDIS_URL).hostname);
    try {
      const r = await cluster.start('R', {
        REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
        SCHEDULER_INTERVAL_SECONDS: '3600',
      });
      const ana = await inboxOn(r, await signedIn(r.url, 'ana@classdesk.test'));
      const first = unique('before the Redis outage');
      await announce(adminB, ids.norte, first);
      await ana.notification('school_announcement', first);

      redisProxy.refuseAll();
      await until(
        'R to notice the outage',
        () => (r.stdout().includes('lost the connection to Redis') ? true : undefined),
        WAIT_MS,
      );
      const during = [unique('during the outage'), unique('during the outage'), unique('during the outage')];
      for (const t of during) await announce(adminB, ids.norte, t);
      redisProxy.recover();

      for (const t of during) {
        const n = await ana.notification('school_announcement', t);
        expect(n.user_id).toBe(ids.ana);
      }
      const titles = [first, ...during];
      const received = ana.received
        .filter((e) => e.event === 'notification')
        .map((e) => (e.payload as NotificationRow).title)
        .filter((t) => titles.includes(t));
      expect(received).toEqual(titles);
      await until(
        'R to log its reconnection',
        () => (r.stdout().includes('reconnected to Redis') ? true : undefined),
        WAIT_MS,
      );
      r.kill('SIGTERM');
      expect(await r.exited).toEqual({ code: 0, signal: null });
    } finally {
      await redisProxy.close();
    }
  });

  test('a process killed with SIGKILL: its device reconnects to the other and misses no notification, and the other takes over the scheduled work', async () => {
    // The device reaches the scheduler's process through a proxy, as through a load balancer.
    const held = await until(
      'a process to hold the scheduler lease',
      async () => (await lease())[0],
      WAIT_MS,
    );
    const [victim, survivor] = holderPid(held.holder) === a.pid ? [a, b] : [b, a];
    // The admin's token is good on every process; requests go to the one that stays.
    const admin = new TestApi(survivor.url, adminB.token);
    const proxy = await TcpProxy.start(victim.port);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-cluster-device-'));
    let device: TestDevice | undefined;
    try {
      device = await openTestDevice(proxy.url, 'ana@classdesk.test', {
        dataDir,
        loginUrl: survivor.url,
        engine: { pollMinMs: 200, pollMaxMs: 1_000 },
        requestTimeoutMs: 5_000,
      });
      const engine = device.engine;
      const announced: NotificationRow[] = [];
      engine.on('notification', (n) => announced.push(n));
      const announcedOf = (title: string) => announced.filter((n) => n.title === title);
      engine.start();
      await until('the engine to be live', () => (engine.status.live ? true : undefined), WAIT_MS);
      await engine.idle();

      // Before the kill, a notification posted through the other process arrives over the socket.
      const before = unique('before the kill');
      await announce(admin, ids.norte, before);
      await until(
        'the first notification',
        () => (announcedOf(before).length > 0 ? true : undefined),
        WAIT_MS,
      );

      victim.kill('SIGKILL');
      expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await until('the engine to notice', () => (engine.status.live ? undefined : true), WAIT_MS);

      // While it reconnects, through the survivor: announcements of both schools.
      const during = [unique('during Norte'), unique('during Sul'), unique('during Norte again')];
      await announce(admin, ids.norte, during[0]!);
      await announce(admin, ids.sul, during[1]!);
      await announce(admin, ids.norte, during[2]!);
      proxy.retarget(survivor.port);
      await until('the engine to be live again', () => (engine.status.live ? true : undefined), WAIT_MS);

      // Live again, on the survivor: new announcements arrive as they happen.
      const afterwards = [unique('after Norte'), unique('after Sul')];
      await announce(admin, ids.norte, afterwards[0]!);
      await announce(admin, ids.sul, afterwards[1]!);
      const titles = [before, ...during, ...afterwards];
      await until(
        'every notification to be announced',
        () => (titles.every((t) => announcedOf(t).length > 0) ? true : undefined),
        WAIT_MS,
      );
      // Whatever syncs still run (pokes, the reconnection) announce nothing twice.
      // (A sync that meets a connection the kill broke fails as offline: the next one is asked for.)
      await until(
        'a complete sync',
        () =>
          engine.syncAll().then(
            () => true,
            () => undefined,
          ),
        WAIT_MS,
      );
      await engine.idle();

      const serverRows = await db()
        .selectFrom('notifications')
        .select(['id', 'title'])
        .where('user_id', '=', ids.ana)
        .where('title', 'in', titles)
        .execute();
      expect(serverRows).toHaveLength(titles.length);
      for (const t of titles) {
        const server = serverRows.find((r) => r.title === t)!;
        expect(
          announcedOf(t).map((n) => n.id),
          t,
        ).toEqual([server.id]);
      }
      const local = await storeDatabase(device.store)
        .db.selectFrom('notifications')
        .select(['id', 'title'])
        .where('title', 'in', titles)
        .execute();
      expect(local.map((n) => n.id).sort((x, y) => x - y)).toEqual(
        serverRows.map((n) => n.id).sort((x, y) => x - y),
      );

      // The dead holder's lease expires and the survivor takes the scheduled work over.
      await until(
        'the survivor to hold the scheduler lease',
        async () => ((await lease()).some((l) => holderPid(l.holder) === survivor.pid) ? true : undefined),
        WAIT_MS,
      );
      const startsAt = Date.now() + 7 * MINUTE;
      const s = await admin.post<SessionRow>(`/api/admin/schools/${ids.norte}/sessions`, {
        teacher_id: ids.rui,
        title: unique('After the takeover'),
        starts_at: new Date(startsAt).toISOString(),
        ends_at: new Date(startsAt + 50 * MINUTE).toISOString(),
      });
      expect(s.status, s.text).toBe(201);
      const reminderOf = () =>
        db()
          .selectFrom('notifications')
          .select(['id', 'user_id'])
          .where('type', '=', 'session_reminder')
          .where('action_url', '=', `classdesk://sessions/${s.body.id}`)
          .execute();
      await until('the reminder', async () => ((await reminderOf()).length > 0 ? true : undefined), WAIT_MS);
      await leaseRounds(2);
      expect((await reminderOf()).map((r) => r.user_id)).toEqual([ids.rui]);
    } finally {
      await device?.close();
      await proxy.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('SIGTERM: /readyz answers 503 while a request in flight completes, then the process exits 0', async () => {
    const p = await cluster.start('drained', { SHUTDOWN_DRAIN_SECONDS: '3' });
    const ana = await signedIn(p.url, 'ana@classdesk.test');
    const session = await db()
      .selectFrom('class_sessions')
      .select(['id', 'version'])
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const notes = unique('written during the shutdown');
    const body = Buffer.from(
      JSON.stringify({
        client_id: `cluster-${randomBytes(4).toString('hex')}`,
        mutations: [
          {
            id: 'm1',
            type: 'update_lesson_notes',
            args: { session_id: session.id, base_version: session.version, lesson_notes: notes },
          },
        ],
      }),
    );
    // A push whose body is still on its way when the signal comes.
    const req = http.request(new URL('/api/sync/push', p.url), {
      method: 'POST',
      agent: false,
      headers: {
        authorization: `Bearer ${ana.token}`,
        'content-type': 'application/json',
        'content-length': body.length,
      },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
    });
    await new Promise<void>((resolve) => req.write(body.subarray(0, 20), () => resolve()));

    p.kill('SIGTERM');
    await until(
      '/readyz to answer 503',
      async () => ((await fetch(new URL('/readyz', p.url))).status === 503 ? true : undefined),
      WAIT_MS,
    );
    // Once the drain is over it accepts no connection...
    await until(
      'the server to stop accepting connections',
      () =>
        fetch(new URL('/healthz', p.url)).then(
          () => undefined,
          () => true,
        ),
      WAIT_MS,
    );
    // ...and still finishes the request in flight.
    req.end(body.subarray(20));
    const res = await response;
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ results: [{ id: 'm1', status: 'applied' }] });
    const row = await db()
      .selectFrom('class_sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).toBe(notes);

    expect(await p.exited).toEqual({ code: 0, signal: null });
    for (const step of [
      'draining',
      'scheduler stopped',
      'requests in flight finished',
      'Redis closed',
      'database closed',
    ])
      expect(p.stdout(), step).toContain(step);
  });

  test('a second signal during the drain ends the process at once', async () => {
    const p = await cluster.start('impatient', { SHUTDOWN_DRAIN_SECONDS: '600' });
    p.kill('SIGTERM');
    await until(
      '/readyz to answer 503',
      async () => ((await fetch(new URL('/readyz', p.url))).status === 503 ? true : undefined),
      WAIT_MS,
    );
    p.kill('SIGINT');
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.stdout()).toContain('second signal');
    expect(p.stdout()).not.toContain('shutdown complete');
  });

  test('rate limits are counted in Redis: requests spread over two processes share one limit', async () => {
    const limited = { RATE_LIMIT_LOGIN_PER_ACCOUNT: '3', SCHEDULER_INTERVAL_SECONDS: '3600' };
    const [c, d] = await Promise.all([cluster.start('C', limited), cluster.start('D', limited)]);
    const email = `${unique('nobody').replace(' ', '-')}@classdesk.test`;
    const attempt = (p: ClusterProcess) =>
      new TestApi(p.url).post('/api/auth/login', { email, password: 'not the password' });
    // Three wrong passwords, two on C and one on D: each process alone has seen fewer than 3.
    for (const p of [c, c, d]) expect((await attempt(p)).status).toBe(401);
    const refused = await attempt(d);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The count is a key under the deployment's prefix in Redis.
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const keys = await redis.keys(`${cluster.redisPrefix}:rate-limit:login-fail:*${email}`);
      expect(keys).toHaveLength(1);
      expect(Number(await redis.get(keys[0]!))).toBe(3);
      // The per-address limit runs @fastify/rate-limit's script. Redis forgets its scripts (a
      // restart, SCRIPT FLUSH): the processes load them again and keep counting.
      const [addressKey, ...others] = await redis.keys(`${cluster.redisPrefix}:rate-limit:*login-ip:*`);
      expect(others).toEqual([]);
      const before = Number(await redis.get(addressKey!));
      await redis.scriptFlush();
      expect((await attempt(c)).status).toBe(429);
      expect(Number(await redis.get(addressKey!))).toBe(before + 1);
    } finally {
      await redis.close();
    }
    c.kill('SIGTERM');
    d.kill('SIGTERM');
    expect(await Promise.all([c.exited, d.exited])).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  test('REDIS_URL is refused with a SQLite database and when it is not a redis URL', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-cluster-config-'));
    try {
      for (const [env, why] of [
        [{ REDIS_URL, DATABASE_URL: '' }, 'PostgreSQL'],
        [{ REDIS_URL: 'http://127.0.0.1:6379', DATABASE_URL: cluster.databaseUrl }, 'redis://'],
      ] as const) {
        const child = spawnServer({ PORT: '0', DATA_DIR: dataDir, PASSWORD_HASH_COST: 'test', ...env });
        expect(await child.exited).toEqual({ code: 2, signal: null });
        expect(child.stderr()).toContain('REDIS_URL');
        expect(child.stderr()).toContain(why);
        expect(child.stderr()).not.toContain('6379');
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
