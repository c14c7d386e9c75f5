/** The contract check the tests' HTTP client runs on every response (tests/support/contract.ts). */
import { describe, expect, test } from 'vitest';
import { checkResponse, ContractViolation } from '../support/contract.js';

const at = (path: string) => new URL(path, 'http://127.0.0.1:1');
const JSON_TYPE = 'application/json; charset=utf-8';
const error = JSON.stringify({ error: { code: 'invalid_input', message: 'no', field: 'x' } });

describe('the contract check', () => {
  test('lets a documented status with a body of its schema through', () => {
    expect(() => checkResponse('GET', at('/api/notifications/7/read'), 404, JSON_TYPE, error)).not.toThrow();
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 204, null, '')).not.toThrow();
    // A path outside the route table is not the document's business.
    expect(() => checkResponse('GET', at('/nowhere'), 404, 'text/plain', 'x')).not.toThrow();
  });

  test('refuses a status the route does not document, naming method, path and status', () => {
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 500, JSON_TYPE, error)).toThrow(
      ContractViolation,
    );
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 500, JSON_TYPE, error)).toThrow(
      /POST \/api\/notifications\/7\/read \(\/api\/notifications\/:id\/read\) answered 500, which the OpenAPI document does not list/,
    );
  });

  test('refuses a body that breaks the schema of its status', () => {
    expect(() =>
      checkResponse('POST', at('/api/notifications/7/read'), 404, JSON_TYPE, '{"message":"no"}'),
    ).toThrow(/answered 404 with a body that breaks the document's schema: error: /);
  });

  test('refuses an error that is not JSON, and a body where the document says there is none', () => {
    expect(() =>
      checkResponse('POST', at('/api/notifications/7/read'), 404, 'text/plain', 'Not Found'),
    ).toThrow(/answered 404 with Content-Type text\/plain, where the document says application\/json/);
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 404, JSON_TYPE, '<html>')).toThrow(
      /not JSON/,
    );
    expect(() => checkResponse('POST', at('/api/notifications/7/read'), 204, JSON_TYPE, '{}')).toThrow(
      /answered 204 with a body, where the document says it has none/,
    );
    // A file's bytes are whatever the file holds.
    expect(() =>
      checkResponse('GET', at('/api/resources/3/content'), 200, 'application/pdf', '%PDF-1.4'),
    ).not.toThrow();
  });
});
