import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROUTES } from '../../server/http/app.js';
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
    // A body (JSON or multipart): too large, or not a media type/charset the route takes.
    if (r.body || r.multipart) expect(statuses, label).toEqual(expect.arrayContaining(['413', '415']));
    // A path parameter over the router's length limit.
    if (r.params) expect(statuses, label).toContain('414');
  }
  // 405 belongs to a path, not to one of its operations: the document says it once.
  expect(doc.info.description).toMatch(/405/);
  expect(doc.info.description).toMatch(/Allow/);
});
