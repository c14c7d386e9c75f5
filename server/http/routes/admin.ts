import {
  AddMembershipBody,
  AdminSessionResponse,
  AnnouncementBody,
  AnnouncementResponse,
  CourseResponse,
  CreateCourseBody,
  CreateSessionBody,
  EnrolBody,
  EnrolmentResponse,
  MembershipResponse,
  PatchMembershipBody,
  PatchSessionBody,
  SchoolParams,
  SchoolSessionParams,
  SchoolSessionStudentParams,
  SchoolUserParams,
  EmailFailure,
} from '../../../src/shared/api.js';
import { z } from 'zod';
import { emailFailures } from '../../domain/admin.js';
import {
  addMembership,
  createCourse,
  createSession,
  enrolStudent,
  postAnnouncement,
  unenrolStudent,
  updateMembership,
  updateSession,
} from '../../domain/admin.js';
import { FeatureFlagBody, FeatureFlagItem, SchoolFlagParams } from '../../../src/shared/admin-api.js';
import { listFlags, setFlag } from '../../domain/feature-flags.js';
import { route } from '../route-table.js';

const base = '/api/admin/schools/:schoolId';
const common = { tag: 'admin', auth: 'user', school: 'params' } as const;

export const adminRoutes = [
  route({
    ...common,
    method: 'POST',
    url: `${base}/memberships`,
    otherResponses: { 409: 'conflict: this person already has a membership in this school' },
    summary:
      'Add a student (an account is created for a new email; the answer is the same either way). Teachers and administrators are invited.',
    params: SchoolParams,
    body: AddMembershipBody,
    response: MembershipResponse,
    successStatus: 201,
    handler: ({ user, params, body, dom }) => addMembership(dom, user!.id, params.schoolId, body),
  }),
  route({
    ...common,
    method: 'PATCH',
    url: `${base}/memberships/:userId`,
    otherResponses: { 409: 'conflict: a school keeps at least one active administrator' },
    summary:
      "Activate, deactivate or change the role (teacher ↔ admin) of a membership (a teacher's devices drop the school at once)",
    entityParam: 'userId',
    params: SchoolUserParams,
    body: PatchMembershipBody,
    response: MembershipResponse,
    handler: ({ user, params, body, dom }) =>
      updateMembership(dom, user!.id, params.schoolId, params.userId, body),
  }),
  route({
    ...common,
    method: 'POST',
    url: `${base}/courses`,
    summary: 'Create a course',
    params: SchoolParams,
    body: CreateCourseBody,
    response: CourseResponse,
    successStatus: 201,
    handler: ({ user, params, body, dom }) => createCourse(dom, user!.id, params.schoolId, body),
  }),
  route({
    ...common,
    method: 'POST',
    url: `${base}/sessions`,
    summary: 'Schedule a class session',
    params: SchoolParams,
    body: CreateSessionBody,
    response: AdminSessionResponse,
    successStatus: 201,
    handler: ({ user, params, body, dom }) => createSession(dom, user!.id, params.schoolId, body),
  }),
  route({
    ...common,
    method: 'PATCH',
    url: `${base}/sessions/:sessionId`,
    summary: 'Reschedule, reassign, complete or cancel a session (cancelling notifies its teacher)',
    entityParam: 'sessionId',
    params: SchoolSessionParams,
    body: PatchSessionBody,
    response: AdminSessionResponse,
    handler: ({ user, params, body, dom }) =>
      updateSession(dom, user!.id, params.schoolId, params.sessionId, body),
  }),
  route({
    ...common,
    method: 'POST',
    url: `${base}/sessions/:sessionId/enrolments`,
    otherResponses: { 409: 'conflict: the student is already enrolled in this session' },
    summary: "Enrol a student in a session (notifies the session's teacher)",
    entityParam: 'sessionId',
    params: SchoolSessionParams,
    body: EnrolBody,
    response: EnrolmentResponse,
    successStatus: 201,
    handler: ({ user, params, body, dom }) =>
      enrolStudent(dom, user!.id, params.schoolId, params.sessionId, body),
  }),
  route({
    ...common,
    method: 'DELETE',
    url: `${base}/sessions/:sessionId/enrolments/:studentId`,
    summary: 'Remove a student from a session',
    entityParam: 'sessionId',
    params: SchoolSessionStudentParams,
    successStatus: 204,
    async handler({ user, params, dom }) {
      await unenrolStudent(dom, user!.id, params.schoolId, params.sessionId, params.studentId);
      return null;
    },
  }),
  route({
    ...common,
    method: 'POST',
    url: `${base}/announcements`,
    summary: 'Post an announcement: every active teacher of the school is notified',
    params: SchoolParams,
    body: AnnouncementBody,
    response: AnnouncementResponse,
    successStatus: 201,
    handler: ({ user, params, body, dom }) => postAnnouncement(dom, user!.id, params.schoolId, body),
  }),
  route({
    ...common,
    method: 'GET',
    url: `${base}/email-failures`,
    summary:
      "Emails of the school's notifications that the SMTP server refused for good (after EMAIL_MAX_ATTEMPTS " +
      'refusals), newest first: whom, which notification, and the last answer.',
    params: SchoolParams,
    response: z.object({ failures: z.array(EmailFailure) }),
    handler: async ({ user, params, dom }) => ({
      failures: await emailFailures(dom, user!.id, params.schoolId),
    }),
  }),
  route({
    ...common,
    method: 'GET',
    url: `${base}/feature-flags`,
    summary:
      "The school's feature flags: each on or off, or on for a stable percentage of its teachers (a flag never set is on)",
    params: SchoolParams,
    response: z.object({ flags: z.array(FeatureFlagItem) }),
    handler: async ({ user, params, dom }) => ({ flags: await listFlags(dom, user!.id, params.schoolId) }),
  }),
  route({
    ...common,
    method: 'PUT',
    url: `${base}/feature-flags/:key`,
    summary:
      'Set a feature flag of the school: `enabled` for every teacher, or `percentage` (0..100) of its teachers, the same ones on every server process (written to the audit log)',
    params: SchoolFlagParams,
    body: FeatureFlagBody,
    response: FeatureFlagItem,
    handler: ({ user, params, body, dom }) => setFlag(dom, user!.id, params.schoolId, params.key, body),
  }),
];
