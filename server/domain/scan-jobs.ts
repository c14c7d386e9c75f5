/**
 * Virus scans as durable jobs (docs/ARCHITECTURE.md, "Scans"): an upload commits its resource
 * and its `scan_jobs` row together; a worker in every server process claims due jobs with a
 * lease — one atomic UPDATE per job, so two processes never scan the same file, and a job whose
 * process died is taken over when its lease runs out — scans the file and records the verdict.
 * A scanner that fails (unreachable, timed out, unreadable answer) is tried again with a growing
 * delay, `SCAN_MAX_ATTEMPTS` times at most; then the resource ends `failed`. Jobs are picked up
 * at start and by a periodic sweep; on shutdown the worker waits a bounded time for the scans in
 * flight and hands back the rest, so nothing stays `pending` for good.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { FileStore } from '../storage/file-store.js';
import type { Scanner, ScanVerdict } from '../storage/scanner.js';
import { write, type DomainContext } from './context.js';
import type { WriteContext } from './changes.js';

export interface ScanJobOptions {
  maxAttempts: number;
  /** Delay before the second attempt; each further one waits twice as long (at most an hour). */
  retryBaseMs: number;
  /** How often due jobs are looked for besides right after an upload. */
  sweepMs: number;
  /** How long one claim holds a job: longer than a scan may take. */
  leaseMs: number;
  /** How long shutdown waits for scans in flight before handing them back. */
  shutdownWaitMs: number;
}

/** Queues the scan of a resource in the upload's own transaction. */
export async function queueScan(w: WriteContext, resourceId: number): Promise<void> {
  await w.trx
    .insertInto('scan_jobs')
    .values({ resource_id: resourceId, attempts: 0, next_attempt_at: w.now })
    .execute();
}

/** Scans one process runs at a time; more jobs wait for the next sweep (or another process). */
const MAX_IN_FLIGHT = 16;

export class ScanWorker {
  readonly id = `scan-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<number, Promise<void>>();
  private sweeping: Promise<void> | undefined;
  /** A kick came while a sweep was running: that sweep may have looked before its job existed. */
  private kickedAgain = false;
  /** A sweep found no room for more scans. */
  private full = false;
  private stopped = false;
  /** Stop handed the unfinished jobs back: their scans, still running, must not record anything. */
  private handedBack = false;

  constructor(
    private readonly ctx: DomainContext,
    private readonly files: FileStore,
    private readonly scanner: Scanner,
    private readonly opts: ScanJobOptions,
    private readonly onError: (err: unknown, resourceId?: number) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.handedBack = false;
    this.kick();
    this.timer = setInterval(() => this.kick(), this.opts.sweepMs);
    this.timer.unref();
  }

  /** Looks for due jobs now (after an upload, at start, on the sweep). */
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

  /** Resolves once nothing is being claimed or scanned (tests). */
  async idle(): Promise<void> {
    while (this.sweeping || this.inFlight.size > 0) {
      await this.sweeping;
      await Promise.all(this.inFlight.values());
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sweeping;
    await Promise.race([
      Promise.all(this.inFlight.values()),
      new Promise((r) => setTimeout(r, this.opts.shutdownWaitMs).unref()),
    ]);
    // Hand back what is still held (a scan still running, one cut short by the stop): another
    // process, or the next start, takes it at once instead of after the lease.
    this.handedBack = true;
    await this.ctx.db
      .updateTable('scan_jobs')
      .set({ claimed_by: null, lease_until: null })
      .where('claimed_by', '=', this.id)
      .execute();
  }

  private async sweep(): Promise<void> {
    const room = MAX_IN_FLIGHT - this.inFlight.size;
    if (room <= 0) {
      this.full = true; // the next scan to finish looks again
      return;
    }
    const now = this.ctx.now().toISOString();
    const due = await this.ctx.db
      .selectFrom('scan_jobs')
      .select('resource_id')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(room)
      .execute();
    if (due.length === room) this.full = true; // more may be due
    for (const { resource_id: id } of due) {
      if (this.stopped || this.inFlight.has(id)) continue;
      if (!(await claim(this.ctx.db, id, this.id, this.ctx.now(), this.opts.leaseMs))) continue;
      const job = this.run(id)
        .catch((e: unknown) => this.onError(e, id))
        .finally(() => {
          this.inFlight.delete(id);
          if (this.full) {
            this.full = false;
            this.kick();
          }
        });
      this.inFlight.set(id, job);
    }
  }

  private async run(resourceId: number): Promise<void> {
    const r = await this.ctx.db
      .selectFrom('resources')
      .select(['id', 'school_id', 'teacher_id', 'storage_name', 'file_type', 'size'])
      .where('id', '=', resourceId)
      .executeTakeFirst();
    if (!r) {
      await this.ctx.db.deleteFrom('scan_jobs').where('resource_id', '=', resourceId).execute();
      return;
    }
    let verdict: ScanVerdict;
    let problem = 'the scanner did not give a verdict';
    try {
      verdict = await this.scanner.scan(await this.files.read(r.storage_name), {
        fileType: r.file_type,
        size: r.size,
      });
    } catch (e) {
      verdict = 'failed';
      problem = e instanceof Error ? e.message : String(e);
    }
    // Handed back at shutdown (or interrupted by it): the next holder scans it again.
    if (this.handedBack || (this.stopped && verdict === 'failed')) return;
    await write(this.ctx, async (w) => {
      const job = await w.trx
        .selectFrom('scan_jobs')
        .select(['attempts', 'claimed_by'])
        .where('resource_id', '=', r.id)
        .executeTakeFirst();
      // Lost the lease meanwhile (a very slow scan): the process that took it over records it.
      if (!job || job.claimed_by !== this.id) return;
      const attempts = job.attempts + 1;
      if (verdict === 'failed' && attempts < this.opts.maxAttempts) {
        const delay = Math.min(3_600_000, this.opts.retryBaseMs * 2 ** (attempts - 1));
        await w.trx
          .updateTable('scan_jobs')
          .set({
            attempts,
            next_attempt_at: new Date(Date.parse(w.now) + delay).toISOString(),
            claimed_by: null,
            lease_until: null,
            last_error: problem,
          })
          .where('resource_id', '=', r.id)
          .execute();
        return;
      }
      await w.trx.deleteFrom('scan_jobs').where('resource_id', '=', r.id).execute();
      await w.trx
        .updateTable('resources')
        .set({ scan_status: verdict, version: w.version, updated_at: w.now })
        .where('id', '=', r.id)
        .execute();
      w.touch({ school_id: r.school_id, teacher_id: r.teacher_id, entity: 'resource', row_id: r.id });
    });
  }
}

/** Takes a job for `holder` if nobody holds it (or its holder's lease ran out): one atomic update. */
export async function claim(
  db: Kysely<DB>,
  resourceId: number,
  holder: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const at = now.toISOString();
  const r = await db
    .updateTable('scan_jobs')
    .set({ claimed_by: holder, lease_until: new Date(now.getTime() + leaseMs).toISOString() })
    .where('resource_id', '=', resourceId)
    .where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('lease_until', '<', at)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
