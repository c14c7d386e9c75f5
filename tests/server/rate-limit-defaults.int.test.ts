/**
 * The original analysis's request limits, as the server ships them: 60 dashboard requests and 30
 * notification requests per user a minute (server/config.ts defaults, docs/CONFIGURATION.md).
 * Read through loadConfig with an empty environment, and seen on the wire of a real server
 * started without any RATE_LIMIT_* variable: the 61st / 31st request answers 429 with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type ErrorBody } from '../support/api-client.js';
import { demoIds } from '../support/demo.js';

test('the defaults are 60 dashboard and 30 notification requests a minute', () => {
  const config = loadConfig({});
  expect(config.RATE_LIMIT_DASHBOARD_PER_MIN).toBe(60);
  expect(config.RATE_LIMIT_NOTIFICATIONS_PER_MIN).toBe(30);
});

describe.each(dialectsHere())('the default request limits on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(() => server?.stop());

  test.each([
    ['/api/dashboard', 60],
    ['/api/notifications', 30],
  ])('%s: %i requests a minute pass, the next answers 429 with Retry-After', async (url, allowed) => {
    const { norte } = await demoIds(server.database.db);
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    for (let i = 1; i <= allowed; i++)
      expect((await ana.get(url, { school_id: norte })).status, `#${i}`).toBe(200);
    const refused = await ana.get<ErrorBody>(url, { school_id: norte });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});
