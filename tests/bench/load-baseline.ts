/**
 * Child process of `npm run bench:load`: the baseline server. A bare `node:http` server with a
 * plain `ws` WebSocketServer on it — no authentication, no database, no framework:
 * - `GET /body` answers a fixed JSON body (set by the bench over IPC: a real pull response);
 * - `/ws?school=S&user=U` holds a plain WebSocket, kept in a set per school;
 * - `POST /announce?school=S` with `{title, message}` sends each socket of school S a
 *   notification-shaped JSON message of its own (the same fields a Classdesk client receives).
 *   With REDIS_URL the announcement goes through one Redis PUBLISH, and every baseline process
 *   subscribed to the channel (BASELINE_CHANNEL) sends it to its own sockets.
 * Memory is read over IPC, like load-server.ts. Exits when the bench goes away.
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { createClient } from 'redis';
import { memorySnapshot, type ChildReply, type ChildRequest } from './load-ipc.js';

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
  const wss = new WebSocketServer({ server, path: '/ws' });
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
    server.closeAllConnections();
    server.close();
    void Promise.allSettled([subscriber?.close(), publisher?.close()]).then(() => process.exit(0));
  };
  process.on('message', (m: ChildRequest) => {
    if (m.type === 'memory') send({ type: 'memory', ...memorySnapshot(), sockets: wss.clients.size });
    else if (m.type === 'body') {
      body = Buffer.from(m.body);
      send({ type: 'body-set' });
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
