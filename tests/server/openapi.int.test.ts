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
