/**
 * Schemas of the admin console's API (docs/ARCHITECTURE.md, "Admin console"): the lists an
 * administrator reads, paginated by keyset, and invitations.
 */
import { z } from 'zod';
import { Id, Role, ScanStatus, SessionStatus, Timestamp, UserPublic } from './entities.js';
import { text } from './text.js';
import { Email } from './api.js';
import { FlagKey } from './feature-flags.js';

/**
 * A page: `next_cursor` is opaque (the last row's sort key); pass it back as `cursor` for the
 * next page, null when there is none. Keyset, not offset: a page costs the same wherever it is.
 */
const pageQuery = {
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/)
    .optional()
    .meta({ description: 'The `next_cursor` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};
export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export const PageQuery = z.strictObject(pageQuery);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const MembershipListQuery = z.strictObject({
  ...pageQuery,
  role: Role.optional(),
  active: flag.optional(),
});
export const MembershipItem = z.object({
  user_id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  active: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CourseItem = z.object({
  id: Id,
  name: z.string(),
  code: z.string(),
  session_count: z.number().int(),
});

export const StudentEnrolment = z.object({
  session_id: Id,
  title: z.string(),
  starts_at: Timestamp,
  status: SessionStatus,
});
export const StudentItem = z.object({
  user_id: Id,
  email: z.string(),
  name: z.string(),
  active: z.boolean(),
  enrolments: z.array(StudentEnrolment),
});
export const StudentListQuery = z.strictObject({ ...pageQuery, active: flag.optional() });

export const SessionListQuery = z.strictObject({
  ...pageQuery,
  teacher_id: z.coerce.number().int().positive().optional(),
  course_id: z.coerce.number().int().positive().optional(),
  status: SessionStatus.optional(),
  from: Timestamp.optional().meta({ description: 'Only sessions starting at or after this instant' }),
  week: z.iso.date().optional().meta({
    description: "A date (YYYY-MM-DD): the sessions of its week, Monday to Sunday in the school's time zone",
  }),
});
export const SessionItem = z.object({
  id: Id,
  teacher_id: Id,
  teacher_name: z.string(),
  course_id: Id.nullable(),
  course_name: z.string().nullable(),
  title: z.string(),
  location: z.string(),
  starts_at: Timestamp,
  ends_at: Timestamp,
  status: SessionStatus,
  student_count: z.number().int(),
});

export const AnnouncementItem = z.object({
  id: Id,
  title: z.string(),
  message: z.string(),
  created_at: Timestamp,
  author_name: z.string(),
  /** Teachers notified, and how many of them have read it. */
  notified: z.number().int(),
  read: z.number().int(),
});
export const AnnouncementReader = z.object({
  user_id: Id,
  name: z.string(),
  email: z.string(),
  is_read: z.boolean(),
  read_at: Timestamp.nullable(),
});
export const SchoolAnnouncementParams = z.strictObject({
  schoolId: z.coerce.number().int().positive(),
  announcementId: z.coerce.number().int().positive(),
});

export const ResourceListQuery = z.strictObject({ ...pageQuery, scan_status: ScanStatus.optional() });
export const ResourceItem = z.object({
  id: Id,
  title: z.string(),
  teacher_id: Id,
  teacher_name: z.string(),
  file_type: z.string(),
  mime_type: z.string(),
  size: z.number().int().nonnegative(),
  scan_status: ScanStatus,
  created_at: Timestamp,
});

export const AuditItem = z.object({
  id: Id,
  actor_id: Id,
  actor_name: z.string(),
  action: z.string(),
  subject: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  created_at: Timestamp,
});

export const INVITED_ROLES = ['teacher', 'admin'] as const;
export const InvitedRole = z.enum(INVITED_ROLES);
export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked'] as const;

export const InviteBody = z.strictObject({
  email: Email,
  role: InvitedRole,
});
export const InvitationItem = z.object({
  id: Id,
  email: z.string(),
  role: InvitedRole,
  status: z.enum(INVITATION_STATUSES),
  invited_by_name: z.string(),
  created_at: Timestamp,
  expires_at: Timestamp,
});
/**
 * The answer to an invitation, the same whether or not the email has an account: the token is
 * shown once, for the link the administrator hands over (`/admin/#/invitation/<token>`).
 */
export const InviteResponse = InvitationItem.extend({ token: z.string() });

export const InvitationTokenParams = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
/** What the link's page shows. */
export const InvitationPreview = z.object({
  school_name: z.string(),
  role: InvitedRole,
  email: z.string(),
  expires_at: Timestamp,
});
/**
 * Accepting by link: the password of the email's account when it has one (its name is kept), or
 * the name and password of the account to create.
 */
export const AcceptInvitationBody = z.strictObject({
  name: text({ trim: true, min: 1, max: 200 }).optional(),
  password: z.string().min(10).max(1024),
});
export const AcceptInvitationResponse = z.object({
  token: z.string(),
  user: UserPublic,
  expires_at: Timestamp,
  school_id: Id,
  role: InvitedRole,
});
/** The signed-in person's own pending invitations (by their account's email). */
export const MyInvitation = z.object({
  id: Id,
  school_id: Id,
  school_name: z.string(),
  role: InvitedRole,
  expires_at: Timestamp,
});
export const MyInvitationParams = z.strictObject({ invitationId: z.coerce.number().int().positive() });
export const MyInvitationAccepted = z.object({ school_id: Id, role: InvitedRole });

export type MembershipItem = z.infer<typeof MembershipItem>;
export type CourseItem = z.infer<typeof CourseItem>;
export type StudentItem = z.infer<typeof StudentItem>;
export type SessionItem = z.infer<typeof SessionItem>;
export type AnnouncementItem = z.infer<typeof AnnouncementItem>;
export type AnnouncementReader = z.infer<typeof AnnouncementReader>;
export type ResourceItem = z.infer<typeof ResourceItem>;
export type AuditItem = z.infer<typeof AuditItem>;
export type InvitationItem = z.infer<typeof InvitationItem>;
export type InviteResponse = z.infer<typeof InviteResponse>;
export type InvitationPreview = z.infer<typeof InvitationPreview>;
export type AcceptInvitationResponse = z.infer<typeof AcceptInvitationResponse>;
export type MyInvitation = z.infer<typeof MyInvitation>;

/**
 * The weekly timetable (docs/ARCHITECTURE.md, "Running a school"): a lesson every week on an
 * ISO weekday (1 Monday … 7 Sunday), at wall-clock times in the school's time zone, between two
 * dates inclusive. The server generates the term's sessions from it (server/domain/timetable.ts).
 */
const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (00:00 to 23:59)')
  .meta({ description: "Wall-clock time HH:MM in the school's time zone" });
const LocalDate = z.iso.date().meta({ description: 'A calendar date, YYYY-MM-DD' });
/** A term is at most this many days (a school year and a little more). */
export const MAX_TERM_DAYS = 400;
const termDays = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
const timetableFields = {
  course_id: Id,
  teacher_id: Id,
  weekday: z.number().int().min(1).max(7).meta({ description: 'ISO weekday: 1 Monday … 7 Sunday' }),
  starts: LocalTime,
  ends: LocalTime,
  room: text({ trim: true, max: 200 }),
  term_start: LocalDate,
  term_end: LocalDate,
};
type TimetableShape = Partial<{ starts: string; ends: string; term_start: string; term_end: string }>;
const timetableRules = <T extends z.ZodType<TimetableShape>>(s: T) =>
  s
    .refine((b) => !b.starts || !b.ends || b.ends > b.starts, {
      message: 'ends must be after starts',
      path: ['ends'],
    })
    .refine((b) => !b.term_start || !b.term_end || b.term_end >= b.term_start, {
      message: 'term_end must be on or after term_start',
      path: ['term_end'],
    })
    .refine((b) => !b.term_start || !b.term_end || termDays(b.term_start, b.term_end) <= MAX_TERM_DAYS, {
      message: `a term lasts at most ${MAX_TERM_DAYS} days`,
      path: ['term_end'],
    });
export const CreateTimetableEntryBody = timetableRules(
  z.strictObject({ ...timetableFields, room: timetableFields.room.optional() }),
).meta({
  description: `ends after starts; term_end on or after term_start, at most ${MAX_TERM_DAYS} days later`,
});
export const PatchTimetableEntryBody = timetableRules(
  z.strictObject({
    course_id: Id.optional(),
    teacher_id: Id.optional(),
    weekday: timetableFields.weekday.optional(),
    starts: LocalTime.optional(),
    ends: LocalTime.optional(),
    room: timetableFields.room.optional(),
    term_start: LocalDate.optional(),
    term_end: LocalDate.optional(),
  }),
)
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' })
  .meta({ minProperties: 1 });
export const TimetableEntryItem = z.object({
  id: Id,
  course_id: Id,
  course_name: z.string(),
  teacher_id: Id,
  teacher_name: z.string(),
  weekday: z.number().int(),
  starts: z.string(),
  ends: z.string(),
  room: z.string(),
  term_start: z.string(),
  term_end: z.string(),
  active: z.boolean(),
});
/** What a timetable write did to the entry's sessions. */
export const TimetableWriteResponse = TimetableEntryItem.extend({
  sessions: z.object({
    created: z.number().int(),
    moved: z.number().int(),
    removed: z.number().int(),
    /** Sessions with attendance, notes or a plan are cancelled and kept, never removed. */
    cancelled: z.number().int(),
  }),
});
export const TimetableListQuery = z.strictObject({ ...pageQuery, active: flag.optional() });
export const SchoolTimetableEntryParams = z.strictObject({
  schoolId: z.coerce.number().int().positive(),
  entryId: z.coerce.number().int().positive(),
});

export const HolidayBody = z.strictObject({
  date: LocalDate,
  name: text({ trim: true, min: 1, max: 200 }),
});
export const HolidayItem = z.object({ id: Id, date: z.string(), name: z.string(), created_at: Timestamp });
/** A holiday added: the sessions of that day it cancelled, and the teachers notified (once each). */
export const HolidayResponse = HolidayItem.extend({
  cancelled: z.number().int(),
  notified: z.number().int(),
});
export const HolidayListQuery = z.strictObject({
  ...pageQuery,
  from: LocalDate.optional().meta({ description: 'Only holidays on or after this date' }),
});
export const SchoolHolidayParams = z.strictObject({
  schoolId: z.coerce.number().int().positive(),
  holidayId: z.coerce.number().int().positive(),
});

export type TimetableEntryItem = z.infer<typeof TimetableEntryItem>;
export type TimetableWriteResponse = z.infer<typeof TimetableWriteResponse>;
export type HolidayItem = z.infer<typeof HolidayItem>;
export type HolidayResponse = z.infer<typeof HolidayResponse>;
/** A feature flag's setting in a school (server/domain/feature-flags.ts). */
export const SchoolFlagParams = z.strictObject({
  schoolId: z.coerce.number().int().positive(),
  key: FlagKey,
});
/** On or off for the whole school, or on for a stable share (0..100 %) of its teachers. */
export const FeatureFlagBody = z
  .strictObject({
    enabled: z.boolean().optional(),
    percentage: z.number().int().min(0).max(100).optional(),
  })
  .refine((b) => (b.enabled === undefined) !== (b.percentage === undefined), {
    message: 'give exactly one of enabled or percentage',
  })
  .meta({ minProperties: 1, maxProperties: 1 });
export const FeatureFlagItem = z.object({
  key: FlagKey,
  enabled: z.boolean(),
  /** Null: the whole school has `enabled`; a number: on for that share of its teachers. */
  percentage: z.number().int().nullable(),
  /** Null when no administrator has set it (the default: on). */
  updated_at: Timestamp.nullable(),
  updated_by: Id.nullable(),
});
export type FeatureFlagItem = z.infer<typeof FeatureFlagItem>;
