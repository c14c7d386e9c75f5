/**
 * socket.io on the HTTP server. The handshake carries the bearer token; the server alone puts a
 * socket in its rooms: `teacher:<id>`; for each school where the user is an active teacher,
 * `school:<id>` (school-wide events) and `teacher:<id>:school:<id>` (that teacher's events in
 * that school); and `token:<hash>` so signing out disconnects exactly that token's sockets.
 * Leaving a school means leaving both of its rooms, so nothing of it reaches the socket again.
 * Implements the domain's events: pokes, notifications, scope revocation. With an adapter
 * (redis-adapter.ts) the rooms span every server process: an event caused by a request on one
 * process reaches the sockets connected to the others.
 * The handshake has two limits (docs/DEPLOYMENT.md, "Abuse limits"): handshakes per client
 * address a minute (before the token is looked up; counted in Redis with REDIS_URL) and sockets
 * per user on this process. A refusal is a `connect_error` whose `data` is `{ code, message,
 * retry_after? }`.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  CLIENT_EVENTS,
  deltaCursor,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../src/shared/protocol.js';
import type { NotificationRow } from '../../src/shared/entities.js';
import type { DB } from '../db/schema.js';
import { authenticate, type AuthedUser } from '../domain/auth.js';
import type { ChangeRef } from '../domain/changes.js';
import type { DomainEvents } from '../domain/events.js';

interface SocketData {
  user: AuthedUser;
  /** The rooms the socket joins on connection (looked up during the handshake). */
  rooms: string[];
}
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const rooms = {
  teacher: (id: number) => `teacher:${id}`,
  school: (id: number) => `school:${id}`,
  teacherInSchool: (teacherId: number, schoolId: number) => `teacher:${teacherId}:school:${schoolId}`,
  token: (hash: string) => `token:${hash}`,
};

export interface RealtimeStats {
  pokes: number;
  notifications: number;
}

export interface HandshakeLimits {
  /** Most sockets one user may hold on this process. */
  socketsPerUser: number;
  /** The client's address of a handshake, as TRUST_PROXY decides (server/http/client-address.ts). */
  addressOf(req: IncomingMessage): string;
  /** Counts a handshake from `address`: seconds it must wait when over its rate, else 0. */
  admit(address: string): Promise<number>;
}

/** A refused handshake: the client's `connect_error` carries `data` (socket.io's ExtendedError). */
function refusal(code: string, message: string, retryAfter?: number): Error {
  return Object.assign(new Error(message), {
    data: { code, message, ...(retryAfter ? { retry_after: retryAfter } : {}) },
  });
}

export function attachRealtime(
  httpServer: HttpServer,
  db: Kysely<DB>,
  log: Logger,
  now: () => Date,
  limits: HandshakeLimits,
  /** Shares rooms and events with other processes (the Redis streams adapter). */
  adapter?: ServerOptions['adapter'],
): { io: AppIo; events: DomainEvents; stats: RealtimeStats } {
  const io: AppIo = new Server(httpServer, {
    ...(adapter ? { adapter } : {}),
    path: '/socket.io',
    // The desktop app connects over WebSocket only: no long-polling, so no sticky sessions.
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    cors: { origin: false },
  });
  const stats: RealtimeStats = { pokes: 0, notifications: 0 };

  // Sockets of each user on this process, counted from the moment the handshake is let through.
  const held = new Map<number, number>();
  const hold = (socket: AppSocket, userId: number): boolean => {
    const n = held.get(userId) ?? 0;
    if (n >= limits.socketsPerUser) return false;
    held.set(userId, n + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (held.get(userId) ?? 1) - 1;
      if (left > 0) held.set(userId, left);
      else held.delete(userId);
    };
    // A socket whose client went away before the connection completed never emits `disconnect`.
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    return true;
  };

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    limits
      .admit(limits.addressOf(socket.request))
      .then(async (wait) => {
        if (wait > 0)
          return next(
            refusal('rate_limited', `too many connections from your address: try again in ${wait} s`, wait),
          );
        if (typeof token !== 'string') return next(new Error('unauthorized'));
        const user = await authenticate(db, token, now());
        if (!user) return next(new Error('unauthorized'));
        socket.data.user = user;
        // Rooms are looked up before the handshake completes and joined synchronously on
        // connection: once the client sees `connect`, no event addressed to it can be missed.
        socket.data.rooms = await roomsOf(user);
        if (!hold(socket, user.id))
          return next(
            refusal(
              'too_many_sockets',
              `this account already has ${limits.socketsPerUser} connections open: close another Classdesk window or device`,
            ),
          );
        next();
      })
      .catch((err: unknown) => {
        log.error({ err }, 'socket authentication failed');
        next(new Error('unavailable'));
      });
  });

  io.on('connection', (socket: AppSocket) => {
    const user = socket.data.user;
    void socket.join(socket.data.rooms);
    // A membership that changed between the handshake's lookup and this join found no socket to
    // move (its scopeRevoked/scopeGranted ran before the socket was in any room): look again now
    // that it is in its rooms. A change committed after this second lookup moves it as usual.
    roomsOf(user).then(
      (current) => {
        const now = new Set(current);
        const then = new Set(socket.data.rooms);
        for (const room of then) if (!now.has(room)) void socket.leave(room);
        void socket.join(current.filter((room) => !then.has(room)));
        socket.data.rooms = current;
      },
      (err: unknown) => log.error({ err, user: user.id }, 'could not re-check the rooms of a new socket'),
    );
    socket.on('notification:ack', (payload) => {
      const parsed = CLIENT_EVENTS['notification:ack'].safeParse(payload);
      if (!parsed.success) {
        log.warn({ user: user.id, event: 'notification:ack' }, 'ignored invalid socket event');
        return;
      }
      void db
        .updateTable('notifications')
        .set({ delivered_via_socket: 1 })
        .where('id', '=', parsed.data.notification_id)
        .where('user_id', '=', user.id)
        .execute()
        .catch((err: unknown) => log.error({ err }, 'could not record notification delivery'));
    });
    socket.onAny((event: string) => {
      if (!Object.hasOwn(CLIENT_EVENTS, event))
        log.warn({ user: user.id, event: event.slice(0, 64) }, 'ignored unknown socket event');
    });
  });

  async function roomsOf(user: AuthedUser): Promise<string[]> {
    const schools = await db
      .selectFrom('memberships')
      .select('school_id')
      .where('user_id', '=', user.id)
      .where('role', '=', 'teacher')
      .where('active', '=', 1)
      .execute();
    return [
      rooms.teacher(user.id),
      rooms.token(user.tokenHash),
      ...schools.flatMap((s) => [rooms.school(s.school_id), rooms.teacherInSchool(user.id, s.school_id)]),
    ];
  }

  const events: DomainEvents = {
    changed(changes: ChangeRef[], lastSeq: number) {
      const cursor = deltaCursor(lastSeq);
      // A poke to a school's room reaches every socket of its teachers' rooms in that school
      // (they are joined and left together): those need no poke of their own. An announcement
      // to 5 000 teachers is then one poke, not 5 001.
      const wholeSchool = new Set(changes.filter((c) => c.teacher_id === null).map((c) => c.school_id));
      const targets = new Map<string, number>();
      for (const s of wholeSchool) targets.set(rooms.school(s), s);
      for (const c of changes) {
        if (c.teacher_id !== null && !wholeSchool.has(c.school_id))
          targets.set(rooms.teacherInSchool(c.teacher_id, c.school_id), c.school_id);
      }
      for (const [room, schoolId] of targets) {
        io.to(room).emit('poke', { school_id: schoolId, cursor });
        stats.pokes++;
      }
    },
    notificationCreated(row: NotificationRow) {
      stats.notifications++;
      io.to(rooms.teacherInSchool(row.user_id, row.school_id)).emit('notification', row);
    },
    scopeRevoked(userId: number, schoolId: number) {
      io.in(rooms.teacher(userId)).socketsLeave([
        rooms.school(schoolId),
        rooms.teacherInSchool(userId, schoolId),
      ]);
      io.to(rooms.teacher(userId)).emit('scope_revoked', { school_id: schoolId });
    },
    scopeGranted(userId: number, schoolId: number) {
      io.in(rooms.teacher(userId)).socketsJoin([
        rooms.school(schoolId),
        rooms.teacherInSchool(userId, schoolId),
      ]);
      io.to(rooms.teacher(userId)).emit('poke', {
        school_id: schoolId,
        cursor: deltaCursor(0),
      });
    },
    tokenRevoked(tokenHash: string) {
      io.in(rooms.token(tokenHash)).disconnectSockets(true);
    },
  };
  return { io, events, stats };
}
