/**
 * Notifications by email (docs/ARCHITECTURE.md, "Notifications"), against a real SMTP server in
 * this process (tests/support/smtp-sink.ts, read back with mailparser), on SQLite and PostgreSQL:
 * - one announcement to 50 teachers who want it by email gives exactly 50 messages, each with a
 *   plain-text and an HTML part, the school's name, a link that opens the notification in the
 *   app and a one-click unsubscribe (RFC 8058) that turns that type off without signing in;
 * - a cancellation reads in each teacher's language, at the school's time (Lisbon);
 * - an SMTP outage of 30 s loses nothing and sends nothing twice;
 * - an address refused for good is tried EMAIL_MAX_ATTEMPTS times, then shown to the admins;
 * - two server processes, one killed mid-run and started again: every email once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { EmailPreferences } from '../../src/shared/api.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { spawnServer, type ServerChild } from '../support/run-child.js';
import { SmtpSink, type Received } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

const FAST_RETRIES = {
  EMAIL_SWEEP_SECONDS: '1',
  EMAIL_RETRY_BASE_SECONDS: '1',
  EMAIL_RETRY_MAX_SECONDS: '2',
  EMAIL_MAX_ATTEMPTS: '2',
  EMAIL_SEND_TIMEOUT_SECONDS: '2',
  RATE_LIMIT_NOTIFICATIONS_PER_MIN: '100000',
};

let seq = 0;
/** The login limit per address, raised: every invitation accepted here comes from 127.0.0.1. */
const MANY_ACCEPTS = { RATE_LIMIT_LOGIN_PER_ADDRESS: '10000' };

/**
 * `n` new teachers of the school, as a school gets them: invited through the admin API, each
 * accepting by the invitation's link with a name and password. Answers their emails (lower case).
 */
async function addTeachers(admin: TestApi, schoolId: number, n: number): Promise<string[]> {
  const tag = `${Date.now().toString(36)}${seq++}`;
  const anon = new TestApi(admin.baseUrl);
  const emails: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = `prof-${tag}-${i}@escola.test`;
    const sent = await admin.post<{ token: string }>(`/api/admin/schools/${schoolId}/invitations`, {
      email,
      role: 'teacher',
    });
    expect(sent.status, sent.text).toBe(201);
    const accepted = await anon.post(`/api/invitations/${sent.body.token}/accept`, {
      name: `Professor ${i}`,
      password: 'uma-senha-comprida',
    });
    expect(accepted.status, accepted.text).toBe(200);
    emails.push(email);
  }
  return emails;
}

/** A header's raw value, as the message carried it. */
function header(m: Received, name: string): string {
  const line = m.parsed.headerLines.find((h) => h.key === name)?.line ?? '';
  return line.slice(line.indexOf(':') + 1).trim();
}

async function pendingJobs(server: { database: TestServer['database'] }): Promise<number> {
  const r = await server.database.db
    .selectFrom('email_jobs')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe.each(dialectsHere())('notifications by email on %s', { timeout: 180_000 }, (dialect) => {
  let sink: SmtpSink;
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    server = await startTestServer(dialect, {
      // The tests add up to 50 teachers, each accepting an invitation from this one address.
      ...MANY_ACCEPTS,
      SMTP_URL: sink.url,
      MAIL_FROM: 'Classdesk <avisos@escola.test>',
      ...FAST_RETRIES,
    });
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
  });
  afterAll(async () => {
    await server.stop();
    await sink.close();
  });
  afterEach(() => {
    sink.accepted.length = 0;
    sink.refuse.clear();
  });

  /** Waits until no email is pending (every job sent or failed). */
  const drained = () =>
    until('every email job done', async () => ((await pendingJobs(server)) === 0 ? true : undefined), 60_000);

  test('one announcement to 50 teachers who want it by email gives exactly 50 messages', async () => {
    // The demo teachers turn announcements off: the 50 new ones keep the default (by email).
    for (const email of ['ana@classdesk.test', 'rui@classdesk.test']) {
      const t = await signedIn(server.url, email);
      const r = await t.put<EmailPreferences>('/api/me/notification-preferences', {
        email: { school_announcement: 'off' },
      });
      expect(r.status).toBe(200);
      expect(r.body.email).toMatchObject({ school_announcement: 'off', session_cancelled: 'immediate' });
    }
    const teachers = await addTeachers(admin, ids.norte, 50);
    const posted = await admin.post<{ id: number; notified: number }>(
      `/api/admin/schools/${ids.norte}/announcements`,
      {
        title: 'Reunião geral',
        message: 'Quinta-feira às 17h, na biblioteca.',
      },
    );
    expect(posted.status).toBe(201);
    expect(posted.body.notified).toBe(52);
    await drained();

    expect(sink.accepted).toHaveLength(50);
    const byTo = sink.byRecipient();
    expect([...byTo.keys()].sort()).toEqual([...teachers].sort());
    const notes = await server.database.db
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .select(['n.id', 'u.email', 'n.delivered_via_email'])
      .where('n.action_url', '=', `classdesk://announcements/${posted.body.id}`)
      .execute();
    expect(notes).toHaveLength(52);
    for (const n of notes) {
      const got = byTo.get(n.email) ?? [];
      if (n.email.endsWith('@classdesk.test')) {
        expect(got, n.email).toHaveLength(0);
        expect(n.delivered_via_email).toBe(0);
        continue;
      }
      expect(got, n.email).toHaveLength(1);
      expect(n.delivered_via_email).toBe(1);
      const m = got[0]!;
      expect(m.parsed.from?.text).toContain('avisos@escola.test');
      expect(m.parsed.subject).toBe('Reunião geral — Escola Norte');
      expect(m.parsed.text).toContain('Escola Norte');
      expect(m.parsed.text).toContain('Quinta-feira às 17h, na biblioteca.');
      expect(m.parsed.text).toContain(`classdesk://notifications/${n.id}`);
      expect(m.parsed.html).toContain('Escola Norte');
      expect(m.parsed.html).toContain(`href="classdesk://notifications/${n.id}"`);
      expect(header(m, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(header(m, 'list-unsubscribe')).toMatch(
        new RegExp(`${server.url}/unsubscribe/[A-Za-z0-9_-]{43}`),
      );
    }
  });

  test("a cancellation in each teacher's language at the school's time, and one-click unsubscribe", async () => {
    // ana reads Portuguese (the default); rui chooses English, as the app's Settings would.
    const pt = 'ana@classdesk.test';
    const en = 'rui@classdesk.test';
    const rui = await signedIn(server.url, en);
    expect((await rui.put('/api/me/notification-preferences', { language: 'en' })).status).toBe(200);
    const sessions: number[] = [];
    for (const email of [pt, en]) {
      const user = await server.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      const r = await admin.post<{ id: number }>(`/api/admin/schools/${ids.norte}/sessions`, {
        teacher_id: user.id,
        title: 'Português — 7.º B',
        location: 'Sala 12',
        starts_at: '2027-07-15T13:30:00.000Z',
        ends_at: '2027-07-15T14:20:00.000Z',
      });
      expect(r.status, r.text).toBe(201);
      sessions.push(r.body.id);
    }
    for (const id of sessions) {
      const r = await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${id}`, { status: 'cancelled' });
      expect(r.status).toBe(200);
    }
    await drained();
    const byTo = sink.byRecipient();
    const ptMail = byTo.get(pt)![0]!;
    const enMail = byTo.get(en)![0]!;
    expect(ptMail.parsed.subject).toBe('Aula cancelada — Escola Norte');
    // 13:30 UTC in July is 14:30 in Lisbon.
    expect(ptMail.parsed.text).toContain('A aula Português — 7.º B de 15/07/2027, 14:30 foi cancelada.');
    expect(enMail.parsed.subject).toBe('Session cancelled — Escola Norte');
    expect(enMail.parsed.text).toContain('Português — 7.º B on Jul 15, 2027, 02:30 PM was cancelled.');

    // One click (RFC 8058): a POST of List-Unsubscribe=One-Click, no sign-in.
    const link = /<([^>]+)>/.exec(header(ptMail, 'list-unsubscribe'))![1]!;
    const prefsOf = async (email: string) => {
      const u = await server.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      return server.database.db
        .selectFrom('notification_preferences')
        .select(['type', 'email'])
        .where('user_id', '=', u.id)
        .orderBy('type')
        .execute();
    };
    const before = await prefsOf(pt);
    // Following the link (a person, or a scanner) changes nothing by itself.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(await prefsOf(pt)).toEqual(before);
    const click = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(click.status).toBe(200);
    expect(await prefsOf(pt)).toEqual(
      [...before, { type: 'session_cancelled' as const, email: 'off' as const }].sort((x, y) =>
        x.type.localeCompare(y.type),
      ),
    );
    // A link nobody issued changes nothing.
    expect((await fetch(link.replace(/[^/]{43}$/, 'x'.repeat(43)), { method: 'POST' })).status).toBe(404);

    // The next cancellation reaches the English teacher only.
    sink.accepted.length = 0;
    for (const email of [pt, en]) {
      const user = await server.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      const r = await admin.post<{ id: number }>(`/api/admin/schools/${ids.norte}/sessions`, {
        teacher_id: user.id,
        title: 'Português — 8.º A',
        starts_at: '2027-07-16T13:30:00.000Z',
        ends_at: '2027-07-16T14:20:00.000Z',
      });
      await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${r.body.id}`, { status: 'cancelled' });
    }
    await drained();
    expect(sink.accepted.map((m) => m.to)).toEqual([en]);
  });

  test('an address refused for good is tried EMAIL_MAX_ATTEMPTS times, then shown to the admins', async () => {
    const [refused, fine] = await addTeachers(admin, ids.sul, 2);
    sink.refuse.set(refused!, 0);
    const posted = await admin.post(`/api/admin/schools/${ids.sul}/announcements`, {
      title: 'Visita',
      message: 'Sexta.',
    });
    expect(posted.status).toBe(201);
    await drained();
    expect(sink.refuse.get(refused!)).toBe(2);
    expect(sink.accepted.map((m) => m.to).filter((to) => to === fine)).toHaveLength(1);
    const failures = await admin.get<{
      failures: Array<{ email: string; attempts: number; last_error: string }>;
    }>(`/api/admin/schools/${ids.sul}/email-failures`);
    expect(failures.status).toBe(200);
    expect(failures.body.failures).toEqual([
      expect.objectContaining({
        email: refused,
        attempts: 2,
        last_error: expect.stringContaining('550') as string,
      }),
    ]);
    // Not Escola Norte's admin view.
    const norte = await admin.get<{ failures: unknown[] }>(`/api/admin/schools/${ids.norte}/email-failures`);
    expect(norte.body.failures).toEqual([]);
  });

  test('an SMTP outage of 30 s loses nothing and sends nothing twice', async () => {
    const teachers = await addTeachers(admin, ids.sul, 10);
    await sink.close();
    const posted = await admin.post<{ id: number }>(`/api/admin/schools/${ids.sul}/announcements`, {
      title: 'Durante a falha',
      message: 'x',
    });
    expect(posted.status).toBe(201);
    // 30 s down: the jobs are tried again and again (EMAIL_RETRY_MAX_SECONDS=2) and wait.
    const downUntil = Date.now() + 30_000;
    while (Date.now() < downUntil) await new Promise((r) => setTimeout(r, 1000));
    const tried = await server.database.db
      .selectFrom('email_jobs as j')
      .innerJoin('notifications as n', 'n.id', 'j.notification_id')
      .select(['j.status', 'j.attempts'])
      .where('n.action_url', '=', `classdesk://announcements/${posted.body.id}`)
      .execute();
    // The ten new teachers, and the two of the test before (Escola Sul's too).
    expect(tried).toHaveLength(12);
    for (const j of tried) {
      expect(j.status).toBe('pending');
      expect(j.attempts).toBeGreaterThan(2);
    }
    await sink.listen();
    await drained();
    const byTo = sink.byRecipient();
    for (const t of teachers) expect(byTo.get(t), t).toHaveLength(1);
  });
});

describe.each(dialectsHere())('two server processes sending email on %s', { timeout: 180_000 }, (dialect) => {
  let sink: SmtpSink;
  let server: TestServer;
  const children: ServerChild[] = [];
  beforeAll(async () => {
    sink = await SmtpSink.start();
    // This process only holds the database for the test (no SMTP_URL: it sends nothing).
    server = await startTestServer(dialect, MANY_ACCEPTS);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await server.stop();
    await sink.close();
  });

  const spawn = () => {
    const c = spawnServer({
      ...server.sharedEnv,
      HOST: '127.0.0.1',
      PORT: '0',
      PASSWORD_HASH_COST: 'test',
      LOG_LEVEL: 'info',
      SHUTDOWN_DRAIN_SECONDS: '0',
      SMTP_URL: sink.urlWithCredentials('classdesk', 'hunter2-smtp-secret'),
      EMAIL_CONCURRENCY: '4',
      ...FAST_RETRIES,
      ...MANY_ACCEPTS,
    });
    children.push(c);
    return c;
  };

  test('a process killed mid-run and started again: each of 50 emails once', async () => {
    const a = spawn();
    const b = spawn();
    const admin = await signedIn(await a.listening, 'admin@classdesk.test');
    await b.listening;
    const ids = await demoIds(server.database.db);
    const teachers = await addTeachers(admin, ids.norte, 50);
    // ana and rui want announcements too (the default): 52 in all.
    const expected = [...teachers, 'ana@classdesk.test', 'rui@classdesk.test'];
    // After 20 accepted, the SMTP server holds every further message unanswered.
    sink.holdAfterAccepted(20);
    const posted = await admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
      title: 'Muitos',
      message: 'x',
    });
    expect(posted.status).toBe(201);
    await sink.somethingHeld();
    // Every accepted email is recorded before the kill (the known point: nothing in between).
    await until('accepted emails recorded', async () => {
      const sent = await server.database.db
        .selectFrom('email_jobs')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('status', '=', 'sent')
        .executeTakeFirstOrThrow();
      return Number(sent.n) === sink.accepted.length ? true : undefined;
    });
    a.kill('SIGKILL');
    b.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    sink.releaseHeld();
    expect(sink.accepted).toHaveLength(20);

    // Started again: the rest go out once the dead processes' leases run out.
    const a2 = spawn();
    const b2 = spawn();
    await Promise.all([a2.listening, b2.listening]);
    await until(
      'every email job done',
      async () => ((await pendingJobs(server)) === 0 ? true : undefined),
      90_000,
    );
    const byTo = sink.byRecipient();
    expect([...byTo.keys()].sort()).toEqual([...expected].sort());
    for (const t of expected) expect(byTo.get(t), t).toHaveLength(1);
    expect(sink.accepted).toHaveLength(52);

    // The channel said it was on, and never wrote the SMTP password.
    for (const c of [a, b, a2, b2]) {
      expect(c.stdout()).toContain('email channel on');
      expect(c.stdout() + c.stderr()).not.toContain('hunter2-smtp-secret');
    }
  });

  test('without SMTP_URL the channel is off and says so at start', async () => {
    const c = spawnServer({
      ...server.sharedEnv,
      HOST: '127.0.0.1',
      PORT: '0',
      PASSWORD_HASH_COST: 'test',
      LOG_LEVEL: 'info',
      SHUTDOWN_DRAIN_SECONDS: '0',
    });
    children.push(c);
    await c.listening;
    expect(c.stdout()).toContain('email channel off: SMTP_URL is not set');
  });
});
