/**
 * The core's Logger on top of electron-log, with a last line of defence: fields that can carry
 * secrets or personal data are dropped, and strings are scrubbed of emails and bearer tokens,
 * whatever the caller passed.
 */
import type { Logger } from './ports.js';

/** The part of electron-log this adapter uses. */
export interface LogSink {
  debug(...params: unknown[]): void;
  info(...params: unknown[]): void;
  warn(...params: unknown[]): void;
  error(...params: unknown[]): void;
}

const SENSITIVE_KEY =
  /token|password|passwd|secret|authorization|cookie|e-?mail|^name$|user_?name|note|^text$|^body$|content|^title$|description|bytes|^args$/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// Long opaque strings (tokens, keys: 40+ characters of base64url/hex; a UUID is 36 and stays).
const OPAQUE = /[A-Za-z0-9_-]{40,}={0,2}/g;

export function scrub(text: string): string {
  return text.replace(BEARER, '$1 [redacted]').replace(EMAIL, '[email]').replace(OPAQUE, '[redacted]');
}

export function redactFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SENSITIVE_KEY.test(key)) out[key] = '[redacted]';
    else out[key] = redactValue(value, depth);
  }
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value instanceof Error) return scrub(`${value.name}: ${value.message}`);
  if (depth >= 3) return typeof value === 'object' && value !== null ? '[object]' : value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (typeof value === 'object' && value !== null)
    return redactFields(value as Record<string, unknown>, depth + 1);
  return value;
}

export function createLogger(sink: LogSink): Logger {
  const write =
    (level: keyof LogSink) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (fields && Object.keys(fields).length > 0) sink[level](scrub(msg), redactFields(fields));
      else sink[level](scrub(msg));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
