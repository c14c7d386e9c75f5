/**
 * One resumable download into a `.partial` file: continues after the bytes already there with
 * `Range` + `If-Range` (the file's ETag is its sha256), starts over when the server answers 200
 * (the file changed) or 416, streams to disk, and cuts a transfer that stalls. Verification and
 * the rename into place are the caller's job.
 */
import fsp from 'node:fs/promises';
import { ApiError } from '../../../shared/protocol.js';
import type { Clock } from '../ports.js';
import type { SyncTransport } from '../sync/transport.js';
import { FileCacheError } from './errors.js';
import { removeFile, sizeOf } from './fs-util.js';

export interface DownloadJob {
  transport: SyncTransport;
  url: string;
  sha256: string;
  size: number;
  partial: string;
  signal: AbortSignal;
  clock: Clock;
  stallTimeoutMs: number;
  onProgress(received: number, total: number): void;
}

/** Progress is reported at most once per this many bytes (and at start and end). */
const PROGRESS_STEP = 256 * 1024;

/** Downloads into `job.partial`; `resumed` says whether bytes kept from before were reused. */
export async function downloadTo(job: DownloadJob): Promise<{ resumed: boolean }> {
  for (let attempt = 0; ; attempt++) {
    let have = (await sizeOf(job.partial)) ?? 0;
    if (have > job.size) {
      await removeFile(job.partial);
      have = 0;
    }
    // Complete but never verified (a crash before the rename): the caller checks it.
    if (have > 0 && have === job.size) return { resumed: true };

    const stall = new AbortController();
    let timer = job.clock.setTimeout(() => stall.abort(), job.stallTimeoutMs);
    const rearm = () => {
      job.clock.clearTimeout(timer);
      timer = job.clock.setTimeout(() => stall.abort(), job.stallTimeoutMs);
    };
    try {
      const res = await job.transport.fetchRaw(job.url, {
        headers: have > 0 ? { range: `bytes=${have}-`, 'if-range': `"${job.sha256}"` } : {},
        signal: AbortSignal.any([job.signal, stall.signal]),
      });
      if (res.status === 206) {
        const start = Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1]);
        if (start !== have) {
          await res.body?.cancel();
          await removeFile(job.partial);
          if (attempt === 0) continue;
          throw new FileCacheError('http', 'the server answered a range that was not asked for', 206);
        }
      } else if (res.status === 416 && have > 0 && attempt === 0) {
        // The kept bytes do not fit the file: start over.
        await res.body?.cancel();
        await removeFile(job.partial);
        continue;
      } else if (res.status !== 200) {
        throw await httpError(res);
      }
      const append = res.status === 206;
      await writeBody(res, job, append ? have : 0, rearm);
      return { resumed: append };
    } catch (e) {
      if (job.signal.aborted) throw new FileCacheError('aborted', 'the download was cancelled');
      if (stall.signal.aborted)
        throw new FileCacheError('offline', 'the download stalled; it resumes on the next attempt');
      if (e instanceof FileCacheError) throw e;
      // The connection dropped (fetch failed or the body broke off): the partial file stays.
      throw new FileCacheError(
        'offline',
        `the download was interrupted: ${e instanceof Error ? e.message : String(e)}`,
      );
    } finally {
      job.clock.clearTimeout(timer);
    }
  }
}

async function writeBody(res: Response, job: DownloadJob, offset: number, onData: () => void): Promise<void> {
  const fh = await fsp.open(job.partial, offset > 0 ? 'a' : 'w');
  let received = offset;
  let reported = received;
  job.onProgress(received, job.size);
  try {
    const reader = res.body?.getReader();
    for (;;) {
      if (!reader) break;
      const { done, value } = await reader.read();
      if (done) break;
      await fh.write(value);
      received += value.length;
      onData();
      if (received - reported >= PROGRESS_STEP) {
        job.onProgress(received, job.size);
        reported = received;
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (received !== reported) job.onProgress(received, job.size);
}

async function httpError(res: Response): Promise<FileCacheError> {
  const body: unknown = await res.json().catch(() => null);
  const err = ApiError.safeParse(body);
  const message = err.success ? err.data.error.message : `the server answered ${res.status}`;
  if (res.status === 404) return new FileCacheError('not_found', message, 404);
  if (res.status === 409 && err.success && err.data.error.code === 'not_scanned')
    return new FileCacheError('not_scanned', message, 409);
  return new FileCacheError('http', message, res.status);
}
