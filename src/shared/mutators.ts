/**
 * Every edit a teacher can make, defined once (docs/ARCHITECTURE.md, "Edits"): its argument
 * schema, the row it targets, the fields it writes, whether those fields are checked for
 * conflicts, the state the row must be in, and who may make it. The device runs a mutator to
 * apply an edit at once, to re-apply it over freshly pulled rows and to undo it when the server
 * refuses it (src/main/core/store); the server runs the same mutator with authority
 * (server/domain/push.ts). Adding an edit type means adding an entry here and its UI.
 */
import { z } from 'zod';
import type { SessionStatus } from './entities.js';
import { Attendance, Id, type Entity } from './entities.js';
import { text } from './text.js';

/** Tables an edit can write, the entity each holds, and the fields edits may write there. */
export const EDIT_TABLES = {
  sessions: { entity: 'session', fields: { lesson_notes: 'text', status: 'text' } },
  enrolments: { entity: 'enrolment', fields: { attendance: 'text' } },
  notifications: {
    entity: 'notification',
    fields: { is_read: 'flag', read_at: 'text', is_dismissed: 'flag' },
  },
  resources: {
    entity: 'resource',
    fields: { title: 'text', description: 'text', shared_with_students: 'flag' },
  },
} as const satisfies Record<string, { entity: Entity; fields: Record<string, 'text' | 'flag'> }>;
export type EditTable = keyof typeof EDIT_TABLES;
export type EditField<T extends EditTable> = keyof (typeof EDIT_TABLES)[T]['fields'] & string;
export const EDIT_TABLE_NAMES = Object.keys(EDIT_TABLES) as EditTable[];

/** A field's value as edits carry it (flags as booleans; databases store them as 0/1). */
export type FieldValue = string | boolean | null;

/** The target row as a runner read it (from the device's tables, or the server's with authority). */
export interface TargetRow {
  school_id: number;
  /** The teacher the row belongs to: the session's or resource's teacher, the enrolment's
   * session's teacher, the notification's addressee. */
  owner_id: number;
  /** False when the row still exists but may no longer be edited (its student left the school,
   * the notification expired). */
  editable: boolean;
  /** Current values of the fields the table's edits write. */
  values: Record<string, FieldValue>;
}

export interface EditCaller {
  userId: number;
}

/** An edit the row's state or the caller's rights do not allow; `code` is machine-readable. */
export class EditRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The version of the row an edit was based on (the device adds it; the UI never sends it). */
export const BaseVersion = z.number().int().nonnegative();

interface MutatorSpec<Tb extends EditTable, S extends z.ZodRawShape, V extends boolean> {
  table: Tb;
  /** The arguments the UI gives. */
  input: S;
  /** A versioned edit carries `base_version` and every field it writes is checked for conflicts:
   * a field written on the server by another device after that version, to another value,
   * refuses the edit with code `conflict`. Unversioned edits never conflict. */
  versioned: V;
  /** A rule over the whole argument object (beyond each field's own), or null when it holds. */
  refine?: (a: z.output<z.ZodObject<S>>) => string | null;
  rowId: (a: z.output<z.ZodObject<S>>) => number;
  /** The fields the edit writes; `now` is the time of the edit on the device, of its
   * application on the server. */
  writes: (a: z.output<z.ZodObject<S>>, now: string) => Partial<Record<EditField<Tb>, FieldValue>>;
  /** Refuses (throws EditRefused) an edit the row's current state does not allow. */
  check?: (row: TargetRow, a: z.output<z.ZodObject<S>>) => void;
  /** The edit has already happened (on another device): the server writes nothing and sends
   * its row back, so the device's copy becomes the server's. */
  done?: (row: TargetRow, a: z.output<z.ZodObject<S>>) => boolean;
  /** Who may make the edit; by default the row's owner, while the row may be edited. */
  permission?: (row: TargetRow, caller: EditCaller) => boolean;
}

type ArgsShape<S extends z.ZodRawShape, V extends boolean> = V extends true
  ? S & { base_version: typeof BaseVersion }
  : S;

export interface Mutator<Tb extends EditTable, S extends z.ZodRawShape, V extends boolean> extends Omit<
  MutatorSpec<Tb, S, V>,
  'permission'
> {
  /** What the UI sends over IPC. */
  inputSchema: z.ZodObject<S, z.core.$strict>;
  /** What travels in a push (and waits in the outbox). */
  argsSchema: z.ZodObject<ArgsShape<S, V>, z.core.$strict>;
  permission: (row: TargetRow, caller: EditCaller) => boolean;
}

const ownRow = (row: TargetRow, caller: EditCaller) => row.editable && row.owner_id === caller.userId;

function defineMutator<Tb extends EditTable, S extends z.ZodRawShape, V extends boolean>(
  spec: MutatorSpec<Tb, S, V>,
): Mutator<Tb, S, V> {
  const refined = <O extends z.ZodObject>(schema: O): O =>
    spec.refine
      ? schema.superRefine((a, ctx) => {
          const problem = spec.refine!(a as z.output<z.ZodObject<S>>);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
      : schema;
  const inputSchema = refined(z.strictObject(spec.input));
  const argsSchema = refined(
    z.strictObject(spec.versioned ? { ...spec.input, base_version: BaseVersion } : spec.input),
  ) as unknown as z.ZodObject<ArgsShape<S, V>, z.core.$strict>;
  return { ...spec, inputSchema, argsSchema, permission: spec.permission ?? ownRow };
}

/** A session can move from scheduled to completed or cancelled, and nowhere else. */
const sessionTransition =
  (to: z.infer<typeof SessionStatus>) =>
  (row: TargetRow): void => {
    const from = row.values.status;
    if (from !== to && from !== 'scheduled')
      throw new EditRefused('invalid_transition', `a ${String(from)} session cannot be marked ${to}`);
  };

const sessionRef = { session_id: Id };

export const MUTATORS = {
  update_lesson_notes: defineMutator({
    table: 'sessions',
    versioned: true,
    input: { ...sessionRef, lesson_notes: text({ max: 100_000 }) },
    rowId: (a) => a.session_id,
    writes: (a) => ({ lesson_notes: a.lesson_notes }),
  }),
  set_attendance: defineMutator({
    table: 'enrolments',
    versioned: true,
    input: { enrolment_id: Id, attendance: Attendance },
    rowId: (a) => a.enrolment_id,
    writes: (a) => ({ attendance: a.attendance }),
  }),
  complete_session: defineMutator({
    table: 'sessions',
    versioned: true,
    input: sessionRef,
    rowId: (a) => a.session_id,
    writes: () => ({ status: 'completed' }),
    check: sessionTransition('completed'),
  }),
  cancel_session: defineMutator({
    table: 'sessions',
    versioned: true,
    input: sessionRef,
    rowId: (a) => a.session_id,
    writes: () => ({ status: 'cancelled' }),
    check: sessionTransition('cancelled'),
  }),
  mark_notification_read: defineMutator({
    table: 'notifications',
    versioned: false,
    input: { notification_id: Id },
    rowId: (a) => a.notification_id,
    writes: (_a, now) => ({ is_read: true, read_at: now }),
    // Read on another device first: that device's read time stands.
    done: (row) => row.values.is_read === true,
  }),
  dismiss_notification: defineMutator({
    table: 'notifications',
    versioned: false,
    input: { notification_id: Id },
    rowId: (a) => a.notification_id,
    writes: () => ({ is_dismissed: true }),
  }),
  update_resource_metadata: defineMutator({
    table: 'resources',
    versioned: true,
    input: {
      resource_id: Id,
      title: text({ trim: true, min: 1, max: 200 }).optional(),
      description: text({ max: 5000 }).optional(),
      shared_with_students: z.boolean().optional(),
    },
    refine: (a) =>
      a.title === undefined && a.description === undefined && a.shared_with_students === undefined
        ? 'at least one of title, description, shared_with_students is required'
        : null,
    rowId: (a) => a.resource_id,
    writes: (a) => ({
      ...(a.title !== undefined ? { title: a.title } : {}),
      ...(a.description !== undefined ? { description: a.description } : {}),
      ...(a.shared_with_students !== undefined ? { shared_with_students: a.shared_with_students } : {}),
    }),
  }),
};

export type MutationType = keyof typeof MUTATORS;
export const MUTATION_TYPES = Object.keys(MUTATORS) as MutationType[];
/** The arguments of a mutation as pushed (with `base_version` for versioned types). */
export type MutationArgs<T extends MutationType> = z.output<(typeof MUTATORS)[T]['argsSchema']>;
/** The arguments of an edit as the UI gives them. */
export type MutationInput<T extends MutationType> = z.output<(typeof MUTATORS)[T]['inputSchema']>;
/** Any mutator, for runners that handle every type alike. */
export type AnyMutator = Mutator<EditTable, z.ZodRawShape, boolean>;

export function isMutationType(t: string): t is MutationType {
  return Object.hasOwn(MUTATORS, t);
}

export function mutatorOf(type: MutationType): AnyMutator {
  return MUTATORS[type] as unknown as AnyMutator;
}

/** One field write of an edit, in the form both runners apply. */
export interface FieldWrite {
  table: EditTable;
  rowId: number;
  field: string;
  value: FieldValue;
}

/** The field writes of a mutation (validated args). */
export function fieldWritesOf(type: MutationType, args: unknown, now: string): FieldWrite[] {
  const m = mutatorOf(type);
  const rowId = m.rowId(args as never);
  return Object.entries(m.writes(args as never, now) as Record<string, FieldValue | undefined>)
    .filter((e): e is [string, FieldValue] => e[1] !== undefined)
    .map(([field, value]) => ({ table: m.table, rowId, field, value }));
}

/** A field value as SQLite and PostgreSQL store it (flags as 0/1). */
export const storedValue = (v: FieldValue): string | number | null =>
  typeof v === 'boolean' ? (v ? 1 : 0) : v;

/** A stored value back in edit form, by the field's kind. */
export function fieldValue(table: EditTable, field: string, stored: unknown): FieldValue {
  const kind = (EDIT_TABLES[table].fields as Record<string, 'text' | 'flag'>)[field];
  if (kind === 'flag') return stored === true || stored === 1;
  if (stored === undefined || stored === null) return null;
  return typeof stored === 'string' ? stored : JSON.stringify(stored);
}
