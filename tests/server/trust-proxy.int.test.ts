/**
 * TRUST_PROXY decides which X-Forwarded-For hops the server believes, and so the address the
 * per-address sign-in limit counts. Behind a proxy that appends the client's address to the
 * header, `true` lets a client pick its address by sending the header itself; naming the proxy
 * (`127.0.0.1` here) makes the address the last hop that is not the proxy.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { TestApi } from '../support/api-client.js';

describe('TRUST_PROXY and the address rate limits count', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  /** Sign-in attempts as a proxy that appends 198.51.100.7 (the real client) would relay them. */
  async function attempts(trust: string, n: number): Promise<number[]> {
    const server = await startTestServer('sqlite', { TRUST_PROXY: trust, RATE_LIMIT_LOGIN_PER_ADDRESS: '3' });
    servers.push(server);
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await new TestApi(server.url).request('POST', '/api/auth/login', {
        body: { email: `someone-${i}@classdesk.test`, password: 'wrong password' },
        // What the client wrote itself (a new address each time), then what the proxy appended.
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.7` },
      });
      statuses.push(r.status);
    }
    return statuses;
  }

  test('naming the proxy: the client is the last hop before it, whatever it writes', async () => {
    expect(await attempts('127.0.0.1', 4)).toEqual([401, 401, 401, 429]);
    expect(await attempts('127.0.0.0/8, ::1', 4)).toEqual([401, 401, 401, 429]);
  });

  test('true believes every hop: the client chooses its address (for proxies that replace the header)', async () => {
    expect(await attempts('true', 4)).toEqual([401, 401, 401, 401]);
  });
});
