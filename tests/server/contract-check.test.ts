/** The contract check the tests' HTTP client runs on every response (tests/support/contract.ts). */
import { describe, expect, test } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/shared/protocol.js';
import { checkResponse, ContractViolation } from '../support/contract.js';

const at = (path: string) => new URL(path, 'http://127.0.0.1:1');
const JSON_TYPE = 'application/json; charset=utf-8';
const json = (more: Record<string, string> = {}) => new Headers({ 'content-type': JSON_TYPE, ...more });
const typed = (type: string | null, more: Record<string, string> = {}) =>
  new Headers({ ...(type ? { 'content-type': type } : {}), ...more });
const error = JSON.stringify({ error: { code: 'invalid_input', message: 'no', field: 'x' } });
const file = {
  etag: '"abc"',
  'accept-ranges': 'bytes',
  'content-disposition': 'attachment; filename="a.pdf"',
};
const sync = { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };

describe('the contract check', () => {
  test('lets a documented status with a body of its schema through', () => {
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 404, json(), error)).not.toThrow();
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 204, typed(null), '')).not.toThrow();
    // A path outside the API is not the document's business.
    expect(() => checkResponse('GET', at('/nowhere'), 404, typed('text/plain'), 'x')).not.toThrow();
  });

  test('refuses a status the route does not document, naming method, path and status', () => {
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 500, json(), error)).toThrow(
      ContractViolation,
    );
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 500, json(), error)).toThrow(
      /POST \/api\/notifications\/7\/read \(\/api\/notifications\/:id\/read\) answered 500, which the OpenAPI document does not list/,
    );
  });

  test('refuses a body that breaks the schema of its status', () => {
    expect(() =>
      checkResponse('POST', at('/api/notifications/7/read'), 404, json(), '{"message":"no"}'),
    ).toThrow(/answered 404 with a body that breaks the document's schema: error: /);
  });

  test('refuses an error that is not JSON, and a body where the document says there is none', () => {
    expect(() =>
      checkResponse('POST', at('/api/notifications/7/read'), 404, typed('text/plain'), 'Not Found'),
    ).toThrow(/answered 404 with Content-Type text\/plain, where the document says application\/json/);
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 404, json(), '<html>')).toThrow(
      /not JSON/,
    );
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 204, json(), '{}')).toThrow(
      /answered 204 with a body, where the document says it has none/,
    );
    // A file's bytes are whatever the file holds.

    expect(() =>
      checkResponse('GET', at('/api/resources/3/content'), 200, typed('application/pdf', file), '%PDF-1.4'),
    ).not.toThrow();
  });

  test('matches a path as the server routes it: an empty path parameter is still the route', () => {
    // The server's router takes `schools//courses` as schoolId '' (its zod schema answers 400).
    expect(() => checkResponse('POST', at('/api/admin/schools//courses'), 400, json(), error)).not.toThrow();
    // A trailing slash is dropped before routing: an empty last parameter is no parameter.
    const wrongMethod = JSON.stringify({ error: { code: 'method_not_allowed', message: 'use POST' } });
    expect(() =>
      checkResponse(
        'PATCH',
        at('/api/admin/schools/2/sessions/3/enrolments/'),
        405,
        json({ allow: 'POST' }),
        wrongMethod,
      ),
    ).not.toThrow();
    expect(() => checkResponse('POST', at('/api/admin/schools//courses'), 500, json(), error)).toThrow(
      /\(\/api\/admin\/schools\/:schoolId\/courses\) answered 500/,
    );
  });

  test('holds an API path outside the route table to what the document says of those: 404, or 405 with Allow', () => {
    const notFound = JSON.stringify({ error: { code: 'not_found', message: 'no such route' } });
    expect(() => checkResponse('GET', at('/api/nope'), 404, json(), notFound)).not.toThrow();
    expect(() => checkResponse('GET', at('/api/nope'), 404, typed('text/plain'), 'Not Found')).toThrow(
      /GET \/api\/nope \(no route\) answered 404 with Content-Type text\/plain/,
    );
    expect(() => checkResponse('GET', at('/api/nope'), 200, json(), '{}')).toThrow(
      /GET \/api\/nope \(no route\) answered 200, where the document says an unknown path answers 404/,
    );
    const wrongMethod = JSON.stringify({ error: { code: 'method_not_allowed', message: 'use POST' } });
    expect(() =>
      checkResponse(
        'PATCH',
        at('/api/admin/schools/2/sessions/3/enrolments'),
        405,
        json({ allow: 'POST' }),
        wrongMethod,
      ),
    ).not.toThrow();
    expect(() =>
      checkResponse('PATCH', at('/api/admin/schools/2/sessions/3/enrolments'), 405, json(), wrongMethod),
    ).toThrow(/answered 405 without an Allow header listing POST/);
    expect(() =>
      checkResponse('PATCH', at('/api/admin/schools/2/sessions/3/enrolments'), 404, json(), notFound),
    ).toThrow(/answered 404, where the document says a path it lists answers another method 405/);
  });

  test('requires the headers the document lists for a response', () => {
    const limited = JSON.stringify({ error: { code: 'rate_limited', message: 'wait' } });
    expect(() =>
      checkResponse('GET', at('/api/dashboard'), 429, json({ 'retry-after': '12' }), limited),
    ).not.toThrow();
    expect(() => checkResponse('GET', at('/api/dashboard'), 429, json(), limited)).toThrow(
      /GET \/api\/dashboard \(\/api\/dashboard\) answered 429 without its Retry-After header/,
    );
    expect(() =>
      checkResponse('GET', at('/api/resources/3/content'), 206, typed('application/pdf', file), '%PDF'),
    ).toThrow(/answered 206 without its Content-Range header/);
    expect(() =>
      checkResponse(
        'GET',
        at('/api/resources/3/content'),
        206,
        typed('application/pdf', { ...file, 'content-range': 'bytes 0-3/9' }),
        '%PDF',
      ),
    ).not.toThrow();
    expect(() =>
      checkResponse(
        'GET',
        at('/api/resources/3/content'),
        416,
        json({ 'content-range': 'bytes 0-3/9' }),
        error,
      ),
    ).toThrow(/answered 416 with a Content-Range header that breaks the document's schema/);
    // Every answer of a sync route states the server's protocol version.
    const pushed = JSON.stringify({ results: [] });
    expect(() => checkResponse('POST', at('/api/sync/push'), 200, json(sync), pushed)).not.toThrow();
    expect(() => checkResponse('POST', at('/api/sync/push'), 200, json(), pushed)).toThrow(
      new RegExp(`answered 200 without its ${PROTOCOL_HEADER} header`),
    );
  });
});
