/**
 * The contract check: every response a test receives from the server is checked against what the
 * OpenAPI document says the route answers (server/http/openapi.ts, `responsesOf`, from which the
 * document itself is built): the status must be one the route documents, and a JSON body must
 * match that status's schema. A response outside the route table (an unknown path, a method the
 * path does not have) is not checked here: tests/server/http-errors.int.test.ts covers those.
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

export class ContractViolation extends Error {}

/** Throws a ContractViolation when the response breaks the document. */
export function checkResponse(
  method: string,
  url: URL,
  status: number,
  contentType: string | null,
  body: unknown,
): void {
  const route = routeOf(method, url.pathname);
  if (!route) return;
  const where = `${method} ${url.pathname} (${route.url}) answered ${status}`;
  const documented = responsesOf(route)[String(status)];
  if (!documented)
    throw new ContractViolation(
      `${where}, which the OpenAPI document does not list for this route (it lists ${Object.keys(responsesOf(route)).join(', ')})`,
    );
  if (!documented.schema || !contentType?.includes('application/json')) return;
  const parsed = documented.schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ContractViolation(
      `${where} with a body that breaks the document: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
    );
  }
}
