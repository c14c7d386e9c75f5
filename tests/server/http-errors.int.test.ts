/**
 * The input rules of the HTTP layer (docs/ARCHITECTURE.md, "Input rules"), on both engines:
 * JSON bodies are UTF-8 (invalid bytes: 400; another charset: 415), a malformed multipart upload
 * is a 400 that stores nothing, and the errors Fastify and Node raise before a route runs (bad
 * URL, over-long URL or headers, unparsable request line, wrong method, size, media type, JSON)
 * answer in the app's error shape `{error:{code,message}}` — never 500, never "unhandled error".
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, TestApi, type ApiResponse, type ErrorBody } from '../support/api-client.js';
import { demoIds } from '../support/demo.js';
import { snapshotDb, snapshotFiles, VOLATILE_TABLES } from '../support/db-snapshot.js';

const ErrorShape = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string().min(1), field: z.string().optional() }),
});

/** Asserts the app's error shape and returns its `error`. */
function errorOf(
  res: Pick<ApiResponse, 'status' | 'body' | 'text'>,
  status: number,
  label = '',
): ErrorBody['error'] {
  expect(res.status, `${label} ${res.text.slice(0, 300)}`).toBe(status);
  expect(ErrorShape.safeParse(res.body).success, `${label} ${res.text.slice(0, 300)}`).toBe(true);
  return (res.body as ErrorBody).error;
}

/** Writes raw bytes to the server and returns what comes back until it closes the connection. */
function rawExchange(
  port: number,
  request: string | Buffer,
): Promise<{ status: number; head: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined); // the server may reset after answering
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      try {
        resolve({ status, head, body: body ? JSON.parse(body) : null });
      } catch (e) {
        reject(new Error(`not JSON: ${text.slice(0, 300)} (${String(e)})`));
      }
    });
    socket.setTimeout(5000, () => socket.destroy());
  });
}

describe.each(dialectsHere())('HTTP input rules on %s', (dialect) => {
  let server: TestServer;
  let admin: TestApi;
  let ana: TestApi;
  let norte: number;
  const log: string[] = [];
  const unhandled = () => log.filter((l) => l.includes('"unhandled error"'));

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (s: string) => void log.push(s) });
    server = await startTestServer(dialect, { MAX_BODY_KB: '16', MAX_UPLOAD_MB: '1' }, { logger });
    norte = (await demoIds(server.database.db)).norte;
    admin = await signedIn(server.url, 'admin@classdesk.test');
    ana = await signedIn(server.url, 'ana@classdesk.test');
  });
  afterAll(() => server?.stop());

  /** Runs `fn` and asserts that no row and no stored file changed, and nothing was logged as unhandled. */
  async function changesNothing(fn: () => Promise<void>): Promise<void> {
    const rows = await snapshotDb(server.database.db, VOLATILE_TABLES);
    const files = snapshotFiles(server.config.filesDir);
    const logged = unhandled().length;
    await fn();
    expect(await snapshotDb(server.database.db, VOLATILE_TABLES)).toEqual(rows);
    expect(snapshotFiles(server.config.filesDir)).toEqual(files);
    expect(unhandled().slice(logged)).toEqual([]);
  }

  const announcementsUrl = () => `/api/admin/schools/${norte}/announcements`;
  const postJson = (body: string | Buffer, contentType: string) =>
    admin.request('POST', announcementsUrl(), {
      raw: typeof body === 'string' ? body : new Uint8Array(body),
      headers: { 'content-type': contentType },
    });

  describe('JSON bodies are UTF-8', () => {
    test('invalid UTF-8 bytes answer 400 invalid_input, stored as nothing (not as U+FFFD)', async () => {
      await changesNothing(async () => {
        const bytes = Buffer.concat([
          Buffer.from('{"title":"Feira'),
          Buffer.from([0xff, 0xfe, 0xc3]), // not UTF-8: a lone 0xff and a truncated sequence
          Buffer.from('","message":"No átrio."}'),
        ]);
        const e = errorOf(await postJson(bytes, 'application/json'), 400);
        expect(e.code).toBe('invalid_input');
        expect(e.field).toBe('body');
        expect(e.message).toMatch(/not valid UTF-8/);
        // An overlong encoding of "/" and an encoded surrogate are not UTF-8 either.
        for (const bad of [
          [0xc0, 0xaf],
          [0xed, 0xa0, 0x80],
        ]) {
          const b = Buffer.concat([
            Buffer.from('{"title":"x'),
            Buffer.from(bad),
            Buffer.from('","message":"m"}'),
          ]);
          expect((await postJson(b, 'application/json')).status, bad.join(',')).toBe(400);
        }
      });
    });

    test('a charset other than UTF-8 answers 415; utf-8 in any spelling is taken', async () => {
      const body = JSON.stringify({ title: 'Feira do livro', message: 'No átrio.' });
      await changesNothing(async () => {
        for (const ct of [
          'application/json; charset=utf-16',
          'application/json; charset=UTF-16LE',
          'application/json; charset=iso-8859-1',
          'application/json;charset="latin1"',
        ]) {
          const bytes = /16/.test(ct) ? Buffer.from(body, 'utf16le') : Buffer.from(body, 'latin1');
          const e = errorOf(await postJson(bytes, ct), 415, ct);
          expect(e.code, ct).toBe('unsupported_media_type');
          expect(e.field, ct).toBe('content-type');
          expect(e.message, ct).toMatch(/UTF-8/);
        }
      });
      for (const ct of [
        'application/json; charset=utf-8',
        'application/json; charset="UTF-8"',
        'application/json;charset=utf8',
      ]) {
        const res = await postJson(body, ct);
        expect(res.status, `${ct}: ${res.text}`).toBe(201);
        expect((res.body as { message: string }).message).toBe('No átrio.');
      }
    });

    test('malformed, empty or non-JSON bodies answer 400/415 in the app shape', async () => {
      await changesNothing(async () => {
        const bad = errorOf(await postJson('{"title": ', 'application/json'), 400, 'malformed');
        expect(bad.code).toBe('invalid_input');
        expect(bad.field).toBe('body');
        const empty = errorOf(await postJson('', 'application/json'), 400, 'empty');
        expect(empty.field).toBe('body');
        for (const ct of ['application/xml', 'text/plain', 'application/x-www-form-urlencoded']) {
          const e = errorOf(await postJson('title=x&message=y', ct), 415, ct);
          expect(e.code, ct).toBe('unsupported_media_type');
          expect(e.field, ct).toBe('content-type');
        }
        const big = JSON.stringify({ title: 'x', message: 'y'.repeat(20 * 1024) });
        expect(errorOf(await postJson(big, 'application/json'), 413, 'too large').code).toBe('too_large');
      });
    });
  });

  describe('malformed multipart uploads', () => {
    const part = (name: string, value: string, file?: string) =>
      `--b0undary\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: text/plain` : ''}\r\n\r\n${value}\r\n`;
    const form = () =>
      part('school_id', String(norte)) +
      part('title', 'Ficha') +
      part('file', 'uma ficha de trabalho\n', 'ficha.txt') +
      '--b0undary--\r\n';
    const upload = (body: string, contentType: string) =>
      ana.request('POST', '/api/resources', { raw: body, headers: { 'content-type': contentType } });

    test('the well-formed form these are made from is taken', async () => {
      const res = await upload(form(), 'multipart/form-data; boundary=b0undary');
      expect(res.status, res.text).toBe(201);
      await expect
        .poll(
          async () =>
            (
              await server.database.db
                .selectFrom('resources')
                .select('id')
                .where('scan_status', '=', 'pending')
                .execute()
            ).length,
        )
        .toBe(0);
    });

    test.each([
      ['no boundary', (f: string) => f, 'multipart/form-data'],
      ['an empty boundary', (f: string) => f, 'multipart/form-data; boundary='],
      ['a wrong boundary', (f: string) => f, 'multipart/form-data; boundary=other'],
      [
        'a body cut inside the file',
        (f: string) => f.slice(0, f.indexOf('uma ficha') + 6),
        'multipart/form-data; boundary=b0undary',
      ],
      [
        'a body without its closing boundary',
        (f: string) => f.slice(0, f.lastIndexOf('--b0undary--')),
        'multipart/form-data; boundary=b0undary',
      ],
    ])('%s answers 400 and stores nothing', async (what, body, contentType) => {
      await changesNothing(async () => {
        const e = errorOf(await upload(body(form()), contentType), 400, what);
        expect(['invalid_input', 'bad_request']).toContain(e.code);
        expect(e.message).toMatch(/multipart/);
      });
      // No temporary file left behind either.
      const tmp = path.join(server.config.filesDir, 'tmp');
      expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
    });
  });

  describe("errors raised before a route runs use the app's shape", () => {
    test('a malformed percent-encoding in the path answers 400', async () => {
      const e = errorOf(await ana.request('GET', '/api/%E0%A4%A'), 400);
      expect(e.code).toBe('bad_request');
      expect(e.message).toMatch(/URL/);
    });

    test('a path parameter over the router limit answers 414', async () => {
      const e = errorOf(await ana.request('GET', `/api/resources/${'1'.repeat(200)}/content`), 414);
      expect(e.code).toBe('uri_too_long');
    });

    test("a request line or headers over Node's limit answer 431 in the app shape", async () => {
      const res = await rawExchange(
        server.port,
        `GET /api/me?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      );
      expect(res.status, res.head).toBe(431);
      expect(ErrorShape.safeParse(res.body).success, JSON.stringify(res.body)).toBe(true);
      expect((res.body as ErrorBody).error.code).toBe('too_large');
    });

    test('a method HTTP does not know answers 400 in the app shape', async () => {
      const res = await rawExchange(server.port, 'BREW /api/me HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(res.status, res.head).toBe(400);
      expect(ErrorShape.safeParse(res.body).success, JSON.stringify(res.body)).toBe(true);
    });

    test('a known path with a wrong method answers 405 with Allow; an unknown path 404', async () => {
      const cases: [string, string, string][] = [
        ['DELETE', '/api/sync/pull', 'GET, HEAD'],
        ['PUT', '/api/me', 'GET, HEAD'],
        ['POST', '/api/me/', 'GET, HEAD'],
        ['GET', '/api/sync/push', 'POST'],
        ['PROPFIND', '/api/me', 'GET, HEAD'],
        ['PATCH', `/api/admin/schools/${norte}/announcements`, 'GET, HEAD, POST'],
        ['DELETE', `/api/resources/7/content?x=1`, 'GET, HEAD'],
        ['PATCH', `/api/admin/schools/${norte}/sessions/1/enrolments/2`, 'DELETE'],
      ];
      for (const [method, url, allow] of cases) {
        const res = await ana.request(method, url);
        const e = errorOf(res, 405, `${method} ${url}`);
        expect(e.code).toBe('method_not_allowed');
        expect(res.headers.get('allow'), `${method} ${url}`).toBe(allow);
      }
      for (const [method, url] of [
        ['GET', '/api/nope'],
        ['DELETE', '/api/nope'],
        ['GET', '/api/resources/7'],
      ] as const) {
        const e = errorOf(await ana.request(method, url), 404, `${method} ${url}`);
        expect(e.code).toBe('not_found');
      }
    });

    test('the server is still up and nothing was logged as unhandled', async () => {
      expect((await new TestApi(server.url).get('/healthz')).status).toBe(200);
      expect(unhandled()).toEqual([]);
    });
  });
});
