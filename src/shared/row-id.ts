/** A fresh id for a row this device creates (a `perTeacher` table): random, below 2^48. */
export function newRowId(): number {
  const bytes = crypto.getRandomValues(new Uint32Array(2));
  return (bytes[0]! % 0x10000) * 0x1_0000_0000 + bytes[1]! + 1;
}
