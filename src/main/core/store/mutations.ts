/**
 * What each offline mutation does to the device's tables: a list of field writes. The same
 * description applies an edit optimistically, re-applies pending edits on top of fresh server
 * rows, and undoes a rejected edit.
 */
import type { MutationArgs, MutationType } from '../../../shared/protocol.js';

export type LocalTable = 'sessions' | 'enrolments' | 'notifications' | 'resources';

export interface FieldWrite {
  table: LocalTable;
  rowId: number;
  field: string;
  /** Value as stored locally (booleans as 0/1). */
  value: string | number | null;
}

const flag = (b: boolean) => (b ? 1 : 0);

export function fieldWrites<T extends MutationType>(
  type: T,
  args: MutationArgs<T>,
  now: string,
): FieldWrite[] {
  const a = args as MutationArgs<MutationType> & Record<string, unknown>;
  switch (type) {
    case 'update_lesson_notes':
      return [
        {
          table: 'sessions',
          rowId: a.session_id as number,
          field: 'lesson_notes',
          value: a.lesson_notes as string,
        },
      ];
    case 'set_attendance':
      return [
        {
          table: 'enrolments',
          rowId: a.enrolment_id as number,
          field: 'attendance',
          value: a.attendance as string,
        },
      ];
    case 'complete_session':
      return [{ table: 'sessions', rowId: a.session_id as number, field: 'status', value: 'completed' }];
    case 'cancel_session':
      return [{ table: 'sessions', rowId: a.session_id as number, field: 'status', value: 'cancelled' }];
    case 'mark_notification_read':
      return [
        { table: 'notifications', rowId: a.notification_id as number, field: 'is_read', value: 1 },
        { table: 'notifications', rowId: a.notification_id as number, field: 'read_at', value: now },
      ];
    case 'dismiss_notification':
      return [
        { table: 'notifications', rowId: a.notification_id as number, field: 'is_dismissed', value: 1 },
      ];
    case 'update_resource_metadata': {
      const id = a.resource_id as number;
      const writes: FieldWrite[] = [];
      if (a.title !== undefined)
        writes.push({ table: 'resources', rowId: id, field: 'title', value: a.title as string });
      if (a.description !== undefined)
        writes.push({ table: 'resources', rowId: id, field: 'description', value: a.description as string });
      if (a.shared_with_students !== undefined) {
        writes.push({
          table: 'resources',
          rowId: id,
          field: 'shared_with_students',
          value: flag(a.shared_with_students as boolean),
        });
      }
      return writes;
    }
    default:
      throw new Error(`unknown mutation type ${String(type)}`);
  }
}

/** The row a mutation is about (to find its school and base version). */
export function targetOf<T extends MutationType>(
  type: T,
  args: MutationArgs<T>,
): { table: LocalTable; rowId: number } {
  const w = fieldWrites(type, args, '')[0]!;
  return { table: w.table, rowId: w.rowId };
}

/** Mutations whose args carry the row version they were based on. */
export const VERSIONED: ReadonlySet<MutationType> = new Set<MutationType>([
  'update_lesson_notes',
  'set_attendance',
  'complete_session',
  'cancel_session',
  'update_resource_metadata',
]);
