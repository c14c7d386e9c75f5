/**
 * The demo schools and accounts (server/domain/demo.ts) exist only when asked for with
 * DEMO_DATA: a server started without it, as in production, has no account anyone knows the
 * password of. Each demo account's hash has its own salt, and no log line names the password.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../../server/domain/demo.js';
import { verifyPassword } from '../../server/domain/passwords.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';

describe.each(dialectsHere())('demo data on %s', (dialect) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('a server started without DEMO_DATA creates no account', async () => {
    // An empty value is an unset variable: the fixture's own DEMO_DATA=true is taken away.
    server = await startTestServer(dialect, { DEMO_DATA: '' });
    expect(server.config.DEMO_DATA).toBe(false);
    expect(await server.database.db.selectFrom('users').select('id').execute()).toEqual([]);
    expect(await server.database.db.selectFrom('schools').select('id').execute()).toEqual([]);
  });

  test('with DEMO_DATA the demo accounts exist, each hash salted on its own, and the password is never logged', async () => {
    const output: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (s: string) => void output.push(s) });
    server = await startTestServer(dialect, { DEMO_DATA: 'true' }, { logger });
    const users = await server.database.db
      .selectFrom('users')
      .select(['email', 'password_hash'])
      .orderBy('email')
      .execute();
    const emails = users.map((u) => u.email);
    for (const email of ['ana@classdesk.test', 'rui@classdesk.test', 'admin@classdesk.test'])
      expect(emails).toContain(email);
    expect(users.length).toBeGreaterThan(30);
    expect(new Set(users.map((u) => u.password_hash)).size).toBe(users.length);
    for (const u of users.slice(0, 4))
      expect(await verifyPassword(DEMO_PASSWORD, u.password_hash)).toBe(true);

    const log = output.join('');
    expect(log).toContain('demo');
    expect(log).not.toContain(DEMO_PASSWORD);
  });
});
