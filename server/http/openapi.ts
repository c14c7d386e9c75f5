/** The OpenAPI 3.1 document of the HTTP API, generated from the route table's zod schemas. */
import { z } from 'zod';
import { ApiError, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/shared/protocol.js';
import type { RouteDef } from './route-table.js';

const toSchema = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;

function parametersOf(s: z.ZodType | undefined, where: 'query' | 'path') {
  if (!s) return [];
  const json = toSchema(s, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema,
  }));
}

export function openApiDocument(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = {
    description: 'Error',
    content: { 'application/json': { schema: toSchema(ApiError, 'output') } },
  };
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [
        ...parametersOf(r.params, 'path'),
        ...parametersOf(r.query, 'query'),
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
      responses: {
        [String(r.successStatus ?? 200)]: r.response
          ? { description: 'OK', content: { 'application/json': { schema: toSchema(r.response, 'output') } } }
          : { description: r.raw ? 'File bytes (206 for a range)' : 'No content' },
        400: errorResponse,
        ...(r.auth === 'user' ? { 401: errorResponse, 403: errorResponse, 404: errorResponse } : {}),
        // Input rules (docs/ARCHITECTURE.md): a path parameter over the router's length limit,
        // a body too large or not in a media type/charset the route takes.
        ...(r.params ? { 414: errorResponse } : {}),
        ...(r.body || r.multipart ? { 413: errorResponse, 415: errorResponse } : {}),
        ...(r.rateLimits ? { 429: errorResponse } : {}),
        ...(r.protocolChecked
          ? {
              426: {
                ...errorResponse,
                description: 'app_outdated or server_outdated: update the app or the server',
              },
            }
          : {}),
      },
    };
    if (r.auth === 'user') op.security = [{ bearer: [] }];
    if (r.body)
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(r.body, 'input') } },
      };
    if (r.multipart) {
      op.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['school_id', 'title', 'file'],
              properties: {
                school_id: { type: 'integer' },
                title: { type: 'string' },
                description: { type: 'string' },
                file: { type: 'string', format: 'binary' },
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
