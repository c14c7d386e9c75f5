/**
 * The device's copy of resource files, content-addressed (`<dir>/<sha256>`). Files are fetched
 * on demand or ahead of the coming week's classes, resumed after a cut (HTTP Range + If-Range),
 * verified by sha256 before anyone can open them, and kept under a quota by least-recently-used
 * eviction that never evicts what the next classes or the unsent uploads need. Uploads made
 * offline wait here too: their bytes in the cache, a row in `pending_uploads`, until the server
 * takes them — or refuses them, which puts them on the attention list.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Clock, Logger } from '../ports.js';
import type { LocalStore } from '../store/local-store.js';
import type { LocalDB } from '../store/schema.js';
import { TransportError, type SyncTransport } from '../sync/transport.js';
import { downloadTo } from './download.js';
import { FileCacheError } from './errors.js';
import type { FileCacheEvents, FileFailure } from './events.js';
import { hashFile, isSha256, removeFile, sizeOf } from './fs-util.js';
import { UploadQueue, type NewUpload, type UploadSummary } from './upload-queue.js';

export { FileCacheError, type FileCacheErrorCode } from './errors.js';
export type { FileCacheEvents, FileFailure, FileProgress, FileUploaded, UploadProgress } from './events.js';
export type { NewUpload, UploadSummary } from './upload-queue.js';

export interface FileCacheDeps {
  store: LocalStore;
  transport: SyncTransport;
  dir: string;
  clock: Clock;
  logger: Logger;
  quotaBytes: number;
  /** A download that receives nothing for this long is cut (and resumed next time). */
  stallTimeoutMs?: number;
}

export interface PrefetchSummary {
  files: number;
  downloaded: number;
  failed: number;
}

/** Files of sessions starting within this window are never evicted. */
const PINNED_DAYS = 7;
const DAY_MS = 86_400_000;

export class FileCache extends EventEmitter<FileCacheEvents> {
  readonly dir: string;
  private readonly store: LocalStore;
  private readonly transport: SyncTransport;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly quotaBytes: number;
  private readonly stallTimeoutMs: number;

  private readonly downloads = new Map<string, { promise: Promise<void>; controller: AbortController }>();
  private readonly uploads: UploadQueue;
  private background: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(deps: FileCacheDeps) {
    super();
    this.store = deps.store;
    this.transport = deps.transport;
    this.dir = deps.dir;
    this.clock = deps.clock;
    this.log = deps.logger;
    this.quotaBytes = deps.quotaBytes;
    this.stallTimeoutMs = deps.stallTimeoutMs ?? 30_000;
    fs.mkdirSync(this.dir, { recursive: true });
    this.uploads = new UploadQueue({
      store: this.store,
      transport: this.transport,
      clock: this.clock,
      logger: this.log,
      dir: this.dir,
      pathOf: (h) => this.pathOf(h),
      isClosed: () => this.closed,
      onUploaded: (e) => this.emit('uploaded', e),
      onProgress: (p) => this.emit('upload-progress', p),
      onFailure: (f) => this.fail(f),
    });
  }

  /** Where a file with this hash lives in the cache (whether or not it is there). */
  pathOf(sha256: string): string {
    if (!isSha256(sha256)) throw new FileCacheError('invalid_args', 'not a sha256 hash');
    return path.join(this.dir, sha256);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private fail(f: FileFailure): void {
    if (this.listenerCount('error') > 0) this.emit('error', f);
  }

  // ---- downloads ---------------------------------------------------------------------------

  /** The path of a resource's verified file, downloading it first if it is not cached. */
  async ensure(resourceId: number): Promise<string> {
    const r = this.store.resourceFile(resourceId);
    if (!r) throw new FileCacheError('not_found', `resource ${resourceId} is not on this device`);
    const file = this.pathOf(r.sha256);
    if (await this.isCached(r.sha256)) {
      this.store.touchCachedFile(r.sha256, this.now());
      return file;
    }
    if (this.closed) throw new FileCacheError('aborted', 'the file cache is closed');
    let job = this.downloads.get(r.sha256);
    if (!job) {
      const controller = new AbortController();
      const promise = this.download(r, controller.signal).finally(() => this.downloads.delete(r.sha256));
      job = { promise, controller };
      this.downloads.set(r.sha256, job);
    }
    try {
      await job.promise;
    } catch (e) {
      const err = asFileCacheError(e);
      if (err.code !== 'aborted')
        this.fail({ op: 'download', resourceId, code: err.code, message: err.message, attention: false });
      throw err;
    }
    await this.enforceQuota({ keep: [r.sha256] });
    return file;
  }

  /** True when the verified file is in place; repairs a row or a file that lost its partner. */
  private async isCached(sha256: string): Promise<boolean> {
    const file = this.pathOf(sha256);
    const row = this.store.cachedFile(sha256);
    const size = await sizeOf(file);
    if (size === null) {
      if (row) this.store.forgetCachedFiles([sha256]);
      return false;
    }
    if (row && row.size === size) return true;
    // A file without its row (a crash between rename and insert) or of the wrong size.
    if (!row && (await hashFile(file)) === sha256) {
      this.store.recordCachedFile(sha256, size, this.now());
      return true;
    }
    await removeFile(file);
    this.store.forgetCachedFiles([sha256]);
    return false;
  }

  private async download(
    r: { id: number; sha256: string; size: number },
    signal: AbortSignal,
  ): Promise<void> {
    const partial = `${this.pathOf(r.sha256)}.partial`;
    const fetchOnce = () =>
      downloadTo({
        transport: this.transport,
        url: `/api/resources/${r.id}/content`,
        sha256: r.sha256,
        size: r.size,
        partial,
        signal,
        clock: this.clock,
        stallTimeoutMs: this.stallTimeoutMs,
        onProgress: (received, total) => this.emit('progress', { resourceId: r.id, received, total }),
      });
    const { resumed } = await fetchOnce();
    let digest = await hashFile(partial);
    if (digest !== r.sha256 && resumed) {
      // The kept prefix was not this file's: start over once from the first byte.
      this.log.warn('resumed download failed verification: restarting it', { resource: r.id });
      await removeFile(partial);
      await fetchOnce();
      digest = await hashFile(partial);
    }
    if (digest !== r.sha256) {
      await removeFile(partial);
      throw new FileCacheError('integrity', 'the downloaded file does not match its checksum');
    }
    if (signal.aborted) {
      await removeFile(partial);
      throw new FileCacheError('aborted', 'the download was cancelled');
    }
    await fsp.rename(partial, this.pathOf(r.sha256));
    const size = (await sizeOf(this.pathOf(r.sha256))) ?? r.size;
    this.store.recordCachedFile(r.sha256, size, this.now());
    this.log.debug('file cached', { resource: r.id, size });
  }

  /**
   * Downloads the files of resources linked to the sessions (not cancelled) of the next `days`
   * days. Best effort: a failure is logged and reported, never thrown. Then enforces the quota.
   */
  async prefetchUpcoming(days = PINNED_DAYS): Promise<PrefetchSummary> {
    const now = this.clock.now();
    const list = this.store
      .upcomingResources(now.toISOString(), new Date(now.getTime() + days * DAY_MS).toISOString())
      // Files not scanned clean cannot be downloaded yet; a later pull brings the verdict.
      .filter((r) => r.scan_status === 'clean');
    const seen = new Set<string>();
    const out: PrefetchSummary = { files: 0, downloaded: 0, failed: 0 };
    for (const r of list) {
      if (seen.has(r.sha256) || this.closed) continue;
      seen.add(r.sha256);
      const had = await this.isCached(r.sha256);
      try {
        await this.ensure(r.id);
        if (!had) out.downloaded++;
      } catch (e) {
        out.failed++;
        const err = asFileCacheError(e);
        this.log.warn('prefetch of a file failed', { resource: r.id, code: err.code, error: err.message });
        if (err.code === 'offline' || err.code === 'aborted') break;
      }
    }
    out.files = seen.size;
    await this.enforceQuota();
    return out;
  }

  // ---- quota and removal -------------------------------------------------------------------

  /**
   * Evicts least recently used files until the cache fits its quota. Files of sessions starting
   * in the next 7 days, and the bytes of uploads not yet on the server, are never evicted.
   */
  async enforceQuota(opts: { keep?: string[] } = {}): Promise<{ evicted: string[]; bytes: number }> {
    const now = this.clock.now();
    const pinned = this.store.pinnedFileHashes(
      now.toISOString(),
      new Date(now.getTime() + PINNED_DAYS * DAY_MS).toISOString(),
    );
    for (const h of opts.keep ?? []) pinned.add(h);
    const files = this.store.cachedFiles();
    let bytes = files.reduce((n, f) => n + f.size, 0);
    const evicted: string[] = [];
    for (const f of files) {
      if (bytes <= this.quotaBytes) break;
      if (pinned.has(f.sha256) || this.downloads.has(f.sha256) || !isSha256(f.sha256)) continue;
      await removeFile(this.pathOf(f.sha256));
      this.store.forgetCachedFiles([f.sha256]);
      bytes -= f.size;
      evicted.push(f.sha256);
    }
    if (bytes > this.quotaBytes)
      this.log.warn('file cache over quota: every remaining file is needed soon', {
        bytes,
        quota: this.quotaBytes,
      });
    if (evicted.length > 0) this.log.info('file cache evicted files', { count: evicted.length, bytes });
    await this.sweepLeftovers();
    return { evicted, bytes };
  }

  /**
   * Partial downloads no resource needs any more, temp files of interrupted imports, and whole
   * files without their row that nothing refers to. (A file whose resource a pull removes goes
   * at once: `removeHashes`, called by the sync engine. A file detached from a session stays
   * while its resource is on the device — it is the teacher's file — no longer pinned.)
   */
  private async sweepLeftovers(): Promise<void> {
    const names = await fsp.readdir(this.dir).catch(() => [] as string[]);
    // A whole file without its row and not referenced (a crash between rename and insert, for a
    // resource since gone); never while an import may be renaming its bytes into place.
    if (this.uploads.importing.size === 0) {
      const loose = names.filter((n) => isSha256(n) && !this.store.cachedFile(n) && !this.downloads.has(n));
      const used = this.store.referencedHashes(loose);
      for (const h of loose) if (!used.has(h)) await removeFile(this.pathOf(h));
    }
    const partials = names
      .map((n) => /^([0-9a-f]{64})\.partial$/.exec(n)?.[1])
      .filter((h): h is string => h !== undefined && !this.downloads.has(h));
    const used = this.store.referencedHashes(partials);
    for (const h of partials) if (!used.has(h)) await removeFile(`${this.pathOf(h)}.partial`);
    for (const n of names) {
      if (n.endsWith('.tmp') && !this.uploads.importing.has(n)) await removeFile(path.join(this.dir, n));
    }
  }

  /** Deletes cached files, partial downloads and their rows (a revoked school's files, removed resources' files). */
  async removeHashes(hashes: string[]): Promise<void> {
    const valid = hashes.filter(isSha256);
    for (const h of valid) {
      const job = this.downloads.get(h);
      if (job) {
        job.controller.abort();
        await job.promise.catch(() => undefined);
      }
    }
    for (const h of valid) {
      await removeFile(this.pathOf(h));
      await removeFile(`${this.pathOf(h)}.partial`);
    }
    this.store.forgetCachedFiles(valid);
    if (valid.length > 0) this.log.info('cached files removed', { count: valid.length });
  }

  // ---- offline uploads (upload-queue.ts) -------------------------------------------------

  /** Queues an upload: the bytes go into the cache and a pending row is written. Works offline. */
  queueUpload(u: NewUpload): Promise<LocalDB['pending_uploads']> {
    return this.uploads.queue(u);
  }

  /**
   * Sends the queued uploads, oldest first. Accepted: the pending row goes (the resource
   * arrives with the next pull). Refused (4xx): the upload moves to the attention list with the
   * reason. Unreachable server or a server error: it stays queued for the next attempt.
   */
  uploadPending(): Promise<UploadSummary> {
    return this.uploads.sendAll();
  }

  /** Puts a refused upload from the attention list back in the queue. */
  retryUpload(attentionId: string): LocalDB['pending_uploads'] | undefined {
    return this.uploads.retry(attentionId);
  }

  // ---- after a sync ------------------------------------------------------------------------

  /** Sends queued uploads, then prefetches the coming week's files, in the background. */
  afterSync(): void {
    if (this.closed) return;
    if (this.background) {
      this.again = true;
      return;
    }
    this.background = (async () => {
      do {
        this.again = false;
        await this.uploadPending();
        await this.prefetchUpcoming();
      } while (this.again && !this.closed);
    })()
      .catch((e: unknown) => this.log.error('file work after sync failed', { error: String(e) }))
      .finally(() => (this.background = undefined));
  }

  /** Waits for background file work (after-sync uploads and prefetch) to finish. */
  async idle(): Promise<void> {
    while (this.background) await this.background;
  }

  /** Cancels downloads in flight and waits for background work; partial files stay for resuming. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.downloads.values()) job.controller.abort();
    await Promise.all([...this.downloads.values()].map((j) => j.promise.catch(() => undefined)));
    await this.uploads.idle();
    await this.idle();
  }
}

function asFileCacheError(e: unknown): FileCacheError {
  if (e instanceof FileCacheError) return e;
  if (e instanceof TransportError) return new FileCacheError('offline', e.message, e.status);
  return new FileCacheError('http', e instanceof Error ? e.message : String(e));
}
