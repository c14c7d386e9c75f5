/**
 * The renderer's Content-Security-Policy. index.html carries it as a meta tag; the shell also
 * sets it as a response header (onHeadersReceived), which covers the dev server and directives a
 * meta tag cannot carry (frame-ancestors).
 */

const PRODUCTION: Record<string, string[]> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  // React's style attributes need inline styles; no inline script is ever allowed in a build.
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'worker-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * The policy for the app's pages. With the dev server (never in a packaged app), Vite's
 * hot-reload client needs its inline preamble and a WebSocket back to the server.
 */
export function contentSecurityPolicy(devServerUrl: string | null): string {
  const d = structuredClone(PRODUCTION);
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    const ws = `${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}`;
    d['script-src']!.push("'unsafe-inline'");
    d['connect-src']!.push(dev.origin, ws);
  }
  return Object.entries(d)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** Response headers with our CSP in place of any the response carried. */
export function withCsp(
  headers: Record<string, string | string[]> | undefined,
  csp: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === 'content-security-policy') continue;
    out[k] = Array.isArray(v) ? v : [v];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}
