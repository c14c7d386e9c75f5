/**
 * Sign-in throttling (server/http/login-throttle.ts) that a stranger cannot turn into a lockout.
 * Behind a proxy the server believes (TRUST_PROXY=127.0.0.1), X-Forwarded-For gives each request
 * its client address, so an attacker and the teacher can be told apart (see trust-proxy.int.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { TestApi, type ApiResponse } from '../support/api-client.js';

const ATTACKER = '203.0.113.66';
const TEACHER = '198.51.100.20';
const ANA = 'ana@classdesk.test';

describe.each(dialectsHere())('sign-in throttling on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    // The sign-in limits at their defaults: the test is about what they do out of the box.
    server = await startTestServer(dialect, { TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => server?.stop());

  const signIn = (from: string, email: string, password: string) =>
    new TestApi(server.url).request<{ token?: string; error?: { code: string } }>('POST', '/api/auth/login', {
      body: { email, password },
      headers: { 'x-forwarded-for': from },
    });
  const tokenOf = (r: ApiResponse<{ token?: string }>) => r.body.token;

  test('an attacker hammering wrong passwords is slowed down, and the teacher still signs in from her address', async () => {
    const free = server.config.RATE_LIMIT_LOGIN_PER_ACCOUNT;
    const attack: ApiResponse<{ error?: { code: string } }>[] = [];
    for (let i = 0; i < free + 5; i++) attack.push(await signIn(ATTACKER, ANA, `guess-${i}`));
    // `free` wrong passwords go through as such; then the attacker's address must wait.
    expect(attack.slice(0, free).map((r) => r.status)).toEqual(Array(free).fill(401));
    const refused = attack.slice(free).filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of attack) expect([401, 429]).toContain(r.status);
    for (const r of refused) {
      expect(r.body.error?.code).toBe('rate_limited');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    // While the attack goes on, the teacher signs in from her own address: a token, no 429.
    const [teacher, ...more] = await Promise.all([
      signIn(TEACHER, ANA, 'classdesk-demo'),
      ...Array.from({ length: 5 }, (_, i) => signIn(ATTACKER, ANA, `more-${i}`)),
    ]);
    expect(teacher.status).toBe(200);
    expect(tokenOf(teacher)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(more.map((r) => r.status)).toContain(429);
    // The token is real: it opens /api/me as ana.
    const me = await new TestApi(server.url, tokenOf(teacher)).get<{ user: { email: string } }>('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(ANA);
    // Even with the right password, the attacker's address still waits (it cannot probe).
    const probe = await signIn(ATTACKER, ANA, 'classdesk-demo');
    expect(probe.status).toBe(429);
    expect(tokenOf(probe)).toBeUndefined();
  });

  test('a teacher who mistyped a few times signs in at once, and that clears her count', async () => {
    const from = '198.51.100.21';
    const rui = 'rui@classdesk.test';
    for (let i = 0; i < server.config.RATE_LIMIT_LOGIN_PER_ACCOUNT - 1; i++)
      expect((await signIn(from, rui, 'typo')).status).toBe(401);
    expect((await signIn(from, rui, 'classdesk-demo')).status).toBe(200);
    // Counting starts again from zero after the right password.
    for (let i = 0; i < server.config.RATE_LIMIT_LOGIN_PER_ACCOUNT; i++)
      expect((await signIn(from, rui, 'typo')).status).toBe(401);
  });
});

describe('sign-in throttling: a guess spread over many addresses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_LOGIN_ACCOUNT_SLOW_AFTER: '6',
    });
  });
  afterAll(() => server?.stop());

  const signIn = (from: string, password: string) =>
    new TestApi(server.url).request<{ token?: string }>('POST', '/api/auth/login', {
      body: { email: 'admin@classdesk.test', password },
      headers: { 'x-forwarded-for': from },
    });

  test('past the account-wide threshold each address waits after one wrong password; a clean address is not', async () => {
    // Eight addresses, one wrong password each: none of them alone is past its own allowance.
    for (let i = 1; i <= 8; i++) expect((await signIn(`203.0.113.${i}`, 'wrong')).status).toBe(401);
    // The account has now had more than 6: a new address's first wrong password makes it wait.
    expect((await signIn('203.0.113.100', 'wrong')).status).toBe(401);
    const slowed = await signIn('203.0.113.100', 'wrong');
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Never a lockout: the admin from an address with no wrong password signs in.
    const ok = await signIn('198.51.100.30', 'classdesk-demo');
    expect(ok.status).toBe(200);
    expect(ok.body.token).toBeDefined();
  });
});
