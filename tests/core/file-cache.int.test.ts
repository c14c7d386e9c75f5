import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResourceRow } from '../../src/shared/entities.js';
import { FileCache, type FileFailure, type FileProgress } from '../../src/main/core/files/file-cache.js';
import { silentLogger, type Clock } from '../../src/main/core/ports.js';
import { HttpTransport, TransportError } from '../../src/main/core/sync/transport.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, type TestDevice } from '../support/device.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const DAY = 86_400_000;

/** Deterministic text of about `size` bytes (plain text is an accepted upload type). */
function textOf(seed: string, size: number): Buffer {
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const line = `${seed} line ${i}: ${createHash('sha256').update(`${seed}:${i}`).digest('hex')}\n`;
    lines.push(line);
    n += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

/** A clock whose time the test moves; timers are real. */
function steppedClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (ms) => (t += ms),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
}

/** The device's transport with every raw request and its answer recorded (or altered). */
class RecordingTransport extends HttpTransport {
  readonly seen: Array<{ path: string; range?: string; ifRange?: string; status: number; length: number }> =
    [];
  constructor(
    url: string,
    token: () => string | undefined,
    private readonly dropRange = false,
  ) {
    super(url, token);
  }
  override async fetchRaw(p: string, init: Parameters<HttpTransport['fetchRaw']>[1] = {}): Promise<Response> {
    const headers = { ...init.headers };
    if (this.dropRange) {
      delete headers.range;
      delete headers['if-range'];
    }
    const res = await super.fetchRaw(p, { ...init, headers });
    this.seen.push({
      path: p,
      range: init.headers?.range,
      ifRange: init.headers?.['if-range'],
      status: res.status,
      length: Number(res.headers.get('content-length') ?? -1),
    });
    return res;
  }
}

describe('resource files offline', () => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestApi;
  const devices: TestDevice[] = [];
  const tmpDirs: string[] = [];
  /** Resources uploaded through the server's API for these tests, by name, with their bytes. */
  const files = new Map<string, { row: ResourceRow; bytes: Buffer }>();

  const device = async (opts: Parameters<typeof openTestDevice>[2] = {}) => {
    const d = await openTestDevice(server.url, 'ana@classdesk.test', opts);
    devices.push(d);
    return d;
  };
  const tmpDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-files-'));
    tmpDirs.push(d);
    return d;
  };

  async function upload(api: TestApi, schoolId: number, name: string, bytes: Buffer): Promise<ResourceRow> {
    const form = new FormData();
    form.append('school_id', String(schoolId));
    form.append('title', name);
    form.append('description', '');
    form.append('file', new Blob([new Uint8Array(bytes)]), `${name}.txt`);
    const r = await api.request<ResourceRow>('POST', '/api/resources', { raw: form });
    expect(r.status).toBe(201);
    // The scan runs after the answer; only a clean file can be downloaded.
    for (let i = 0; i < 200; i++) {
      const s = await server.database.db
        .selectFrom('resources')
        .select('scan_status')
        .where('id', '=', r.body.id)
        .executeTakeFirstOrThrow();
      if (s.scan_status === 'clean') break;
      await new Promise((ok) => setTimeout(ok, 10));
    }
    files.set(name, { row: r.body, bytes });
    return r.body;
  }
  const file = (name: string) => files.get(name)!;

  /** A synced device whose cache starts empty (no prefetched demo files). */
  async function syncedDevice(opts: Parameters<typeof openTestDevice>[2] = {}): Promise<TestDevice> {
    const d = await device(opts);
    await d.engine.syncAll();
    await d.files.idle();
    await d.files.removeHashes(d.store.cachedFiles().map((f) => f.sha256));
    return d;
  }

  /** A session of a made-up course in the device store, and the resource linked to that course. */
  let fakeId = 990_000;
  function linkToSession(
    d: TestDevice,
    resourceId: number,
    startsAt: Date,
    status: 'scheduled' | 'cancelled' = 'scheduled',
  ): void {
    const courseId = ++fakeId;
    storeDatabase(d.store)
      .sqlite.prepare(
        `insert into sessions (id, school_id, teacher_id, course_id, title, starts_at, ends_at, status, location, lesson_notes, version)
         values (?, ?, ?, ?, 'Aula', ?, ?, ?, '', '', 1)`,
      )
      .run(
        ++fakeId,
        ids.norte,
        ids.ana,
        courseId,
        startsAt.toISOString(),
        new Date(startsAt.getTime() + 50 * 60_000).toISOString(),
        status,
      );
    storeDatabase(d.store)
      .sqlite.prepare('update resources set course_ids = ? where id = ?')
      .run(JSON.stringify([courseId]), resourceId);
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite', { RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000' });
    ids = await demoIds(server.database.db);
    ana = await signedIn(server.url, 'ana@classdesk.test');
    await upload(ana, ids.norte, 'big', textOf('big', 700_000));
    for (const n of ['A', 'B', 'C', 'D', 'P1', 'P2', 'P3'])
      await upload(ana, ids.norte, n, textOf(n, n.startsWith('P') ? 5_000 : 10_000));
    await upload(ana, ids.sul, 'sul', textOf('sul', 8_000));
    await upload(ana, ids.sul, 'sul2', textOf('sul2', 8_000));
  });
  afterAll(async () => {
    for (const d of devices) {
      await d.close();
      fs.rmSync(d.dataDir, { recursive: true, force: true });
    }
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
    await server?.stop();
  });

  test('a resource file is downloaded, verified and stored under its sha256 with progress', async () => {
    const d = await syncedDevice();
    const big = file('big');
    const progress: FileProgress[] = [];
    d.files.on('progress', (p) => progress.push(p));

    const p = await d.files.ensure(big.row.id);

    expect(p).toBe(path.join(d.dir, 'files', big.row.sha256));
    const onDisk = fs.readFileSync(p);
    const served = await ana.bytes(`/api/resources/${big.row.id}/content`);
    expect(served.status).toBe(200);
    expect(onDisk.equals(served.bytes)).toBe(true);
    expect(sha256(onDisk)).toBe(big.row.sha256);
    expect(fs.existsSync(`${p}.partial`)).toBe(false);
    expect(d.store.cachedFile(big.row.sha256)).toMatchObject({ size: big.bytes.length });
    // Progress climbs to the whole file, for this resource only.
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((e) => e.resourceId === big.row.id && e.total === big.bytes.length)).toBe(true);
    expect(progress.map((e) => e.received)).toEqual(
      [...progress.map((e) => e.received)].sort((a, b) => a - b),
    );
    expect(progress.at(-1)!.received).toBe(big.bytes.length);
  });

  test('ensure of a cached file touches last_access and downloads nothing', async () => {
    const clock = steppedClock();
    const d = await syncedDevice({ clock });
    const a = file('A');
    await d.files.ensure(a.row.id);
    const first = d.store.cachedFile(a.row.sha256)!.last_access;
    clock.advance(60_000);
    const progress: FileProgress[] = [];
    d.files.on('progress', (e) => progress.push(e));
    await d.files.ensure(a.row.id);
    expect(progress).toHaveLength(0);
    expect(d.store.cachedFile(a.row.sha256)!.last_access > first).toBe(true);
  });

  test('an interrupted download resumes with a Range request after the bytes it kept', async () => {
    const d = await syncedDevice();
    const big = file('big');
    const kept = 300_000;
    const transport = new RecordingTransport(server.url, () => ana.token);
    const cache = new FileCache({
      store: d.store,
      transport,
      dir: tmpDir(),
      clock: steppedClock(),
      logger: silentLogger,
      quotaBytes: 1e9,
    });
    fs.writeFileSync(path.join(cache.dir, `${big.row.sha256}.partial`), big.bytes.subarray(0, kept));
    const progress: FileProgress[] = [];
    cache.on('progress', (p) => progress.push(p));

    const p = await cache.ensure(big.row.id);

    expect(transport.seen).toEqual([
      {
        path: `/api/resources/${big.row.id}/content`,
        range: `bytes=${kept}-`,
        ifRange: `"${big.row.sha256}"`,
        status: 206,
        length: big.bytes.length - kept,
      },
    ]);
    expect(progress[0]!.received).toBe(kept);
    expect(progress.at(-1)!.received).toBe(big.bytes.length);
    expect(fs.readFileSync(p).equals(big.bytes)).toBe(true);
  });

  test('a kept prefix with the wrong bytes fails verification and the download starts over', async () => {
    const d = await syncedDevice();
    const big = file('big');
    const transport = new RecordingTransport(server.url, () => ana.token);
    const cache = new FileCache({
      store: d.store,
      transport,
      dir: tmpDir(),
      clock: steppedClock(),
      logger: silentLogger,
      quotaBytes: 1e9,
    });
    fs.writeFileSync(path.join(cache.dir, `${big.row.sha256}.partial`), Buffer.alloc(100_000, 0x41));

    const p = await cache.ensure(big.row.id);

    expect(transport.seen.map((s) => [s.range, s.status, s.length])).toEqual([
      ['bytes=100000-', 206, big.bytes.length - 100_000],
      [undefined, 200, big.bytes.length],
    ]);
    expect(fs.readFileSync(p).equals(big.bytes)).toBe(true);
    expect(fs.existsSync(`${p}.partial`)).toBe(false);
  });

  test('a 200 answer to a Range request (range ignored) rewrites the file from the start', async () => {
    const d = await syncedDevice();
    const big = file('big');
    const transport = new RecordingTransport(server.url, () => ana.token, true);
    const cache = new FileCache({
      store: d.store,
      transport,
      dir: tmpDir(),
      clock: steppedClock(),
      logger: silentLogger,
      quotaBytes: 1e9,
    });
    fs.writeFileSync(path.join(cache.dir, `${big.row.sha256}.partial`), big.bytes.subarray(0, 50_000));

    const p = await cache.ensure(big.row.id);

    expect(transport.seen.map((s) => [s.range, s.status])).toEqual([['bytes=50000-', 200]]);
    expect(fs.readFileSync(p).equals(big.bytes)).toBe(true);
  });

  test('eviction keeps the cache under quota, least recently used first, never files of the next 7 days or pending uploads', async () => {
    const clock = steppedClock();
    const d = await syncedDevice({ clock, files: { quotaBytes: 25_000 } });
    const [a, b, c, dd] = ['A', 'B', 'C', 'D'].map(file) as [
      ReturnType<typeof file>,
      ReturnType<typeof file>,
      ReturnType<typeof file>,
      ReturnType<typeof file>,
    ];
    const now = clock.now();
    linkToSession(d, c.row.id, new Date(now.getTime() + 2 * DAY)); // pinned: class in 2 days
    linkToSession(d, a.row.id, new Date(now.getTime() + 10 * DAY)); // not pinned: 10 days away
    const onDisk = (sha: string) => fs.existsSync(d.files.pathOf(sha));

    // Oldest of all: an upload waiting for the server (1000 bytes).
    const pending = await d.files.queueUpload({
      schoolId: ids.norte,
      title: 'Queued worksheet',
      fileName: 'queued.txt',
      bytes: textOf('queued', 1000),
    });
    for (const f of [c, a, b]) {
      clock.advance(1000);
      await d.files.ensure(f.row.id);
    }
    // 1000 + 3 × 10 000 > 25 000: the least recently used file that is not pinned (A) goes.
    expect(onDisk(a.row.sha256)).toBe(false);
    expect(d.store.cachedFile(a.row.sha256)).toBeUndefined();
    expect([pending.sha256, c.row.sha256, b.row.sha256].every(onDisk)).toBe(true);

    clock.advance(1000);
    await d.files.ensure(dd.row.id);
    expect(onDisk(b.row.sha256)).toBe(false);
    expect(d.store.cachedFiles().map((f) => f.sha256)).toEqual([pending.sha256, c.row.sha256, dd.row.sha256]);
    expect(d.store.cachedFiles().reduce((n, f) => n + f.size, 0)).toBeLessThanOrEqual(25_000);

    // A quota smaller than what is pinned evicts everything else, never the pinned files.
    const tight = new FileCache({
      store: d.store,
      transport: d.transport,
      dir: path.join(d.dir, 'files'),
      clock,
      logger: silentLogger,
      quotaBytes: 1,
    });
    const { evicted } = await tight.enforceQuota();
    expect(evicted).toEqual([dd.row.sha256]);
    expect([pending.sha256, c.row.sha256].every(onDisk)).toBe(true);
  });

  test('prefetch downloads the files of the coming sessions only', async () => {
    const d = await syncedDevice();
    const now = new Date();
    linkToSession(d, file('P1').row.id, new Date(now.getTime() + 3 * DAY));
    linkToSession(d, file('P2').row.id, new Date(now.getTime() + 3 * DAY), 'cancelled');
    linkToSession(d, file('P3').row.id, new Date(now.getTime() + 20 * DAY));

    const summary = await d.files.prefetchUpcoming();

    expect(summary.failed).toBe(0);
    const cached = (n: string) => fs.existsSync(d.files.pathOf(file(n).row.sha256));
    expect(cached('P1')).toBe(true);
    expect(fs.readFileSync(d.files.pathOf(file('P1').row.sha256)).equals(file('P1').bytes)).toBe(true);
    expect(cached('P2')).toBe(false);
    expect(cached('P3')).toBe(false);
    // A longer horizon brings the later class's file too.
    await d.files.prefetchUpcoming(30);
    expect(cached('P3')).toBe(true);
  });

  test('an upload made while the server is down is sent once it is back, exactly once', async () => {
    const d = await syncedDevice();
    const bytes = textOf('offline upload', 4_000);
    await server.halt();
    let u: Awaited<ReturnType<TestDevice['files']['queueUpload']>>;
    try {
      u = await d.files.queueUpload({
        schoolId: ids.norte,
        title: 'Ficha feita no comboio',
        description: 'sem rede',
        fileName: 'ficha.md',
        bytes,
      });
      expect(fs.readFileSync(d.files.pathOf(u.sha256)).equals(bytes)).toBe(true);
      const offline = await d.files.uploadPending();
      expect(offline).toEqual({ uploaded: 0, rejected: 0, remaining: 1 });
      expect(d.store.pendingUploads().map((p) => p.id)).toEqual([u.id]);
      expect(d.store.pendingUploads()[0]!.last_error).toMatch(/cannot reach/);
    } finally {
      await server.resume();
    }
    const uploaded: unknown[] = [];
    d.files.on('uploaded', (e) => uploaded.push(e));

    await d.engine.syncAll();
    await d.files.idle();
    await d.files.uploadPending();

    expect(d.store.pendingUploads()).toHaveLength(0);
    expect(uploaded).toHaveLength(1);
    const rows = await server.database.db
      .selectFrom('resources')
      .select(['id', 'sha256', 'title', 'file_type', 'school_id', 'teacher_id'])
      .where('sha256', '=', sha256(bytes))
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      title: 'Ficha feita no comboio',
      file_type: 'md',
      school_id: ids.norte,
      teacher_id: ids.ana,
    });
    // The resource arrives with the next pull; its file is already in the cache.
    await d.engine.syncAll();
    expect(d.store.resourceFile(rows[0]!.id)?.sha256).toBe(u.sha256);
    expect(fs.existsSync(d.files.pathOf(u.sha256))).toBe(true);
  });

  test('an upload whose answer was lost is not sent twice once the pull shows it landed', async () => {
    const d = await syncedDevice();
    const bytes = textOf('lost answer', 3_000);
    // A transport that delivers the request, then loses the answer.
    class LosingTransport extends HttpTransport {
      override async fetchRaw(
        p: string,
        init: Parameters<HttpTransport['fetchRaw']>[1] = {},
      ): Promise<Response> {
        await super.fetchRaw(p, init);
        throw new TransportError('offline', 'connection reset');
      }
    }
    const losing = new FileCache({
      store: d.store,
      transport: new LosingTransport(server.url, () => ana.token),
      dir: path.join(d.dir, 'files'),
      clock: steppedClock(),
      logger: silentLogger,
      quotaBytes: 1e9,
    });
    await d.files.queueUpload({ schoolId: ids.norte, title: 'Answer lost', fileName: 'lost.txt', bytes });
    expect(await losing.uploadPending()).toMatchObject({ uploaded: 0, remaining: 1 });

    await d.engine.syncAll();
    await d.files.idle();

    expect(d.store.pendingUploads()).toHaveLength(0);
    const rows = await server.database.db
      .selectFrom('resources')
      .select('id')
      .where('sha256', '=', sha256(bytes))
      .execute();
    expect(rows).toHaveLength(1);
  });

  test('an upload the server refuses (an executable) lands in needs attention with the reason', async () => {
    const d = await syncedDevice();
    const elf = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]),
      Buffer.alloc(120, 0),
    ]);
    const failures: FileFailure[] = [];
    let engineAttention = 0;
    d.files.on('error', (f) => failures.push(f));
    d.engine.on('attention', () => engineAttention++);
    const u = await d.files.queueUpload({
      schoolId: ids.norte,
      title: 'Tool',
      fileName: 'tool.pdf',
      bytes: elf,
    });

    expect(await d.files.uploadPending()).toEqual({ uploaded: 0, rejected: 1, remaining: 0 });

    expect(d.store.pendingUploads()).toHaveLength(0);
    const attention = d.store.attention();
    expect(attention).toHaveLength(1);
    expect(attention[0]).toMatchObject({
      id: u.id,
      school_id: ids.norte,
      type: 'upload_resource',
      code: 'unsupported_type',
    });
    expect(JSON.parse(attention[0]!.args)).toMatchObject({
      title: 'Tool',
      file_name: 'tool.pdf',
      sha256: sha256(elf),
    });
    expect(failures).toMatchObject([
      { op: 'upload', uploadId: u.id, code: 'unsupported_type', attention: true },
    ]);
    expect(engineAttention).toBe(1);
    const onServer = await server.database.db
      .selectFrom('resources')
      .select('id')
      .where('sha256', '=', sha256(elf))
      .execute();
    expect(onServer).toHaveLength(0);
    // The bytes stay on the device while the item is on the attention list, whatever the quota.
    const tight = new FileCache({
      store: d.store,
      transport: d.transport,
      dir: path.join(d.dir, 'files'),
      clock: steppedClock(),
      logger: silentLogger,
      quotaBytes: 1,
    });
    await tight.enforceQuota();
    expect(fs.existsSync(d.files.pathOf(u.sha256))).toBe(true);
  });

  test('revocation removes the cached files of that school from disk', async () => {
    const d = await syncedDevice();
    const sul = file('sul');
    const norte = file('A');
    const sulPath = await d.files.ensure(sul.row.id);
    const norteFile = await d.files.ensure(norte.row.id);
    // A half-downloaded file of that school too.
    const otherSul = file('sul2').row.sha256;
    fs.writeFileSync(`${d.files.pathOf(otherSul)}.partial`, 'half');

    const admin = await signedIn(server.url, 'admin@classdesk.test');
    expect(
      (await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false })).status,
    ).toBe(200);
    try {
      const summary = await d.engine.syncAll();
      expect(summary.revoked).toEqual([ids.sul]);
      expect(fs.existsSync(sulPath)).toBe(false);
      expect(fs.existsSync(`${d.files.pathOf(otherSul)}.partial`)).toBe(false);
      expect(d.store.cachedFile(sul.row.sha256)).toBeUndefined();
      // The other school's file stays.
      expect(fs.readFileSync(norteFile).equals(norte.bytes)).toBe(true);
    } finally {
      await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: true });
    }
  });
});
