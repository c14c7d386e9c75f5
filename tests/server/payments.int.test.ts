/**
 * Payments that notify (docs/ARCHITECTURE.md, "Running a school"): POST /api/webhooks/payments
 * takes a provider's event signed as Stripe signs its webhooks; each event id is processed once,
 * even when the same event arrives many times at once; a bad signature, an old timestamp, an
 * unknown school or teacher create nothing. The teacher's notification arrives live and in the pull.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { NotificationRow } from '../../src/shared/entities.js';
import { renderNotification } from '../../src/shared/notification-text.js';
import { signBody } from '../../server/http/signed-body.js';
import {
  TEST_WEBHOOK_SECRET,
  dialectsHere,
  startTestServer,
  type TestServer,
} from '../support/server-fixture.js';
import { signedIn, TestApi, type ApiResponse } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { snapshotDb } from '../support/db-snapshot.js';
import { nowSeconds, sendPayment } from '../support/payments.js';
import { Inbox, connected, openSocket, type ClientSocket } from '../support/socket-inbox.js';

describe.each(dialectsHere())('payment webhook on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let anon: TestApi;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ids = await demoIds(server.database.db);
    anon = new TestApi(server.url);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.disconnect();
  });
  afterAll(() => server?.stop());

  const event = (over: Record<string, unknown> = {}) => ({
    id: `evt_${randomBytes(8).toString('hex')}`,
    type: 'payment.succeeded',
    school_id: ids.norte,
    teacher_email: 'ana@classdesk.test',
    amount_cents: 4250,
    currency: 'EUR',
    session_ids: [] as number[],
    ...over,
  });
  const paymentsOf = (id: string) =>
    server.database.db.selectFrom('payment_events').selectAll().where('id', '=', id).execute();
  const snapshot = () => snapshotDb(server.database.db);

  test('a signed event notifies the teacher once: live over the socket and in the pull', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const socket = openSocket(server.url, { token: ana.token });
    open.push(socket);
    const inbox = new Inbox(socket);
    await connected(socket);
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select('id')
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .executeTakeFirstOrThrow();
    const e = event({ session_ids: [session.id], amount_cents: 123456, currency: 'EUR' });

    const res = await sendPayment(anon, e);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: e.id, status: 'processed' });

    const [payment] = await paymentsOf(e.id);
    expect(payment).toMatchObject({
      school_id: ids.norte,
      teacher_id: ids.ana,
      amount_cents: 123456,
      currency: 'EUR',
    });
    const live = await inbox.waitFor(
      'the payment notification',
      (r) => r.event === 'notification' && (r.payload as NotificationRow).id === payment!.notification_id,
    );
    const n = live.payload as NotificationRow;
    expect(n).toMatchObject({ type: 'payment_processed', school_id: ids.norte, user_id: ids.ana });
    // The server sends facts; each reader writes the sentence in its language.
    expect(n.params).toEqual({ amount_cents: 123456, currency: 'EUR', sessions: 1 });
    expect(n.message).toBe('');
    expect(renderNotification(n, 'en', 'Europe/Lisbon').body).toBe('€1,234.56 received for 1 session.');
    // Intl writes a no-break space before the euro sign.
    expect(renderNotification(n, 'pt-PT', 'Europe/Lisbon').body.replace(/\s/g, ' ')).toBe(
      '1234,56 € recebidos por 1 aula.',
    );
    expect(n.action_url).toBe(`classdesk://sessions/${session.id}`);

    const pull = await ana.get<{ changes: Array<{ entity: string; row?: { id: number } }> }>(
      '/api/sync/pull',
      {
        school_id: ids.norte,
        limit: 5000,
      },
    );
    expect(pull.body.changes.some((c) => c.entity === 'notification' && c.row?.id === n.id)).toBe(true);

    // The same event again: 200, nothing changes.
    const before = await snapshot();
    const again = await sendPayment(anon, e);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: e.id, status: 'duplicate' });
    expect(await snapshot()).toEqual(before);
  });

  test('the same event sent twenty times at once is processed exactly once', async () => {
    const e = event();
    const before = await server.database.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', ids.ana)
      .executeTakeFirstOrThrow();
    const answers = await Promise.all(Array.from({ length: 20 }, () => sendPayment(anon, e)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const statuses = answers.map((a) => (a.body as { status: string }).status).sort();
    expect(statuses.filter((s) => s === 'processed')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(19);
    expect(await paymentsOf(e.id)).toHaveLength(1);
    const after = await server.database.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', ids.ana)
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1);
  });

  test('bad signatures, old or future timestamps, unknown schools and teachers change nothing', async () => {
    const before = await snapshot();
    const e = event();
    const refusals: Array<[string, Promise<ApiResponse>, number, string]> = [
      ['no signature', anon.request('POST', '/api/webhooks/payments', { body: e }), 401, 'bad_signature'],
      [
        'another secret',
        sendPayment(anon, e, { secret: 'whsec_someone_else_entirely' }),
        401,
        'bad_signature',
      ],
      ['a malformed header', sendPayment(anon, e, { signature: 'v1=abc' }), 401, 'bad_signature'],
      ['six minutes old', sendPayment(anon, e, { t: nowSeconds() - 360 }), 401, 'bad_signature'],
      ['six minutes ahead', sendPayment(anon, e, { t: nowSeconds() + 360 }), 401, 'bad_signature'],
      [
        'a body changed after signing',
        sendPayment(anon, e, {
          signature: signBody(TEST_WEBHOOK_SECRET, JSON.stringify(e), nowSeconds()),
          text: JSON.stringify({ ...e, amount_cents: 999999 }),
        }),
        401,
        'bad_signature',
      ],
      ['an unknown school', sendPayment(anon, event({ school_id: 987654 })), 404, 'not_found'],
      [
        'a school the teacher is not in',
        sendPayment(anon, event({ teacher_email: 'rui@classdesk.test', school_id: ids.sul })),
        404,
        'not_found',
      ],
      [
        'an unknown teacher',
        sendPayment(anon, event({ teacher_email: 'nobody@classdesk.test' })),
        404,
        'not_found',
      ],
      [
        'the admin (not a teacher)',
        sendPayment(anon, event({ teacher_email: 'admin@classdesk.test' })),
        404,
        'not_found',
      ],
      ['a session of another teacher', sendPayment(anon, event({ session_ids: [987654] })), 404, 'not_found'],
      ['another event type', sendPayment(anon, event({ type: 'payment.refunded' })), 400, 'invalid_input'],
      ['a negative amount', sendPayment(anon, event({ amount_cents: -5 })), 400, 'invalid_input'],
      ['a currency that is not a code', sendPayment(anon, event({ currency: 'euro' })), 400, 'invalid_input'],
      ['signed JSON that is broken', sendPayment(anon, null, { text: '{"id":' }), 400, 'invalid_input'],
    ];
    for (const [what, pending, status, code] of refusals) {
      const res = await pending;
      expect({
        what,
        status: res.status,
        code: (res.body as { error: { code: string } }).error.code,
      }).toEqual({
        what,
        status,
        code,
      });
    }
    expect(await snapshot()).toEqual(before);
  });

  test('without PAYMENTS_WEBHOOK_SECRET the route answers 503 and creates nothing', async () => {
    const bare = await startTestServer(dialect, { PAYMENTS_WEBHOOK_SECRET: '' });
    try {
      const before = await snapshotDb(bare.database.db);
      const res = await sendPayment(new TestApi(bare.url), event({ school_id: 1 }));
      expect(res.status).toBe(503);
      expect((res.body as { error: { code: string } }).error.code).toBe('not_configured');
      expect(await snapshotDb(bare.database.db)).toEqual(before);
    } finally {
      await bare.stop();
    }
  });
});
