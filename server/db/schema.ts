/** Kysely table types of the server database. Timestamps are ISO-8601 UTC text, flags 0/1. */
import type { ColumnType, Generated } from 'kysely';

type Flag = number;
type Ts = string;

export interface SchoolsTable {
  id: Generated<number>;
  name: string;
  timezone: string;
  version: number;
  created_at: Ts;
}
export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  version: number;
  created_at: Ts;
}
export interface MembershipsTable {
  id: Generated<number>;
  school_id: number;
  user_id: number;
  role: 'admin' | 'teacher' | 'student';
  active: Flag;
  version: number;
  created_at: Ts;
  updated_at: Ts;
}
export interface CoursesTable {
  id: Generated<number>;
  school_id: number;
  name: string;
  code: string;
  version: number;
}
export interface ClassSessionsTable {
  id: Generated<number>;
  school_id: number;
  teacher_id: number;
  course_id: number | null;
  title: string;
  starts_at: Ts;
  ends_at: Ts;
  status: 'scheduled' | 'completed' | 'cancelled';
  location: string;
  lesson_notes: string;
  plan_objectives: Generated<string>;
  /** JSON list of PlanActivity (src/shared/entities.ts). */
  plan_activities: Generated<string>;
  plan_materials: Generated<string>;
  plan_homework: Generated<string>;
  plan_ready: Generated<number>;
  /** JSON list of the ids of the resources attached to the session. */
  resource_ids: Generated<string>;
  /** JSON: field → [version, client_id|null] of its last write, for field-level conflicts. */
  field_versions: string;
  version: number;
  created_at: Ts;
  updated_at: Ts;
  /** The weekly timetable entry the session was generated from (server/domain/timetable.ts). */
  timetable_entry_id: ColumnType<number | null, number | null | undefined, number | null>;
}
export interface EnrolmentsTable {
  id: Generated<number>;
  school_id: number;
  session_id: number;
  student_id: number;
  attendance: 'unknown' | 'present' | 'absent' | 'late';
  field_versions: string;
  version: number;
  created_at: Ts;
}
export interface ResourcesTable {
  id: Generated<number>;
  school_id: number;
  teacher_id: number;
  title: string;
  description: string;
  file_type: string;
  mime_type: string;
  size: number;
  sha256: string;
  storage_name: string;
  shared_with_students: Flag;
  scan_status: 'pending' | 'clean' | 'infected' | 'failed';
  uploader_address: string;
  field_versions: string;
  version: number;
  created_at: Ts;
  updated_at: Ts;
}
export interface ResourceCoursesTable {
  resource_id: number;
  course_id: number;
}
export interface NotificationsTable {
  id: Generated<number>;
  school_id: number;
  user_id: number;
  type:
    'session_reminder' | 'session_cancelled' | 'new_student' | 'payment_processed' | 'school_announcement';
  title: string;
  message: string;
  action_url: string;
  is_read: Flag;
  is_dismissed: Flag;
  read_at: Ts | null;
  delivered_via_socket: Flag;
  created_at: Ts;
  expires_at: Ts | null;
  /** Set once the expiry has been published to the change log. */
  expiry_published: Flag;
  /** Unique when set: makes scheduled notifications (reminders) exactly-once. */
  dedupe_key: string | null;
  version: number;
  /** JSON object: what the notification is about (src/shared/notification-text.ts). */
  params: ColumnType<string, string | undefined, string>;
  /** Set once an SMTP server accepted the email of this notification (server/domain/email-jobs.ts). */
  delivered_via_email: ColumnType<Flag, Flag | undefined, Flag>;
}
/** A teacher's choice per notification type (no row: the type's default). */
export interface NotificationPreferencesTable {
  user_id: number;
  type: NotificationsTable['type'];
  email: 'off' | 'immediate' | 'digest';
  updated_at: Ts;
}
/** Per user: the language emails are written in. */
export interface MailSettingsTable {
  user_id: number;
  language: 'en' | 'pt-PT';
  updated_at: Ts;
}
/** The transactional outbox of emails (server/domain/email-jobs.ts). */
export interface EmailJobsTable {
  id: Generated<number>;
  notification_id: number;
  user_id: number;
  school_id: number;
  /** immediate: one email; digest: gathered with the user's other due digest jobs. */
  kind: 'immediate' | 'digest';
  status: 'pending' | 'sent' | 'failed';
  /** Tries so far (each failed one pushes next_attempt_at further). */
  attempts: number;
  /** Permanent refusals (5xx) so far: at EMAIL_MAX_ATTEMPTS the job is `failed`. */
  refusals: number;
  next_attempt_at: Ts;
  claimed_by: string | null;
  lease_until: Ts | null;
  last_error: string | null;
  created_at: Ts;
  /** When the SMTP server accepted the email (null: closed without sending, nobody to write to). */
  sent_at: Ts | null;
}
/** One-click unsubscribe tokens (RFC 8058), stored as SHA-256. */
export interface UnsubscribeTokensTable {
  token_hash: string;
  user_id: number;
  /** The notification types the email was about, comma-separated: the link turns these off. */
  types: string;
  created_at: Ts;
}
export interface AnnouncementsTable {
  id: Generated<number>;
  school_id: number;
  author_id: number;
  title: string;
  message: string;
  created_at: Ts;
  version: number;
}
export interface AuthTokensTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  created_at: Ts;
  expires_at: Ts;
  revoked_at: Ts | null;
}
export interface PushReceiptsTable {
  user_id: number;
  client_id: string;
  mutation_id: string;
  result: string;
  created_at: Ts;
}
export interface SyncChangesTable {
  seq: Generated<number>;
  school_id: number;
  /** The teacher whose view the change may touch; null for school-wide rows. */
  teacher_id: number | null;
  entity: string;
  row_id: number;
}
export interface ChangeCounterTable {
  id: number;
  value: ColumnType<number, number, number>;
}
/** Which server process may run a kind of scheduled work, until when (server/domain/scheduler-lease.ts). */
export interface SchedulerLeaseTable {
  name: string;
  holder: string;
  expires_at: Ts;
  renewed_at: Ts;
}

export interface ScanJobsTable {
  resource_id: number;
  attempts: number;
  next_attempt_at: Ts;
  /** The process scanning it, until `lease_until`; null while waiting. */
  claimed_by: string | null;
  lease_until: Ts | null;
  last_error: string | null;
}

/** A teacher's lesson-plan template; `id` is chosen by the device, unique per teacher. */
export interface PlanTemplatesTable {
  teacher_id: number;
  id: number;
  school_id: number;
  name: string;
  /** JSON PlanContent (src/shared/entities.ts). */
  content: string;
  deleted: number;
  field_versions: string;
  version: number;
  created_at: Ts;
  updated_at: Ts;
}
/** A teacher's private note about a student; `id` is chosen by the device, unique per teacher. */
export interface StudentNotesTable {
  teacher_id: number;
  id: number;
  school_id: number;
  student_id: number;
  body: string;
  field_versions: string;
  version: number;
  created_at: Ts;
  updated_at: Ts;
}
/** A payment provider's event, processed once (server/domain/payments.ts). */
export interface PaymentEventsTable {
  id: string;
  school_id: number;
  teacher_id: number;
  amount_cents: number;
  currency: string;
  /** JSON list of session ids the payment is for. */
  session_ids: string;
  notification_id: number | null;
  received_at: Ts;
}
/** A feature flag of a school (server/domain/feature-flags.ts); no row means on. */
export interface FeatureFlagsTable {
  school_id: number;
  key: string;
  /** 0 or 1: the whole school's answer when `percentage` is null. */
  enabled: number;
  /** 0..100: the share of the school's teachers the flag is on for; null when not a rollout. */
  percentage: number | null;
  updated_at: Ts;
  updated_by: number;
}
/** Every administrative action (server/domain/audit.ts); before/after are JSON or null. */
export interface AdminAuditTable {
  id: Generated<number>;
  school_id: number;
  actor_id: number;
  action: string;
  subject: string;
  before: string | null;
  after: string | null;
  created_at: Ts;
}
/** What a OneRoster import created, by sourcedId (server/domain/roster-import.ts). */
export interface SourcedIdsTable {
  school_id: number;
  kind: 'user' | 'class' | 'enrollment';
  sourced_id: string;
  local_id: number;
}
/** A course's teachers and students (a OneRoster class's roster). */
export interface CourseMembersTable {
  id: Generated<number>;
  school_id: number;
  course_id: number;
  user_id: number;
  role: 'teacher' | 'student';
  active: Flag;
  created_at: Ts;
  updated_at: Ts;
}
/** A weekly lesson: wall-clock times in the school's time zone (server/domain/timetable.ts). */
export interface TimetableEntriesTable {
  id: Generated<number>;
  school_id: number;
  course_id: number;
  teacher_id: number;
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
  /** HH:MM */
  starts: string;
  ends: string;
  room: string;
  /** YYYY-MM-DD, inclusive. */
  term_start: string;
  term_end: string;
  active: Flag;
  created_at: Ts;
  updated_at: Ts;
}
/** A day the school is closed (YYYY-MM-DD in its time zone). */
export interface SchoolHolidaysTable {
  id: Generated<number>;
  school_id: number;
  date: string;
  name: string;
  created_at: Ts;
}
/** An invitation to teach in or administer a school (server/domain/invitations.ts). */
export interface InvitationsTable {
  id: Generated<number>;
  school_id: number;
  email: string;
  role: 'admin' | 'teacher';
  token_hash: string;
  invited_by: number;
  status: 'pending' | 'accepted' | 'revoked';
  created_at: Ts;
  expires_at: Ts;
  accepted_at: Ts | null;
  accepted_user_id: number | null;
}
export interface DB {
  schools: SchoolsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  courses: CoursesTable;
  class_sessions: ClassSessionsTable;
  enrolments: EnrolmentsTable;
  resources: ResourcesTable;
  resource_courses: ResourceCoursesTable;
  notifications: NotificationsTable;
  announcements: AnnouncementsTable;
  auth_tokens: AuthTokensTable;
  push_receipts: PushReceiptsTable;
  sync_changes: SyncChangesTable;
  change_counter: ChangeCounterTable;
  scheduler_lease: SchedulerLeaseTable;
  scan_jobs: ScanJobsTable;
  plan_templates: PlanTemplatesTable;
  student_notes: StudentNotesTable;
  notification_preferences: NotificationPreferencesTable;
  mail_settings: MailSettingsTable;
  email_jobs: EmailJobsTable;
  unsubscribe_tokens: UnsubscribeTokensTable;
  payment_events: PaymentEventsTable;
  admin_audit: AdminAuditTable;
  sourced_ids: SourcedIdsTable;
  course_members: CourseMembersTable;
  timetable_entries: TimetableEntriesTable;
  school_holidays: SchoolHolidaysTable;
  invitations: InvitationsTable;
  feature_flags: FeatureFlagsTable;
}
