/**
 * The contract check (docs/ARCHITECTURE.md, "Contract tests"): every response a test receives
 * from the server is checked against what the OpenAPI document says the route answers
 * (server/http/openapi.ts, `responsesOf`, from which the document itself is built): the status
 * must be one the route documents; a status documented with a JSON body must answer JSON that
 * matches its schema; one documented without a body (204) must answer none; the headers the
 * document lists for that status must be there, with values of their schema. A path under /api/
 * that is no operation gets what the document's description promises: a path it lists asked
 * with another method answers 405 with `Allow`, any other path 404 (400 for a URL that cannot be
 * decoded), in the error shape. Paths outside /api/ (health, metrics, updates) are not the
 * document's business.
 */
import type { z } from 'zod';
import { ROUTES } from '../../server/http/app.js';
import { responsesOf } from '../../server/http/openapi.js';
import { ApiError } from '../../src/shared/protocol.js';

/**
 * A route's path as the server's router matches it: a trailing slash is dropped first, then a
 * parameter may be empty (`schools//courses` reaches the route, whose schema refuses the empty
 * id; `memberships/` is `memberships`).
 */
const MATCHERS = ROUTES.map((r) => ({
  route: r,
  method: r.method,
  pattern: new RegExp(`^${r.url.replace(/:(\w+)/g, '[^/]*')}$`),
}));

/** The document itself, served beside the operations it describes. */
const NOT_OPERATIONS = new Set(['/api/docs']);

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/** Throws a ContractViolation when the response breaks the document. */
export function checkResponse(
  method: string,
  url: URL,
  status: number,
  headers: Headers,
  text: string,
): void {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const path = url.pathname.replace(/(.)\/$/, '$1');
  const candidates = MATCHERS.filter((x) => x.pattern.test(path));
  const route = candidates.find((x) => x.method === m)?.route;
  const where = `${method} ${url.pathname} (${route?.url ?? 'no route'}) answered ${status}`;
  const fail = (what: string): never => {
    throw new ContractViolation(`${where}${what} [body: ${text.slice(0, 200)}]`);
  };
  const hasBody = method.toUpperCase() !== 'HEAD';
  const jsonBody = (schema: z.ZodType) => {
    const contentType = headers.get('content-type');
    if (!contentType?.includes('application/json'))
      fail(` with Content-Type ${contentType ?? '(none)'}, where the document says application/json`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      fail(' with a body that is not JSON');
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(
        ` with a body that breaks the document's schema: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
      );
    }
  };

  if (!route) {
    if (!url.pathname.startsWith('/api/') || NOT_OPERATIONS.has(url.pathname)) return;
    if (candidates.length > 0) {
      // A path the document lists, asked with a method it does not list (RFC 9110 §15.5.6).
      const methods = [...new Set(candidates.map((x) => x.method))];
      if (status !== 405) fail(`, where the document says a path it lists answers another method 405`);
      const allow = (headers.get('allow') ?? '').split(',').map((s) => s.trim());
      if (!methods.every((x) => allow.includes(x)))
        fail(` without an Allow header listing ${methods.join(', ')} (Allow: ${headers.get('allow')})`);
    } else if (status !== 404 && status !== 400) {
      fail(', where the document says an unknown path answers 404 (400 for a URL it cannot decode)');
    }
    if (hasBody) jsonBody(ApiError);
    return;
  }

  const responses = responsesOf(route);
  const documented = responses[String(status)];
  if (!documented)
    return fail(
      `, which the OpenAPI document does not list for this route (it lists ${Object.keys(responses).join(', ')})`,
    );
  for (const [name, h] of Object.entries(documented.headers ?? {})) {
    const value = headers.get(name);
    if (value === null) fail(` without its ${name} header`);
    if (!h.schema.safeParse(value).success)
      fail(` with a ${name} header that breaks the document's schema (${name}: ${value})`);
  }
  if (!hasBody) return;
  if (documented.schema) return jsonBody(documented.schema);
  // A file's bytes may be anything; a response documented without a body has none.
  if (!documented.file && text !== '') fail(' with a body, where the document says it has none');
}
