import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROUTES } from '../../server/http/app.js';
import { PROTOCOL_HEADER } from '../../src/shared/protocol.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('sqlite');
});
afterAll(() => server?.stop());

test('the OpenAPI document at /api/docs describes every route of the route table', async () => {
  const res = await fetch(`${server.url}/api/docs`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as {
    openapi: string;
    paths: Record<string, Record<string, { summary: string }>>;
  };
  expect(doc.openapi).toMatch(/^3\./);
  for (const r of ROUTES) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const op = doc.paths[path]?.[r.method.toLowerCase()];
    expect(op, `${r.method} ${r.url}`).toBeDefined();
    expect(op!.summary).toBe(r.summary);
  }
  const documented = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
  expect(documented).toBe(ROUTES.length);
});

test('the OpenAPI document lists the input-rule statuses each route can answer', async () => {
  const doc = (await (await fetch(`${server.url}/api/docs`)).json()) as {
    info: { description: string };
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };
  for (const r of ROUTES) {
    const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]![r.method.toLowerCase()]!;
    const statuses = Object.keys(op.responses);
    const label = `${r.method} ${r.url}`;
    expect(statuses, label).toContain('400');
    // A body (JSON or multipart): too large, or not a media type/charset the server parses —
    // also sent to a POST, PATCH or DELETE that takes none (it is read before the route runs).
    if (r.body || r.multipart || r.method !== 'GET')
      expect(statuses, label).toEqual(expect.arrayContaining(['413', '415']));
    // A path parameter over the router's length limit.
    if (r.params) expect(statuses, label).toContain('414');
  }
  // 405 belongs to a path, not to one of its operations: the document says it once.
  expect(doc.info.description).toMatch(/405/);
  expect(doc.info.description).toMatch(/Allow/);
});

type Schema = Record<string, unknown> & { properties?: Record<string, Schema> };
type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        parameters: Array<{ name: string; in: string }>;
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
};

test('the document speaks JSON Schema 2020-12, the dialect of the OpenAPI 3.1 it declares', async () => {
  const doc = (await (await fetch(`${server.url}/api/docs`)).json()) as Doc;
  expect(doc.openapi).toBe('3.1.0');
  const text = JSON.stringify(doc);
  // OpenAPI 3.0's keywords: 3.1 ignores `nullable` (a null would be refused) and wants numbers here.
  expect(text).not.toContain('"nullable"');
  expect(text).not.toMatch(/"exclusive(Minimum|Maximum)":(true|false)/);
  const session =
    doc.paths['/api/admin/schools/{schoolId}/sessions']!.post!.requestBody!.content['application/json']!
      .schema.properties!;
  expect(JSON.stringify(session.course_id)).toContain('"type":"null"');
});

test('the document states the input rules the server enforces beyond types', async () => {
  const doc = (await (await fetch(`${server.url}/api/docs`)).json()) as Doc;
  const body = (path: string, method: string, type = 'application/json') =>
    doc.paths[path]![method]!.requestBody!.content[type]!.schema;
  // Stored text: no NUL, no lone surrogate (src/shared/text.ts).
  const announcement = body('/api/admin/schools/{schoolId}/announcements', 'post').properties!;
  expect(announcement.title).toMatchObject({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000]*$' });
  expect(announcement.title!.description).toMatch(/NUL.*surrogate/);
  // An email is an email.
  expect(body('/api/auth/login', 'post').properties!.email).toMatchObject({ format: 'email' });
  // A session ends after it starts; a change changes something.
  expect(body('/api/admin/schools/{schoolId}/sessions', 'post').description).toMatch(
    /ends_at.*after.*starts_at/,
  );
  expect(body('/api/admin/schools/{schoolId}/sessions/{sessionId}', 'patch')).toMatchObject({
    minProperties: 1,
  });
  // An upload's fields follow the same schema the route parses them with.
  const upload = body('/api/resources', 'post', 'multipart/form-data');
  expect(upload.required).toEqual(expect.arrayContaining(['school_id', 'title', 'file']));
  expect(upload.properties!.title).toMatchObject({ minLength: 1, maxLength: 200 });
  expect(upload.properties!.description).toMatchObject({ maxLength: 5000 });
  expect(upload.properties!.file).toMatchObject({ type: 'string', format: 'binary' });
  // Resumable downloads: the headers 206 and 416 answer.
  const download = doc.paths['/api/resources/{id}/content']!.get!.parameters.map((p) => `${p.in}:${p.name}`);
  expect(download).toEqual(expect.arrayContaining(['header:Range', 'header:If-Range']));
});

test('the document lists the headers answers carry, and what a download answers with', async () => {
  const doc = (await (await fetch(`${server.url}/api/docs`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          responses: Record<
            string,
            { headers?: Record<string, { required: boolean }>; content?: Record<string, unknown> }
          >;
        }
      >
    >;
  };
  const responses = (path: string, method: string) => doc.paths[path]![method]!.responses;
  // A rate-limited answer says when to come back.
  expect(responses('/api/dashboard', 'get')['429']!.headers).toHaveProperty('Retry-After.required', true);
  // Every answer of a sync route states the server's protocol version.
  for (const r of Object.values(responses('/api/sync/push', 'post')))
    expect(r.headers).toHaveProperty([PROTOCOL_HEADER, 'required'], true);
  // A download: the file's bytes in its own type; a part says which; a range outside says the size.
  const download = responses('/api/resources/{id}/content', 'get');
  expect(Object.keys(download['200']!.content!)).toEqual(['*/*']);
  expect(Object.keys(download['206']!.content!)).toEqual(['*/*']);
  expect(Object.keys(download['200']!.headers!)).toEqual(
    expect.arrayContaining(['ETag', 'Accept-Ranges', 'Content-Disposition']),
  );
  expect(download['206']!.headers).toHaveProperty('Content-Range');
  expect(download['416']!.headers).toHaveProperty('Content-Range');
  expect(download['416']!.content).toHaveProperty(['application/json']);
});
