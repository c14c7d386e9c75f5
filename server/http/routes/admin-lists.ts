/** The lists the admin console reads (server/domain/admin-lists.ts), paginated by keyset. */
import {
  AnnouncementItem,
  AnnouncementReader,
  AuditItem,
  CourseItem,
  InvitationItem,
  MembershipItem,
  MembershipListQuery,
  Page,
  PageQuery,
  ResourceItem,
  ResourceListQuery,
  SchoolAnnouncementParams,
  SessionItem,
  SessionListQuery,
  StudentItem,
  StudentListQuery,
} from '../../../src/shared/admin-api.js';
import { SchoolParams } from '../../../src/shared/api.js';
import {
  listAnnouncementReaders,
  listAnnouncements,
  listAudit,
  listCourses,
  listInvitations,
  listMemberships,
  listResources,
  listSessions,
  listStudents,
} from '../../domain/admin-lists.js';
import { route } from '../route-table.js';

const base = '/api/admin/schools/:schoolId';
const common = { tag: 'admin', auth: 'user', school: 'params', method: 'GET', params: SchoolParams } as const;

export const adminListRoutes = [
  route({
    ...common,
    url: `${base}/memberships`,
    summary: "The school's teachers and administrators (or one role), by name",
    query: MembershipListQuery,
    response: Page(MembershipItem),
    handler: ({ user, params, query, dom }) => listMemberships(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    url: `${base}/courses`,
    summary: "The school's courses, by name, with how many sessions each has",
    query: PageQuery,
    response: Page(CourseItem),
    handler: ({ user, params, query, dom }) => listCourses(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    url: `${base}/students`,
    summary: "The school's students, by name, each with the sessions they are enrolled in",
    query: StudentListQuery,
    response: Page(StudentItem),
    handler: ({ user, params, query, dom }) => listStudents(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    url: `${base}/sessions`,
    summary: "The school's sessions by start time, filtered by teacher, course, status or week",
    query: SessionListQuery,
    response: Page(SessionItem),
    handler: ({ user, params, query, dom }) => listSessions(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    url: `${base}/announcements`,
    summary: "The school's announcements, newest first, with how many teachers have read each",
    query: PageQuery,
    response: Page(AnnouncementItem),
    handler: ({ user, params, query, dom }) => listAnnouncements(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    url: `${base}/announcements/:announcementId/readers`,
    summary: 'The teachers an announcement was sent to, and whether each has read it',
    entityParam: 'announcementId',
    params: SchoolAnnouncementParams,
    query: PageQuery,
    response: Page(AnnouncementReader),
    handler: ({ user, params, query, dom }) =>
      listAnnouncementReaders(dom, user!.id, params.schoolId, params.announcementId, query),
  }),
  route({
    ...common,
    url: `${base}/resources`,
    summary: "The files the school's teachers uploaded, newest first, with their virus-scan status",
    query: ResourceListQuery,
    response: Page(ResourceItem),
    handler: ({ user, params, query, dom }) => listResources(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    url: `${base}/audit`,
    summary: "The school's audit log, newest first: who did what, when, before → after",
    query: PageQuery,
    response: Page(AuditItem),
    handler: ({ user, params, query, dom }) => listAudit(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    url: `${base}/invitations`,
    summary: "The school's invitations, newest first",
    query: PageQuery,
    response: Page(InvitationItem),
    handler: ({ user, params, query, dom }) => listInvitations(dom, user!.id, params.schoolId, query),
  }),
];
