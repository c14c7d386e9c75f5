/**
 * The real-time channel end to end: a real server, real socket.io clients over WebSocket, real
 * admin actions through the HTTP API. Absence of an event is proven with a later marker event on
 * the same socket (socket.io keeps a socket's events in order), not with a sleep.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Socket } from 'socket.io-client';
import { SERVER_EVENTS } from '../../src/shared/protocol.js';
import type { NotificationRow } from '../../src/shared/entities.js';
import { hashToken } from '../../server/domain/auth.js';
import { rooms } from '../../server/realtime/socket.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { until } from '../support/until.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import {
  Inbox,
  WAIT_MS,
  connected,
  disconnected,
  openSocket,
  refused,
  type ClientSocket,
} from '../support/socket-inbox.js';

async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const unique = (label: string) => `${label} ${randomBytes(4).toString('hex')}`;

describe.each(dialectsHere())('real-time events on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer(dialect, {
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000',
      RATE_LIMIT_LOGIN_PER_ADDRESS: '1000',
    });
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.disconnect();
  });
  afterAll(() => server?.stop());

  /** A connected socket for a signed-in user, recording everything it receives. */
  async function inboxOf(api: TestApi): Promise<Inbox> {
    const socket = openSocket(server.url, { token: api.token });
    open.push(socket);
    const inbox = new Inbox(socket);
    await connected(socket);
    return inbox;
  }

  async function refusal(auth: Record<string, unknown>): Promise<Error> {
    const socket = openSocket(server.url, auth);
    open.push(socket);
    return refused(socket);
  }

  async function announce(schoolId: number, title: string): Promise<void> {
    const r = await admin.post(`/api/admin/schools/${schoolId}/announcements`, {
      title,
      message: `${title} — message`,
    });
    expect(r.status).toBe(201);
  }

  test('a handshake without a valid token is refused', async () => {
    for (const auth of [
      {},
      { token: 42 },
      { token: '' },
      { token: 'garbage' },
      { token: randomBytes(32).toString('base64url') },
    ]) {
      const err = await refusal(auth);
      expect(err.message, JSON.stringify(auth)).toBe('unauthorized');
    }
  });

  test('a token revoked by signing out or past its expiry cannot connect', async () => {
    const signedOut = await signedIn(server.url, 'ana@classdesk.test');
    expect((await signedOut.post('/api/auth/logout')).status).toBe(204);
    expect((await refusal({ token: signedOut.token })).message).toBe('unauthorized');

    const expired = await signedIn(server.url, 'ana@classdesk.test');
    await server.database.db
      .updateTable('auth_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
      .where('token_hash', '=', hashToken(expired.token!))
      .execute();
    expect((await refusal({ token: expired.token })).message).toBe('unauthorized');
  });

  test('a valid token connects and is already in its rooms when the client sees connect', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const rui = await signedIn(server.url, 'rui@classdesk.test');
    const anaSocket = (await inboxOf(ana)).socket;
    const ruiSocket = (await inboxOf(rui)).socket;
    expect(anaSocket.connected).toBe(true);

    const members = async (room: string) =>
      new Set((await server.io.in(room).fetchSockets()).map((s) => s.id));
    for (const room of [
      rooms.teacher(ids.ana),
      rooms.token(hashToken(ana.token!)),
      rooms.school(ids.norte),
      rooms.school(ids.sul),
      rooms.teacherInSchool(ids.ana, ids.norte),
      rooms.teacherInSchool(ids.ana, ids.sul),
    ]) {
      expect((await members(room)).has(anaSocket.id!), room).toBe(true);
    }
    expect((await members(rooms.school(ids.norte))).has(ruiSocket.id!)).toBe(true);
    expect((await members(rooms.school(ids.sul))).has(ruiSocket.id!)).toBe(false);
    expect((await members(rooms.teacherInSchool(ids.ana, ids.norte))).has(ruiSocket.id!)).toBe(false);
  });

  test('an announcement reaches the teachers of its school and no teacher of another school', async () => {
    const ana = await inboxOf(await signedIn(server.url, 'ana@classdesk.test'));
    const rui = await inboxOf(await signedIn(server.url, 'rui@classdesk.test'));
    const sulTitle = unique('Sul announcement');
    await announce(ids.sul, sulTitle);

    const n = await ana.notification('school_announcement', sulTitle);
    expect(n).toMatchObject({
      school_id: ids.sul,
      user_id: ids.ana,
      is_read: false,
      delivered_via_socket: false,
    });
    expect((await ana.poke(ids.sul)).school_id).toBe(ids.sul);
    const row = await server.database.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', n.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      user_id: ids.ana,
      school_id: ids.sul,
      type: 'school_announcement',
      title: sulTitle,
    });

    // rui teaches only in Norte: a Norte announcement reaches him, and nothing of Sul came before it.
    const marker = unique('Norte announcement');
    await announce(ids.norte, marker);
    await rui.notification('school_announcement', marker);
    await ana.notification('school_announcement', marker);
    const markerEvent = rui.received.find(
      (e) => e.event === 'notification' && (e.payload as NotificationRow).title === marker,
    )!;
    expect(rui.before(markerEvent)).toEqual([]);
    expect(JSON.stringify(rui.received)).not.toContain(sulTitle);
    for (const e of rui.received) expect((e.payload as { school_id: number }).school_id).toBe(ids.norte);
  });

  test("enrolling a student notifies the session's teacher and no teacher of another school", async () => {
    const ana = await inboxOf(await signedIn(server.url, 'ana@classdesk.test'));
    const rui = await inboxOf(await signedIn(server.url, 'rui@classdesk.test'));
    const db = server.database.db;
    const session = await db
      .selectFrom('class_sessions')
      .select(['id', 'title'])
      .where('school_id', '=', ids.sul)
      .where('teacher_id', '=', ids.ana)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const student = await db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.name'])
      .where('memberships.school_id', '=', ids.sul)
      .where('memberships.role', '=', 'student')
      .where('memberships.active', '=', 1)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('enrolments')
              .select('enrolments.id')
              .where('enrolments.session_id', '=', session.id)
              .whereRef('enrolments.student_id', '=', 'users.id'),
          ),
        ),
      )
      .orderBy('users.id')
      .executeTakeFirstOrThrow();

    const r = await admin.post(`/api/admin/schools/${ids.sul}/sessions/${session.id}/enrolments`, {
      student_id: student.id,
    });
    expect(r.status).toBe(201);

    const n = await ana.notification('new_student', 'New student');
    expect(n).toMatchObject({
      school_id: ids.sul,
      user_id: ids.ana,
      action_url: `classdesk://sessions/${session.id}`,
    });
    expect(n.params).toMatchObject({ student_name: student.name, session_id: session.id });
    await ana.poke(ids.sul);

    const marker = unique('Norte marker');
    await announce(ids.norte, marker);
    const markerEvent = await rui.waitFor(
      'marker',
      (e) => e.event === 'notification' && (e.payload as NotificationRow).title === marker,
    );
    expect(rui.before(markerEvent)).toEqual([]);
  });

  test('cancelling a session notifies its teacher and not another teacher of the same school', async () => {
    const ana = await inboxOf(await signedIn(server.url, 'ana@classdesk.test'));
    const rui = await inboxOf(await signedIn(server.url, 'rui@classdesk.test'));
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select(['id'])
      .where('school_id', '=', ids.norte)
      .where('teacher_id', '=', ids.ana)
      .where('status', '=', 'scheduled')
      .orderBy('id')
      .executeTakeFirstOrThrow();

    const r = await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, {
      status: 'cancelled',
    });
    expect(r.status).toBe(200);

    const n = await ana.notification('session_cancelled', 'Session cancelled');
    expect(n).toMatchObject({
      school_id: ids.norte,
      user_id: ids.ana,
      action_url: `classdesk://sessions/${session.id}`,
      title: '',
      message: '',
      params: { session_id: session.id },
    });
    await ana.poke(ids.norte);

    const marker = unique('Norte marker');
    await announce(ids.norte, marker);
    const markerEvent = await rui.waitFor(
      'marker',
      (e) => e.event === 'notification' && (e.payload as NotificationRow).title === marker,
    );
    expect(rui.before(markerEvent)).toEqual([]);
  });

  test("deactivating a teacher's membership revokes that school on her sockets and only that school", async () => {
    const ana = await inboxOf(await signedIn(server.url, 'ana@classdesk.test'));
    try {
      const r = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false });
      expect(r.status).toBe(200);
      const revoked = await ana.waitFor('scope_revoked', (e) => e.event === 'scope_revoked');
      expect(SERVER_EVENTS.scope_revoked.parse(revoked.payload)).toEqual({ school_id: ids.sul });

      const sulTitle = unique('Sul after revocation');
      await announce(ids.sul, sulTitle);
      const marker = unique('Norte after revocation');
      await announce(ids.norte, marker);
      const n = await ana.notification('school_announcement', marker);
      expect(n.school_id).toBe(ids.norte);
      const markerEvent = ana.received.find(
        (e) => e.event === 'notification' && (e.payload as NotificationRow).id === n.id,
      )!;
      const between = ana.received.slice(
        ana.received.indexOf(revoked) + 1,
        ana.received.indexOf(markerEvent),
      );
      expect(between).toEqual([]);
      expect(JSON.stringify(ana.received)).not.toContain(sulTitle);
      // The notification row was not even created for her: Sul no longer counts her as a teacher.
      const rows = await server.database.db
        .selectFrom('notifications')
        .select('user_id')
        .where('title', '=', sulTitle)
        .execute();
      expect(rows.map((x) => x.user_id)).not.toContain(ids.ana);
      // A socket she opens now is placed in Norte's rooms only.
      const fresh = (await inboxOf(await signedIn(server.url, 'ana@classdesk.test'))).socket;
      const inRoom = async (room: string) =>
        (await server.io.in(room).fetchSockets()).some((x) => x.id === fresh.id);
      expect(await inRoom(rooms.school(ids.norte))).toBe(true);
      expect(await inRoom(rooms.school(ids.sul))).toBe(false);
      expect(await inRoom(rooms.teacherInSchool(ids.ana, ids.sul))).toBe(false);
    } finally {
      expect(
        (await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: true })).status,
      ).toBe(200);
    }
    // Reactivated: the same socket is poked for Sul and gets Sul's announcements again.
    await ana.poke(ids.sul);
    const again = unique('Sul after reactivation');
    await announce(ids.sul, again);
    expect((await ana.notification('school_announcement', again)).school_id).toBe(ids.sul);
  });

  test('a membership deactivated between the handshake and the join does not leave the socket in its rooms', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    // Runs after the server's own handshake middleware has looked the rooms up, before the join:
    // the deactivation commits (and its scopeRevoked finds no socket) in exactly that window.
    let armed = true;
    server.io.use((_socket, next) => {
      if (!armed) return next();
      armed = false;
      admin
        .patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false })
        .then(
          (r) => next(r.status === 200 ? undefined : new Error(`deactivation failed: ${r.status}`)),
          next,
        );
    });
    try {
      const socket = (await inboxOf(ana)).socket;
      const inRoom = async (room: string) =>
        (await server.io.in(room).fetchSockets()).some((x) => x.id === socket.id);
      // The handshake had found Sul: the re-check after the join takes the socket out again.
      await until('the socket to leave Sul', async () =>
        !(await inRoom(rooms.school(ids.sul))) && !(await inRoom(rooms.teacherInSchool(ids.ana, ids.sul)))
          ? true
          : undefined,
      );
      expect(await inRoom(rooms.school(ids.norte))).toBe(true);
      expect(await inRoom(rooms.teacherInSchool(ids.ana, ids.norte))).toBe(true);
    } finally {
      armed = false;
      expect(
        (await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: true })).status,
      ).toBe(200);
    }
  });

  test("signing out disconnects that token's sockets and not another token's socket of the same user", async () => {
    const first = await signedIn(server.url, 'ana@classdesk.test');
    const second = await signedIn(server.url, 'ana@classdesk.test');
    const a = await inboxOf(first);
    const b = await inboxOf(second);
    const gone = disconnected(a.socket);

    expect((await first.post('/api/auth/logout')).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect(a.socket.connected).toBe(false);

    const title = unique('after logout');
    await announce(ids.norte, title);
    await b.notification('school_announcement', title);
    expect(b.socket.connected).toBe(true);
    const revoked = await server.database.db
      .selectFrom('auth_tokens')
      .select(['token_hash', 'revoked_at'])
      .where('token_hash', 'in', [hashToken(first.token!), hashToken(second.token!)])
      .execute();
    expect(revoked.find((t) => t.token_hash === hashToken(first.token!))?.revoked_at).not.toBeNull();
    expect(revoked.find((t) => t.token_hash === hashToken(second.token!))?.revoked_at).toBeNull();
  });

  test('invalid inbound events are ignored and the server keeps serving the socket', async () => {
    const anaApi = await signedIn(server.url, 'ana@classdesk.test');
    const ana = await inboxOf(anaApi);
    const raw = ana.socket as unknown as Socket;
    raw.emit('notification:ack');
    raw.emit('notification:ack', 'not an object');
    raw.emit('notification:ack', { notification_id: 'one' });
    raw.emit('notification:ack', { notification_id: -1 });
    raw.emit('notification:ack', { notification_id: 1, extra: true });
    raw.emit('notification:ack', null);
    raw.emit('no-such-event', { anything: 1 });
    raw.emit('poke', { school_id: ids.norte, cursor: 'x' });

    const title = unique('after invalid events');
    await announce(ids.norte, title);
    await ana.notification('school_announcement', title);
    expect(ana.socket.connected).toBe(true);
    expect((await anaApi.get('/api/me')).status).toBe(200);
    const health = await fetch(new URL('/api/me', server.url), {
      headers: { authorization: `Bearer ${anaApi.token}` },
    });
    expect(health.status).toBe(200);
    // Nothing was marked delivered by the invalid acks.
    const marked = await server.database.db
      .selectFrom('notifications')
      .select('id')
      .where('delivered_via_socket', '=', 1)
      .execute();
    expect(marked).toEqual([]);
  });

  test("notification:ack marks the caller's own notification delivered and never another user's", async () => {
    const db = server.database.db;
    const ana = await inboxOf(await signedIn(server.url, 'ana@classdesk.test'));
    const ruiNotification = await db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', ids.rui)
      .where('delivered_via_socket', '=', 0)
      .orderBy('id')
      .executeTakeFirstOrThrow();

    const title = unique('to acknowledge');
    await announce(ids.norte, title);
    const own = await ana.notification('school_announcement', title);
    expect(own.delivered_via_socket).toBe(false);

    // The foreign ack goes first: by the time the own ack is applied, the foreign one was handled.
    ana.socket.emit('notification:ack', { notification_id: ruiNotification.id });
    ana.socket.emit('notification:ack', { notification_id: own.id });
    await waitUntil('the own notification is marked delivered', async () => {
      const r = await db
        .selectFrom('notifications')
        .select('delivered_via_socket')
        .where('id', '=', own.id)
        .executeTakeFirstOrThrow();
      return r.delivered_via_socket === 1;
    });
    const foreign = await db
      .selectFrom('notifications')
      .select('delivered_via_socket')
      .where('id', '=', ruiNotification.id)
      .executeTakeFirstOrThrow();
    expect(foreign.delivered_via_socket).toBe(0);
    // Rui's copy of the same announcement stays undelivered too.
    const ruiCopy = await db
      .selectFrom('notifications')
      .select('delivered_via_socket')
      .where('title', '=', title)
      .where('user_id', '=', ids.rui)
      .executeTakeFirstOrThrow();
    expect(ruiCopy.delivered_via_socket).toBe(0);
  });
});
