/** Schemas of the HTTP API's requests and responses other than sync (see protocol.ts). */
import { z } from 'zod';
import {
  AnnouncementRow,
  Id,
  NOTIFICATION_TYPES,
  MembershipPublic,
  Role,
  SessionRow,
  SessionStatus,
  Timestamp,
  UserPublic,
  ResourceRow,
} from './entities.js';
import { text } from './text.js';

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email())
  .pipe(z.string().max(254))
  // The document shows a pipe's first stage only: it states the rest here.
  .meta({
    format: 'email',
    description: 'An email address (trimmed and lower-cased; at most 254 characters)',
  });

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(1024) });
export const LoginResponse = z.object({ token: z.string(), user: UserPublic, expires_at: Timestamp });
export type LoginResponse = z.infer<typeof LoginResponse>;
export const MeResponse = z.object({ user: UserPublic, memberships: z.array(MembershipPublic) });

export const DASHBOARD_RANGES = ['today', 'week', 'month'] as const;
export const DashboardQuery = z.strictObject({
  school_id: z.coerce.number().int().positive(),
  range: z.enum(DASHBOARD_RANGES).default('week'),
});
export const DashboardSession = SessionRow.extend({
  course_name: z.string().nullable(),
  student_count: z.number().int(),
});
export const DashboardResponse = z.object({
  school_id: Id,
  range: z.enum(DASHBOARD_RANGES),
  from: Timestamp,
  to: Timestamp,
  sessions: z.array(DashboardSession),
  counts: z.object({ scheduled: z.number(), completed: z.number(), cancelled: z.number() }),
  student_count: z.number().int(),
  unread_notifications: z.number().int(),
  recent_resources: z.array(ResourceRow.omit({ course_ids: true })),
});
export type DashboardResponse = z.infer<typeof DashboardResponse>;

export const SchoolParams = z.strictObject({ schoolId: z.coerce.number().int().positive() });
export const SchoolUserParams = SchoolParams.extend({ userId: z.coerce.number().int().positive() });
export const SchoolSessionParams = SchoolParams.extend({ sessionId: z.coerce.number().int().positive() });
export const SchoolSessionStudentParams = SchoolSessionParams.extend({
  studentId: z.coerce.number().int().positive(),
});
export const ResourceParams = z.strictObject({ id: z.coerce.number().int().positive() });

/**
 * Adds a student (teachers and administrators are invited: admin-api.ts). The name is always
 * required, so the answer does not depend on whether the email has an account already (an
 * existing account keeps its name).
 */
export const AddMembershipBody = z.strictObject({
  email: Email,
  role: z.enum(['student']),
  name: text({ trim: true, min: 1, max: 200 }),
});
export const PatchMembershipBody = z
  .strictObject({ active: z.boolean().optional(), role: z.enum(['teacher', 'admin']).optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' })
  .meta({ minProperties: 1 });
export const MembershipResponse = z.object({
  school_id: Id,
  user_id: Id,
  role: Role,
  active: z.boolean(),
});

export const CreateCourseBody = z.strictObject({
  name: text({ trim: true, min: 1, max: 200 }),
  code: text({ trim: true, min: 1, max: 40 }),
});
export const CourseResponse = z.object({ id: Id, school_id: Id, name: z.string(), code: z.string() });

const sessionTimes = {
  starts_at: Timestamp,
  ends_at: Timestamp,
};
export const CreateSessionBody = z
  .strictObject({
    teacher_id: Id,
    course_id: Id.nullable().optional(),
    title: text({ trim: true, min: 1, max: 200 }),
    location: text({ max: 200 }).optional(),
    ...sessionTimes,
  })
  .refine((b) => Date.parse(b.ends_at) > Date.parse(b.starts_at), {
    message: 'ends_at must be after starts_at',
    path: ['ends_at'],
  })
  .meta({ description: 'ends_at must be after starts_at' });
export const PatchSessionBody = z
  .strictObject({
    teacher_id: Id.optional(),
    course_id: Id.nullable().optional(),
    title: text({ trim: true, min: 1, max: 200 }).optional(),
    location: text({ max: 200 }).optional(),
    starts_at: Timestamp.optional(),
    ends_at: Timestamp.optional(),
    status: SessionStatus.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' })
  .meta({ minProperties: 1 });
export const AdminSessionResponse = SessionRow;

export const EnrolBody = z.strictObject({ student_id: Id });
export const EnrolmentResponse = z.object({ id: Id, session_id: Id, student_id: Id, attendance: z.string() });

export const AnnouncementBody = z.strictObject({
  title: text({ trim: true, min: 1, max: 200 }),
  message: text({ trim: true, min: 1, max: 5000 }),
});
export const AnnouncementResponse = AnnouncementRow.extend({ notified: z.number().int() });
export type AnnouncementResponse = z.infer<typeof AnnouncementResponse>;

/** At most this many courses per file (as `update_resource_metadata` takes). */
export const MAX_RESOURCE_COURSES = 50;
/**
 * A form field naming courses: ids separated by commas ("3,7"), or empty for none. The courses
 * must be the school's, in the teacher's view (server/domain/resources.ts checks it).
 */
const CourseIdsField = z
  .string()
  .regex(/^(?:[1-9]\d{0,14}(?:,[1-9]\d{0,14})*)?$/, 'course ids separated by commas, e.g. "3,7"')
  .meta({
    description: `The courses the file is attached to: their ids separated by commas ("3,7"), at most ${MAX_RESOURCE_COURSES}, none repeated, each a course of the school`,
  })
  .transform((s) => (s === '' ? [] : s.split(',').map(Number)))
  .pipe(
    z
      .array(z.number().int().positive())
      .max(MAX_RESOURCE_COURSES)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a course'),
  );
export const ResourceUploadFields = z.strictObject({
  school_id: z.coerce.number().int().positive(),
  title: text({ trim: true, min: 1, max: 200 }),
  description: text({ max: 5000 }).default(''),
  course_ids: CourseIdsField.optional(),
});
export const ResourceResponse = ResourceRow;

// ---- notification channels (docs/ARCHITECTURE.md, "Notifications") ----------------------------

export const EMAIL_CHOICES = ['off', 'immediate', 'digest'] as const;
export const EmailChoice = z.enum(EMAIL_CHOICES);
export const MailLanguage = z.enum(['en', 'pt-PT']);
/** A teacher's email choice per notification type and the language of those emails. */
export const EmailPreferences = z.object({
  language: MailLanguage,
  email: z.object(
    Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, EmailChoice])) as Record<
      (typeof NOTIFICATION_TYPES)[number],
      typeof EmailChoice
    >,
  ),
});
export type EmailPreferences = z.infer<typeof EmailPreferences>;
/** A change: only the fields given change; at least one. */
export const EmailPreferencesBody = z
  .strictObject({
    language: MailLanguage.optional(),
    email: z
      .strictObject(
        Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, EmailChoice.optional()])) as Record<
          (typeof NOTIFICATION_TYPES)[number],
          z.ZodOptional<typeof EmailChoice>
        >,
      )
      .optional(),
  })
  .refine((b) => b.language !== undefined || b.email !== undefined, {
    message: 'give language or email',
    path: ['email'],
  })
  .meta({ description: 'at least one of language and email' });

/** An email the SMTP server refused for good: shown to the school's admins. */
export const EmailFailure = z.object({
  notification_id: Id,
  user_id: Id,
  email: z.string(),
  name: z.string(),
  type: z.string(),
  attempts: z.number().int(),
  last_error: z.string(),
  created_at: Timestamp,
});
