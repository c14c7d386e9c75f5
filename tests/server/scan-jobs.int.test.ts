/**
 * Nothing pending forever (server/domain/scan-jobs.ts), on both engines with a real server and a
 * fake clamd: a scan interrupted by a stop is resumed at the next start, a failing scanner is
 * tried again until it works, and two workers on one database (two processes) scan each file
 * exactly once, a dead holder's job being taken over when its lease runs out.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ResourceRow } from '../../src/shared/entities.js';
import { openDatabase } from '../../server/db/database.js';
import { claim, ScanWorker } from '../../server/domain/scan-jobs.js';
import { FileStore } from '../../server/storage/file-store.js';
import { ClamdScanner } from '../../server/storage/scanner.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds } from '../support/demo.js';
import { FakeClamd } from '../support/fake-clamd.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { spawnServer } from '../support/run-child.js';
import { until } from '../support/until.js';

/** A small PDF whose bytes name it, so the fake clamd's sessions tell the files apart. */
const pdf = (name: string) =>
  Buffer.from(`%PDF-1.4\n% ${name}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);

function upload(api: TestApi, schoolId: number, name: string) {
  const form = new FormData();
  form.set('school_id', String(schoolId));
  form.set('title', name);
  form.set('file', new Blob([new Uint8Array(pdf(name))]), `${name}.pdf`);
  return api.request<ResourceRow>('POST', '/api/resources', { raw: form });
}

const statusOf = async (server: TestServer, id: number) =>
  (
    await server.database.db
      .selectFrom('resources')
      .select('scan_status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).scan_status;

describe.each(dialectsHere())('durable scans on %s', (dialect) => {
  let clamd: FakeClamd;
  let server: TestServer;
  let ana: TestApi;
  let norte: number;

  beforeAll(async () => {
    clamd = await FakeClamd.start();
    server = await startTestServer(
      dialect,
      {
        SCAN_MAX_ATTEMPTS: '5',
        SCAN_RETRY_BASE_SECONDS: '1',
        SCAN_SWEEP_SECONDS: '1',
        SCAN_SHUTDOWN_WAIT_SECONDS: '0',
      },
      { scanner: new ClamdScanner('127.0.0.1', clamd.port, 4000) },
    );
    ana = await signedIn(server.url, 'ana@classdesk.test');
    norte = (await demoIds(server.database.db)).norte;
  });
  afterEach(() => {
    clamd.mode = 'clean';
  });
  afterAll(async () => {
    await server?.stop();
    await clamd?.close();
  });

  test('a scan running when the server stops is resumed when it starts again; the file then downloads', async () => {
    clamd.mode = 'silent';
    const before = clamd.sessions.length;
    const r = await upload(ana, norte, 'interrupted');
    expect(r.status).toBe(201);
    await until('the scan in flight', () => (clamd.sessions.length > before ? true : undefined));
    await server.halt();
    clamd.mode = 'clean';
    await server.resume();
    await until('the resumed scan', async () =>
      (await statusOf(server, r.body.id)) === 'clean' ? true : undefined,
    );
    const api = await signedIn(server.url, 'ana@classdesk.test');
    const file = await api.bytes(`/api/resources/${r.body.id}/content`);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(pdf('interrupted'))).toBe(true);
    ana = api;
  });

  test('a scanner that fails twice and then works: the file ends clean after the retries', async () => {
    clamd.mode = 'error';
    const before = clamd.sessions.length;
    const r = await upload(ana, norte, 'retried');
    expect(r.status).toBe(201);
    await until('two failed scans', () => (clamd.sessions.length >= before + 2 ? true : undefined), 15_000);
    clamd.mode = 'clean';
    await until(
      'clean',
      async () => ((await statusOf(server, r.body.id)) === 'clean' ? true : undefined),
      15_000,
    );
    expect(clamd.sessions.length - before).toBe(3);
    const job = await server.database.db
      .selectFrom('scan_jobs')
      .selectAll()
      .where('resource_id', '=', r.body.id)
      .executeTakeFirst();
    expect(job).toBeUndefined();
  });

  test('two server processes on one database scan each of several uploads exactly once', async () => {
    // A scan takes a while, so the two processes' sweeps meet jobs the other has claimed.
    clamd.delayMs = 300;
    const peer = spawnServer({
      ...server.sharedEnv,
      HOST: '127.0.0.1',
      PORT: '0',
      PASSWORD_HASH_COST: 'test',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DRAIN_SECONDS: '0',
      CLAMAV_HOST: '127.0.0.1',
      CLAMAV_PORT: String(clamd.port),
      SCAN_TIMEOUT_MS: '4000',
      SCAN_MAX_ATTEMPTS: '5',
      SCAN_RETRY_BASE_SECONDS: '1',
      SCAN_SWEEP_SECONDS: '1',
    });
    try {
      const bob = await signedIn(await peer.listening, 'ana@classdesk.test');
      const before = clamd.sessions.length;
      // Uploads through both processes at once: each kicks its own worker, whose sweeps race.
      const names = Array.from({ length: 12 }, (_, i) => `both-${i}`);
      const ids = (await Promise.all(names.map((name, i) => upload(i % 2 ? bob : ana, norte, name)))).map(
        (r) => {
          expect(r.status).toBe(201);
          return r.body.id;
        },
      );
      await until(
        'every upload scanned',
        async () => {
          for (const id of ids) if ((await statusOf(server, id)) !== 'clean') return undefined;
          return true;
        },
        20_000,
      );
      // Each file reached the scanner once: no job scanned by both processes.
      const scanned = clamd.sessions.slice(before);
      for (const name of names) expect(scanned.filter((s) => s.bytes.equals(pdf(name))).length, name).toBe(1);
      expect(scanned).toHaveLength(names.length);
      expect(
        await server.database.db
          .selectFrom('scan_jobs')
          .select('resource_id')
          .where('resource_id', 'in', ids)
          .execute(),
      ).toEqual([]);
    } finally {
      peer.kill('SIGTERM');
      await peer.exited;
      clamd.delayMs = 0;
    }
  });

  test('a job whose holder died is taken over when its lease runs out, and not before', async () => {
    await server.scans.stop();
    const ctx = {
      db: server.database.db,
      events: {
        changed() {},
        notificationCreated() {},
        scopeRevoked() {},
        scopeGranted() {},
        tokenRevoked() {},
      },
      now: () => new Date(),
    };
    const opts = {
      maxAttempts: 3,
      retryBaseMs: 1000,
      sweepMs: 60_000,
      leaseMs: 60_000,
      shutdownWaitMs: 5000,
    };
    const scanner = new ClamdScanner('127.0.0.1', clamd.port, 4000);
    const files = new FileStore(server.config.filesDir);
    const a = new ScanWorker(ctx, files, scanner, opts, (e) => {
      throw e;
    });

    // A holder that died: its lease runs out, and only then may another take the job.
    const stuck = (await upload(ana, norte, 'stuck')).body.id;
    const t0 = new Date();
    expect(await claim(server.database.db, stuck, 'dead-process', t0, 1000)).toBe(true);
    expect(await claim(server.database.db, stuck, a.id, new Date(t0.getTime() + 500), 1000)).toBe(false);
    expect(await claim(server.database.db, stuck, a.id, new Date(t0.getTime() + 1500), 1000)).toBe(true);
    await server.database.db
      .updateTable('scan_jobs')
      .set({ claimed_by: 'dead-process', lease_until: new Date(Date.now() - 1).toISOString() })
      .where('resource_id', '=', stuck)
      .execute();
    a.kick();
    await a.idle();
    expect(await statusOf(server, stuck)).toBe('clean');
    server.scans.start();
  });
});

describe.each(dialectsHere())('scans started right after an upload on %s', (dialect) => {
  let clamd: FakeClamd;
  let server: TestServer;
  beforeAll(async () => {
    clamd = await FakeClamd.start();
    // No periodic sweep within the test: only an upload's own kick starts its scan.
    server = await startTestServer(
      dialect,
      { SCAN_SWEEP_SECONDS: '3600' },
      { scanner: new ClamdScanner('127.0.0.1', clamd.port, 4000) },
    );
  });
  afterAll(async () => {
    await server?.stop();
    await clamd?.close();
  });

  test('uploads arriving while the worker is already looking for jobs are all scanned at once', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const { norte } = await demoIds(server.database.db);
    clamd.delayMs = 50;
    const ids = (
      await Promise.all(Array.from({ length: 10 }, (_, i) => upload(ana, norte, `burst-${i}`)))
    ).map((r) => r.body.id);
    await until(
      'every upload scanned',
      async () => {
        for (const id of ids) if ((await statusOf(server, id)) !== 'clean') return undefined;
        return true;
      },
      8000,
    );
  });

  test('a stopping server waits for the scan in flight (SCAN_SHUTDOWN_WAIT_SECONDS) and records it', async () => {
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const { norte } = await demoIds(server.database.db);
    clamd.delayMs = 1000;
    const before = clamd.sessions.length;
    const r = await upload(ana, norte, 'finishing');
    await until('the scan in flight', () => (clamd.sessions.length > before ? true : undefined));
    await server.halt();
    const db = openDatabase(
      dialect === 'postgres' ? { url: server.sharedEnv.DATABASE_URL! } : { url: server.config.databaseUrl },
    );
    try {
      const row = await db.db
        .selectFrom('resources')
        .select('scan_status')
        .where('id', '=', r.body.id)
        .executeTakeFirstOrThrow();
      expect(row.scan_status).toBe('clean');
      expect(await db.db.selectFrom('scan_jobs').selectAll().execute()).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
