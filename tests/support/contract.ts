/**
 * The contract check (docs/ARCHITECTURE.md, "Contract tests"): every response a test receives
 * from the server is checked against what the OpenAPI document says the route answers
 * (server/http/openapi.ts, `responsesOf`, from which the document itself is built): the status
 * must be one the route documents; a status documented with a JSON body must answer JSON that
 * matches its schema; one documented without a body (204) must answer none. A response outside
 * the route table (an unknown path, a method the path does not have) is not checked here:
 * tests/server/http-errors.int.test.ts covers those.
 */
import { ROUTES } from '../../server/http/app.js';
import { responsesOf } from '../../server/http/openapi.js';
import type { RouteDef } from '../../server/http/route-table.js';

const MATCHERS = ROUTES.map((r) => ({
  route: r,
  method: r.method,
  pattern: new RegExp(`^${r.url.replace(/:(\w+)/g, '[^/]+')}/?$`),
}));

function routeOf(method: string, pathname: string): RouteDef | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return MATCHERS.find((x) => x.method === m && x.pattern.test(pathname))?.route;
}

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/** Throws a ContractViolation when the response breaks the document. */
export function checkResponse(
  method: string,
  url: URL,
  status: number,
  contentType: string | null,
  text: string,
): void {
  const route = routeOf(method, url.pathname);
  if (!route) return;
  const where = `${method} ${url.pathname} (${route.url}) answered ${status}`;
  const fail = (what: string) => {
    throw new ContractViolation(`${where}${what} [body: ${text.slice(0, 200)}]`);
  };
  const responses = responsesOf(route);
  const documented = responses[String(status)];
  if (!documented)
    fail(
      `, which the OpenAPI document does not list for this route (it lists ${Object.keys(responses).join(', ')})`,
    );
  if (method.toUpperCase() === 'HEAD') return;
  if (!documented!.schema) {
    // A file's bytes may be anything; a response documented without a body has none.
    if (!route.raw && text !== '') fail(' with a body, where the document says it has none');
    return;
  }
  if (!contentType?.includes('application/json'))
    fail(` with Content-Type ${contentType ?? '(none)'}, where the document says application/json`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail(' with a body that is not JSON');
  }
  const parsed = documented!.schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(
      ` with a body that breaks the document's schema: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
    );
  }
}
