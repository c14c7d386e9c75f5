/**
 * The app's side of the protocol version on the wire (src/main/core/sync/transport.ts): push and
 * pull state the app's version, and an answer from a server that speaks an older one (or states
 * none, as servers before version 2 did) is refused with `server_outdated` and a message saying
 * to update the server, before its body is used.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpTransport, TransportError } from '../../src/main/core/sync/transport.js';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/shared/protocol.js';
import { signedIn } from '../support/api-client.js';
import { demoIds } from '../support/demo.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';

describe('protocol version, app side', () => {
  let server: TestServer;
  let older: http.Server;
  let olderUrl: string;
  const seenHeaders: Array<string | undefined> = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    // A server of protocol 1: it answers a well-formed empty pull and states no version.
    older = http.createServer((req, res) => {
      seenHeaders.push(req.headers[PROTOCOL_HEADER] as string | undefined);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          school_id: 1,
          changes: [],
          cursor: 'x',
          has_more: false,
          total: null,
          done: null,
          checksum: null,
        }),
      );
    });
    await new Promise<void>((r) => older.listen(0, '127.0.0.1', r));
    olderUrl = `http://127.0.0.1:${(older.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((r) => older?.close(r));
  });

  test('a pull against this server states the version and succeeds', async () => {
    const ids = await demoIds(server.database.db);
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const t = new HttpTransport(server.url, () => ana.token);
    const res = await t.pull(ids.norte, undefined, 10);
    expect(res.school_id).toBe(ids.norte);
  });

  test('an answer from an older server is refused with server_outdated', async () => {
    const t = new HttpTransport(olderUrl, () => 'token');
    const err = await t.pull(1, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('server_outdated');
    expect((err as TransportError).message).toMatch(/update the Classdesk server/);
    expect(seenHeaders.at(-1)).toBe(String(PROTOCOL_VERSION));
  });
});
