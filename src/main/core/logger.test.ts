import { describe, expect, test, vi } from 'vitest';
import { createLogger, redactFields, scrub, type LogSink } from './logger.js';

const TOKEN = 'tUj8sZq0WvX3yK5mN7pR9bC2dF4gH6jL1aS3dF5gH7k';

describe('the log adapter', () => {
  test('drops fields that carry secrets or personal data', () => {
    expect(
      redactFields({
        token: TOKEN,
        password: 'classdesk-demo',
        authorization: `Bearer ${TOKEN}`,
        email: 'ana@classdesk.test',
        name: 'Ana Sousa',
        lesson_notes: 'Maria struggled with fractions',
        title: 'Aula cancelada',
        body: '{}',
        content: 'bytes',
        school: 3,
        resource: 17,
        upload: '0f8fad5b-d9cb-469f-a165-70867728950e',
        code: 'conflict',
      }),
    ).toEqual({
      token: '[redacted]',
      password: '[redacted]',
      authorization: '[redacted]',
      email: '[redacted]',
      name: '[redacted]',
      lesson_notes: '[redacted]',
      title: '[redacted]',
      body: '[redacted]',
      content: '[redacted]',
      school: 3,
      resource: 17,
      upload: '0f8fad5b-d9cb-469f-a165-70867728950e',
      code: 'conflict',
    });
  });

  test('scrubs emails, bearer tokens and long opaque strings out of any text', () => {
    expect(scrub(`sign-in for ana@classdesk.test failed`)).toBe('sign-in for [email] failed');
    expect(scrub(`GET /api/me with Bearer ${TOKEN}`)).toBe('GET /api/me with Bearer [redacted]');
    expect(scrub(`token=${TOKEN}`)).toBe('token=[redacted]');
    expect(scrub('school 3 revoked')).toBe('school 3 revoked');
  });

  test('redacts nested objects and errors, and writes through to electron-log', () => {
    const warn = vi.fn();
    const info = vi.fn();
    const sink: LogSink = { debug: vi.fn(), info, warn, error: vi.fn() };
    const log = createLogger(sink);
    log.warn('sync failed for ana@classdesk.test', {
      error: new Error(`401 for Bearer ${TOKEN}`),
      detail: { user: { email: 'ana@classdesk.test', id: 4 } },
    });
    log.info('socket connected');
    expect(warn).toHaveBeenCalledWith('sync failed for [email]', {
      error: 'Error: 401 for Bearer [redacted]',
      detail: { user: { email: '[redacted]', id: 4 } },
    });
    expect(info).toHaveBeenCalledWith('socket connected');
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/ana@|tUj8/);
  });
});
