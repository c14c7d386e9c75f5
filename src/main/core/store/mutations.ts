/**
 * How the device applies the shared mutators (src/shared/mutators.ts) to its own tables: an
 * edit's field writes in the form SQLite stores them. The same writes apply an edit at once,
 * re-apply pending edits on top of freshly pulled rows, and undo an edit the server refused.
 */
import {
  EDIT_TABLES,
  fieldValue,
  fieldWritesOf,
  storedValue,
  type AnyMutator,
  type EditTable,
  type MutationType,
  type TargetRow,
} from '../../../shared/mutators.js';

export type LocalTable = EditTable;

export interface FieldWrite {
  table: LocalTable;
  rowId: number;
  field: string;
  /** Value as stored locally (flags as 0/1). */
  value: string | number | null;
}

export function fieldWrites(type: MutationType, args: unknown, now: string): FieldWrite[] {
  return fieldWritesOf(type, args, now).map((w) => ({ ...w, value: storedValue(w.value) }));
}

/** The columns read to build a mutator's view of a local row. */
export const editColumns = (table: LocalTable): string[] => Object.keys(EDIT_TABLES[table].fields);

/** The columns a created row's `create.columns` names (read back for its `check`). */
export const createColumns = (m: AnyMutator): string[] =>
  m.create?.columns ? Object.keys(m.create.columns({})) : [];

/**
 * A local row as a mutator's `check` sees it. Permission is the server's to decide: every row
 * on the device is in the teacher's scoped view, so the owner is not read here.
 */
export function localTarget(
  table: LocalTable,
  row: Record<string, unknown> & { school_id: number },
  keyColumns: string[] = [],
): TargetRow {
  return {
    school_id: row.school_id,
    owner_id: 0,
    editable: true,
    values: Object.fromEntries(editColumns(table).map((f) => [f, fieldValue(table, f, row[f])])),
    keys: Object.fromEntries(keyColumns.map((c) => [c, row[c]])),
  };
}
