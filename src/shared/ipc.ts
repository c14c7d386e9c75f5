/**
 * The IPC contract between the renderer and the desktop core: each channel's argument and
 * result schemas, written once. The preload (Electron) and the harness preload (browser) build
 * `window.classdesk` from it; the main process and the harness validate every call against it
 * and answer `{ ok: true, value } | { ok: false, error }`. Events flow the other way on one
 * channel, each validated by `AppEvent`.
 */
import { z } from 'zod';
import { FeatureFlags } from './feature-flags.js';
import {
  AnnouncementRow,
  Attendance,
  Id,
  NOTIFICATION_TYPES,
  NotificationRow,
  PlanContent,
  PlanTemplateRow,
  ResourceRow,
  SessionRow,
  SessionStatus,
  StudentRow,
} from './entities.js';
import {
  EDIT_TABLE_NAMES,
  MUTATION_TYPES,
  MUTATORS,
  type MutationInput,
  type MutationType,
} from './mutators.js';
import { EmailChoice, EmailPreferences, MailLanguage } from './api.js';

const SchoolFilter = Id.nullable();
const Range = z.enum(['today', 'week', 'month']);

export const AuthState = z.object({
  signedIn: z.boolean(),
  user: z.object({ id: Id, email: z.string(), name: z.string() }).nullable(),
  serverUrl: z.string().nullable(),
  /** Last server address and email used on this device, to prefill the sign-in form. */
  lastServerUrl: z.string().nullable(),
  lastEmail: z.string().nullable(),
  /** False where the OS offers no real encryption: the token lives in memory only. */
  tokenPersisted: z.boolean(),
});
export type AuthState = z.infer<typeof AuthState>;

export const SyncStatus = z.object({
  online: z.boolean(),
  live: z.boolean(),
  syncing: z.boolean(),
  lastSyncedAt: z.string().nullable(),
  /** Edits and file uploads waiting for the server. */
  pending: z.number().int(),
  /** Of `pending`, the file uploads. */
  uploads: z.number().int(),
  attention: z.number().int(),
  /** Edits kept aside from schools removed from this device (docs/ARCHITECTURE.md, invariant 4). */
  quarantined: z.number().int(),
  /** The last sync timed out: the server took the connection but did not answer. */
  notAnswering: z.boolean(),
  lastError: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const SchoolItem = z.object({
  id: Id,
  name: z.string(),
  timezone: z.string().nullable(),
  ready: z.boolean(),
  last_synced_at: z.string().nullable(),
  done: z.number().nullable(),
  total: z.number().nullable(),
  unread: z.number().int(),
  pending_edits: z.number().int(),
});
export const SessionItem = SessionRow.extend({
  course_name: z.string().nullable(),
  student_count: z.number().int(),
});
export type SessionItem = z.infer<typeof SessionItem>;
export const RecentResource = ResourceRow.omit({ course_ids: true });
export type RecentResource = z.infer<typeof RecentResource>;
export const Dashboard = z.object({
  school_id: Id.nullable(),
  range: Range,
  from: z.string(),
  to: z.string(),
  sessions: z.array(SessionItem),
  counts: z.object({ scheduled: z.number(), completed: z.number(), cancelled: z.number() }),
  student_count: z.number().int(),
  unread_notifications: z.number().int(),
  recent_resources: z.array(RecentResource),
  /** The next lesson not yet over, with the files it uses (attached, or of its course) and whether each is on the device. */
  next_class: z
    .object({
      session: SessionItem,
      files: z.array(z.object({ id: Id, title: z.string(), on_device: z.boolean() })),
    })
    .nullable(),
});
const page = <T extends z.ZodType>(row: T) => z.object({ rows: z.array(row), total: z.number().int() });
export const RosterEntry = z.object({
  enrolment_id: Id,
  student_id: Id,
  name: z.string(),
  email: z.string(),
  attendance: Attendance,
  version: z.number().int(),
});
// ---- lesson plans (docs/ARCHITECTURE.md, "Lesson plans") ----
/** An earlier session of the same course, named for the session page. */
const EarlierSession = z.object({ session_id: Id, title: z.string(), starts_at: z.string() });
/** A template with the name of the school it was saved in (the app offers every one on the device). */
export const PlanTemplateItem = PlanTemplateRow.extend({ school_name: z.string() });
/** What printing a page to PDF did: saved to `path`, cancelled, or left to the browser's print (the harness). */
export const PrintResult = z.object({
  outcome: z.enum(['saved', 'cancelled', 'browser']),
  path: z.string().nullable(),
});
export type PrintResult = z.infer<typeof PrintResult>;
// ---- end lesson plans ----
/** A file of a session: attached to it, linked to its course, or both; on the device or not. */
export const SessionFile = ResourceRow.extend({
  attached: z.boolean(),
  via_course: z.boolean(),
  offline: z.boolean(),
});
export const SessionDetail = z.object({
  session: SessionItem,
  course: z.object({ id: Id, name: z.string(), code: z.string() }).nullable(),
  roster: z.array(RosterEntry),
  resources: z.array(SessionFile),
  /** The homework set in the previous (not cancelled) session of the same course, if any. */
  homework_due: EarlierSession.extend({ homework: z.string() }).nullable(),
  /** The last earlier session of the same course with a plan, to copy it from. */
  previous_plan: EarlierSession.extend({ content: PlanContent }).nullable(),
});
export const CourseItem = z.object({ id: Id, school_id: Id, name: z.string(), code: z.string() });
/** A student's page: their courses with this teacher, attendance history, the teacher's note. */
export const StudentDetail = z.object({
  student: StudentRow,
  courses: z.array(CourseItem.omit({ school_id: true })),
  attendance: z.array(
    z.object({
      enrolment_id: Id,
      session_id: Id,
      title: z.string(),
      course_name: z.string().nullable(),
      starts_at: z.string(),
      status: SessionStatus,
      attendance: Attendance,
    }),
  ),
  note: z.object({ id: Id, body: z.string(), updated_at: z.string() }).nullable(),
});
export const StudentItem = StudentRow.extend({ session_count: z.number().int() });
export const AttentionItem = z.object({
  id: z.string(),
  school_id: Id,
  type: z.string(),
  args: z.string(),
  code: z.string(),
  message: z.string(),
  conflict: z.string().nullable(),
  created_at: z.string(),
  /** The title of what the edit was about (session, resource, notification), while the device holds it. */
  subject: z.string().nullable(),
});
export const QuarantineItem = z.object({
  id: z.string(),
  school_id: Id,
  school_name: z.string(),
  /** What the edit was about (the class, resource or notification), kept with it at revocation. */
  subject: z.string().nullable(),
  /** The start of the class it was about. */
  subject_at: z.string().nullable(),
  type: z.string(),
  args: z.string(),
  created_at: z.string(),
  quarantined_at: z.string(),
});
/** A file upload waiting on this device for the server. */
export const PendingUploadItem = z.object({
  id: z.string(),
  school_id: Id,
  title: z.string(),
  file_name: z.string(),
  size: z.number().int(),
  created_at: z.string(),
  last_error: z.string().nullable(),
});
export const Settings = z.object({
  reminderLeadMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  popupTypes: z.array(NotificationRow.shape.type),
  language: z.enum(['system', 'en', 'pt-PT']),
  storageQuotaMb: z
    .number()
    .int()
    .min(100)
    .max(1024 * 1024),
});
export type Settings = z.infer<typeof Settings>;
export const UpdateState = z.object({
  state: z.enum(['idle', 'checking', 'available', 'downloading', 'ready', 'none', 'error', 'unsupported']),
  version: z.string().nullable(),
  percent: z.number().nullable(),
  message: z.string().nullable(),
});
export type UpdateState = z.infer<typeof UpdateState>;

/** An edit from the UI: a mutation type with its input (the core adds `base_version`). */
export type EditRequest = { [T in MutationType]: { type: T; args: MutationInput<T> } }[MutationType];
const editOf = (t: MutationType) => z.strictObject({ type: z.literal(t), args: MUTATORS[t].inputSchema });
export const EditRequest = z.discriminatedUnion(
  'type',
  MUTATION_TYPES.map(editOf) as unknown as [ReturnType<typeof editOf>, ...ReturnType<typeof editOf>[]],
) as unknown as z.ZodType<EditRequest>;

/** What the device's full-text search finds (src/main/core/store/search.ts). */
export const SearchKind = z.enum(['session', 'student', 'resource', 'student_note']);
export type SearchKind = z.infer<typeof SearchKind>;
/** A piece of a found text, and whether it is part of the match (shown highlighted). */
export const TextSegment = z.object({ text: z.string(), hit: z.boolean() });
export type TextSegment = z.infer<typeof TextSegment>;
export const SearchHit = z.object({
  kind: SearchKind,
  id: z.number(),
  school_id: Id,
  school_name: z.string(),
  title: z.array(TextSegment),
  snippet: z.array(TextSegment),
  /** A session's start. */
  starts_at: z.string().nullable(),
  /** The student a student or a private note is about. */
  student_id: z.number().nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;

const none = z.tuple([]);
const one = <T extends z.ZodType>(t: T) => z.tuple([t]);
const Ok = z.object({ ok: z.literal(true) });

export const IPC = {
  'app:info': {
    args: none,
    result: z.object({ version: z.string(), platform: z.string(), harness: z.boolean() }),
  },
  'auth:state': { args: none, result: AuthState },
  'auth:signIn': {
    args: one(
      z.object({
        serverUrl: z.url({ protocol: /^https?$/ }),
        email: z.string().min(3).max(254),
        password: z.string().min(1).max(1024),
      }),
    ),
    result: AuthState,
  },
  'auth:signOut': { args: none, result: AuthState },
  'schools:list': { args: none, result: z.array(SchoolItem) },
  'dashboard:get': { args: one(z.object({ schoolId: SchoolFilter, range: Range })), result: Dashboard },
  'sessions:list': {
    args: one(
      z.object({
        schoolId: SchoolFilter,
        search: z.string().max(200).optional(),
        status: SessionStatus.optional(),
        from: z.string().optional(),
        to: z.string().optional(),
        limit: z.number().int().min(1).max(500),
        offset: z.number().int().min(0),
      }),
    ),
    result: page(SessionItem),
  },
  'session:get': { args: one(z.object({ sessionId: Id })), result: SessionDetail.nullable() },
  'students:list': {
    args: one(
      z.object({
        schoolId: SchoolFilter,
        search: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(500),
        offset: z.number().int().min(0),
      }),
    ),
    result: page(StudentItem),
  },
  'search:query': {
    args: one(
      z.object({
        query: z.string().max(200),
        schoolId: SchoolFilter,
        limit: z.number().int().min(1).max(200),
      }),
    ),
    result: z.array(SearchHit),
  },
  'student:get': {
    args: one(z.object({ schoolId: Id, studentId: Id })),
    result: StudentDetail.nullable(),
  },
  'courses:list': { args: one(z.object({ schoolId: Id })), result: z.array(CourseItem) },
  'resources:list': {
    args: one(z.object({ schoolId: SchoolFilter, search: z.string().max(200).optional() })),
    result: z.array(ResourceRow),
  },
  'resource:open': { args: one(z.object({ resourceId: Id })), result: z.object({ path: z.string() }) },
  /** Downloads a resource's file into the device's cache without opening it. */
  'resource:fetch': { args: one(z.object({ resourceId: Id })), result: z.object({ path: z.string() }) },
  'uploads:list': { args: one(z.object({ schoolId: SchoolFilter })), result: z.array(PendingUploadItem) },
  'resource:upload': {
    args: one(
      z.object({
        schoolId: Id,
        title: z.string().trim().min(1).max(200),
        description: z.string().max(5000),
        fileName: z.string().min(1).max(255),
        bytes: z.instanceof(Uint8Array),
        /** Courses of the school to attach the file to. */
        courseIds: z.array(Id).max(50).optional(),
        /** A session of the school to attach the file to once the server has it. */
        sessionId: Id.optional(),
      }),
    ),
    result: z.object({ id: z.string() }),
  },
  'announcements:list': { args: one(z.object({ schoolId: SchoolFilter })), result: z.array(AnnouncementRow) },
  'notifications:list': {
    args: one(z.object({ schoolId: SchoolFilter, unreadOnly: z.boolean().optional() })),
    result: z.object({ rows: z.array(NotificationRow), unread: z.number().int() }),
  },
  edit: { args: one(EditRequest), result: z.object({ id: z.string() }) },
  'sync:now': { args: none, result: SyncStatus },
  'sync:status': { args: none, result: SyncStatus },
  'attention:list': { args: none, result: z.array(AttentionItem) },
  'attention:retry': { args: one(z.object({ id: z.string() })), result: Ok },
  'attention:discard': { args: one(z.object({ id: z.string() })), result: Ok },
  'quarantine:list': { args: none, result: z.array(QuarantineItem) },
  /** The quarantined edits as a JSON document; the renderer offers it as a file to save. */
  'quarantine:export': { args: none, result: z.object({ fileName: z.string(), json: z.string() }) },
  /** Deletes one kept-aside edit from this device (the teacher copied or exported it, or needs it no more). */
  'quarantine:discard': { args: one(z.object({ id: z.string() })), result: Ok },
  /** The teacher's email choices, on the server (needs a connection). */
  'emailPrefs:get': { args: none, result: EmailPreferences },
  /** Each held school's feature flags as its last pull gave them (docs/ARCHITECTURE.md, "Feature flags"). */
  'flags:get': { args: none, result: z.array(z.object({ schoolId: Id, flags: FeatureFlags })) },
  'emailPrefs:set': {
    args: one(
      z.object({
        language: MailLanguage.optional(),
        email: z.partialRecord(z.enum(NOTIFICATION_TYPES), EmailChoice).optional(),
      }),
    ),
    result: EmailPreferences,
  },
  'settings:get': { args: none, result: Settings },
  'settings:set': { args: one(Settings.partial()), result: Settings },
  'update:state': { args: none, result: UpdateState },
  'update:install': { args: none, result: Ok },
  'external:open': { args: one(z.object({ url: z.url({ protocol: /^https?$/ }) })), result: Ok },
  /** Every plan template on the device, in every school, by name. */
  'templates:list': { args: none, result: z.array(PlanTemplateItem) },
  /** Prints the window's page (its print stylesheet) to a PDF the teacher saves. */
  'print:pdf': {
    args: one(z.object({ fileName: z.string().trim().min(1).max(200) })),
    result: PrintResult,
  },
} as const;

export type IpcChannel = keyof typeof IPC;
export type IpcArgs<C extends IpcChannel> = z.infer<(typeof IPC)[C]['args']>;
export type IpcResult<C extends IpcChannel> = z.input<(typeof IPC)[C]['result']>;
export type IpcError = { code: string; message: string };
export type IpcResponse<T> = { ok: true; value: T } | { ok: false; error: IpcError };
export const IPC_CHANNELS = Object.keys(IPC) as IpcChannel[];

const EditWriteSchema = z.object({
  table: z.enum(EDIT_TABLE_NAMES),
  rowId: Id,
  field: z.string(),
  value: z.union([
    z.string(),
    z.boolean(),
    z.null(),
    z.array(z.unknown()),
    z.record(z.string(), z.unknown()),
  ]),
});
export type EditWrite = z.infer<typeof EditWriteSchema>;

/** Events from the core to the renderer. */
export const AppEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), state: AuthState }),
  z.object({ type: z.literal('status'), status: SyncStatus }),
  z.object({ type: z.literal('progress'), schoolId: Id, done: z.number(), total: z.number() }),
  z.object({
    type: z.literal('changed'),
    schoolId: Id.nullable(),
    /** The field writes of an edit the teacher just made: the UI applies them as they are. */
    writes: z.array(EditWriteSchema).optional(),
  }),
  z.object({ type: z.literal('notification'), notification: NotificationRow }),
  z.object({ type: z.literal('revoked'), schoolId: Id }),
  z.object({
    type: z.literal('file-progress'),
    resourceId: Id.nullable(),
    received: z.number(),
    total: z.number().nullable(),
  }),
  z.object({
    type: z.literal('upload-progress'),
    uploadId: z.string(),
    sent: z.number(),
    total: z.number(),
    inFlight: z.boolean(),
  }),
  z.object({ type: z.literal('update'), update: UpdateState }),
  z.object({ type: z.literal('navigate'), to: z.string() }),
]);
export type AppEvent = z.infer<typeof AppEvent>;
export const EVENT_CHANNEL = 'classdesk:event';

/** The object the preload installs on `window.classdesk`. */
export type ClassdeskApi = {
  [C in IpcChannel]: (...args: IpcArgs<C>) => Promise<IpcResponse<IpcResult<C>>>;
} & {
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (e: AppEvent) => void): () => void;
};
