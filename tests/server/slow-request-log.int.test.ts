/**
 * The slow-request log line (server/http/app.ts, onResponse): it names the route template, the
 * user and the query count, and no log line of the server ever carries a bearer token or a
 * password. The server's own pino output is captured through StartOptions.logger.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PullResponse } from '../../src/shared/protocol.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, TestApi } from '../support/api-client.js';
import { demoIds } from '../support/demo.js';

interface LogLine {
  level: number;
  msg: string;
  route?: string;
  method?: string;
  status?: number;
  user?: number;
  queries?: number;
}

describe.each(dialectsHere())('the slow-request log on %s', (dialect) => {
  let server: TestServer;
  const output: string[] = [];
  const lines = () =>
    output
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);

  beforeAll(async () => {
    // Every level, so whatever the server logs at all is checked for secrets.
    const logger = pino({ level: 'trace' }, { write: (s: string) => void output.push(s) });
    server = await startTestServer(dialect, { SLOW_REQUEST_MS: '1' }, { logger });
  });
  afterAll(() => server?.stop());

  test('a slow request is logged with its route, user and query count, and no token anywhere', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const { norte } = await demoIds(server.database.db);
    // A whole-view pull: dozens of queries, far above 1 ms on any machine.
    const r = await ana.get<PullResponse>('/api/sync/pull', { school_id: norte });
    expect(r.status).toBe(200);
    const reported = /desc="(\d+) queries"/.exec(r.headers.get('server-timing') ?? '');
    expect(reported).not.toBeNull();
    // A refused token must not be logged either.
    const forged = randomBytes(32).toString('base64url');
    expect((await new TestApi(server.url, forged).get('/api/me')).status).toBe(401);

    const slow = lines().filter((l) => l.msg === 'slow request' && l.route === '/api/sync/pull');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({
      level: 40,
      method: 'GET',
      status: 200,
      user: ana.userId,
      queries: Number(reported![1]),
    });
    expect(slow[0]!.queries).toBeGreaterThan(1);

    const all = output.join('');
    expect(all).not.toContain('classdesk-demo');
    expect(all).not.toContain(ana.token!);
    expect(all).not.toContain(forged);
    expect(all).not.toMatch(/bearer/i);
  });
});

describe.each(dialectsHere())('a fast request on %s', (dialect) => {
  let server: TestServer;
  const output: string[] = [];
  beforeAll(async () => {
    const logger = pino({ level: 'trace' }, { write: (s: string) => void output.push(s) });
    // SLOW_REQUEST_MS at its default (1 000 ms).
    server = await startTestServer(dialect, {}, { logger });
  });
  afterAll(() => server?.stop());

  test('is logged at debug as a request, never as slow', async () => {
    expect(server.config.SLOW_REQUEST_MS).toBe(1000);
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    expect((await ana.get('/api/me')).status).toBe(200);
    const lines = output
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);
    const me = lines.filter((l) => l.route === '/api/me');
    expect(me).toHaveLength(1);
    expect(me[0]).toMatchObject({ level: 20, msg: 'request', status: 200, user: ana.userId });
    expect(lines.filter((l) => l.msg === 'slow request')).toEqual([]);
  });
});
