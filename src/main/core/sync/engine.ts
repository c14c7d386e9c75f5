/**
 * The offline-first sync engine. It pushes the outbox, pulls each school's scoped view (a first
 * sync streams it in batches with progress; later syncs fetch changes), checks convergence with
 * the server's checksum, reacts to socket pokes, polls with backoff while the socket is down,
 * and wipes a school whose membership was revoked. The app stays usable throughout: every
 * edit is applied locally first and queued.
 *
 * Dependencies come through the constructor (store, transport, clock, logger, fault hook), so
 * tests can run it against a real server, a fake clock, or kill it at a named point.
 */
import { EventEmitter } from 'node:events';
import type { NotificationRow } from '../../../shared/entities.js';
import type { SyncStatus } from '../../../shared/ipc.js';
import type { FieldWrite, MutationInput, MutationType } from '../../../shared/mutators.js';
import { cursorPosition } from '../../../shared/protocol.js';
import type { LocalStore, OutboxEntry } from '../store/local-store.js';
import { noFaults, type Clock, type FaultHook, type Logger } from '../ports.js';
import { NOT_ANSWERING, TransportError, type SyncTransport } from './transport.js';

/** The engine's state as the UI shows it: the IPC contract's shape (src/shared/ipc.ts). */
export type { SyncStatus } from '../../../shared/ipc.js';

export interface SyncProgress {
  schoolId: number;
  done: number;
  total: number;
}

export interface SchoolSyncSummary {
  schoolId: number;
  changes: number;
  batches: number;
  checksum: string | null;
  verified: boolean;
  refetched: boolean;
}

export interface SyncSummary {
  pushed: { applied: number; rejected: number };
  schools: SchoolSyncSummary[];
  revoked: number[];
}

export interface EngineEvents {
  status: [SyncStatus];
  progress: [SyncProgress];
  notification: [NotificationRow];
  /** Local data changed; `writes` are the field writes of an edit the teacher just made. */
  changed: [{ schoolId: number; writes?: FieldWrite[] }];
  revoked: [{ schoolId: number; quarantined: number }];
  attention: [];
  /** A poke arrived; `pulled` is false when the device had already pulled what it announced (one
   * arriving during a sync is queued, and checked again when that sync ends). */
  poke: [{ schoolId: number; pulled: boolean }];
}

/** The server answered but failed (5xx): trying again later may succeed. */
const isServerError = (e: unknown): boolean =>
  e instanceof TransportError && e.kind === 'http' && (e.status ?? 0) >= 500;

/** A request the server took but did not answer in time. */
const isNotAnswering = (e: unknown): boolean => e instanceof TransportError && e.code === NOT_ANSWERING;

/** What a sync covers: every school of the teacher, or some schools the device holds. */
type SyncScope = 'all' | Set<number>;

function mergeScopes(a: SyncScope | undefined, b: SyncScope): SyncScope {
  if (a === undefined) return b;
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

export interface EngineOptions {
  pullLimit?: number;
  pushBatch?: number;
  /** Polling while the socket is down: first delay and ceiling (ms). */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** Polling while the socket is up but `real_time_updates` is off (docs/ARCHITECTURE.md,
   * "Feature flags"): a steady interval, no backoff (the server answers). */
  flagPollMs?: number;
  /** How many pushes of one edit may fail with a server error (5xx) before the edit moves to
   * Needs attention, so the rest of the outbox and the pulls go on. */
  maxPushFailures?: number;
  /** The ceiling while edits wait in the outbox, so they reach a server that is back within
   * seconds (docs/ARCHITECTURE.md, "Reconnecting"). */
  pendingPollMaxMs?: number;
  /** Called to remove cached files of a revoked school (the file cache's job). */
  onSchoolFilesRevoked?: (hashes: string[]) => Promise<void>;
  /** Called to remove cached files whose resources a pull removed (no orphan bytes on disk). */
  onFilesUnused?: (hashes: string[]) => Promise<void>;
  /** Called after each successful syncAll (the file cache sends uploads and prefetches files). */
  afterSync?: (summary: SyncSummary) => void;
}

export interface EngineDeps {
  store: LocalStore;
  transport: SyncTransport;
  clock: Clock;
  logger: Logger;
  faults?: FaultHook;
  options?: EngineOptions;
}

export class SyncEngine extends EventEmitter<EngineEvents> {
  private readonly store: LocalStore;
  private readonly transport: SyncTransport;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly fault: FaultHook;
  private readonly opts: Required<
    Omit<EngineOptions, 'onSchoolFilesRevoked' | 'onFilesUnused' | 'afterSync'>
  > &
    Pick<EngineOptions, 'onSchoolFilesRevoked' | 'onFilesUnused' | 'afterSync'>;

  private running: Promise<SyncSummary> | undefined;
  /** Sync asked for while one runs: everything, or only these schools (pokes). */
  private queued: SyncScope | undefined;
  private started = false;
  private pollTimer: unknown;
  private pollDelay: number;
  private state: SyncStatus;
  /** Server errors (5xx) answered to pushes of each edit, in this run of the app. */
  private readonly pushFailures = new Map<string, number>();
  /** A sync that failed with a server error is tried again on this timer, backing off. */
  private retryTimer: unknown;
  private retryDelay = 0;
  /** Highest change-log position a poke announced, per school. */
  private readonly pokedAt = new Map<number, number>();
  /** Schools a sync was asked for other than by a poke (an edit, a retry): always pulled. */
  private readonly wanted = new Set<number>();
  /** Revocations seen per school: a pull answered before one must not be applied after it. */
  private readonly revocations = new Map<number, number>();

  constructor(deps: EngineDeps) {
    super();
    this.store = deps.store;
    this.transport = deps.transport;
    this.clock = deps.clock;
    this.log = deps.logger;
    this.fault = deps.faults ?? noFaults;
    this.opts = {
      // The protocol's largest batch: each batch is one request and one durable (fsync'd) local
      // transaction, so a 30 000-row first sync takes 7 of each instead of 31 (tests/bench/sync.bench.ts).
      pullLimit: 5000,
      pushBatch: 100,
      pollMinMs: 2_000,
      pollMaxMs: 5 * 60_000,
      pendingPollMaxMs: 3_000,
      flagPollMs: 30_000,
      maxPushFailures: 5,
      ...deps.options,
    };
    this.pollDelay = this.opts.pollMinMs;
    this.state = {
      online: false,
      live: false,
      syncing: false,
      lastSyncedAt: this.store.getMeta('last_synced_at') ?? null,
      notAnswering: false,
      lastError: null,
      ...this.counts(),
    };
  }

  get status(): SyncStatus {
    return { ...this.state };
  }

  /** What waits on this device: edits and uploads for the server, refusals, kept-aside edits. */
  private counts(): Pick<SyncStatus, 'pending' | 'uploads' | 'attention' | 'quarantined'> {
    const uploads = this.store.pendingUploads().length;
    return {
      pending: this.store.pendingCount() + uploads,
      uploads,
      attention: this.store.attention().length,
      quarantined: this.store.quarantine().length,
    };
  }

  private setStatus(patch: Partial<SyncStatus>): void {
    this.state = { ...this.state, ...patch, ...this.counts() };
    this.emit('status', this.status);
  }

  /** Re-reads the counts and tells the UI (an upload went, or was refused). */
  refreshStatus(): void {
    this.setStatus({});
  }

  /** Connects the socket and syncs; from then on pokes, reconnects and polling keep it in sync. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.transport.connect({
      onConnect: () => {
        this.log.info('socket connected');
        this.pollDelay = this.opts.pollMinMs;
        this.cancelPoll();
        this.setStatus({ live: true, online: true });
        this.requestSync('socket connected');
      },
      onDisconnect: (reason) => {
        this.log.info('socket disconnected', { reason });
        this.setStatus({ live: false });
        this.schedulePoll();
      },
      onPoke: (e) => this.onPoke(e.school_id, e.cursor),
      onNotification: (n) => this.receiveNotification(n),
      onScopeRevoked: (e) =>
        void this.revoke(e.school_id).catch((err: unknown) =>
          this.log.error('revocation failed', { err: String(err) }),
        ),
      onUnauthorized: () => {
        this.log.warn('server refused the token');
        this.setStatus({ online: true, live: false, lastError: 'signed_out' });
      },
    });
    this.requestSync('start');
  }

  stop(): void {
    this.started = false;
    this.queued = undefined;
    this.cancelPoll();
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.transport.disconnect();
  }

  /** Waits for the sync in progress (and any requested after it) to finish. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /**
   * Asks for a sync; syncs never overlap, one requested during a sync runs right after it.
   * With `schoolId` (a poke) only that school is pulled, without asking the server for the
   * memberships first: a school the device does not hold yet still gets a whole sync.
   */
  requestSync(reason: string, schoolId?: number): void {
    this.runSync(reason, schoolId === undefined ? 'all' : new Set([schoolId]));
  }

  /**
   * A poke names the school's newest change-log position. The device skips it when its own
   * cursor is already there (typically the teacher's own edit, pulled right after its push); the
   * check is made again when a sync queued behind the running one starts.
   */
  private onPoke(schoolId: number, cursor: string): void {
    if (!this.realTime()) {
      // `real_time_updates` off (docs/ARCHITECTURE.md, "Feature flags"): the timer polls instead.
      this.log.debug('poke ignored: real-time updates are off', { school: schoolId });
      return;
    }
    const at = cursorPosition(cursor);
    if (at !== null) this.pokedAt.set(schoolId, Math.max(at, this.pokedAt.get(schoolId) ?? 0));
    if (this.caughtUp(schoolId)) {
      this.log.debug('poke already pulled', { school: schoolId });
      this.emit('poke', { schoolId, pulled: false });
      return;
    }
    this.log.debug('poke', { school: schoolId });
    this.emit('poke', { schoolId, pulled: true });
    this.runSync('poke', new Set([schoolId]), false);
  }

  /**
   * Whether the device listens to pokes: every school it holds has `real_time_updates` on. Off
   * for one, the engine polls on a timer as it does while the socket is down.
   */
  private realTime(): boolean {
    return this.store.schoolIds().every((id) => this.store.featureFlags(id).real_time_updates);
  }

  /** The device has pulled everything pokes announced for this school (and was not asked for more). */
  private caughtUp(schoolId: number): boolean {
    if (this.wanted.has(schoolId)) return false;
    const poked = this.pokedAt.get(schoolId);
    const held = cursorPosition(this.store.syncState(schoolId)?.cursor);
    return poked !== undefined && held !== null && held >= poked;
  }

  private runSync(reason: string, scope: SyncScope, wanted = true): void {
    if (wanted && scope !== 'all') for (const id of scope) this.wanted.add(id);
    if (this.running) {
      this.queued = mergeScopes(this.queued, scope);
      return;
    }
    this.log.debug('sync requested', { reason, schools: scope === 'all' ? 'all' : [...scope] });
    this.running = this.syncOnce(scope)
      .catch((e: unknown) => {
        this.log.warn('sync failed', { error: e instanceof Error ? e.message : String(e) });
        return { pushed: { applied: 0, rejected: 0 }, schools: [], revoked: [] };
      })
      .finally(() => {
        this.running = undefined;
        // A stopped engine finishes the sync in progress and starts no other.
        const next = this.queued;
        this.queued = undefined;
        // Schools asked for by an edit were recorded in `wanted` when it asked.
        if (next && this.started) this.runSync('requested during sync', next, false);
        // Real-time updates off: the timer keeps the device in sync instead of pokes.
        else if (this.started && !this.realTime()) this.schedulePoll();
      });
  }

  private cancelPoll(): void {
    if (this.pollTimer !== undefined) this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /**
   * Polls on a timer with exponential backoff and ±25% jitter while the socket is down; while
   * edits wait, the delay stays under `pendingPollMaxMs`.
   */
  private schedulePoll(): void {
    if (!this.started || (this.state.live && this.realTime()) || this.pollTimer !== undefined) return;
    const jitter = 1 + (Math.random() - 0.5) / 2;
    const waiting = this.store.pendingCount() + this.store.pendingUploads().length;
    const ceiling = waiting > 0 ? this.opts.pendingPollMaxMs : this.opts.pollMaxMs;
    const steady = this.state.live; // connected, but pokes are ignored (real-time updates off)
    const delay = Math.round(Math.min(steady ? this.opts.flagPollMs : this.pollDelay, ceiling) * jitter);
    if (!steady) this.pollDelay = Math.min(this.opts.pollMaxMs, this.pollDelay * 2);
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      this.requestSync('poll');
      void this.idle().then(() => this.schedulePoll());
    }, delay);
  }

  // ---- edits -------------------------------------------------------------------------------

  /**
   * An edit made by the teacher: applied locally and queued, in one transaction; pushed when
   * possible, followed by a pull of its own school only.
   */
  edit<T extends MutationType>(type: T, input: MutationInput<T>): OutboxEntry {
    const { entry, writes } = this.store.enqueue(type, input, this.clock.now().toISOString());
    // Offline with a long poll ahead: the edit shortens it (the failed sync below reschedules).
    if (!this.state.live) this.cancelPoll();
    this.setStatus({});
    this.emit('changed', { schoolId: entry.school_id, writes });
    if (this.started) this.requestSync('edit', entry.school_id);
    return entry;
  }

  /** Re-queues an edit from the attention list (with the current server version as its base). */
  retry(attentionId: string): OutboxEntry | undefined {
    const item = this.store.dismissAttention(attentionId);
    if (!item) return undefined;
    const args = JSON.parse(item.args) as Record<string, unknown>;
    delete args.base_version;
    return this.edit(item.type as MutationType, args as MutationInput<MutationType>);
  }

  discard(attentionId: string): boolean {
    const ok = this.store.dismissAttention(attentionId) !== undefined;
    this.setStatus({});
    return ok;
  }

  // ---- one sync ----------------------------------------------------------------------------

  private async syncOnce(scope: SyncScope): Promise<SyncSummary> {
    this.setStatus({ syncing: true });
    try {
      const held = new Set(this.store.schoolIds());
      let summary: SyncSummary;
      if (scope !== 'all' && [...scope].every((id) => held.has(id))) {
        const toPull = [...scope].filter((id) => !this.caughtUp(id));
        for (const id of toPull) this.wanted.delete(id);
        summary = await this.syncSchools(toPull);
      } else {
        this.wanted.clear();
        summary = await this.syncAll();
      }
      const now = this.clock.now().toISOString();
      this.store.setMeta('last_synced_at', now);
      this.setStatus({
        syncing: false,
        online: true,
        notAnswering: false,
        lastSyncedAt: now,
        lastError: null,
      });
      this.retryDelay = 0;
      return summary;
    } catch (e) {
      const offline = e instanceof TransportError && e.kind === 'offline';
      this.setStatus({
        syncing: false,
        online: !offline,
        notAnswering: isNotAnswering(e),
        lastError: e instanceof Error ? e.message : String(e),
      });
      // The edits stay in the outbox; a server that failed or did not answer is asked again.
      if (!this.state.live) this.schedulePoll();
      else if (isServerError(e) || isNotAnswering(e)) this.scheduleRetry(scope);
      throw e;
    }
  }

  /** Push the outbox, then pull every school the teacher is an active teacher of. */
  async syncAll(): Promise<SyncSummary> {
    // Memberships first: edits of a school the teacher has lost are quarantined, never pushed.
    const me = await this.transport.me();
    const teaching = me.memberships.filter((m) => m.role === 'teacher');
    const revoked: number[] = [];
    for (const id of this.store.schoolIds()) {
      if (!teaching.some((m) => m.school_id === id)) {
        await this.revoke(id);
        revoked.push(id);
      }
    }
    for (const m of teaching) this.store.setMeta(`school_name:${m.school_id}`, m.school_name);
    const summary = await this.syncSchools(teaching.map((m) => m.school_id));
    summary.revoked.unshift(...revoked);
    return summary;
  }

  /** Push the outbox, then pull these schools (the device holds them, or the server just granted them). */
  async syncSchools(schoolIds: number[]): Promise<SyncSummary> {
    const revoked: number[] = [];
    const pushed = await this.pushOutbox();
    const schools: SchoolSyncSummary[] = [];
    for (const id of schoolIds) {
      const s = await this.syncSchool(id);
      if (s) schools.push(s);
      else revoked.push(id);
    }
    // Edits made while pulling go out now rather than at the next sync.
    if (this.store.pendingCount() > 0) {
      const more = await this.pushOutbox();
      pushed.applied += more.applied;
      pushed.rejected += more.rejected;
    }
    const summary = { pushed, schools, revoked };
    this.opts.afterSync?.(summary);
    return summary;
  }

  /**
   * Tries a sync that failed with a server error again while the socket is up (polling covers
   * the rest): 2 s, then twice as long each time, at most a minute, ±25%.
   */
  private scheduleRetry(scope: SyncScope): void {
    if (!this.started || this.retryTimer !== undefined) return;
    this.retryDelay = Math.min(60_000, this.retryDelay === 0 ? 2_000 : this.retryDelay * 2);
    const delay = Math.round(this.retryDelay * (1 + (Math.random() - 0.5) / 2));
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.runSync('retry after a server error', scope, false);
    }, delay);
  }

  /**
   * Sends the outbox in order, in batches; each answer is recorded before the next batch. A
   * batch the server fails on (5xx) is sent again one edit at a time, so the failing edit is
   * found; once the same edit has failed `maxPushFailures` times it moves to Needs attention
   * and the others go on (docs/ARCHITECTURE.md, "No edit blocks a device").
   */
  async pushOutbox(): Promise<{ applied: number; rejected: number }> {
    const total = { applied: 0, rejected: 0 };
    let size = this.opts.pushBatch;
    for (;;) {
      const batch = this.store.pending(size);
      if (batch.length === 0) break;
      this.fault('push:before-send');
      let res;
      try {
        res = await this.transport.push({
          client_id: this.store.clientId,
          mutations: batch.map((m) => ({ id: m.id, type: m.type, args: m.args })),
        });
      } catch (e) {
        if (!isServerError(e)) throw e;
        if (batch.length > 1) {
          size = 1;
          continue;
        }
        const edit = batch[0]!;
        const failures = (this.pushFailures.get(edit.id) ?? 0) + 1;
        this.pushFailures.set(edit.id, failures);
        if (failures < this.opts.maxPushFailures) throw e;
        // Only an edit the server fails on while it answers otherwise is set aside: a server
        // that fails everything (its database down) fails this read too, and the edit waits.
        await this.transport.pull(
          edit.school_id,
          this.store.syncState(edit.school_id)?.cursor ?? undefined,
          1,
        );
        this.log.warn('the server keeps failing an edit: moved to Needs attention', {
          mutation: edit.id,
          failures,
        });
        this.pushFailures.delete(edit.id);
        res = {
          results: [
            {
              id: edit.id,
              status: 'rejected' as const,
              code: 'server_error',
              message: `the server failed ${failures} times to apply this edit (${(e as Error).message}); it was not applied — retry it later`,
            },
          ],
        };
      }
      this.fault('push:after-send');
      for (const m of batch) this.pushFailures.delete(m.id);
      const r = this.store.settle(res.results, this.clock.now().toISOString());
      this.fault('push:after-settle');
      total.applied += r.applied;
      total.rejected += r.rejected;
      if (r.rejected > 0) this.emit('attention');
      for (const id of new Set(batch.map((m) => m.school_id))) this.emit('changed', { schoolId: id });
      this.setStatus({});
    }
    return total;
  }

  /**
   * Pulls one school until the server has nothing more, then compares checksums; a mismatch
   * re-fetches that school's whole view once. Returns null when the school was revoked.
   */
  async syncSchool(schoolId: number, refetched = false): Promise<SchoolSyncSummary | null> {
    let batches = 0;
    let changes = 0;
    let checksum: string | null = null;
    for (;;) {
      const cursor = this.store.syncState(schoolId)?.cursor ?? undefined;
      const revocations = this.revocations.get(schoolId) ?? 0;
      let res;
      try {
        res = await this.transport.pull(schoolId, cursor, this.opts.pullLimit);
      } catch (e) {
        if (e instanceof TransportError && e.status === 403 && e.code === 'scope_revoked') {
          await this.revoke(schoolId);
          return null;
        }
        if (e instanceof TransportError && e.status === 400 && e.code === 'invalid_input' && cursor) {
          // A cursor the server no longer accepts: start this school over.
          this.log.warn('server refused the cursor: re-fetching the school', { school: schoolId });
          this.store.resetSchool(schoolId);
          continue;
        }
        throw e;
      }
      if ((this.revocations.get(schoolId) ?? 0) !== revocations) {
        // scope_revoked arrived while this answer was on its way: applying it would bring the school back.
        this.log.info('school revoked during a pull: answer dropped', { school: schoolId });
        return null;
      }
      this.fault('pull:before-apply');
      const applied = this.store.applyPullBatch(
        schoolId,
        {
          changes: res.changes,
          cursor: res.cursor,
          total: res.total,
          done: res.done,
          checksum: res.checksum,
        },
        this.clock.now().toISOString(),
      );
      this.fault('pull:after-apply');
      if (this.store.setFeatureFlags(schoolId, res.feature_flags)) {
        this.log.info('feature flags changed', { school: schoolId, flags: res.feature_flags });
        this.emit('changed', { schoolId });
      }
      batches++;
      changes += res.changes.length;
      if (res.total !== null && res.done !== null)
        this.emit('progress', { schoolId, done: res.done, total: res.total });
      for (const n of applied.newNotifications) this.announce(n);
      if (applied.unusedFiles.length > 0) await this.opts.onFilesUnused?.(applied.unusedFiles);
      if (res.changes.length > 0) this.emit('changed', { schoolId });
      if (!res.has_more) {
        checksum = res.checksum;
        break;
      }
    }
    const local = this.store.localChecksum(schoolId);
    const verified = checksum !== null && local === checksum;
    if (!verified && checksum !== null) {
      this.log.warn('checksum mismatch: re-fetching the school', {
        school: schoolId,
        local,
        server: checksum,
      });
      if (!refetched) {
        this.store.resetSchool(schoolId);
        const again = await this.syncSchool(schoolId, true);
        return again && { ...again, refetched: true };
      }
    }
    return { schoolId, changes, batches, checksum, verified, refetched };
  }

  /** Compares each school's local checksum with the server's without changing anything. */
  async verify(): Promise<Array<{ schoolId: number; local: string; server: string | null; match: boolean }>> {
    const out = [];
    for (const schoolId of this.store.schoolIds()) {
      let server: string | null = null;
      let cursor = this.store.syncState(schoolId)?.cursor ?? undefined;
      // Read (without applying) up to the head: the server's checksum comes with the last batch.
      for (;;) {
        const res = await this.transport.pull(schoolId, cursor, this.opts.pullLimit);
        if (!res.has_more) {
          server = res.checksum;
          // Only a pull that had nothing new describes the same state the device holds.
          if (res.changes.length > 0) server = null;
          break;
        }
        cursor = res.cursor;
      }
      const local = this.store.localChecksum(schoolId);
      out.push({ schoolId, local, server, match: server === local });
    }
    return out;
  }

  private receiveNotification(n: NotificationRow): void {
    const applied = this.store.applyNotification(n, this.clock.now().toISOString());
    for (const x of applied.newNotifications) this.announce(x);
    this.emit('changed', { schoolId: n.school_id });
  }

  private announce(n: NotificationRow): void {
    this.transport.ackNotification(n.id);
    this.emit('notification', n);
  }

  /** Removes every trace of a school (rows, cached files, WAL) and quarantines its pending edits. */
  async revoke(schoolId: number): Promise<void> {
    this.revocations.set(schoolId, (this.revocations.get(schoolId) ?? 0) + 1);
    if (!this.store.holdsSchool(schoolId) && !this.store.pending().some((p) => p.school_id === schoolId))
      return;
    const { fileHashes, quarantined } = this.store.revokeSchool(schoolId, this.clock.now().toISOString());
    const stillUsed = this.store.referencedHashes(fileHashes);
    await this.opts.onSchoolFilesRevoked?.(fileHashes.filter((h) => !stillUsed.has(h)));
    this.log.info('school revoked: local data removed', { school: schoolId, quarantined });
    this.emit('revoked', { schoolId, quarantined });
    this.emit('changed', { schoolId });
    this.setStatus({});
  }
}
