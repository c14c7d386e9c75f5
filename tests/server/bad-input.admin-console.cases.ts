/** Bad-input cases of the admin console's routes (lists, invitations); see bad-input.cases.ts. */
import type { InputCtx, RouteInput } from './bad-input.cases.js';

const listOf =
  (extraQuery: Record<string, string | number> = {}) =>
  (c: InputCtx): RouteInput => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte }, query: { limit: 10, ...extraQuery } },
    ok: 200,
    extra: [
      { what: 'a limit of 0', params: { schoolId: c.ids.norte }, query: { limit: 0 }, field: 'limit' },
      { what: 'a limit of 201', params: { schoolId: c.ids.norte }, query: { limit: 201 }, field: 'limit' },
      {
        what: 'a cursor with characters a cursor never has',
        params: { schoolId: c.ids.norte },
        query: { cursor: 'a b' },
        field: 'cursor',
      },
      {
        what: 'a cursor this list never gave',
        params: { schoolId: c.ids.norte },
        query: { cursor: 'bm90LWEtY3Vyc29y' },
        field: 'cursor',
      },
      {
        what: 'a cursor of 401 characters',
        params: { schoolId: c.ids.norte },
        query: { cursor: 'a'.repeat(401) },
        field: 'cursor',
      },
    ],
  });

export const ADMIN_CONSOLE_INPUTS: Record<string, (c: InputCtx) => RouteInput> = {
  'GET /api/admin/schools/:schoolId/feature-flags': (c) => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte } },
    ok: 200,
  }),
  'PUT /api/admin/schools/:schoolId/feature-flags/:key': (c) => {
    const params = { schoolId: c.ids.norte, key: 'dashboard_widgets' };
    return {
      as: 'admin',
      valid: { params, body: { percentage: 40 } },
      ok: 200,
      extra: [
        {
          what: 'a key that is no flag',
          params: { ...params, key: 'dark_mode' },
          body: { enabled: true },
          field: 'key',
        },
        { what: 'an empty body', params, body: {}, field: 'body' },
        {
          what: 'both enabled and percentage',
          params,
          body: { enabled: true, percentage: 10 },
          field: 'body',
        },
        { what: 'a percentage of 101', params, body: { percentage: 101 }, field: 'percentage' },
        { what: 'a negative percentage', params, body: { percentage: -1 }, field: 'percentage' },
        { what: 'a percentage that is not whole', params, body: { percentage: 12.5 }, field: 'percentage' },
        { what: 'enabled that is not a boolean', params, body: { enabled: 'no' }, field: 'enabled' },
      ],
    };
  },
  'GET /api/admin/schools/:schoolId/memberships': (c) => {
    const r = listOf({ role: 'teacher', active: 'true' })(c);
    r.extra!.push({
      what: 'active that is not true or false',
      params: { schoolId: c.ids.norte },
      query: { active: 'yes' },
      field: 'active',
    });
    return r;
  },
  'GET /api/admin/schools/:schoolId/courses': listOf(),
  'GET /api/admin/schools/:schoolId/students': listOf({ active: 'true' }),
  'GET /api/admin/schools/:schoolId/sessions': (c) => {
    const r = listOf({ teacher_id: c.ids.ana, week: '2030-01-07', status: 'scheduled' })(c);
    r.extra!.push(
      {
        what: 'a week that is not a date',
        params: { schoolId: c.ids.norte },
        query: { week: '2030-13-40' },
        field: 'week',
      },
      {
        what: 'a status that does not exist',
        params: { schoolId: c.ids.norte },
        query: { status: 'postponed' },
        field: 'status',
      },
    );
    return r;
  },
  'GET /api/admin/schools/:schoolId/announcements': listOf(),
  'GET /api/admin/schools/:schoolId/announcements/:announcementId/readers': (c) => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte, announcementId: c.norteAnnouncement }, query: { limit: 5 } },
    ok: 200,
  }),
  'GET /api/admin/schools/:schoolId/resources': listOf({ scan_status: 'clean' }),
  'GET /api/admin/schools/:schoolId/audit': listOf(),
  'GET /api/admin/schools/:schoolId/invitations': listOf(),

  'POST /api/admin/schools/:schoolId/invitations': (c) => ({
    as: 'admin',
    valid: {
      params: { schoolId: c.ids.norte },
      body: { email: 'convidada@classdesk.test', role: 'teacher' },
    },
    ok: 201,
    extra: [
      {
        what: 'a student (students are added, not invited)',
        params: { schoolId: c.ids.norte },
        body: { email: 'convidada@classdesk.test', role: 'student' },
        field: 'role',
      },
      {
        what: 'an email that is not one',
        params: { schoolId: c.ids.norte },
        body: { email: 'convidada', role: 'teacher' },
        field: 'email',
      },
      {
        what: 'someone who is a member already (rui)',
        params: { schoolId: c.ids.norte },
        body: { email: 'rui@classdesk.test', role: 'teacher' },
        status: 409,
      },
    ],
  }),

  'GET /api/invitations/:token': (c) => ({
    as: 'anonymous',
    valid: { params: { token: c.invitationToken } },
    ok: 200,
    extra: [{ what: 'a token of the wrong length', params: { token: 'abc' }, field: 'token' }],
  }),
  'POST /api/invitations/:token/accept': (c) => ({
    as: 'anonymous',
    valid: {
      params: { token: c.invitationToken },
      body: { name: 'Nova Professora', password: 'uma-senha-longa' },
    },
    ok: 200,
    textExempt: { password: 'hashed, never stored as text' },
    extra: [
      {
        what: 'a password of 9 characters',
        params: { token: c.invitationToken },
        body: { name: 'Nova Professora', password: '123456789' },
        field: 'password',
      },
      {
        what: 'no name for a new account',
        params: { token: c.invitationToken },
        body: { password: 'uma-senha-longa' },
        field: 'name',
      },
      {
        what: 'a token of the wrong length',
        params: { token: 'abc' },
        body: { password: 'x'.repeat(10) },
        field: 'token',
      },
    ],
  }),
  'POST /api/me/invitations/:invitationId/accept': (c) => ({
    as: 'ana',
    valid: { params: { invitationId: c.anaInvitation } },
    ok: 200,
  }),
};
