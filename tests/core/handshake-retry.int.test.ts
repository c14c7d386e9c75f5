/**
 * The app's socket after a handshake the server refused for now (src/main/core/sync/transport.ts):
 * socket.io does not retry a refusal by itself, so the transport tries again after the server's
 * `retry_after` (or its own delay), and the device becomes live again without a restart.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpTransport } from '../../src/main/core/sync/transport.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { connected, openSocket } from '../support/socket-inbox.js';
import { until } from '../support/until.js';

describe('a refused handshake', () => {
  let server: TestServer;
  let ana: TestApi;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { SOCKETS_PER_USER: '1' });
    ana = await signedIn(server.url, 'ana@classdesk.test');
  });
  afterAll(() => server?.stop());

  test('too many sockets: refused while another holds the slot, live once it is free', async () => {
    const other = openSocket(server.url, { token: ana.token });
    await connected(other);
    const events: string[] = [];
    const transport = new HttpTransport(server.url, () => ana.token, 5000, 200);
    transport.connect({
      onConnect: () => events.push('connect'),
      onDisconnect: (reason) => events.push(`refused: ${reason}`),
      onPoke: () => undefined,
      onNotification: () => undefined,
      onScopeRevoked: () => undefined,
      onUnauthorized: () => events.push('unauthorized'),
    });
    try {
      await until('the refusal', () => (events.length > 0 ? true : undefined));
      expect(events[0]).toMatch(/refused: .*connections open/);
      other.disconnect();
      await until('the transport live again', () => (events.includes('connect') ? true : undefined));
      expect(events).not.toContain('unauthorized');
    } finally {
      transport.disconnect();
      other.disconnect();
    }
  });
});
