/**
 * An edit's field writes (from the core's `changed` event) applied to rows the renderer holds:
 * the one way screens show an edit, whatever its type.
 */
import type { EditWrite } from '../types.js';

/** The row with every write aimed at it (`table`, `id`) applied; the same object when none is. */
export function withWrites<R extends object>(
  row: R,
  table: EditWrite['table'],
  id: number,
  writes: readonly EditWrite[],
): R {
  let out = row;
  for (const w of writes) {
    if (w.table === table && w.rowId === id && w.field in row) out = { ...out, [w.field]: w.value };
  }
  return out;
}
