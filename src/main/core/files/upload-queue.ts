/**
 * Uploads made offline: the bytes go into the file cache (by sha256) and a `pending_uploads`
 * row waits for the server. Each upload ends on the server exactly once or on the attention
 * list with the server's reason: an attempt is recorded before sending, and when its answer
 * was lost, the next sync's pull (which brings the teacher's resources) tells whether it landed.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ResourceResponse, ResourceUploadFields } from '../../../shared/api.js';
import { ApiError } from '../../../shared/protocol.js';
import type { Clock, Logger } from '../ports.js';
import type { LocalStore } from '../store/local-store.js';
import type { LocalDB } from '../store/schema.js';
import { TransportError, type SyncTransport } from '../sync/transport.js';
import { FileCacheError } from './errors.js';
import type { FileFailure, FileUploaded, UploadProgress } from './events.js';
import { hashFile, removeFile, sizeOf, writeFileDurably } from './fs-util.js';

export interface NewUpload {
  schoolId: number;
  title: string;
  description?: string;
  fileName: string;
  /** The file's bytes, or the path of a file to copy in. */
  bytes?: Uint8Array;
  sourcePath?: string;
  /** Courses of the school to attach the file to (sent with the upload). */
  courseIds?: number[];
  /** A session of the school to attach the file to once the server has it. */
  sessionId?: number;
}

export interface UploadSummary {
  uploaded: number;
  rejected: number;
  remaining: number;
}

export interface UploadQueueDeps {
  store: LocalStore;
  transport: SyncTransport;
  clock: Clock;
  logger: Logger;
  dir: string;
  pathOf(sha256: string): string;
  isClosed(): boolean;
  onUploaded(e: FileUploaded): void;
  onFailure(f: FileFailure): void;
  onProgress(p: UploadProgress): void;
}

/** Answers that may go differently later (server trouble, sign-in, rate limit): keep the upload queued. */
const transient = (status: number) => status >= 500 || status === 401 || status === 408 || status === 429;

type Outcome = 'uploaded' | 'rejected' | 'kept' | 'stop';

export class UploadQueue {
  /** Temp files being imported right now (the cache's sweep leaves them alone). */
  readonly importing = new Set<string>();
  private sending: Promise<UploadSummary> | undefined;

  constructor(private readonly d: UploadQueueDeps) {}

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  async queue(u: NewUpload): Promise<LocalDB['pending_uploads']> {
    const fields = ResourceUploadFields.safeParse({
      school_id: u.schoolId,
      title: u.title,
      description: u.description ?? '',
      course_ids: (u.courseIds ?? []).join(','),
    });
    if (!fields.success) {
      const issue = fields.error.issues[0];
      throw new FileCacheError('invalid_args', `${issue?.path.join('.')}: ${issue?.message}`);
    }
    if (!u.fileName.trim()) throw new FileCacheError('invalid_args', 'fileName: a file name is required');
    if ((u.bytes === undefined) === (u.sourcePath === undefined))
      throw new FileCacheError('invalid_args', 'give either bytes or sourcePath');
    if (!this.d.store.schoolIds().includes(u.schoolId))
      throw new FileCacheError('invalid_args', `school ${u.schoolId} is not on this device`);
    const courseIds = fields.data.course_ids ?? [];
    const [course] = this.d.store.missingIn('courses', u.schoolId, courseIds);
    if (course !== undefined)
      throw new FileCacheError('invalid_args', `course_ids: course ${course} is not a course of this school`);
    if (u.sessionId !== undefined && this.d.store.missingIn('sessions', u.schoolId, [u.sessionId]).length > 0)
      throw new FileCacheError(
        'invalid_args',
        `sessionId: session ${u.sessionId} is not a session of this school`,
      );

    const { sha256, size } = await this.importBytes(u.bytes ?? { path: u.sourcePath! });
    const now = this.now();
    this.d.store.recordCachedFile(sha256, size, now);
    const row: LocalDB['pending_uploads'] = {
      id: randomUUID(),
      school_id: fields.data.school_id,
      title: fields.data.title,
      description: fields.data.description,
      file_name: path.basename(u.fileName),
      sha256,
      size,
      created_at: now,
      last_error: null,
    };
    this.d.store.addPendingUpload(row);
    this.d.store.setUploadLinks(row.id, { course_ids: courseIds, session_id: u.sessionId ?? null });
    this.d.logger.info('upload queued', { upload: row.id, size });
    return row;
  }

  /** Copies bytes (or a file) into the cache under their hash, via a temp file and a rename. */
  private async importBytes(
    source: Uint8Array | { path: string },
  ): Promise<{ sha256: string; size: number }> {
    const tmpName = `import-${randomUUID()}.tmp`;
    const tmp = path.join(this.d.dir, tmpName);
    this.importing.add(tmpName);
    try {
      const { sha256, size } = await writeFileDurably(tmp, source);
      const target = this.d.pathOf(sha256);
      if ((await sizeOf(target)) === size) await removeFile(tmp);
      else await fsp.rename(tmp, target);
      return { sha256, size };
    } catch (e) {
      await removeFile(tmp);
      if (e instanceof Error && 'code' in e && e.code === 'ENOENT')
        throw new FileCacheError('file_missing', 'the file to upload cannot be read');
      throw e;
    } finally {
      this.importing.delete(tmpName);
    }
  }

  /** Sends every queued upload, oldest first; calls never overlap. */
  sendAll(): Promise<UploadSummary> {
    this.sending ??= this.sendQueued().finally(() => (this.sending = undefined));
    return this.sending;
  }

  /** Settles when no send is in progress. */
  async idle(): Promise<void> {
    await this.sending?.catch(() => undefined);
  }

  private async sendQueued(): Promise<UploadSummary> {
    const out: UploadSummary = { uploaded: 0, rejected: 0, remaining: 0 };
    for (const u of this.d.store.pendingUploads()) {
      if (this.d.isClosed()) break;
      const r = await this.send(u);
      if (r === 'uploaded') out.uploaded++;
      else if (r === 'rejected') out.rejected++;
      else if (r === 'stop') break;
    }
    out.remaining = this.d.store.pendingUploads().length;
    return out;
  }

  private async send(u: LocalDB['pending_uploads']): Promise<Outcome> {
    const { store } = this.d;
    const attemptKey = `upload_attempt:${u.id}`;
    // An earlier attempt whose answer never came: if the pull brought the resource, it landed.
    if (store.getMeta(attemptKey) !== undefined) {
      const landed = store.resourceMatchingUpload(u);
      if (landed !== undefined) {
        store.completePendingUpload(u.id, landed);
        this.d.onUploaded({ uploadId: u.id, resourceId: landed, schoolId: u.school_id, sha256: u.sha256 });
        return 'uploaded';
      }
    }
    const file = this.d.pathOf(u.sha256);
    if ((await hashFile(file).catch(() => null)) !== u.sha256) {
      this.reject(u, 'file_missing', 'the file of this upload is no longer on this device');
      return 'rejected';
    }
    const form = new FormData();
    form.append('school_id', String(u.school_id));
    form.append('title', u.title);
    form.append('description', u.description);
    const { course_ids } = store.uploadLinks(u.id);
    if (course_ids.length > 0) form.append('course_ids', course_ids.join(','));
    // A Blob backed by the file: the bytes stream from disk, counted on their way to the network
    // so the Resources list can show the upload's progress.
    form.append('file', await fs.openAsBlob(file), u.file_name);
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
    let sent = 0;
    const report = (n: number, inFlight = true) =>
      this.d.onProgress({ uploadId: u.id, sent: Math.min(n, u.size), total: u.size, inFlight });
    const stream = encoded.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          sent += chunk.byteLength;
          report(sent);
          out.enqueue(chunk);
        },
      }),
    );
    report(0);
    store.setMeta(attemptKey, this.now());
    let status: number;
    let body: unknown;
    try {
      const res = await this.d.transport.fetchRaw('/api/resources', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: stream,
        duplex: 'half',
        // Room for a slow link: a minute plus one second per 50 kB.
        signal: AbortSignal.timeout(60_000 + Math.ceil(u.size / 50)),
      });
      status = res.status;
      body = await res.json().catch(() => null);
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      store.setPendingUploadError(u.id, e.message);
      this.d.logger.info('upload kept queued: server unreachable', { upload: u.id });
      return 'stop';
    } finally {
      report(sent, false);
    }
    if (status >= 200 && status < 300) {
      const row = ResourceResponse.safeParse(body);
      const resourceId = row.success ? row.data.id : null;
      store.completePendingUpload(u.id, resourceId);
      store.touchCachedFile(u.sha256, this.now());
      this.d.logger.info('upload sent', { upload: u.id, resource: resourceId });
      this.d.onUploaded({ uploadId: u.id, resourceId, schoolId: u.school_id, sha256: u.sha256 });
      return 'uploaded';
    }
    const err = ApiError.safeParse(body);
    const code = err.success ? err.data.error.code : `http_${status}`;
    const message = err.success ? err.data.error.message : `the server answered ${status}`;
    if (transient(status)) {
      store.setPendingUploadError(u.id, message);
      this.d.onFailure({ op: 'upload', uploadId: u.id, code, message, attention: false });
      return status === 401 || status === 429 ? 'stop' : 'kept';
    }
    this.reject(u, code, message);
    return 'rejected';
  }

  private reject(u: LocalDB['pending_uploads'], code: string, message: string): void {
    this.d.store.rejectPendingUpload(u.id, code, message, this.now());
    this.d.logger.warn('upload refused: moved to attention', { upload: u.id, code });
    this.d.onFailure({ op: 'upload', uploadId: u.id, code, message, attention: true });
  }

  retry(attentionId: string): LocalDB['pending_uploads'] | undefined {
    return this.d.store.requeueUpload(attentionId, this.now());
  }
}
