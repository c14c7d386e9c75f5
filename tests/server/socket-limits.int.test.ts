/**
 * The socket.io handshake's limits (server/realtime/socket.ts): at most SOCKETS_PER_USER sockets
 * of one user on a process, and at most RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN handshakes per
 * client address a minute. A refused handshake is a `connect_error` whose `data` carries a code
 * and a message the app can show; the sockets already connected keep working.
 */
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds } from '../support/demo.js';
import { Inbox, connected, openSocket, refused, type ClientSocket } from '../support/socket-inbox.js';

interface RefusalData {
  code: string;
  message: string;
  retry_after?: number;
}

describe.each(dialectsHere())('socket limits on %s', (dialect) => {
  let server: TestServer;
  let ana: TestApi;
  const open: ClientSocket[] = [];
  const socketOf = (token: string | undefined, headers: Record<string, string> = {}) => {
    const s = io(server.url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
      extraHeaders: headers,
    });
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startTestServer(dialect, {
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN: '1000',
    });
    ana = await signedIn(server.url, 'ana@classdesk.test');
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.disconnect();
  });
  afterAll(() => server?.stop());

  test('the socket past SOCKETS_PER_USER is refused with a code; the others keep working', async () => {
    const max = server.config.SOCKETS_PER_USER;
    expect(max).toBe(20);
    const inboxes: Inbox[] = [];
    for (let i = 0; i < max; i++) {
      const s = socketOf(ana.token);
      inboxes.push(new Inbox(s));
      await connected(s);
    }
    const err = await refused(socketOf(ana.token));
    const data = (err as Error & { data?: RefusalData }).data;
    expect(data?.code).toBe('too_many_sockets');
    expect(data?.message).toContain(String(max));
    expect(err.message).toBe(data?.message);

    // Another user is not affected, and ana's sockets still receive their events.
    const rui = await signedIn(server.url, 'rui@classdesk.test');
    await connected(socketOf(rui.token));
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const { norte } = await demoIds(server.database.db);
    const title = `limits ${Date.now()}`;
    expect(
      (await admin.post(`/api/admin/schools/${norte}/announcements`, { title, message: 'm' })).status,
    ).toBe(201);
    await Promise.all(inboxes.map((inbox) => inbox.notification('school_announcement', title)));

    // A socket that goes away frees its place.
    const first = inboxes[0]!.socket;
    const gone = new Promise<void>((resolve) => {
      const check = () => (server.io.of('/').sockets.size <= max ? resolve() : setTimeout(check, 20));
      check();
    });
    first.disconnect();
    await gone;
    await connected(socketOf(ana.token));
  });

  test('a refused handshake of an unknown token is still `unauthorized`', async () => {
    const s = openSocket(server.url, { token: 'garbage' });
    open.push(s);
    expect((await refused(s)).message).toBe('unauthorized');
  });
});

describe('socket connection rate per address', () => {
  let server: TestServer;
  let ana: TestApi;
  const open: ClientSocket[] = [];
  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN: '5',
    });
    ana = await signedIn(server.url, 'ana@classdesk.test');
  });
  afterAll(async () => {
    for (const s of open.splice(0)) s.disconnect();
    await server?.stop();
  });

  const from = (address: string, token = ana.token) => {
    const s = io(server.url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
      extraHeaders: { 'x-forwarded-for': address },
    });
    open.push(s);
    return s;
  };

  test('the handshake past the rate from one address is refused with Retry-After; another address connects', async () => {
    for (let i = 0; i < 5; i++) {
      const s = from('203.0.113.9');
      await connected(s);
      s.disconnect();
    }
    const err = await refused(from('203.0.113.9'));
    const data = (err as Error & { data?: RefusalData }).data;
    expect(data?.code).toBe('rate_limited');
    expect(data?.retry_after).toBeGreaterThanOrEqual(1);
    // Counted before the token is even looked at: a bad token from there is refused the same way.
    expect(
      ((await refused(from('203.0.113.9', 'garbage'))) as Error & { data?: RefusalData }).data?.code,
    ).toBe('rate_limited');
    await connected(from('198.51.100.44'));
  });
});
