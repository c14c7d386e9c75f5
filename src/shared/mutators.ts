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

/**
 * Tables an edit can write, the entity each holds, and the fields edits may write there, by
 * kind: text, flag (a boolean, stored 0/1), json (a list or object, stored as JSON text).
 * `perTeacher` tables hold rows private to one teacher, whose ids the device that creates them
 * chooses (docs/ARCHITECTURE.md, "Rows a device creates"): their ids are unique per teacher.
 */
export const EDIT_TABLES = {
  sessions: {
    entity: 'session',
    perTeacher: false,
    fields: {
      lesson_notes: 'text',
      status: 'text',
      plan_objectives: 'text',
      plan_activities: 'json',
      plan_materials: 'text',
      plan_homework: 'text',
      plan_ready: 'flag',
      resource_ids: 'json',
    },
  },
  enrolments: { entity: 'enrolment', perTeacher: false, fields: { attendance: 'text' } },
  notifications: {
    entity: 'notification',
    perTeacher: false,
    fields: { is_read: 'flag', read_at: 'text', is_dismissed: 'flag' },
  },
  resources: {
    entity: 'resource',
    perTeacher: false,
    fields: { title: 'text', description: 'text', shared_with_students: 'flag', course_ids: 'json' },
  },
  plan_templates: {
    entity: 'plan_template',
    perTeacher: true,
    fields: { name: 'text', content: 'json', deleted: 'flag' },
  },
  student_notes: { entity: 'student_note', perTeacher: true, fields: { body: 'text' } },
} as const satisfies Record<
  string,
  { entity: Entity; perTeacher: boolean; fields: Record<string, 'text' | 'flag' | 'json'> }
>;
export type EditTable = keyof typeof EDIT_TABLES;
export type EditField<T extends EditTable> = keyof (typeof EDIT_TABLES)[T]['fields'] & string;
export const EDIT_TABLE_NAMES = Object.keys(EDIT_TABLES) as EditTable[];

/** A field's value as edits carry it (flags as booleans, json fields as values; databases store
 * flags as 0/1 and json fields as JSON text). */
export type FieldValue = string | boolean | null | unknown[] | { [k: string]: unknown };

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
  /** A created row's other columns (`create.columns`), as stored. */
  keys?: Record<string, unknown>;
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
  /**
   * The edit creates its row when the row does not exist yet (a row of a `perTeacher` table whose
   * id the device chose): the school it belongs to and its other columns. `unique` names columns
   * that, with the school and the teacher, identify at most one row: a create that meets another
   * row with the same values (made on another device) is a conflict over the first field written.
   */
  create?: {
    schoolId: (a: z.output<z.ZodObject<S>>) => number;
    columns?: (a: z.output<z.ZodObject<S>>) => Record<string, number | string>;
    unique?: string[];
  };
  /** Rows the edit refers to, each of which must be in the caller's view of the row's school. */
  references?: (a: z.output<z.ZodObject<S>>) => Array<{ entity: Referable; ids: readonly number[] }>;
}

/** Entities an edit may refer to. */
export type Referable = 'student' | 'resource' | 'course';

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

/** A list of distinct ids, at most `max` of them. */
const idList = (max: number) =>
  z
    .array(Id)
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id');

/** A lesson plan's fields as edits carry them (docs/ARCHITECTURE.md, "Lesson plans"). */
const planText = text({ max: 20_000 });
export const PlanActivityInput = z.strictObject({
  title: text({ trim: true, max: 200 }),
  minutes: z.number().int().min(0).max(600),
  notes: text({ max: 5000 }),
});
export const PlanContentInput = z.strictObject({
  objectives: planText,
  activities: z.array(PlanActivityInput).max(50),
  materials: planText,
  homework: planText,
  notes: text({ max: 100_000 }),
});

/** Fields of an object argument that the edit sets (an absent one is left as it is). */
function present<A extends Record<string, unknown>>(
  a: A,
  map: Record<string, string>,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [arg, field] of Object.entries(map)) if (a[arg] !== undefined) out[field] = a[arg] as FieldValue;
  return out;
}

const atLeastOne = (names: string[]) => (a: Record<string, unknown>) =>
  names.some((n) => a[n] !== undefined) ? null : `at least one of ${names.join(', ')} is required`;

const PLAN_FIELDS = {
  objectives: 'plan_objectives',
  activities: 'plan_activities',
  materials: 'plan_materials',
  homework: 'plan_homework',
  notes: 'lesson_notes',
  ready: 'plan_ready',
};
const RESOURCE_FIELDS = {
  title: 'title',
  description: 'description',
  shared_with_students: 'shared_with_students',
  course_ids: 'course_ids',
};

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
      /** The courses the file is attached to (replaces the list). */
      course_ids: idList(50).optional(),
    },
    refine: atLeastOne(Object.keys(RESOURCE_FIELDS)),
    rowId: (a) => a.resource_id,
    writes: (a) => present(a, RESOURCE_FIELDS),
    references: (a) => [{ entity: 'course', ids: a.course_ids ?? [] }],
  }),
  /** Any of a session's plan fields; each written field merges on its own with other devices'. */
  update_lesson_plan: defineMutator({
    table: 'sessions',
    versioned: true,
    input: {
      ...sessionRef,
      objectives: planText.optional(),
      activities: PlanContentInput.shape.activities.optional(),
      materials: planText.optional(),
      homework: planText.optional(),
      notes: PlanContentInput.shape.notes.optional(),
      ready: z.boolean().optional(),
    },
    refine: atLeastOne(Object.keys(PLAN_FIELDS)),
    rowId: (a) => a.session_id,
    writes: (a) => present(a, PLAN_FIELDS),
  }),
  /** The files attached to a session (replaces the list); each must be one of the teacher's. */
  set_session_resources: defineMutator({
    table: 'sessions',
    versioned: true,
    input: { ...sessionRef, resource_ids: idList(50) },
    rowId: (a) => a.session_id,
    writes: (a) => ({ resource_ids: a.resource_ids }),
    references: (a) => [{ entity: 'resource', ids: a.resource_ids }],
  }),
  /** Creates a plan template (with an id the device chose) or renames / rewrites one. */
  save_plan_template: defineMutator({
    table: 'plan_templates',
    versioned: true,
    input: {
      template_id: Id,
      school_id: Id,
      name: text({ trim: true, min: 1, max: 120 }),
      content: PlanContentInput,
    },
    rowId: (a) => a.template_id,
    writes: (a) => ({ name: a.name, content: a.content }),
    create: { schoolId: (a) => a.school_id },
    check: (row, a) => {
      if (row.school_id !== a.school_id)
        throw new EditRefused('invalid_args', 'school_id: the template belongs to another school');
    },
  }),
  delete_plan_template: defineMutator({
    table: 'plan_templates',
    versioned: false,
    input: { template_id: Id },
    rowId: (a) => a.template_id,
    writes: () => ({ deleted: true }),
    done: (row) => row.values.deleted === true,
  }),
  /** The teacher's private note about a student (created with an id the device chose). */
  save_student_note: defineMutator({
    table: 'student_notes',
    versioned: true,
    input: { note_id: Id, school_id: Id, student_id: Id, body: text({ max: 20_000 }) },
    rowId: (a) => a.note_id,
    writes: (a) => ({ body: a.body }),
    create: {
      schoolId: (a) => a.school_id,
      columns: (a) => ({ student_id: a.student_id }),
      unique: ['student_id'],
    },
    references: (a) => [{ entity: 'student', ids: [a.student_id] }],
    check: (row, a) => {
      if (row.school_id !== a.school_id || Number(row.keys?.student_id) !== a.student_id)
        throw new EditRefused('invalid_args', 'note_id: the note is about another student');
    },
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

/** A field value as SQLite and PostgreSQL store it (flags as 0/1, json fields as JSON text). */
export const storedValue = (v: FieldValue): string | number | null =>
  typeof v === 'boolean' ? (v ? 1 : 0) : v !== null && typeof v === 'object' ? JSON.stringify(v) : v;

/** A stored value back in edit form, by the field's kind. */
export function fieldValue(table: EditTable, field: string, stored: unknown): FieldValue {
  const kind = (EDIT_TABLES[table].fields as Record<string, 'text' | 'flag' | 'json'>)[field];
  if (kind === 'flag') return stored === true || stored === 1;
  if (stored === undefined || stored === null) return null;
  if (kind === 'json')
    return typeof stored === 'string' ? (JSON.parse(stored) as FieldValue) : (stored as FieldValue);
  return typeof stored === 'string' ? stored : JSON.stringify(stored);
}

/** Whether two values of a field are the same once stored. */
export const sameValue = (a: FieldValue | undefined, b: FieldValue | undefined): boolean =>
  storedValue(a ?? null) === storedValue(b ?? null);

/** A fresh id for a row this device creates (a `perTeacher` table): random, below 2^48. */
export { newRowId } from './row-id.js';
