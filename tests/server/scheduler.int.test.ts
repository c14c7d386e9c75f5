/**
 * Scheduled work against a real database on a fake clock: session reminders exactly once (across
 * repeated, concurrent and restarted runs), none for cancelled sessions or inactive teachers, a
 * new one after a reschedule; and notification expiry published as a change that devices pull.
 * The lease that lets one of several processes run the rounds: taken, renewed, refused to others,
 * taken over once it expires, handed on when its holder stops.
 */
import fs from 'node:fs';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { io } from 'socket.io-client';
import { SERVER_EVENTS } from '../../src/shared/protocol.js';
import type { NotificationRow, SessionRow } from '../../src/shared/entities.js';
import { Scheduler, runScheduledWork } from '../../server/domain/scheduler.js';
import { Lease } from '../../server/domain/scheduler-lease.js';
import { silentEvents, type DomainEvents } from '../../server/domain/events.js';
import type { ChangeRef } from '../../server/domain/changes.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { PG_URL, dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { pullAll } from '../support/view-copy.js';
import { until } from '../support/until.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const LEAD_MINUTES = 15;
// 03:00 UTC: the demo's classes are at 09:00, 11:00 and 14:30, far outside the reminder window.
const START = Date.parse('2031-03-04T03:00:00.000Z');
const LOGIN_LIMITS = { RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000', RATE_LIMIT_LOGIN_PER_ADDRESS: '1000' };

/** Domain events that remember what they were told. */
function recordingEvents() {
  const created: NotificationRow[] = [];
  const changed: ChangeRef[] = [];
  const events: DomainEvents = {
    ...silentEvents,
    notificationCreated: (n) => created.push(n),
    changed: (c) => changed.push(...c),
  };
  return { events, created, changed };
}

async function schedule(
  admin: TestApi,
  schoolId: number,
  teacherId: number,
  startsAt: number,
  title: string,
): Promise<SessionRow> {
  const r = await admin.post<SessionRow>(`/api/admin/schools/${schoolId}/sessions`, {
    teacher_id: teacherId,
    title,
    location: 'Sala 4',
    starts_at: new Date(startsAt).toISOString(),
    ends_at: new Date(startsAt + 50 * MINUTE).toISOString(),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

function remindersOf(server: RunningServer, sessionId: number) {
  return server.database.db
    .selectFrom('notifications')
    .selectAll()
    .where('type', '=', 'session_reminder')
    .where('action_url', '=', `classdesk://sessions/${sessionId}`)
    .orderBy('id')
    .execute();
}

const waitUntil = (what: string, check: () => Promise<boolean> | boolean) =>
  until(what, async () => ((await check()) ? true : undefined), 15_000);

describe.each(dialectsHere())('scheduled work on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  let clock = new Date(START);
  const now = () => clock;

  beforeAll(async () => {
    server = await startTestServer(dialect, LOGIN_LIMITS, { now });
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
  });
  // Each test starts on a new day, so sessions of earlier tests are long past.
  beforeEach(() => {
    clock = new Date(clock.getTime() + DAY);
  });
  afterAll(() => server?.stop());

  const run = (events: DomainEvents = silentEvents) =>
    runScheduledWork({ db: server.database.db, events, now }, LEAD_MINUTES);

  test('a session starting in 10 minutes gets exactly one reminder for its teacher, however often the scheduler runs', async () => {
    const session = await schedule(
      admin,
      ids.norte,
      ids.ana,
      clock.getTime() + 10 * MINUTE,
      'Matemática — reforço',
    );
    const rec = recordingEvents();
    expect((await run(rec.events)).reminders).toBe(1);

    const [reminder, ...more] = await remindersOf(server, session.id);
    expect(more).toEqual([]);
    expect(reminder).toMatchObject({
      school_id: ids.norte,
      user_id: ids.ana,
      title: '',
      params: JSON.stringify({
        session_id: session.id,
        session_title: 'Matemática — reforço',
        starts_at: session.starts_at,
        location: session.location,
      }),
      expires_at: session.starts_at,
      dedupe_key: `reminder:${session.id}:${session.starts_at}`,
      expiry_published: 0,
    });
    expect(rec.created.map((n) => n.id)).toEqual([reminder!.id]);
    expect(SERVER_EVENTS.notification.parse(rec.created[0])).toMatchObject({
      type: 'session_reminder',
      user_id: ids.ana,
    });
    expect(rec.changed).toContainEqual({
      school_id: ids.norte,
      teacher_id: ids.ana,
      entity: 'notification',
      row_id: reminder!.id,
    });

    // Again, a minute later: the session is still in the window, but it has its reminder.
    clock = new Date(clock.getTime() + MINUTE);
    const again = recordingEvents();
    expect((await run(again.events)).reminders).toBe(0);
    expect(again.created).toEqual([]);
    expect(await remindersOf(server, session.id)).toHaveLength(1);
  });

  test('two scheduler runs at the same time create one reminder between them', async () => {
    const session = await schedule(admin, ids.sul, ids.ana, clock.getTime() + 10 * MINUTE, 'Inglês — 7.º B');
    const rec = recordingEvents();
    const results = await Promise.all([run(rec.events), run(rec.events), run(rec.events)]);
    expect(results.reduce((sum, r) => sum + r.reminders, 0)).toBe(1);
    const reminders = await remindersOf(server, session.id);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ user_id: ids.ana, school_id: ids.sul });
    expect(rec.created.map((n) => n.id)).toEqual([reminders[0]!.id]);
  });

  test('a cancelled session gets no reminder', async () => {
    const session = await schedule(
      admin,
      ids.norte,
      ids.rui,
      clock.getTime() + 10 * MINUTE,
      'Ciências — cancelada',
    );
    const r = await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, {
      status: 'cancelled',
    });
    expect(r.status).toBe(200);
    expect((await run()).reminders).toBe(0);
    expect(await remindersOf(server, session.id)).toEqual([]);
  });

  test("a session whose teacher's membership is inactive gets no reminder", async () => {
    const session = await schedule(
      admin,
      ids.norte,
      ids.rui,
      clock.getTime() + 10 * MINUTE,
      'Português — 6.º A',
    );
    expect(
      (await admin.patch(`/api/admin/schools/${ids.norte}/memberships/${ids.rui}`, { active: false })).status,
    ).toBe(200);
    try {
      expect((await run()).reminders).toBe(0);
      expect(await remindersOf(server, session.id)).toEqual([]);
    } finally {
      expect(
        (await admin.patch(`/api/admin/schools/${ids.norte}/memberships/${ids.rui}`, { active: true }))
          .status,
      ).toBe(200);
    }
  });

  test('a rescheduled session gets a reminder for its new time', async () => {
    const session = await schedule(
      admin,
      ids.norte,
      ids.ana,
      clock.getTime() + 10 * MINUTE,
      'Matemática — adiada',
    );
    await run();
    const [first] = await remindersOf(server, session.id);
    expect(first).toBeDefined();

    const newStart = clock.getTime() + 70 * MINUTE;
    const r = await admin.patch<SessionRow>(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, {
      starts_at: new Date(newStart).toISOString(),
      ends_at: new Date(newStart + 50 * MINUTE).toISOString(),
    });
    expect(r.status).toBe(200);
    // An hour before the new time: not due yet.
    expect((await run()).reminders).toBe(0);
    expect(await remindersOf(server, session.id)).toHaveLength(1);

    clock = new Date(clock.getTime() + 60 * MINUTE);
    const result = await run();
    expect(result.reminders).toBe(1);
    const reminders = await remindersOf(server, session.id);
    expect(reminders).toHaveLength(2);
    expect(reminders[1]).toMatchObject({
      user_id: ids.ana,
      title: '',
      expires_at: r.body.starts_at,
      dedupe_key: `reminder:${session.id}:${r.body.starts_at}`,
    });
    expect(JSON.parse(reminders[1]!.params)).toMatchObject({ session_title: 'Matemática — adiada' });
    // The reminder for the old time expired with it.
    expect(reminders[0]).toMatchObject({ id: first!.id, expiry_published: 1 });
  });

  test("an expired notification is published as a change and leaves the teacher's pull", async () => {
    const db = server.database.db;
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const { copy, cursor, checksum, localChecksum } = await pullAll(ana, ids.norte);
    expect(checksum).toBe(localChecksum);
    const mine = await db
      .selectFrom('notifications')
      .select(['id'])
      .where('user_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .where('expiry_published', '=', 0)
      .orderBy('id')
      .execute();
    expect(mine.length).toBeGreaterThan(1);
    const [expiring, staying] = [mine[0]!.id, mine[1]!.id];
    expect(copy.has(`notification:${expiring}`)).toBe(true);

    await db
      .updateTable('notifications')
      .set({ expires_at: new Date(clock.getTime() - MINUTE).toISOString() })
      .where('id', '=', expiring)
      .execute();
    const logged = () =>
      db
        .selectFrom('sync_changes')
        .selectAll()
        .where('entity', '=', 'notification')
        .where('row_id', '=', expiring)
        .execute();
    const loggedBefore = (await logged()).length;

    const rec = recordingEvents();
    const result = await run(rec.events);
    expect(result.expired).toBeGreaterThanOrEqual(1);
    const row = await db
      .selectFrom('notifications')
      .select(['expiry_published', 'version'])
      .where('id', '=', expiring)
      .executeTakeFirstOrThrow();
    expect(row.expiry_published).toBe(1);
    const log = await logged();
    expect(log).toHaveLength(loggedBefore + 1);
    expect(log.at(-1)).toMatchObject({
      school_id: ids.norte,
      teacher_id: ids.ana,
      entity: 'notification',
      row_id: expiring,
    });
    expect(rec.changed).toContainEqual({
      school_id: ids.norte,
      teacher_id: ids.ana,
      entity: 'notification',
      row_id: expiring,
    });

    // Published once: another run neither logs it again nor counts it.
    await run();
    expect(await logged()).toHaveLength(loggedBefore + 1);

    const incremental = await pullAll(ana, ids.norte, { copy, cursor });
    expect(incremental.checksum).toBe(incremental.localChecksum);
    expect(incremental.changes).toContainEqual({ op: 'delete', entity: 'notification', id: expiring });
    expect(incremental.copy.has(`notification:${expiring}`)).toBe(false);
    expect(incremental.copy.has(`notification:${staying}`)).toBe(true);
    const fresh = await pullAll(ana, ids.norte);
    expect(fresh.checksum).toBe(fresh.localChecksum);
    expect(fresh.copy.has(`notification:${expiring}`)).toBe(false);
    expect(fresh.copy.has(`notification:${staying}`)).toBe(true);
  });
});

describe.each(dialectsHere())('the scheduler loop of a running server on %s', (dialect) => {
  const clock = new Date(START);
  const now = () => clock;
  const loop = {
    ...LOGIN_LIMITS,
    SCHEDULER_INTERVAL_SECONDS: '1',
    REMINDER_LEAD_MINUTES: String(LEAD_MINUTES),
  };
  let first: TestServer | undefined;
  let restarted: RunningServer | undefined;
  let pgSchema: string | undefined;

  afterAll(async () => {
    // The fixture's stop() would close the first server a second time: clean up by hand.
    if (restarted) await restarted.close();
    else if (first) await first.close();
    if (pgSchema) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${pgSchema} cascade`);
      await c.end();
    }
    if (first) fs.rmSync(first.dir, { recursive: true, force: true });
  });

  test('sends one reminder over the socket and sends no second one after a restart on the same data', async () => {
    first = await startTestServer(dialect, loop, { now, scheduler: true });
    const server = first;
    if (dialect === 'postgres') {
      pgSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(server.database.db)).rows[0]!
        .s;
    }
    const ids = await demoIds(server.database.db);
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: { token: ana.token },
      reconnection: false,
      forceNew: true,
    });
    try {
      const reminder = new Promise<NotificationRow>((resolve) => {
        socket.on('notification', (n: unknown) => {
          const parsed = SERVER_EVENTS.notification.parse(n);
          if (parsed.type === 'session_reminder') resolve(parsed);
        });
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const session = await schedule(
        admin,
        ids.sul,
        ids.ana,
        clock.getTime() + 10 * MINUTE,
        'Ciências — visita',
      );
      const received = await reminder;
      expect(received).toMatchObject({
        school_id: ids.sul,
        user_id: ids.ana,
        action_url: `classdesk://sessions/${session.id}`,
      });
      expect((await remindersOf(server, session.id)).map((n) => n.id)).toEqual([received.id]);

      // Later loop runs find nothing more to do for it (two completions: the first may be the run
      // that sent the reminder).
      for (let i = 0; i < 2; i++) {
        const previous = server.scheduler.lastRun;
        await waitUntil('the loop ran again', () => server.scheduler.lastRun !== previous);
      }
      expect(server.scheduler.lastRun?.reminders).toBe(0);
      expect(await remindersOf(server, session.id)).toHaveLength(1);

      // Restart on the same SQLite file / PostgreSQL schema, same clock, scheduler on.
      socket.disconnect();
      await server.close();
      restarted = await startServer(server.config, {
        now,
        scheduler: true,
        ...(pgSchema ? { pgSchema } : {}),
      });
      const again = restarted;
      await waitUntil('the restarted scheduler completed a run', () => again.scheduler.lastRun !== undefined);
      expect(again.scheduler.lastRun?.reminders).toBe(0);
      expect(await remindersOf(again, session.id)).toHaveLength(1);
      expect(
        (await runScheduledWork({ db: again.database.db, events: silentEvents, now }, LEAD_MINUTES))
          .reminders,
      ).toBe(0);
      expect(await remindersOf(again, session.id)).toHaveLength(1);
    } finally {
      socket.disconnect();
    }
  });
});

describe.each(dialectsHere())('the scheduler lease on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  let clock = new Date(START);
  const now = () => clock;
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

  beforeAll(async () => {
    server = await startTestServer(dialect, LOGIN_LIMITS, { now });
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
  });
  afterAll(() => server?.stop());

  const holderOf = async (name: string) =>
    (
      await server.database.db
        .selectFrom('scheduler_lease')
        .select('holder')
        .where('name', '=', name)
        .executeTakeFirst()
    )?.holder;

  test('one holder at a time; a holder that stops renewing loses the lease once it expires', async () => {
    const name = `lease-${dialect}-expiry`;
    const lease = (holder: string) => new Lease(server.database.db, name, holder, 30_000, now);
    const [one, two, three] = [lease('one'), lease('two'), lease('three')];

    expect(await one.acquire()).toBe(true);
    expect(await two.acquire()).toBe(false);
    expect(await holderOf(name)).toBe('one');
    // Renewing and asking at the same moment: the holder keeps it.
    expect(await Promise.all([one.acquire(), two.acquire(), three.acquire()])).toEqual([true, false, false]);

    // Renewed within its time, it stays; not renewed (its process died), it expires.
    advance(29_000);
    expect(await one.acquire()).toBe(true);
    advance(29_000);
    expect(await two.acquire()).toBe(false);
    advance(1_001);
    expect(await two.acquire()).toBe(true);
    expect(await holderOf(name)).toBe('two');
    expect(await one.acquire()).toBe(false);
    expect(one.held).toBe(false);

    // An expired lease asked for by several at once goes to exactly one of them.
    advance(30_001);
    const winners = (await Promise.all([one.acquire(), two.acquire(), three.acquire()])).filter(Boolean);
    expect(winners).toHaveLength(1);

    // A released lease is free at once, without waiting for it to expire.
    const holder = [one, two, three].find((l) => l.held)!;
    await holder.release();
    const next = [one, two, three].find((l) => l !== holder)!;
    expect(await next.acquire()).toBe(true);
    expect(await holderOf(name)).toBe(next.holder);
  });

  test('two schedulers on one database: one runs the rounds, and the other takes over when it stops', async () => {
    const session = await schedule(
      admin,
      ids.norte,
      ids.rui,
      clock.getTime() + 10 * MINUTE,
      'Ciências — dois processos',
    );
    const created: NotificationRow[] = [];
    const failures: unknown[] = [];
    const events: DomainEvents = { ...silentEvents, notificationCreated: (n) => created.push(n) };
    const make = () =>
      new Scheduler({ db: server.database.db, events, now }, LEAD_MINUTES, 50, (e) => failures.push(e));
    const schedulers = [make(), make()];
    for (const s of schedulers) s.start();
    try {
      await waitUntil('both schedulers ran a round', () => schedulers.every((s) => s.lastRun));
      await waitUntil('the reminder exists', async () => (await remindersOf(server, session.id)).length > 0);
      // Some more rounds each.
      for (const s of schedulers) {
        const runs = s.totals.runs;
        const previous = s.lastRun;
        await waitUntil('another round', () => s.lastRun !== previous && s.totals.runs >= runs);
      }
      const leaders = schedulers.filter((s) => s.lastRun?.leader);
      expect(leaders).toHaveLength(1);
      const [leader] = leaders;
      const other = schedulers.find((s) => s !== leader)!;
      expect(other.totals.runs).toBe(0);
      expect(leader!.totals.reminders).toBe(1);
      expect(created.map((n) => n.action_url)).toEqual([`classdesk://sessions/${session.id}`]);
      expect(await remindersOf(server, session.id)).toHaveLength(1);
      expect(await holderOf('scheduled-work')).toBe(leader!.lease.holder);

      // The leader stops (and releases the lease): the other runs the next rounds.
      await leader!.stop();
      await waitUntil('the other scheduler led a round', () => other.lastRun?.leader === true);
      expect(await holderOf('scheduled-work')).toBe(other.lease.holder);
      expect(other.totals.runs).toBeGreaterThan(0);
      expect(await remindersOf(server, session.id)).toHaveLength(1);
      expect(failures).toEqual([]);
    } finally {
      for (const s of schedulers) await s.stop();
    }
  });
});
