/**
 * Feature flags (docs/ARCHITECTURE.md, "Feature flags"), on SQLite and PostgreSQL:
 * - a flag is on with no setting, and an administrator turns it off and on for the school;
 * - a percentage rollout answers each teacher the same on two evaluations and on two server
 *   processes, and is on for roughly that share of many teachers;
 * - every change is in the audit log, written with it;
 * - the administrator of Escola Sul alone cannot read or change Escola Norte's flags;
 * - with `email_notifications` off, a teacher's notifications queue and send no email.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FeatureFlags } from '../../src/shared/feature-flags.js';
import type { PullResponse } from '../../src/shared/protocol.js';
import { flagOn, rolloutBucket } from '../../server/domain/feature-flags.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { spawnServer } from '../support/run-child.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

interface FlagItem {
  key: string;
  enabled: boolean;
  percentage: number | null;
  updated_at: string | null;
  updated_by: number | null;
}

describe.each(dialectsHere())('feature flags on %s', { timeout: 120_000 }, (dialect) => {
  let sink: SmtpSink;
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  let rui: TestApi;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    server = await startTestServer(dialect, {
      SMTP_URL: sink.url,
      MAIL_FROM: 'Classdesk <avisos@escola.test>',
      EMAIL_SWEEP_SECONDS: '1',
    });
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
    rui = await signedIn(server.url, 'rui@classdesk.test');
  });
  afterAll(async () => {
    await server.stop();
    await sink.close();
  });

  const flagsUrl = (school: number) => `/api/admin/schools/${school}/feature-flags`;
  const set = async (key: string, body: unknown, api = admin, school = ids.norte) => {
    const r = await api.put<FlagItem>(`${flagsUrl(school)}/${key}`, body);
    return r;
  };
  const pulledFlags = async (api: TestApi, school = ids.norte): Promise<FeatureFlags> => {
    const r = await api.get<PullResponse>('/api/sync/pull', { school_id: school, limit: 1 });
    expect(r.status, r.text).toBe(200);
    return r.body.feature_flags;
  };

  test('on with no setting; off and on again for the whole school, in the pull', async () => {
    const listed = await admin.get<{ flags: FlagItem[] }>(flagsUrl(ids.norte));
    expect(listed.status).toBe(200);
    expect(listed.body.flags.map((f) => [f.key, f.enabled, f.percentage])).toEqual([
      ['email_notifications', true, null],
      ['real_time_updates', true, null],
      ['dashboard_widgets', true, null],
    ]);
    expect(await pulledFlags(rui)).toEqual({
      email_notifications: true,
      real_time_updates: true,
      dashboard_widgets: true,
    });

    const off = await set('dashboard_widgets', { enabled: false });
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ key: 'dashboard_widgets', enabled: false, percentage: null });
    const row = await server.database.db
      .selectFrom('feature_flags')
      .selectAll()
      .where('school_id', '=', ids.norte)
      .where('key', '=', 'dashboard_widgets')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ enabled: 0, percentage: null, updated_by: ids.admin });
    expect((await pulledFlags(rui)).dashboard_widgets).toBe(false);
    // Another school keeps its own answer.
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    expect((await pulledFlags(ana, ids.sul)).dashboard_widgets).toBe(true);

    expect((await set('dashboard_widgets', { enabled: true })).status).toBe(200);
    expect((await pulledFlags(rui)).dashboard_widgets).toBe(true);
  });

  test('every change is in the audit log, before and after', async () => {
    await set('real_time_updates', { enabled: false });
    await set('real_time_updates', { percentage: 25 });
    const entries = await server.database.db
      .selectFrom('admin_audit')
      .select(['actor_id', 'action', 'subject', 'before', 'after'])
      .where('school_id', '=', ids.norte)
      .where('subject', '=', 'feature_flag:real_time_updates')
      .orderBy('id')
      .execute();
    expect(
      entries.map((e) => ({
        ...e,
        before: JSON.parse(e.before ?? 'null') as unknown,
        after: JSON.parse(e.after!) as unknown,
      })),
    ).toEqual([
      {
        actor_id: ids.admin,
        action: 'feature_flag.set',
        subject: 'feature_flag:real_time_updates',
        before: null,
        after: { enabled: false, percentage: null },
      },
      {
        actor_id: ids.admin,
        action: 'feature_flag.set',
        subject: 'feature_flag:real_time_updates',
        before: { enabled: false, percentage: null },
        after: { enabled: true, percentage: 25 },
      },
    ]);
    await set('real_time_updates', { enabled: true });
  });

  test('a percentage: the same answer twice and on another process, for roughly that share', async () => {
    expect((await set('dashboard_widgets', { percentage: 30 })).status).toBe(200);
    const db = server.database.db;
    // Many teachers (the hash needs only their ids): roughly 30 % of them.
    let on = 0;
    const n = 2000;
    for (let user = 1; user <= n; user++) {
      const a = await flagOn(db, ids.norte, user, 'dashboard_widgets');
      expect(a).toBe(rolloutBucket(ids.norte, 'dashboard_widgets', user) < 30);
      if (a) on++;
    }
    expect(on / n).toBeGreaterThan(0.25);
    expect(on / n).toBeLessThan(0.35);
    // Twice, and from a second server process on the same database: the same answer.
    const first = await pulledFlags(rui);
    expect(await pulledFlags(rui)).toEqual(first);
    expect(first.dashboard_widgets).toBe(rolloutBucket(ids.norte, 'dashboard_widgets', ids.rui) < 30);
    const child = spawnServer({
      ...server.sharedEnv,
      HOST: '127.0.0.1',
      PORT: '0',
      PASSWORD_HASH_COST: 'test',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DRAIN_SECONDS: '0',
    });
    try {
      const url = await child.listening;
      const ruiThere = await signedIn(url, 'rui@classdesk.test');
      expect(await pulledFlags(ruiThere)).toEqual(first);
    } finally {
      child.kill('SIGKILL');
      await child.exited;
    }
    await set('dashboard_widgets', { enabled: true });
  });

  test('the administrator of Escola Sul alone can neither read nor change Norte’s flags', async () => {
    // A Sul-only administrator: invited by Sul's admin, accepting with a password.
    const invited = await admin.post<{ token: string }>(`/api/admin/schools/${ids.sul}/invitations`, {
      email: 'diretora-sul@escola.test',
      role: 'admin',
    });
    expect(invited.status, invited.text).toBe(201);
    const accepted = await new TestApi(server.url).post(`/api/invitations/${invited.body.token}/accept`, {
      name: 'Diretora Sul',
      password: 'uma-senha-comprida',
    });
    expect(accepted.status, accepted.text).toBe(200);
    const sulAdmin = new TestApi(server.url);
    await sulAdmin.login('diretora-sul@escola.test', 'uma-senha-comprida');
    const before = await server.database.db.selectFrom('feature_flags').selectAll().execute();
    const audits = await server.database.db.selectFrom('admin_audit').select('id').execute();
    expect((await sulAdmin.get(flagsUrl(ids.sul))).status).toBe(200);
    expect((await sulAdmin.get(flagsUrl(ids.norte))).status).toBe(403);
    expect((await set('email_notifications', { enabled: false }, sulAdmin)).status).toBe(403);
    expect(await server.database.db.selectFrom('feature_flags').selectAll().execute()).toEqual(before);
    const auditsAfter = await server.database.db.selectFrom('admin_audit').select('id').execute();
    expect(auditsAfter).toEqual(audits);
    // Bad input: a clear 400, nothing changed.
    const bad = await set('email_notifications', { enabled: false, percentage: 10 });
    expect(bad.status).toBe(400);
    expect(await server.database.db.selectFrom('feature_flags').selectAll().execute()).toEqual(before);
  });

  test('with email_notifications off, no email; on again, email', async () => {
    const jobs = async () =>
      (await server.database.db.selectFrom('email_jobs').select(['id', 'user_id']).execute()).length;
    expect((await set('email_notifications', { enabled: false })).status).toBe(200);
    const before = await jobs();
    const quiet = await admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
      title: 'Sem email',
      message: 'Este aviso não vai por email.',
    });
    expect(quiet.status, quiet.text).toBe(201);
    expect(await jobs()).toBe(before);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.accepted.filter((m) => m.parsed.subject?.includes('Sem email'))).toEqual([]);

    expect((await set('email_notifications', { enabled: true })).status).toBe(200);
    const loud = await admin.post(`/api/admin/schools/${ids.norte}/announcements`, {
      title: 'Com email',
      message: 'Este aviso vai por email.',
    });
    expect(loud.status, loud.text).toBe(201);
    expect(await jobs()).toBeGreaterThan(before);
    await until('an email of the second announcement', async () =>
      sink.accepted.some(
        (m) => m.parsed.text?.includes('Com email') || m.parsed.subject?.includes('Com email'),
      )
        ? true
        : undefined,
    );
  });
  test('a digest queued before email was turned off is closed unsent', async () => {
    const ruiPrefs = await rui.put('/api/me/notification-preferences', {
      email: { school_announcement: 'digest' },
    });
    expect(ruiPrefs.status, ruiPrefs.text).toBe(200);
    const posted = await admin.post<{ id: number }>(`/api/admin/schools/${ids.norte}/announcements`, {
      title: 'Resumo do dia',
      message: 'Vai no resumo, se o email estiver ligado.',
    });
    expect(posted.status, posted.text).toBe(201);
    const db = server.database.db;
    const job = await db
      .selectFrom('email_jobs')
      .innerJoin('notifications', 'notifications.id', 'email_jobs.notification_id')
      .select(['email_jobs.id', 'email_jobs.status', 'email_jobs.kind'])
      .where('email_jobs.user_id', '=', ids.rui)
      .where('notifications.title', '=', 'Resumo do dia')
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'pending', kind: 'digest' });
    expect((await set('email_notifications', { enabled: false })).status).toBe(200);
    // The digest hour comes.
    await db
      .updateTable('email_jobs')
      .set({ next_attempt_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', job.id)
      .execute();
    const closed = await until('the digest job closed', async () => {
      const r = await db
        .selectFrom('email_jobs')
        .select(['status', 'sent_at'])
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      return r.status === 'pending' ? undefined : r;
    });
    expect(closed).toEqual({ status: 'sent', sent_at: null });
    // Ana (as it happens) got hers; rui's digest never went.
    expect(
      sink.accepted.filter(
        (m) => m.to.includes('rui@classdesk.test') && m.parsed.text?.includes('Vai no resumo'),
      ),
    ).toEqual([]);
    await set('email_notifications', { enabled: true });
    await rui.put('/api/me/notification-preferences', { email: { school_announcement: 'immediate' } });
  });
});
