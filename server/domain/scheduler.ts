/**
 * Timed work: `session_reminder` notifications a configurable lead time before each scheduled
 * session, and publishing the expiry of notifications (they then leave the teachers' views).
 * Reminders carry a dedupe key (session and start time), so each is created exactly once even
 * when the scheduler runs again after a restart or on several processes at once; a rescheduled
 * session gets a reminder for its new time. With several processes on one database, a lease
 * (scheduler-lease.ts) lets one of them run the rounds; another takes over when it stops renewing.
 */
import { write, type DomainContext } from './context.js';
import { createNotifications } from './notifications.js';
import { Lease, leaseHolderId } from './scheduler-lease.js';

export interface SchedulerRun {
  reminders: number;
  expired: number;
  /** How late the run started relative to its due time, in ms. */
  lagMs: number;
  /** Whether this process held the lease and did the work (another process did otherwise). */
  leader: boolean;
}

export async function runScheduledWork(
  ctx: DomainContext,
  leadMinutes: number,
): Promise<Omit<SchedulerRun, 'lagMs' | 'leader'>> {
  const now = ctx.now();
  const until = new Date(now.getTime() + leadMinutes * 60_000).toISOString();
  const due = await ctx.db
    .selectFrom('class_sessions as s')
    .innerJoin('memberships as m', (j) =>
      j.onRef('m.user_id', '=', 's.teacher_id').onRef('m.school_id', '=', 's.school_id'),
    )
    .select(['s.id', 's.school_id', 's.teacher_id', 's.title', 's.starts_at', 's.location'])
    .where('s.status', '=', 'scheduled')
    .where('s.starts_at', '>', now.toISOString())
    .where('s.starts_at', '<=', until)
    .where('m.role', '=', 'teacher')
    .where('m.active', '=', 1)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('notifications as n')
            .select(eb.lit(1).as('one'))
            // The literals are cast: PostgreSQL cannot infer a parameter's type inside concat().
            .whereRef(
              'n.dedupe_key',
              '=',
              eb.fn('concat', [
                eb.cast(eb.val('reminder:'), 'text'),
                's.id',
                eb.cast(eb.val(':'), 'text'),
                's.starts_at',
              ]),
            ),
        ),
      ),
    )
    .limit(1000)
    .execute();
  let reminders = 0;
  if (due.length > 0) {
    reminders = await write(ctx, async (w) => {
      const created = await createNotifications(
        w,
        ctx,
        due.map((s) => {
          return {
            school_id: s.school_id,
            user_id: s.teacher_id,
            type: 'session_reminder' as const,
            params: {
              session_id: s.id,
              session_title: s.title,
              starts_at: s.starts_at,
              location: s.location,
            },
            action_url: `classdesk://sessions/${s.id}`,
            // A reminder is useless once its class has started.
            expires_at: s.starts_at,
            dedupe_key: `reminder:${s.id}:${s.starts_at}`,
          };
        }),
      );
      return created.length;
    });
  }

  let expired = 0;
  for (;;) {
    const n = await write(ctx, async (w) => {
      const rows = await w.trx
        .selectFrom('notifications')
        .select(['id', 'school_id', 'user_id'])
        .where('expiry_published', '=', 0)
        .where('expires_at', '<=', now.toISOString())
        .limit(500)
        .execute();
      if (rows.length === 0) return 0;
      // Only rows still unpublished are published (and logged): never twice, whoever ran first.
      const published = await w.trx
        .updateTable('notifications')
        .set({ expiry_published: 1, version: w.version })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .where('expiry_published', '=', 0)
        .returning(['id', 'school_id', 'user_id'])
        .execute();
      for (const r of published)
        w.touch({ school_id: r.school_id, teacher_id: r.user_id, entity: 'notification', row_id: r.id });
      return published.length;
    });
    expired += n;
    if (n < 500) break;
  }
  return { reminders, expired };
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  lastRun: SchedulerRun | undefined;
  /** Totals since start (for metrics). */
  readonly totals = { runs: 0, reminders: 0, expired: 0 };
  /** Held while this process runs the rounds; expires after three missed rounds. */
  readonly lease: Lease;

  constructor(
    private readonly ctx: DomainContext,
    private readonly leadMinutes: number,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
    /** Told when this process takes or loses the lease. */
    private readonly onLeadership: (leader: boolean) => void = () => undefined,
  ) {
    this.lease = new Lease(ctx.db, 'scheduled-work', leaseHolderId(), 3 * intervalMs, () => ctx.now());
  }

  /** One round: renew or take the lease, and do the work only while holding it. */
  private async round(lagMs: number): Promise<void> {
    const wasLeader = this.lease.held;
    const leader = await this.lease.acquire();
    if (leader !== wasLeader) this.onLeadership(leader);
    if (!leader) {
      this.lastRun = { reminders: 0, expired: 0, lagMs, leader };
      return;
    }
    const r = await runScheduledWork(this.ctx, this.leadMinutes);
    this.lastRun = { ...r, lagMs, leader };
    this.totals.runs++;
    this.totals.reminders += r.reminders;
    this.totals.expired += r.expired;
  }

  start(): void {
    let due = Date.now();
    const tick = () => {
      const lagMs = Math.max(0, Date.now() - due);
      this.running = this.round(lagMs)
        .catch(this.onError)
        .finally(() => {
          this.running = undefined;
          due = Date.now() + this.intervalMs;
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops the loop after the round in progress and releases the lease. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.lease.release().catch(this.onError);
  }
}
