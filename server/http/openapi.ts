/** The OpenAPI 3.1 document of the HTTP API, generated from the route table's zod schemas. */
import { z } from 'zod';
import { ApiError, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/shared/protocol.js';
import type { ResponseHeader, RouteDef } from './route-table.js';

/** A zod schema in JSON Schema 2020-12, the dialect of OpenAPI 3.1 (no `$schema` inside the document). */
const toSchema = (s: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(s, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return json;
};

function parametersOf(s: z.ZodType | undefined, where: 'query' | 'path' | 'header') {
  if (!s) return [];
  const json = toSchema(s, 'input') as {
    properties?: Record<string, { description?: string }>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...schema }]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(description ? { description } : {}),
    schema,
  }));
}

/**
 * A response a route documents: its JSON body's schema, or null (no body, or the bytes of a file
 * when `file`), and the headers it carries.
 */
export interface DocumentedResponse {
  description: string;
  schema: z.ZodType | null;
  /** The body is a file's bytes, in the file's own type. */
  file?: boolean;
  headers?: Record<string, ResponseHeader>;
}

const RETRY_AFTER: ResponseHeader = {
  description: 'Seconds to wait before trying again',
  schema: z.coerce.number().int().nonnegative(),
};
const PROTOCOL: ResponseHeader = {
  description: `The sync protocol version the server speaks (${PROTOCOL_VERSION})`,
  schema: z.coerce.number().int().min(1),
};

/**
 * Every status a route can answer, with its body and headers: the document lists these, and the
 * tests' client checks every response it receives against them (tests/support/contract.ts).
 */
export function responsesOf(r: RouteDef): Record<string, DocumentedResponse> {
  const error = (description = 'Error'): DocumentedResponse => ({ description, schema: ApiError });
  const out: Record<string, DocumentedResponse> = {
    [String(r.successStatus ?? 200)]: r.response
      ? { description: 'OK', schema: r.response }
      : r.raw
        ? { description: 'File bytes', schema: null, file: true }
        : { description: 'No content', schema: null },
    400: error(),
    ...(r.auth === 'user' ? { 401: error(), 403: error(), 404: error() } : {}),
    // Input rules (docs/ARCHITECTURE.md): a path parameter over the router's length limit,
    // a body too large or not in a media type/charset the server parses — read before the route
    // runs, on every method that carries a body, whether or not the route takes one.
    ...(r.params ? { 414: error() } : {}),
    ...(r.body || r.multipart || r.method !== 'GET' ? { 413: error(), 415: error() } : {}),
    ...(r.rateLimits
      ? { 429: { ...error('Too many requests'), headers: { 'Retry-After': RETRY_AFTER } } }
      : {}),
    ...(r.protocolChecked
      ? { 426: error('app_outdated or server_outdated: update the app or the server') }
      : {}),
  };
  for (const [status, description] of Object.entries(r.otherResponses ?? {}))
    out[status] =
      Number(status) >= 300
        ? error(description)
        : r.raw
          ? { description, schema: null, file: true }
          : { description, schema: null };
  for (const [status, schema] of Object.entries(r.errorBodies ?? {}))
    out[status] = { ...out[status]!, schema };
  for (const [status, headers] of Object.entries(r.responseHeaders ?? {}))
    out[status] = { ...out[status]!, headers: { ...out[status]!.headers, ...headers } };
  // Every answer of a sync route states the server's protocol version (protocol-version.ts).
  if (r.protocolChecked)
    for (const d of Object.values(out)) d.headers = { ...d.headers, [PROTOCOL_HEADER]: PROTOCOL };
  return out;
}

function responseObject(d: DocumentedResponse): Record<string, unknown> {
  return {
    description: d.description,
    ...(d.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(d.headers).map(([name, h]) => [
              name,
              { description: h.description, required: true, schema: toSchema(h.schema, 'output') },
            ]),
          ),
        }
      : {}),
    ...(d.schema
      ? { content: { 'application/json': { schema: toSchema(d.schema, 'output') } } }
      : d.file
        ? {
            content: {
              '*/*': { schema: { description: "The file's bytes, in its own type (Content-Type)" } },
            },
          }
        : {}),
  };
}

export function openApiDocument(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [
        ...parametersOf(r.params, 'path'),
        ...parametersOf(r.query, 'query'),
        ...parametersOf(r.headers, 'header'),
        ...(r.protocolChecked
          ? [
              {
                name: PROTOCOL_HEADER,
                in: 'header',
                required: false,
                description: `The sync protocol version the client speaks (this server: ${PROTOCOL_VERSION}); another version answers 426`,
                schema: { type: 'integer', minimum: 1 },
              },
            ]
          : []),
      ],
      responses: Object.fromEntries(
        Object.entries(responsesOf(r)).map(([status, d]) => [status, responseObject(d)]),
      ),
    };
    if (r.auth === 'user') op.security = [{ bearer: [] }];
    if (r.body)
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(r.body, 'input') } },
      };
    if (r.multipart) {
      const fields = toSchema(r.multipart, 'input') as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      op.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              ...fields,
              required: [...(fields.required ?? []), 'file'],
              properties: {
                ...fields.properties,
                file: {
                  type: 'string',
                  format: 'binary',
                  description: 'The file: at most MAX_UPLOAD_MB (server configuration), else 413',
                },
              },
            },
          },
        },
      };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Classdesk sync server',
      version,
      description:
        `HTTP API of the Classdesk sync server (sync protocol version ${PROTOCOL_VERSION}). ` +
        'Real-time events travel over socket.io on the same port. ' +
        'Every error answers `{error:{code,message,field?}}`. JSON bodies are UTF-8 (another charset: 415). ' +
        'A documented path asked with a method it does not have answers 405 with an `Allow` header listing its methods; ' +
        'an unknown path answers 404.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
