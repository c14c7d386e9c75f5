import { describe, expect, test } from 'vitest';
import { contentSecurityPolicy, withCsp } from './csp.js';

const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

describe('the content security policy', () => {
  test('allows only the app’s own scripts and nothing from the network in a build', () => {
    const d = directives(contentSecurityPolicy(null));
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['connect-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(d['base-uri']).toEqual(["'none'"]);
    expect(d['form-action']).toEqual(["'none'"]);
    expect(contentSecurityPolicy(null)).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  test('lets the dev server’s hot reload in, only in development', () => {
    const d = directives(contentSecurityPolicy('http://localhost:5173'));
    expect(d['script-src']).toContain("'unsafe-inline'");
    expect(d['connect-src']).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
  });

  test('replaces any policy a response carried, whatever its header case', () => {
    const out = withCsp(
      {
        'content-type': 'text/html',
        'Content-Security-Policy': 'default-src *',
        'content-security-policy': ['x'],
      },
      "default-src 'none'",
    );
    expect(out).toEqual({
      'content-type': ['text/html'],
      'Content-Security-Policy': ["default-src 'none'"],
    });
    expect(withCsp(undefined, 'p')).toEqual({ 'Content-Security-Policy': ['p'] });
  });
});
