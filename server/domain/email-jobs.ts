/**
 * Email as a transactional outbox (docs/ARCHITECTURE.md, "Notifications"): a notification that
 * its teacher wants by email commits an `email_jobs` row in the same transaction; a worker in
 * every server process claims due jobs with a lease (one atomic UPDATE per job, as scans do:
 * server/domain/scan-jobs.ts), sends through SMTP and, only once the SMTP server accepted the
 * message, marks the job sent and the notification `delivered_via_email` — so each notification
 * reaches each teacher once across processes, restarts and outages.
 *
 * An SMTP server that is unreachable, times out or answers 4xx loses nothing: the job waits with
 * a growing delay (EMAIL_RETRY_BASE_SECONDS, doubling up to EMAIL_RETRY_MAX_SECONDS) and is tried
 * again, however long the outage lasts. A permanent refusal (5xx) is tried EMAIL_MAX_ATTEMPTS
 * times; then the job is `failed`, and the school's admins see it
 * (GET /api/admin/schools/:schoolId/email-failures). A digest job waits for the day's digest hour
 * in the school's time zone and goes out with the teacher's other due digest jobs of that school.
 *
 * The one window without a guarantee is a process that dies after the SMTP server accepted a
 * message and before its commit (milliseconds): its job is sent again once the lease runs out,
 * with the same Message-ID, so the duplicate is recognisable.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { NotificationRow } from '../../src/shared/entities.js';
import { nextLocalHour } from '../../src/shared/time-range.js';
import type { DB } from '../db/schema.js';
import type { WriteContext } from './changes.js';
import { composeEmail } from './email-content.js';
import { choicesFor, DEFAULT_MAIL_LANGUAGE } from './notification-preferences.js';
import { flagOn } from './feature-flags.js';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  messageId: string;
}

/** Hands a message to an SMTP server; resolves once the server accepted it. */
export interface Mailer {
  send(m: OutgoingEmail): Promise<void>;
  close(): void;
}

/** An SMTP error: `permanent` for a 5xx answer (retrying as is will not help). */
export class SendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Where the SMTP server is, without its credentials (for the log). */
export function describeSmtpUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
}

/** A pooled nodemailer SMTP transport for SMTP_URL. */
export function smtpMailer(url: string, concurrency: number, timeoutMs: number): Mailer {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: concurrency,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Never log: the URL may hold credentials.
    logger: false,
    debug: false,
  });
  return {
    async send(m) {
      try {
        await transport.sendMail(m);
      } catch (e) {
        const err = e as { message?: string; responseCode?: number; permanent?: boolean };
        const code = typeof err.responseCode === 'number' ? err.responseCode : undefined;
        // The reply's text only (never the transport's options).
        throw new SendError(
          code
            ? `SMTP ${code}: ${String(err.message ?? '').slice(0, 300)}`
            : String(err.message ?? e).slice(0, 300),
          code !== undefined && code >= 500,
        );
      }
    },
    close: () => transport.close(),
  };
}

/** What decides whether a teacher gets email at all (the `email_notifications` feature flag). */
export type EmailGate = (userId: number, schoolId: number) => Promise<boolean>;

export interface MailChannel {
  /** Off without SMTP_URL: no job is queued. */
  enabled: boolean;
  digestHour: number;
  gate?: EmailGate;
  /** Looks for due jobs now (after a notification commits). */
  kick(): void;
}

/**
 * Queues, in the notifications' own transaction, the email of each one its teacher wants by
 * email (by preference and the email flag), as it happens or for the digest.
 */
export async function queueEmails(
  w: WriteContext,
  mail: MailChannel,
  created: NotificationRow[],
): Promise<number> {
  if (!mail.enabled || created.length === 0) return 0;
  const byType = new Map<NotificationRow['type'], NotificationRow[]>();
  for (const n of created) byType.set(n.type, [...(byType.get(n.type) ?? []), n]);
  const zones = new Map<number, string>();
  const jobs: NewJob[] = [];
  for (const [type, rows] of byType) {
    const choices = await choicesFor(w.trx, [...new Set(rows.map((r) => r.user_id))], type);
    for (const n of rows) {
      const choice = choices.get(n.user_id) ?? 'off';
      if (choice === 'off') continue;
      if (mail.gate && !(await mail.gate(n.user_id, n.school_id))) continue;
      if (!(await flagOn(w.trx, n.school_id, n.user_id, 'email_notifications'))) continue;
      let due = w.now;
      if (choice === 'digest') {
        if (!zones.has(n.school_id)) {
          const s = await w.trx
            .selectFrom('schools')
            .select('timezone')
            .where('id', '=', n.school_id)
            .executeTakeFirst();
          zones.set(n.school_id, s?.timezone ?? 'UTC');
        }
        due = safeNextLocalHour(new Date(w.now), zones.get(n.school_id)!, mail.digestHour).toISOString();
      }
      jobs.push({
        notification_id: n.id,
        user_id: n.user_id,
        school_id: n.school_id,
        kind: choice,
        status: 'pending',
        attempts: 0,
        refusals: 0,
        next_attempt_at: due,
        created_at: w.now,
      });
    }
  }
  await insertJobs(w.trx, jobs);
  if (jobs.length > 0) w.afterCommit(() => mail.kick());
  return jobs.length;
}

function safeNextLocalHour(now: Date, zone: string, hour: number): Date {
  try {
    return nextLocalHour(now, zone, hour);
  } catch {
    return nextLocalHour(now, 'UTC', hour);
  }
}

interface NewJob {
  notification_id: number;
  user_id: number;
  school_id: number;
  kind: 'immediate' | 'digest';
  status: 'pending';
  attempts: number;
  refusals: number;
  next_attempt_at: string;
  created_at: string;
}

async function insertJobs(db: Kysely<DB>, jobs: NewJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 500)
    await db
      .insertInto('email_jobs')
      .values(jobs.slice(i, i + 500))
      .onConflict((oc) => oc.column('notification_id').doNothing())
      .execute();
}

export interface EmailWorkerOptions {
  from: string;
  /** Base of the unsubscribe links (PUBLIC_URL). */
  publicUrl: string;
  maxRefusals: number;
  retryBaseMs: number;
  retryMaxMs: number;
  sweepMs: number;
  /** How long one claim holds a job: longer than a send may take. */
  leaseMs: number;
  concurrency: number;
}

interface Claimed {
  id: number;
  kind: 'immediate' | 'digest';
  user_id: number;
  school_id: number;
}

export class EmailWorker {
  readonly id = `mail-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<number, Promise<void>>();
  private sweeping: Promise<void> | undefined;
  private kickedAgain = false;
  private stopped = false;
  /** Totals since start (metrics, the benchmark). */
  readonly totals = { sent: 0, retried: 0, failed: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly mailer: Mailer,
    private readonly opts: EmailWorkerOptions,
    private readonly now: () => Date,
    private readonly onError: (err: unknown, jobId?: number) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.kick();
    this.timer = setInterval(() => this.kick(), this.opts.sweepMs);
    this.timer.unref();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.sweeping) {
      this.kickedAgain = true;
      return;
    }
    this.kickedAgain = false;
    this.sweeping = this.sweep()
      .catch((e: unknown) => this.onError(e))
      .finally(() => {
        this.sweeping = undefined;
        if (this.kickedAgain) this.kick();
      });
  }

  /** Resolves once nothing is being claimed or sent (tests). */
  async idle(): Promise<void> {
    while (this.sweeping || this.inFlight.size > 0) {
      await this.sweeping;
      await Promise.all(this.inFlight.values());
    }
  }

  /** Stops claiming, waits for the sends in flight, hands back what it still holds. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sweeping;
    await Promise.all(this.inFlight.values());
    await this.db
      .updateTable('email_jobs')
      .set({ claimed_by: null, lease_until: null })
      .where('claimed_by', '=', this.id)
      .where('status', '=', 'pending')
      .execute();
    this.mailer.close();
  }

  private async sweep(): Promise<void> {
    for (;;) {
      const room = this.opts.concurrency * 4 - this.inFlight.size;
      if (room <= 0 || this.stopped) return;
      const now = this.now().toISOString();
      const due = await this.db
        .selectFrom('email_jobs')
        .select(['id', 'kind', 'user_id', 'school_id'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(room)
        .execute();
      let started = 0;
      for (const job of due) {
        if (this.stopped || this.inFlight.has(job.id)) continue;
        if (!(await this.claim(job.id))) continue;
        started++;
        const run = this.run(job)
          .catch((e: unknown) => this.onError(e, job.id))
          .finally(() => {
            this.inFlight.delete(job.id);
            this.kick();
          });
        this.inFlight.set(job.id, run);
        // Keep at most `concurrency` sends going; the next ones start as these finish.
        while (this.inFlight.size >= this.opts.concurrency) await Promise.race(this.inFlight.values());
      }
      if (started === 0 || due.length < room) return;
    }
  }

  private async claim(id: number): Promise<boolean> {
    const now = this.now();
    const at = now.toISOString();
    const r = await this.db
      .updateTable('email_jobs')
      .set({ claimed_by: this.id, lease_until: new Date(now.getTime() + this.opts.leaseMs).toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('lease_until', '<', at)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private async run(job: Claimed): Promise<void> {
    let ids = [job.id];
    if (job.kind === 'digest') {
      // The teacher's other digest jobs of this school that are due go in the same email.
      const now = this.now();
      const at = now.toISOString();
      await this.db
        .updateTable('email_jobs')
        .set({ claimed_by: this.id, lease_until: new Date(now.getTime() + this.opts.leaseMs).toISOString() })
        .where('user_id', '=', job.user_id)
        .where('school_id', '=', job.school_id)
        .where('kind', '=', 'digest')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('lease_until', '<', at)]))
        .execute();
      ids = (
        await this.db
          .selectFrom('email_jobs')
          .select('id')
          .where('user_id', '=', job.user_id)
          .where('school_id', '=', job.school_id)
          .where('kind', '=', 'digest')
          .where('status', '=', 'pending')
          .where('claimed_by', '=', this.id)
          .orderBy('id')
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return;
    }
    const facts = await this.db
      .selectFrom('email_jobs as j')
      .innerJoin('notifications as n', 'n.id', 'j.notification_id')
      .select([
        'j.id as job_id',
        'n.id',
        'n.type',
        'n.title',
        'n.message',
        'n.params',
        'n.created_at',
        'n.is_dismissed',
      ])
      .where('j.id', 'in', ids)
      .orderBy('n.id')
      .execute();
    const [user, school, lang] = await Promise.all([
      this.db.selectFrom('users').select(['email', 'name']).where('id', '=', job.user_id).executeTakeFirst(),
      this.db
        .selectFrom('schools')
        .select(['name', 'timezone'])
        .where('id', '=', job.school_id)
        .executeTakeFirst(),
      this.db
        .selectFrom('mail_settings')
        .select('language')
        .where('user_id', '=', job.user_id)
        .executeTakeFirst(),
    ]);
    if (!user || !school || facts.length === 0) {
      // Nobody to write to any more (the notification or the account is gone).
      await this.finish(ids, null);
      return;
    }
    if (!(await flagOn(this.db, job.school_id, job.user_id, 'email_notifications'))) {
      // The school turned email off for this teacher since the job was queued (a digest waits
      // for hours): closed unsent, as above (docs/ARCHITECTURE.md, "Feature flags").
      await this.finish(ids, null);
      return;
    }
    const types = [...new Set(facts.map((f) => f.type))];
    const token = randomBytes(32).toString('base64url');
    await this.db
      .insertInto('unsubscribe_tokens')
      .values({
        token_hash: createHash('sha256').update(token).digest('hex'),
        user_id: job.user_id,
        types: types.join(','),
        created_at: this.now().toISOString(),
      })
      .execute();
    const email = composeEmail({
      school,
      language: lang?.language ?? DEFAULT_MAIL_LANGUAGE,
      notifications: facts.map((f) => ({ ...f, params: JSON.parse(f.params) as NotificationRow['params'] })),
      unsubscribeUrl: `${this.opts.publicUrl.replace(/\/+$/, '')}/unsubscribe/${token}`,
      digest: job.kind === 'digest',
    });
    const host = new URL(this.opts.publicUrl).hostname || 'classdesk';
    try {
      await this.mailer.send({
        from: this.opts.from,
        to: user.name ? `"${user.name.replace(/["\\\r\n]/g, '')}" <${user.email}>` : user.email,
        ...email,
        // The same for every attempt: a copy sent twice (see above) is recognisable.
        messageId: `<classdesk.${job.kind}.${ids[0]}.${job.user_id}@${host}>`,
      });
    } catch (e) {
      await this.failed(ids, e);
      return;
    }
    await this.finish(ids, this.now().toISOString());
    this.totals.sent++;
  }

  /**
   * Closes jobs (only while still ours); `acceptedAt` set: the SMTP server accepted their email,
   * so their notifications are marked delivered by email.
   */
  private async finish(ids: number[], acceptedAt: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('email_jobs')
        .set({ status: 'sent', claimed_by: null, lease_until: null, sent_at: acceptedAt })
        .where('id', 'in', ids)
        .where('claimed_by', '=', this.id)
        .returning('notification_id')
        .execute();
      if (acceptedAt !== null && done.length > 0)
        await trx
          .updateTable('notifications')
          .set({ delivered_via_email: 1 })
          .where(
            'id',
            'in',
            done.map((d) => d.notification_id),
          )
          .execute();
    });
  }

  private async failed(ids: number[], e: unknown): Promise<void> {
    const permanent = e instanceof SendError && e.permanent;
    const message = e instanceof Error ? e.message : String(e);
    const jobs = await this.db
      .selectFrom('email_jobs')
      .select(['id', 'attempts', 'refusals'])
      .where('id', 'in', ids)
      .where('claimed_by', '=', this.id)
      .execute();
    for (const j of jobs) {
      const attempts = j.attempts + 1;
      const refusals = j.refusals + (permanent ? 1 : 0);
      if (refusals >= this.opts.maxRefusals) {
        await this.db
          .updateTable('email_jobs')
          .set({
            attempts,
            refusals,
            status: 'failed',
            claimed_by: null,
            lease_until: null,
            last_error: message,
          })
          .where('id', '=', j.id)
          .where('claimed_by', '=', this.id)
          .execute();
        this.totals.failed++;
        continue;
      }
      const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** Math.min(30, attempts - 1));
      await this.db
        .updateTable('email_jobs')
        .set({
          attempts,
          refusals,
          next_attempt_at: new Date(this.now().getTime() + delay).toISOString(),
          claimed_by: null,
          lease_until: null,
          last_error: message,
        })
        .where('id', '=', j.id)
        .where('claimed_by', '=', this.id)
        .execute();
      this.totals.retried++;
    }
  }
}
