import type { z } from 'zod';
import { AppError } from '../domain/errors.js';

/** Parses input with a zod schema; a failure is a 400 naming the field at fault. Nothing is written. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'query' | 'body' | 'params',
): z.infer<S> {
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let field = issue.path.map(String).join('.');
  // An unknown key is named with its path (`mutations.0.school_id`), not bare.
  if (issue.code === 'unrecognized_keys')
    field = issue.keys.map((k) => [...issue.path, k].map(String).join('.')).join(',');
  if (!field) field = where;
  const message =
    issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
  throw new AppError(400, 'invalid_input', `${field}: ${message}`, field);
}
