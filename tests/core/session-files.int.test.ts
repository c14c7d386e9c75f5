/**
 * Files attached to lessons, on the device (docs/ARCHITECTURE.md, "Lesson plans" and "Files"):
 * a file attached to a session of the coming week is prefetched and shown as on the device;
 * detached, it is no longer kept for the week; a file the server removes leaves no byte on disk;
 * an upload queued offline with a course and a session lands with its course and is attached to
 * its session once the server has it. A real server, a real device store and file cache.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResourceRow } from '../../src/shared/entities.js';
import { FileCache, FileCacheError } from '../../src/main/core/files/file-cache.js';
import { silentLogger } from '../../src/main/core/ports.js';
import { sessionDetail } from '../../src/main/core/store/queries.js';
import { writeTransaction } from '../../server/domain/changes.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, type TestDevice } from '../support/device.js';
import { until } from '../support/until.js';

const DAY = 86_400_000;
const text = (seed: string, size: number) => {
  let s = '';
  for (let i = 0; s.length < size; i++)
    s += `${seed} ${i} ${createHash('sha256').update(`${seed}${i}`).digest('hex')}\n`;
  return Buffer.from(s.slice(0, size));
};

describe('files attached to lessons, on the device', () => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestApi;
  const devices: TestDevice[] = [];
  /** ana's next scheduled session in Escola Norte within the week, with its course. */
  let session: { id: number; course_id: number | null };

  async function upload(name: string, bytes: Buffer): Promise<ResourceRow> {
    const form = new FormData();
    form.append('school_id', String(ids.norte));
    form.append('title', name);
    form.append('file', new Blob([new Uint8Array(bytes)]), `${name}.txt`);
    const r = await ana.request<ResourceRow>('POST', '/api/resources', { raw: form });
    expect(r.status, r.text).toBe(201);
    await until('the scan', async () => {
      const s = await server.database.db
        .selectFrom('resources')
        .select('scan_status')
        .where('id', '=', r.body.id)
        .executeTakeFirstOrThrow();
      return s.scan_status === 'clean' ? true : undefined;
    });
    return r.body;
  }

  /** A synced device whose cache starts empty. */
  async function syncedDevice(): Promise<TestDevice> {
    const d = await openTestDevice(server.url, 'ana@classdesk.test');
    devices.push(d);
    await d.engine.syncAll();
    await d.files.idle();
    await d.files.removeHashes(d.store.cachedFiles().map((f) => f.sha256));
    return d;
  }

  const serverAttached = async (sessionId: number) =>
    JSON.parse(
      (
        await server.database.db
          .selectFrom('class_sessions')
          .select('resource_ids')
          .where('id', '=', sessionId)
          .executeTakeFirstOrThrow()
      ).resource_ids,
    ) as number[];

  /** Every file in the device's cache folder (bytes, partial downloads, temp files). */
  const onDisk = (d: TestDevice) => fs.readdirSync(path.join(d.dir, 'files'));

  beforeAll(async () => {
    server = await startTestServer('sqlite', { RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000' });
    ids = await demoIds(server.database.db);
    ana = await signedIn(server.url, 'ana@classdesk.test');
    session = await server.database.db
      .selectFrom('class_sessions')
      .select(['id', 'course_id'])
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .where('status', '=', 'scheduled')
      .where('starts_at', '>', new Date().toISOString())
      .where('starts_at', '<', new Date(Date.now() + 6 * DAY).toISOString())
      .orderBy('starts_at')
      .executeTakeFirstOrThrow();
  });
  afterAll(async () => {
    for (const d of devices) {
      await d.close();
      fs.rmSync(d.dataDir, { recursive: true, force: true });
    }
    await server?.stop();
  });

  test('a file attached to a session of the coming week is prefetched and on the device; detached, it is no longer kept', async () => {
    const file = await upload('Ficha anexada', text('anexada', 6_000));
    const d = await syncedDevice();
    d.engine.edit('set_session_resources', { session_id: session.id, resource_ids: [file.id] });
    await d.engine.syncAll();
    expect(await serverAttached(session.id)).toEqual([file.id]);

    let shown = (await sessionDetail(d.store, session.id))!.resources.find((r) => r.id === file.id);
    expect(shown).toMatchObject({ attached: true, via_course: false, offline: false });

    await d.files.prefetchUpcoming();
    const bytes = fs.readFileSync(d.files.pathOf(file.sha256));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    shown = (await sessionDetail(d.store, session.id))!.resources.find((r) => r.id === file.id);
    expect(shown).toMatchObject({ attached: true, offline: true });

    // Detached: the week no longer needs it, so a full cache lets it go (it is still the
    // teacher's file, in Resources, and downloads again when opened).
    d.engine.edit('set_session_resources', { session_id: session.id, resource_ids: [] });
    await d.engine.syncAll();
    expect(await serverAttached(session.id)).toEqual([]);
    expect((await sessionDetail(d.store, session.id))!.resources.some((r) => r.id === file.id)).toBe(false);
    const now = new Date();
    expect(
      d.store
        .pinnedFileHashes(now.toISOString(), new Date(now.getTime() + 7 * DAY).toISOString())
        .has(file.sha256),
    ).toBe(false);
    const full = new FileCache({
      store: d.store,
      transport: d.transport,
      dir: path.join(d.dir, 'files'),
      clock: { now: () => new Date(), setTimeout, clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      logger: silentLogger,
      quotaBytes: 1,
    });
    const { evicted } = await full.enforceQuota();
    expect(evicted).toContain(file.sha256);
    expect(onDisk(d).filter((n) => n.startsWith(file.sha256))).toEqual([]);
    expect(d.store.cachedFile(file.sha256)).toBeUndefined();
  });

  test('a file the server removes leaves no byte on the device: its file, partial download and row go', async () => {
    const gone = await upload('Ficha retirada', text('retirada', 9_000));
    const kept = await upload('Ficha mantida', text('mantida', 7_000));
    const d = await syncedDevice();
    d.engine.edit('set_session_resources', { session_id: session.id, resource_ids: [gone.id, kept.id] });
    await d.engine.syncAll();
    await d.files.prefetchUpcoming();
    expect(onDisk(d)).toEqual(expect.arrayContaining([gone.sha256, kept.sha256]));
    // An interrupted download of the same file lies beside it.
    fs.writeFileSync(`${d.files.pathOf(gone.sha256)}.partial`, 'half');

    // The server removes the file (it leaves the teacher's view); the change log tells devices.
    await writeTransaction(server.database.db, async (w) => {
      await w.trx.deleteFrom('resource_courses').where('resource_id', '=', gone.id).execute();
      await w.trx.deleteFrom('resources').where('id', '=', gone.id).execute();
      w.touch({ school_id: ids.norte, teacher_id: ids.ana, entity: 'resource', row_id: gone.id });
    });
    await d.engine.syncAll();
    await d.files.idle();

    expect(d.store.resourceFile(gone.id)).toBeUndefined();
    expect(onDisk(d).filter((n) => n.includes(gone.sha256))).toEqual([]);
    expect(d.store.cachedFile(gone.sha256)).toBeUndefined();
    // The other file stays, verified.
    expect(fs.readFileSync(d.files.pathOf(kept.sha256)).length).toBe(7_000);
    expect(d.store.cachedFile(kept.sha256)).toBeDefined();
    // The session still lists the id it was given (the server's copy); the device shows only files it holds.
    expect((await sessionDetail(d.store, session.id))!.resources.map((r) => r.id)).not.toContain(gone.id);
  });

  test('an upload queued offline with a course and a session lands with its course and is attached to the session', async () => {
    const d = await syncedDevice();
    const course = await server.database.db
      .selectFrom('courses')
      .select('id')
      .where('school_id', '=', ids.norte)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const foreign = await server.database.db
      .selectFrom('courses')
      .select('id')
      .where('school_id', '=', ids.sul)
      .executeTakeFirstOrThrow();
    const bytes = text('offline attach', 5_000);
    const base = { schoolId: ids.norte, title: 'Ficha da aula', fileName: 'ficha.txt', bytes };

    // A course or a session of another school is refused at once, and nothing is queued.
    for (const bad of [{ courseIds: [foreign.id] }, { sessionId: 999_999_999 }]) {
      const err = await d.files.queueUpload({ ...base, ...bad }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileCacheError);
      expect((err as FileCacheError).code).toBe('invalid_args');
    }
    expect(d.store.pendingUploads()).toEqual([]);

    await server.halt();
    const queued = await d.files.queueUpload({ ...base, courseIds: [course.id], sessionId: session.id });
    expect(await d.files.uploadPending()).toMatchObject({ uploaded: 0, remaining: 1 });
    await server.resume();

    const resource = await until(
      'the upload attached to its session on the server',
      async () => {
        await d.engine.syncAll();
        await d.files.idle();
        const r = await server.database.db
          .selectFrom('resources')
          .select(['id', 'sha256'])
          .where('teacher_id', '=', ids.ana)
          .where('title', '=', 'Ficha da aula')
          .executeTakeFirst();
        return r && (await serverAttached(session.id)).includes(r.id) ? r : undefined;
      },
      20_000,
    );
    expect(resource.sha256).toBe(queued.sha256);
    const links = await server.database.db
      .selectFrom('resource_courses')
      .select('course_id')
      .where('resource_id', '=', resource.id)
      .execute();
    expect(links.map((l) => l.course_id)).toEqual([course.id]);
    // Uploaded once; nothing of the links is left behind on the device.
    expect(
      (
        await server.database.db
          .selectFrom('resources')
          .select('id')
          .where('sha256', '=', queued.sha256)
          .execute()
      ).length,
    ).toBe(1);
    expect(d.store.pendingUploads()).toEqual([]);
    expect(d.store.uploadsToAttach()).toEqual([]);
    expect(d.store.uploadLinks(queued.id)).toEqual({ course_ids: [], session_id: null });
    const shown = (await sessionDetail(d.store, session.id))!.resources.find((r) => r.id === resource.id);
    expect(shown).toMatchObject({ attached: true, offline: true });
  });
});
