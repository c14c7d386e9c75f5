/**
 * The sync protocol between the desktop app and the sync server: HTTP bodies and socket events.
 * Both sides validate what they receive against these schemas.
 *
 * PROTOCOL_VERSION history:
 *   1 — first version: cursor-based pull with per-school checksum, push with per-mutation results,
 *       socket events poke / notification / scope_revoked and the notification:ack inbound event.
 *   2 — push and pull carry the app's protocol version (`PROTOCOL_HEADER`) and every answer the
 *       server's; a side older than the other answers or reports `app_outdated` / `server_outdated`.
 *       Stored text refuses NUL and lone surrogates.
 *   3 — lesson preparation: sessions carry their plan and attached files; the view gains the
 *       teacher's plan templates and private student notes (rows a device creates, with ids it
 *       chooses); mutation types update_lesson_plan, set_session_resources, save_plan_template,
 *       delete_plan_template, save_student_note; update_resource_metadata takes course_ids.
 *       And a notification carries `params` (its type's facts) for each reader to render in its own
 *       language and time zone; `title`/`message` hold only text a person wrote.
 *       And every pull batch carries `feature_flags`, the school's flags evaluated for the teacher.
 */
import { z } from 'zod';
import { ENTITIES, ENTITY_ROW, EntityName, Id, NotificationRow } from './entities.js';
import { MUTATION_TYPES, MUTATORS, type MutationArgs, type MutationType } from './mutators.js';
import { text } from './text.js';
import { FeatureFlags } from './feature-flags.js';

export const PROTOCOL_VERSION = 3;
/** The HTTP header in which push and pull requests state, and every answer returns, the protocol version. */
export const PROTOCOL_HEADER = 'classdesk-protocol';

/** Error body of every failed HTTP request. `field` names the input at fault on a 400. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

// ---- pull ---------------------------------------------------------------------------------

export const PullQuery = z.strictObject({
  school_id: z.coerce.number().int().positive(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

const upsertOf = <E extends (typeof ENTITIES)[number]>(entity: E) =>
  z.object({ op: z.literal('upsert'), entity: z.literal(entity), row: ENTITY_ROW[entity] });

export const PullUpsert = z.discriminatedUnion(
  'entity',
  ENTITIES.map((e) => upsertOf(e)) as unknown as [
    ReturnType<typeof upsertOf>,
    ...ReturnType<typeof upsertOf>[],
  ],
);
export const PullDelete = z.object({ op: z.literal('delete'), entity: EntityName, id: Id });
export const PullChange = z.union([PullUpsert, PullDelete]);
export type PullChange =
  | {
      [E in (typeof ENTITIES)[number]]: {
        op: 'upsert';
        entity: E;
        row: z.infer<(typeof ENTITY_ROW)[E]>;
      };
    }[(typeof ENTITIES)[number]]
  | z.infer<typeof PullDelete>;

export const PullResponse = z.object({
  school_id: Id,
  changes: z.array(PullChange),
  cursor: z.string(),
  has_more: z.boolean(),
  /** Set on the first batch of a full pull and echoed on the following ones: rows to stream. */
  total: z.number().int().nonnegative().nullable(),
  /** Rows of a full pull streamed so far, including this batch (null on incremental pulls). */
  done: z.number().int().nonnegative().nullable(),
  /** Checksum of the whole scoped view; present on the batch where has_more is false. */
  checksum: z.string().nullable(),
  /** The school's feature flags evaluated for the teacher (docs/ARCHITECTURE.md, "Feature flags"). */
  feature_flags: FeatureFlags,
});
export type PullResponse = Omit<z.infer<typeof PullResponse>, 'changes'> & {
  changes: PullChange[];
};

/**
 * Where a cursor stands in its school's change log, for comparing a poke's cursor with the one
 * a device holds: a delta cursor's position, or null for a full-pull cursor (still streaming) or
 * one this build cannot read. Cursors are otherwise opaque: base64url JSON written by the server
 * (server/domain/pull.ts), `{ v: 1, m: 'delta', s: <change-log position> }` once streamed.
 */
export function cursorPosition(cursor: string | null | undefined): number | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as { m?: unknown; s?: unknown };
    return c.m === 'delta' && typeof c.s === 'number' && Number.isInteger(c.s) ? c.s : null;
  } catch {
    return null;
  }
}

/** The cursor of a change-log position (a poke's): what the server's pull answers there. */
export function deltaCursor(position: number): string {
  return btoa(JSON.stringify({ v: 1, m: 'delta', s: position }))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

// ---- push ---------------------------------------------------------------------------------

/** Each mutation type's argument schema (src/shared/mutators.ts defines the edits). */
export const MUTATION_ARGS = Object.fromEntries(MUTATION_TYPES.map((t) => [t, MUTATORS[t].argsSchema])) as {
  [T in MutationType]: (typeof MUTATORS)[T]['argsSchema'];
};
export { MUTATION_TYPES, type MutationArgs, type MutationType };

/** A mutation as sent; its args are validated per type by the server (a bad one is rejected, not a 400). */
export const Mutation = z.strictObject({
  id: text({ min: 1, max: 64 }),
  type: text({ max: 64 }),
  args: z.unknown(),
});
export const PushBody = z.strictObject({
  client_id: text({ min: 8, max: 64 }),
  mutations: z.array(Mutation).min(1).max(500),
});
export type PushBody = z.infer<typeof PushBody>;

export const Conflict = z.object({
  field: z.string(),
  server_value: z.unknown(),
  your_value: z.unknown(),
});
export type Conflict = z.infer<typeof Conflict>;

export const MutationResult = z.object({
  id: z.string(),
  status: z.enum(['applied', 'duplicate', 'rejected']),
  /** For `duplicate`: what the first delivery produced. */
  original_status: z.enum(['applied', 'rejected']).optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  conflict: Conflict.optional(),
});
export type MutationResult = z.infer<typeof MutationResult>;
export const PushResponse = z.object({ results: z.array(MutationResult) });
export type PushResponse = z.infer<typeof PushResponse>;

// ---- socket events ------------------------------------------------------------------------

export const PokeEvent = z.object({ school_id: Id, cursor: z.string() });
export const ScopeRevokedEvent = z.object({ school_id: Id });
export const NotificationEvent = NotificationRow;
export const NotificationAckEvent = z.strictObject({ notification_id: Id });

/** Events the server emits, each with the schema of its payload. */
export const SERVER_EVENTS = {
  poke: PokeEvent,
  notification: NotificationEvent,
  scope_revoked: ScopeRevokedEvent,
} as const;
/** Events the server accepts from a client. */
export const CLIENT_EVENTS = {
  'notification:ack': NotificationAckEvent,
} as const;

export interface ServerToClientEvents {
  poke: (e: z.infer<typeof PokeEvent>) => void;
  notification: (e: z.infer<typeof NotificationEvent>) => void;
  scope_revoked: (e: z.infer<typeof ScopeRevokedEvent>) => void;
}
export interface ClientToServerEvents {
  'notification:ack': (e: z.infer<typeof NotificationAckEvent>) => void;
}
