/**
 * A fresh id for a row this device creates (a `perTeacher` table, docs/ARCHITECTURE.md "Rows a
 * device creates"): random, below 2^48. In a module of its own, without zod, so the renderer can
 * choose a new note's id without bundling the schemas.
 */
export function newRowId(): number {
  const bytes = crypto.getRandomValues(new Uint32Array(2));
  return (bytes[0]! % 0x10000) * 0x1_0000_0000 + bytes[1]! + 1;
}
