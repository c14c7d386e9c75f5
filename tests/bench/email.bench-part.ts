/**
 * bench:server's email figure (docs/PERFORMANCE.md, "Email"): an announcement to `teachers`
 * teachers of a fresh school who get announcements by email (the default), from the admin's POST
 * until the local SMTP server (smtp-server, in this process) has accepted every message — the
 * whole outbox: notification and job rows in one transaction, the worker's claim, composing each
 * email (text + HTML, unsubscribe token) and sending it — next to a baseline measured in the same
 * run: the server's own pooled nodemailer transport (`smtpMailer`, the same concurrency) sending
 * the same number of already-composed messages to the same SMTP server, with no database at all.
 */
import { randomBytes } from 'node:crypto';
import { smtpMailer } from '../../server/domain/email-jobs.js';
import { composeEmail } from '../../server/domain/email-content.js';
import { signedIn } from '../support/api-client.js';
import { startTestServer, type Dialect } from '../support/server-fixture.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { freshSchool } from './import.bench-part.js';

export interface EmailFigures {
  teachers: number;
  concurrency: number;
  /** Emails a second through Classdesk's outbox (median of the rounds). */
  perSecond: number;
  /** Emails a second through nodemailer alone. */
  baselinePerSecond: number;
}

const CONCURRENCY = 4;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function measureEmail(dialect: Dialect, rounds: number, teachers = 500): Promise<EmailFigures> {
  const sink = await SmtpSink.start();
  const server = await startTestServer(dialect, {
    LOG_LEVEL: 'silent',
    SLOW_REQUEST_MS: '600000',
    SMTP_URL: sink.url,
    MAIL_FROM: 'Classdesk <avisos@escola.test>',
    EMAIL_CONCURRENCY: String(CONCURRENCY),
    // The worker is woken by the commit; the sweep is only its safety net.
    EMAIL_SWEEP_SECONDS: '1',
  });
  const mailer = smtpMailer(sink.url, CONCURRENCY, 30_000);
  try {
    const db = server.database.db;
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const ours: number[] = [];
    const base: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const school = await freshSchool(db, admin.userId);
      const tag = randomBytes(3).toString('hex');
      const now = new Date().toISOString();
      const users = await db
        .insertInto('users')
        .values(
          Array.from({ length: teachers }, (_, i) => ({
            email: `bench-${tag}-${i}@escola.test`,
            name: `Professor ${i}`,
            password_hash: 'disabled$bench',
            version: 1,
            created_at: now,
          })),
        )
        .returning('id')
        .execute();
      await db
        .insertInto('memberships')
        .values(
          users.map((u) => ({
            school_id: school,
            user_id: u.id,
            role: 'teacher' as const,
            active: 1,
            version: 1,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();

      sink.accepted.length = 0;
      let t0 = performance.now();
      const posted = await admin.post(`/api/admin/schools/${school}/announcements`, {
        title: `Reunião ${tag}`,
        message: 'Sala dos professores, 17h.',
      });
      if (posted.status !== 201) throw new Error(`announcement answered ${posted.status}: ${posted.text}`);
      await until('every email', () => sink.accepted.length >= teachers, 300_000);
      ours.push(performance.now() - t0);
      if (sink.accepted.length !== teachers)
        throw new Error(`${sink.accepted.length} emails for ${teachers} teachers`);

      // The same number of messages, composed beforehand, through the same transport alone.
      const sample = sink.accepted[0]!.parsed;
      const composed = composeEmail({
        school: { name: 'Bench', timezone: 'Europe/Lisbon' },
        language: 'en',
        notifications: [
          {
            id: 1,
            type: 'school_announcement',
            title: sample.subject ?? 'Announcement',
            message: 'Sala dos professores, 17h.',
            params: {},
            created_at: now,
          },
        ],
        unsubscribeUrl: 'http://127.0.0.1/unsubscribe/x',
        digest: false,
      });
      sink.accepted.length = 0;
      t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < teachers) {
            const i = next++;
            await mailer.send({
              from: 'Classdesk <avisos@escola.test>',
              to: `bench-${tag}-${i}@escola.test`,
              subject: composed.subject,
              text: composed.text,
              html: composed.html,
              headers: composed.headers,
              messageId: `<bench.${tag}.${i}@escola.test>`,
            });
          }
        }),
      );
      await until('every baseline email', () => sink.accepted.length >= teachers, 300_000);
      base.push(performance.now() - t0);
    }
    return {
      teachers,
      concurrency: CONCURRENCY,
      perSecond: (teachers / median(ours)) * 1000,
      baselinePerSecond: (teachers / median(base)) * 1000,
    };
  } finally {
    mailer.close();
    await server.stop();
    await sink.close();
  }
}
