/**
 * Teaching resources: multipart upload typed by the bytes (accepted types stored under a
 * generated name with their sha256, refused types leaving no row and no file), the upload
 * size limit, download with safe headers and HTTP ranges, and virus scanning — the built-in
 * scanner and ClamAV's clamd (against a fake clamd) — where a scan that fails never marks clean.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResourceRow } from '../../src/shared/entities.js';
import { ClamdScanner, type Scanner, type ScanVerdict } from '../../server/storage/scanner.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type ErrorBody, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { snapshotFiles } from '../support/db-snapshot.js';
import { FakeClamd } from '../support/fake-clamd.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const TEXT = Buffer.from('Olá, turma!\nExercícios 1–5 da página 42.\n');
const MARKDOWN = Buffer.from('# Plano de aula\n\n- Frações\n- Decimais\n');

/** A zip archive (one stored text file) that is no office document. */
function plainZip(): Buffer {
  const name = Buffer.from('hello.txt');
  const data = Buffer.from('hello\n');
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const localPart = Buffer.concat([local, name, data]);
  const centralPart = Buffer.concat([central, name]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralPart.length, 12);
  end.writeUInt32LE(localPart.length, 16);
  return Buffer.concat([localPart, centralPart, end]);
}

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56, 0x01)]);
const PE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.alloc(62, 0),
  Buffer.from('PE\0\0'),
  Buffer.alloc(64, 0x90),
]);
const GARBAGE = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256));

interface Upload {
  schoolId: number;
  name: string;
  bytes: Buffer;
  title?: string;
  /** The Content-Type the client claims for the file (ignored by the server). */
  claimedType?: string;
}

function upload(api: TestApi, u: Upload) {
  const form = new FormData();
  form.set('school_id', String(u.schoolId));
  form.set('title', u.title ?? u.name);
  form.set('description', 'para a turma');
  form.set('file', new Blob([new Uint8Array(u.bytes)], u.claimedType ? { type: u.claimedType } : {}), u.name);
  return api.request<ResourceRow>('POST', '/api/resources', { raw: form });
}

/** Waits (briefly) until the resource's scan status is `status`; fails with the last one seen. */
async function scanStatusBecomes(server: TestServer, id: number, status: ScanVerdict): Promise<void> {
  const read = async () =>
    (
      await server.database.db
        .selectFrom('resources')
        .select('scan_status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).scan_status;
  const deadline = Date.now() + 5000;
  let seen = await read();
  while (seen !== status && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = await read();
  }
  expect(seen, `scan status of resource ${id}`).toBe(status);
}

const storedPath = (server: TestServer, storageName: string) =>
  path.join(server.config.filesDir, storageName.slice(0, 2), storageName);
const tmpFiles = (server: TestServer) => fs.readdirSync(path.join(server.config.filesDir, 'tmp'));

describe.each(dialectsHere())('resources on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestApi;
  let rui: TestApi;

  beforeAll(async () => {
    server = await startTestServer(dialect, { MAX_UPLOAD_MB: '1' });
    ids = await demoIds(server.database.db);
    ana = await signedIn(server.url, 'ana@classdesk.test');
    rui = await signedIn(server.url, 'rui@classdesk.test');
  });
  afterAll(() => server?.stop());

  const resourceCount = async () =>
    (await server.database.db.selectFrom('resources').select('id').execute()).length;

  test.each([
    ['a PDF', 'ficha.pdf', PDF, 'pdf', 'application/pdf'],
    ['a PNG (whatever type the client claims)', 'grafico.pdf', PNG, 'png', 'image/png'],
    ['a text file', 'vocabulario.txt', TEXT, 'txt', 'text/plain; charset=utf-8'],
    ['a markdown file', 'plano.md', MARKDOWN, 'md', 'text/markdown; charset=utf-8'],
  ])(
    '%s is stored under a generated name with its sha256, then scanned clean',
    async (_what, name, bytes, fileType, mime) => {
      const r = await upload(ana, {
        schoolId: ids.norte,
        name,
        bytes,
        claimedType: 'application/octet-stream',
      });
      expect(r.status, r.text).toBe(201);
      expect(r.body).toMatchObject({
        school_id: ids.norte,
        teacher_id: ids.ana,
        title: name,
        description: 'para a turma',
        file_type: fileType,
        mime_type: mime,
        size: bytes.length,
        sha256: sha256(bytes),
        shared_with_students: false,
        course_ids: [],
      });
      const row = await server.database.db
        .selectFrom('resources')
        .selectAll()
        .where('id', '=', r.body.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        school_id: ids.norte,
        teacher_id: ids.ana,
        file_type: fileType,
        size: bytes.length,
        sha256: sha256(bytes),
      });
      expect(row.storage_name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.uploader_address).toMatch(/127\.0\.0\.1$/);
      expect(fs.readFileSync(storedPath(server, row.storage_name)).equals(bytes)).toBe(true);
      expect(tmpFiles(server)).toEqual([]);
      await scanStatusBecomes(server, row.id, 'clean');
      // The scan's verdict is a logged change, so devices learn it.
      const changes = await server.database.db
        .selectFrom('sync_changes')
        .select('seq')
        .where('entity', '=', 'resource')
        .where('row_id', '=', row.id)
        .execute();
      expect(changes.length).toBe(2);
    },
  );

  test.each([
    ['an ELF executable', 'programa', ELF],
    ['a Windows executable named like a PDF', 'ficha.pdf', PE],
    ['a zip that is no office document', 'fichas.docx', plainZip()],
    ['binary garbage named like a PDF', 'ficha.pdf', GARBAGE],
    ['text named like a PDF', 'ficha.pdf', TEXT],
    ['text named like an image', 'foto.png', TEXT],
    ['text that is not UTF-8', 'notas.txt', Buffer.from([0x4f, 0x6c, 0xe1, 0x0a])],
    ['an empty file', 'vazio.txt', Buffer.alloc(0)],
  ])('%s is refused with 415, leaving no row and no file', async (_what, name, bytes) => {
    const rows = await resourceCount();
    const files = snapshotFiles(server.config.filesDir);
    const r = await upload(ana, { schoolId: ids.norte, name, bytes });
    expect(r.status, r.text).toBe(415);
    expect((r.body as unknown as ErrorBody).error).toMatchObject({ code: 'unsupported_type', field: 'file' });
    expect(await resourceCount()).toBe(rows);
    expect(snapshotFiles(server.config.filesDir)).toEqual(files);
  });

  test('a file over MAX_UPLOAD_MB is refused with 413, leaving no row and no file', async () => {
    const rows = await resourceCount();
    const files = snapshotFiles(server.config.filesDir);
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024, 0x20)]);
    const r = await upload(ana, { schoolId: ids.norte, name: 'grande.pdf', bytes: big });
    expect(r.status, r.text).toBe(413);
    expect((r.body as unknown as ErrorBody).error.code).toBe('too_large');
    expect(await resourceCount()).toBe(rows);
    expect(snapshotFiles(server.config.filesDir)).toEqual(files);
    // A file of exactly the limit is fine.
    const limit = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 - PDF.length, 0x20)]);
    expect((await upload(ana, { schoolId: ids.norte, name: 'limite.pdf', bytes: limit })).status).toBe(201);
  });

  test("course_ids attach the upload to courses of its school; another school's course or a malformed list is refused with 400, storing nothing", async () => {
    const courses = await server.database.db.selectFrom('courses').select(['id', 'school_id']).execute();
    const [c1, c2] = courses.filter((c) => c.school_id === ids.norte);
    const foreign = courses.find((c) => c.school_id === ids.sul)!;
    const withCourses = (courseIds: string) => {
      const form = new FormData();
      form.set('school_id', String(ids.norte));
      form.set('title', 'Ficha com turmas');
      form.set('course_ids', courseIds);
      form.set('file', new Blob([new Uint8Array(TEXT)]), 'ficha.txt');
      return ana.request<ResourceRow>('POST', '/api/resources', { raw: form });
    };
    const ok = await withCourses(`${c2!.id},${c1!.id}`);
    expect(ok.status, ok.text).toBe(201);
    expect([...ok.body.course_ids].sort((a, b) => a - b)).toEqual([c1!.id, c2!.id].sort((a, b) => a - b));
    const links = await server.database.db
      .selectFrom('resource_courses')
      .select('course_id')
      .where('resource_id', '=', ok.body.id)
      .execute();
    expect(links.map((l) => l.course_id).sort((a, b) => a - b)).toEqual(
      [c1!.id, c2!.id].sort((a, b) => a - b),
    );
    const empty = await withCourses('');
    expect(empty.status, empty.text).toBe(201);
    expect(empty.body.course_ids).toEqual([]);

    for (const bad of [String(foreign.id), '999999999', `${c1!.id},${c1!.id}`, '3,x', ',', '0']) {
      const rows = await resourceCount();
      const files = snapshotFiles(server.config.filesDir);
      const r = await withCourses(bad);
      expect(r.status, `${bad}: ${r.text}`).toBe(400);
      expect((r.body as unknown as ErrorBody).error).toMatchObject({
        code: 'invalid_input',
        field: 'course_ids',
      });
      expect(await resourceCount()).toBe(rows);
      expect(snapshotFiles(server.config.filesDir)).toEqual(files);
    }
  });

  describe('download', () => {
    let id: number;
    const bytes = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz\n');

    beforeAll(async () => {
      const r = await upload(ana, {
        schoolId: ids.norte,
        name: 'alfabeto.txt',
        title: 'Ficha "1"\r\nX-Injected: yes',
        bytes,
      });
      expect(r.status).toBe(201);
      id = r.body.id;
      await scanStatusBecomes(server, id, 'clean');
    });

    test('answers the bytes as an attachment the browser must not sniff', async () => {
      const r = await ana.bytes(`/api/resources/${id}/content`);
      expect(r.status).toBe(200);
      expect(r.bytes.equals(bytes)).toBe(true);
      expect(r.headers.get('content-disposition')).toBe('attachment; filename="Ficha 1X-Injected yes.txt"');
      expect(r.headers.get('x-injected')).toBeNull();
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(r.headers.get('content-length')).toBe(String(bytes.length));
      expect(r.headers.get('accept-ranges')).toBe('bytes');
      expect(r.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    });

    test.each([
      ['bytes=0-9', 0, 9],
      ['bytes=10-', 10, bytes.length - 1],
      ['bytes=-5', bytes.length - 5, bytes.length - 1],
      ['bytes=30-1000', 30, bytes.length - 1],
    ])('Range %s answers 206 with that part', async (range, start, end) => {
      const r = await ana.bytes(`/api/resources/${id}/content`, { range });
      expect(r.status).toBe(206);
      expect(r.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
      expect(r.headers.get('content-length')).toBe(String(end - start + 1));
      expect(r.bytes.equals(bytes.subarray(start, end + 1))).toBe(true);
    });

    test.each(['lines=1-2', 'bytes=0-1,4-5'])(
      'a Range %s of another unit or of several parts answers the whole file',
      async (range) => {
        const r = await ana.bytes(`/api/resources/${id}/content`, { range });
        expect(r.status).toBe(200);
        expect(r.bytes.equals(bytes)).toBe(true);
      },
    );

    test.each(['bytes=1000-', 'bytes=37-', 'bytes=5-2', 'bytes=-0', 'bytes=x-y', 'bytes=-'])(
      'an unsatisfiable Range %s answers 416 with the size',
      async (range) => {
        const r = await ana.bytes(`/api/resources/${id}/content`, { range });
        expect(r.status).toBe(416);
        expect(r.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      },
    );

    test('a Range for another version of the file (If-Range) answers the whole file', async () => {
      const r = await ana.bytes(`/api/resources/${id}/content`, {
        range: 'bytes=0-9',
        'if-range': '"not-this-version"',
      });
      expect(r.status).toBe(200);
      expect(r.bytes.equals(bytes)).toBe(true);
      const same = await ana.bytes(`/api/resources/${id}/content`, {
        range: 'bytes=0-9',
        'if-range': `"${sha256(bytes)}"`,
      });
      expect(same.status).toBe(206);
    });

    test('another teacher, the admin and a ranged request of theirs all get 404, and no byte', async () => {
      const admin = await signedIn(server.url, 'admin@classdesk.test');
      for (const [who, api] of [
        ['rui', rui],
        ['admin', admin],
      ] as const) {
        for (const headers of [{}, { range: 'bytes=0-9' }] as Record<string, string>[]) {
          const r = await api.request('GET', `/api/resources/${id}/content`, { headers });
          expect(r.status, who).toBe(404);
          expect(r.text).not.toContain('0123456789');
          expect(r.headers.get('content-disposition')).toBeNull();
        }
      }
    });
  });
});

/** A scanner that answers only when the test says so. */
class GatedScanner implements Scanner {
  readonly name = 'gated';
  private release: ((v: ScanVerdict) => void) | undefined;
  private readonly verdict = new Promise<ScanVerdict>((resolve) => (this.release = resolve));
  scan(): Promise<ScanVerdict> {
    return this.verdict;
  }
  answer(v: ScanVerdict): void {
    this.release!(v);
  }
}

const errorOf = (body: Buffer) =>
  (JSON.parse(body.toString('utf8')) as { error: { code: string; message: string } }).error;

describe.each(dialectsHere())('virus scanning on %s', (dialect) => {
  test('a file whose scan has not finished cannot be downloaded; once clean it can', async () => {
    const scanner = new GatedScanner();
    const server = await startTestServer(dialect, {}, { scanner });
    try {
      const ana = await signedIn(server.url, 'ana@classdesk.test');
      const { norte } = await demoIds(server.database.db);
      const r = await upload(ana, { schoolId: norte, name: 'ficha.pdf', bytes: PDF });
      expect(r.status).toBe(201);
      expect(r.body.scan_status).toBe('pending');
      const early = await ana.bytes(`/api/resources/${r.body.id}/content`);
      expect(early.status).toBe(409);
      expect(early.bytes.includes(PDF.subarray(0, 8))).toBe(false);
      expect(errorOf(early.bytes).code).toBe('not_scanned');
      expect(errorOf(early.bytes).message).toMatch(/not finished/);
      scanner.answer('clean');
      await scanStatusBecomes(server, r.body.id, 'clean');
      expect((await ana.bytes(`/api/resources/${r.body.id}/content`)).bytes.equals(PDF)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  describe('with clamd', () => {
    let clamd: FakeClamd;
    let server: TestServer;
    let ana: TestApi;
    let norte: number;

    beforeAll(async () => {
      clamd = await FakeClamd.start();
      // A failing scan is tried twice, a second apart (the sweep looks every second).
      server = await startTestServer(
        dialect,
        { SCAN_MAX_ATTEMPTS: '2', SCAN_RETRY_BASE_SECONDS: '1', SCAN_SWEEP_SECONDS: '1' },
        { scanner: new ClamdScanner('127.0.0.1', clamd.port, 300) },
      );
      ana = await signedIn(server.url, 'ana@classdesk.test');
      norte = (await demoIds(server.database.db)).norte;
    });
    afterAll(async () => {
      await server?.stop();
      await clamd?.close();
    });

    test.each([
      ['clean', 'clean', 200],
      ['infected', 'infected', 409],
      ['silent', 'failed', 409],
      ['close', 'failed', 409],
      ['error', 'failed', 409],
    ] as const)('clamd answering %s marks the upload %s (download %i)', async (mode, verdict, download) => {
      clamd.mode = mode;
      const before = clamd.sessions.length;
      const r = await upload(ana, { schoolId: norte, name: `${mode}.pdf`, bytes: PDF });
      expect(r.status).toBe(201);
      await scanStatusBecomes(server, r.body.id, verdict);
      expect(clamd.sessions.at(-1)!.bytes.equals(PDF)).toBe(true);
      // A verdict is taken once; a failure is tried again before it is final.
      expect(clamd.sessions.length - before).toBe(verdict === 'failed' ? 2 : 1);
      if (verdict === 'failed') {
        // A scanner that failed never marks the file clean later.
        await new Promise((resolve) => setTimeout(resolve, 400));
        await scanStatusBecomes(server, r.body.id, 'failed');
      }
      const got = await ana.bytes(`/api/resources/${r.body.id}/content`);
      expect(got.status).toBe(download);
      // Each final state says what it means: no "yet" for a scan that will not be tried again.
      if (verdict === 'failed')
        expect(errorOf(got.bytes).message).toMatch(/could not be completed.*upload it again/);
      if (verdict === 'infected') expect(errorOf(got.bytes).message).toMatch(/found it infected/);
      if (download === 409) expect(errorOf(got.bytes).message).not.toMatch(/yet/);
    });
  });
});

describe('ClamdScanner against a fake clamd', () => {
  let clamd: FakeClamd;
  beforeAll(async () => {
    clamd = await FakeClamd.start();
  });
  afterAll(() => clamd?.close());

  test('streams the bytes with INSTREAM in length-prefixed chunks and reads OK as clean', async () => {
    clamd.mode = 'clean';
    const bytes = Buffer.alloc(200 * 1024 + 17, 0x41);
    expect(await new ClamdScanner('127.0.0.1', clamd.port, 2000).scan(bytes)).toBe('clean');
    const s = clamd.sessions.at(-1)!;
    expect(s.command).toBe('zINSTREAM');
    expect(s.chunks).toBe(4);
    expect(s.bytes.equals(bytes)).toBe(true);
  });

  test('reads FOUND as infected', async () => {
    clamd.mode = 'infected';
    expect(await new ClamdScanner('127.0.0.1', clamd.port, 2000).scan(Buffer.from('X5O!P%@AP'))).toBe(
      'infected',
    );
  });

  test.each(['close', 'error'] as const)('a clamd that answers %s gives failed', async (mode) => {
    clamd.mode = mode;
    expect(await new ClamdScanner('127.0.0.1', clamd.port, 2000).scan(Buffer.from('x'))).toBe('failed');
  });

  test('a clamd that never answers gives failed after the time-out, not before', async () => {
    clamd.mode = 'silent';
    const started = Date.now();
    expect(await new ClamdScanner('127.0.0.1', clamd.port, 250).scan(Buffer.from('x'))).toBe('failed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  test('no clamd listening gives failed', async () => {
    const gone = await FakeClamd.start();
    const port = gone.port;
    await gone.close();
    expect(await new ClamdScanner('127.0.0.1', port, 2000).scan(Buffer.from('x'))).toBe('failed');
  });
});
