/**
 * Child process of `npm run bench:load`: the baseline server. A bare `node:http` server with a
 * plain `ws` WebSocketServer on it — no authentication, no database, no framework:
 * - `GET /body` answers a fixed JSON body (set by the bench over IPC: a real pull response);
 * - `GET /floor?t=I` (a floor, not the baseline) replays pull teacher I's SQL statements, as
 *   Classdesk sent them for that teacher's pull, through better-sqlite3 prepared statements on
 *   the Classdesk database file, then answers the same body: what the pull's database work costs
 *   with no framework, no query builder and no response building around it;
 * - `/socket.io/` (a reference, not the baseline) is socket.io itself, as shipped, over the same
 *   transport Classdesk uses: no authentication, no rooms, no event handlers;
 * - `/ws?school=S&user=U` holds a plain WebSocket, kept in a set per school;
 * - `POST /announce?school=S` with `{title, message}` sends each socket of school S a
 *   notification-shaped JSON message of its own (the same fields a Classdesk client receives).
 *   With REDIS_URL the announcement goes through one Redis PUBLISH, and every baseline process
 *   subscribed to the channel (BASELINE_CHANNEL) sends it to its own sockets.
 * Memory is read over IPC, like load-server.ts. Exits when the bench goes away.
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { Server as SocketIoServer } from 'socket.io';
import SQLite from 'better-sqlite3';
import { keepingStatements } from '../../src/shared/sqlite-statements.js';
import { createClient } from 'redis';
import { memorySnapshot, type ChildReply, type ChildRequest } from './load-ipc.js';
import type { RecordedStatement } from './statement-log.js';

interface Announcement {
  school: number;
  id: number;
  title: string;
  message: string;
  at: string;
}

const send = (m: ChildReply) => process.send?.(m);
const bySchool = new Map<number, Map<WebSocket, number>>();
let body = Buffer.from('{}');
let nextId = 1;
let floor: Array<() => void> = [];

/** Prepares each teacher's statements once; the returned function runs them in order. */
function prepareFloor(file: string, teachers: RecordedStatement[][]): Array<() => void> {
  // Teachers' pulls share most of their SQL texts: one statement per text.
  const db = keepingStatements(new SQLite(file, { readonly: true, fileMustExist: true }));
  return teachers.map((statements) => {
    const steps = statements.map(({ sql, parameters }) => {
      const st = db.prepare(sql);
      return st.reader ? () => st.all(parameters) : () => st.run(parameters);
    });
    return () => {
      for (const step of steps) step();
    };
  });
}

function deliver(a: Announcement): number {
  const sockets = bySchool.get(a.school);
  if (!sockets) return 0;
  for (const [ws, userId] of sockets) {
    ws.send(
      JSON.stringify({
        event: 'notification',
        row: {
          id: a.id,
          school_id: a.school,
          user_id: userId,
          type: 'school_announcement',
          title: a.title,
          message: a.message,
          action_url: `classdesk://announcements/${a.id}`,
          is_read: false,
          is_dismissed: false,
          read_at: null,
          delivered_via_socket: false,
          created_at: a.at,
          expires_at: a.at,
          version: a.id,
        },
      }),
    );
  }
  return sockets.size;
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  const channel = process.env.BASELINE_CHANNEL ?? 'classdesk-load-baseline';
  const publisher = redisUrl ? createClient({ url: redisUrl }) : undefined;
  const subscriber = publisher?.duplicate();
  if (publisher && subscriber) {
    await publisher.connect();
    await subscriber.connect();
    await subscriber.subscribe(channel, (m) => deliver(JSON.parse(m) as Announcement));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/body') {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': body.length,
      });
      res.end(body);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/floor') {
      const run = floor[Number(url.searchParams.get('t'))];
      if (!run) {
        res.writeHead(404);
        res.end();
        return;
      }
      run();
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': body.length,
      });
      res.end(body);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/announce') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { title, message } = JSON.parse(Buffer.concat(chunks).toString()) as Announcement;
        const a = { school: Number(url.searchParams.get('school')), id: nextId++, title, message };
        const announcement: Announcement = { ...a, at: new Date().toISOString() };
        const done = (notified: number) => {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ notified }));
        };
        if (publisher) {
          publisher.publish(channel, JSON.stringify(announcement)).then(
            () => done(-1),
            (err: unknown) => {
              res.writeHead(500);
              res.end(String(err));
            },
          );
        } else done(deliver(announcement));
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  // Two WebSocket servers on one HTTP server: ws takes the upgrades of /ws only (given the
  // server itself, it would refuse every other path), socket.io those of /socket.io/.
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws') return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  // destroyUpgrade: false leaves the upgrades of /ws alone instead of ending them after a timeout.
  const sio = new SocketIoServer(server, {
    transports: ['websocket'],
    serveClient: false,
    destroyUpgrade: false,
  });
  wss.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const school = Number(url.searchParams.get('school'));
    const sockets = bySchool.get(school) ?? new Map<WebSocket, number>();
    bySchool.set(school, sockets);
    sockets.set(ws, Number(url.searchParams.get('user')));
    ws.on('close', () => sockets.delete(ws));
  });
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const ws of wss.clients) ws.terminate();
    sio.disconnectSockets(true);
    server.closeAllConnections();
    server.close();
    void Promise.allSettled([subscriber?.close(), publisher?.close()]).then(() => process.exit(0));
  };
  process.on('message', (m: ChildRequest) => {
    if (m.type === 'memory')
      send({ type: 'memory', ...memorySnapshot(), sockets: wss.clients.size + sio.of('/').sockets.size });
    else if (m.type === 'body') {
      body = Buffer.from(m.body);
      send({ type: 'body-set' });
    } else if (m.type === 'floor') {
      floor = prepareFloor(m.file, m.teachers);
      send({ type: 'floor-set' });
    } else if (m.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  send({ type: 'ready', url: `http://127.0.0.1:${address.port}` });
}

main().catch((err: unknown) => {
  console.error('load-baseline failed to start:', err);
  process.exit(1);
});
