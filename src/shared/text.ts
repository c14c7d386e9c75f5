/**
 * One rule for text that is stored, on both database engines: no NUL character (PostgreSQL's
 * `text` cannot hold U+0000, SQLite can — the engines must not disagree) and no lone UTF-16
 * surrogate (it cannot be encoded as UTF-8). Every free-text input schema is built from `text()`
 * so a bad value is refused with a clear message before anything is written (docs/ARCHITECTURE.md,
 * "Input rules").
 */
import { z } from 'zod';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or null when it can. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (it contains a lone surrogate)';
  return null;
}

/** The rule as the OpenAPI document states it (JSON Schema has no way to say "no lone surrogate"). */
const TEXT_RULE = {
  pattern: '^[^\\u0000]*$',
  description: 'Text without the NUL character (U+0000) or a lone UTF-16 surrogate',
};

/** A string field that can be stored on every engine; `max` counts UTF-16 code units as zod does. */
export function text(opts: { max: number; min?: number; trim?: boolean }) {
  let s = z.string();
  if (opts.trim) s = s.trim();
  if (opts.min !== undefined) s = s.min(opts.min);
  return s
    .max(opts.max)
    .superRefine((v, ctx) => {
      const problem = textProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta(TEXT_RULE);
}
