/**
 * Wire shapes of every entity in a teacher's scoped view of a school.
 * The server projects its rows into these shapes; the desktop store keeps them as they arrive.
 * Timestamps are ISO-8601 UTC strings; every row carries the server `version` it was read at.
 */
import { z } from 'zod';

export const ROLES = ['admin', 'teacher', 'student'] as const;
export const SESSION_STATUSES = ['scheduled', 'completed', 'cancelled'] as const;
export const ATTENDANCE = ['unknown', 'present', 'absent', 'late'] as const;
export const NOTIFICATION_TYPES = [
  'session_reminder',
  'session_cancelled',
  'new_student',
  'payment_processed',
  'school_announcement',
] as const;
export const SCAN_STATUSES = ['pending', 'clean', 'infected', 'failed'] as const;

export const Role = z.enum(ROLES);
export const SessionStatus = z.enum(SESSION_STATUSES);
export const Attendance = z.enum(ATTENDANCE);
export const NotificationType = z.enum(NOTIFICATION_TYPES);
export const ScanStatus = z.enum(SCAN_STATUSES);

export const Id = z.number().int().positive();
export const Timestamp = z.iso.datetime();

export const SchoolRow = z.object({
  id: Id,
  name: z.string(),
  timezone: z.string(),
  version: z.number().int(),
});
export const CourseRow = z.object({
  id: Id,
  school_id: Id,
  name: z.string(),
  code: z.string(),
  version: z.number().int(),
});
/** One activity of a lesson plan: what the class does, for how many minutes. */
export const PlanActivity = z.object({
  title: z.string(),
  minutes: z.number().int().nonnegative(),
  notes: z.string(),
});
export type PlanActivity = z.infer<typeof PlanActivity>;

/**
 * A session carries its lesson plan (docs/ARCHITECTURE.md, "Lesson plans"): objectives,
 * activities, materials, homework and free notes (`lesson_notes`), each a field of its own so
 * that edits of different fields on two devices both survive; `plan_ready` is the teacher's
 * "this plan is ready" mark; `resource_ids` the files attached to the session.
 */
export const SessionRow = z.object({
  id: Id,
  school_id: Id,
  teacher_id: Id,
  course_id: Id.nullable(),
  title: z.string(),
  starts_at: Timestamp,
  ends_at: Timestamp,
  status: SessionStatus,
  location: z.string(),
  lesson_notes: z.string(),
  plan_objectives: z.string(),
  plan_activities: z.array(PlanActivity),
  plan_materials: z.string(),
  plan_homework: z.string(),
  plan_ready: z.boolean(),
  resource_ids: z.array(Id),
  version: z.number().int(),
});
export const EnrolmentRow = z.object({
  id: Id,
  school_id: Id,
  session_id: Id,
  student_id: Id,
  attendance: Attendance,
  version: z.number().int(),
});
export const StudentRow = z.object({
  id: Id,
  school_id: Id,
  name: z.string(),
  email: z.string(),
  version: z.number().int(),
});
export const ResourceRow = z.object({
  id: Id,
  school_id: Id,
  teacher_id: Id,
  title: z.string(),
  description: z.string(),
  file_type: z.string(),
  mime_type: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string(),
  shared_with_students: z.boolean(),
  course_ids: z.array(Id),
  scan_status: ScanStatus,
  created_at: Timestamp,
  version: z.number().int(),
});
/**
 * What a notification is about, for each reader to render in its language and time zone
 * (src/shared/notification-text.ts): names, ISO instants, amounts in cents.
 */
export const NotificationParams = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));
export const NotificationRow = z.object({
  id: Id,
  school_id: Id,
  user_id: Id,
  type: NotificationType,
  /** Text a person wrote (an announcement's title), or a row's text from before `params`; else empty. */
  title: z.string(),
  message: z.string(),
  params: NotificationParams,
  action_url: z.string(),
  is_read: z.boolean(),
  is_dismissed: z.boolean(),
  read_at: Timestamp.nullable(),
  delivered_via_socket: z.boolean(),
  created_at: Timestamp,
  expires_at: Timestamp.nullable(),
  version: z.number().int(),
});
export const AnnouncementRow = z.object({
  id: Id,
  school_id: Id,
  title: z.string(),
  message: z.string(),
  created_at: Timestamp,
  version: z.number().int(),
});

/** A session's plan fields before anything is written in them. */
export const emptyPlan = (): Pick<
  SessionRow,
  'plan_objectives' | 'plan_activities' | 'plan_materials' | 'plan_homework' | 'plan_ready' | 'resource_ids'
> => ({
  plan_objectives: '',
  plan_activities: [],
  plan_materials: '',
  plan_homework: '',
  plan_ready: false,
  resource_ids: [],
});

/** The content of a lesson plan as a template keeps it (the plan fields of a session). */
export const PlanContent = z.object({
  objectives: z.string(),
  activities: z.array(PlanActivity),
  materials: z.string(),
  homework: z.string(),
  notes: z.string(),
});
export type PlanContent = z.infer<typeof PlanContent>;

/** A teacher's lesson-plan template, saved in a school (docs/ARCHITECTURE.md, "Lesson plans"). */
export const PlanTemplateRow = z.object({
  id: Id,
  school_id: Id,
  teacher_id: Id,
  name: z.string(),
  content: PlanContent,
  updated_at: Timestamp,
  version: z.number().int(),
});

/** A teacher's private note about a student: in that teacher's view alone. */
export const StudentNoteRow = z.object({
  id: Id,
  school_id: Id,
  teacher_id: Id,
  student_id: Id,
  body: z.string(),
  updated_at: Timestamp,
  version: z.number().int(),
});

/** Every entity of the scoped view, in the order a first sync streams them. */
export const ENTITIES = [
  'school',
  'course',
  'student',
  'session',
  'enrolment',
  'resource',
  'announcement',
  'notification',
  'plan_template',
  'student_note',
] as const;
export type Entity = (typeof ENTITIES)[number];
export const EntityName = z.enum(ENTITIES);

export const ENTITY_ROW = {
  school: SchoolRow,
  course: CourseRow,
  student: StudentRow,
  session: SessionRow,
  enrolment: EnrolmentRow,
  resource: ResourceRow,
  announcement: AnnouncementRow,
  notification: NotificationRow,
  plan_template: PlanTemplateRow,
  student_note: StudentNoteRow,
} as const satisfies Record<Entity, z.ZodType>;

export type SchoolRow = z.infer<typeof SchoolRow>;
export type CourseRow = z.infer<typeof CourseRow>;
export type SessionRow = z.infer<typeof SessionRow>;
export type EnrolmentRow = z.infer<typeof EnrolmentRow>;
export type StudentRow = z.infer<typeof StudentRow>;
export type ResourceRow = z.infer<typeof ResourceRow>;
export type NotificationRow = z.infer<typeof NotificationRow>;
export type AnnouncementRow = z.infer<typeof AnnouncementRow>;
export type PlanTemplateRow = z.infer<typeof PlanTemplateRow>;
export type StudentNoteRow = z.infer<typeof StudentNoteRow>;
export type EntityRow = {
  [E in Entity]: z.infer<(typeof ENTITY_ROW)[E]>;
};

export const UserPublic = z.object({ id: Id, email: z.string(), name: z.string() });
export type UserPublic = z.infer<typeof UserPublic>;
export const MembershipPublic = z.object({
  school_id: Id,
  school_name: z.string(),
  role: Role,
});
export type MembershipPublic = z.infer<typeof MembershipPublic>;
