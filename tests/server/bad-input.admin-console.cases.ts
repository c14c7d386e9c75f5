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

const lesson = (c: InputCtx) => ({
  course_id: c.norteCourse,
  teacher_id: c.ids.ana,
  weekday: 2,
  starts: '10:00',
  ends: '10:50',
  room: 'Sala 4',
  term_start: '2031-03-01',
  term_end: '2031-03-31',
});

export const ADMIN_CONSOLE_INPUTS: Record<string, (c: InputCtx) => RouteInput> = {
  'GET /api/admin/schools/:schoolId/timetable': listOf({ active: 'true' }),
  'POST /api/admin/schools/:schoolId/timetable': (c) => {
    const params = { schoolId: c.ids.norte };
    const body = lesson(c);
    return {
      as: 'admin',
      valid: { params, body },
      ok: 201,
      extra: [
        { what: 'weekday 0', params, body: { ...body, weekday: 0 }, field: 'weekday' },
        { what: 'weekday 8', params, body: { ...body, weekday: 8 }, field: 'weekday' },
        { what: 'a start of 24:00', params, body: { ...body, starts: '24:00' }, field: 'starts' },
        {
          what: 'a start without its leading zero',
          params,
          body: { ...body, starts: '9:00' },
          field: 'starts',
        },
        { what: 'an end before the start', params, body: { ...body, ends: '09:59' }, field: 'ends' },
        { what: 'an end equal to the start', params, body: { ...body, ends: '10:00' }, field: 'ends' },
        {
          what: 'a term ending before it starts',
          params,
          body: { ...body, term_end: '2031-02-28' },
          field: 'term_end',
        },
        {
          what: 'a term of more than 400 days',
          params,
          body: { ...body, term_end: '2032-12-31' },
          field: 'term_end',
        },
        {
          what: 'a date that does not exist',
          params,
          body: { ...body, term_start: '2031-02-30' },
          field: 'term_start',
        },
        { what: 'a room with a NUL', params, body: { ...body, room: 'Sala\u00004' }, field: 'room' },
        {
          what: 'a course that does not exist',
          params,
          body: { ...body, course_id: 987_654_321 },
          status: 'unknown-id',
        },
      ],
    };
  },
  'PATCH /api/admin/schools/:schoolId/timetable/:entryId': (c) => {
    const params = { schoolId: c.ids.norte, entryId: c.timetableEntry };
    return {
      as: 'admin',
      valid: { params, body: { room: 'Sala 2' } },
      ok: 200,
      extra: [
        { what: 'nothing to change', params, body: {}, field: 'body' },
        { what: 'a new end before the current start', params, body: { ends: '08:00' }, field: 'ends' },
        {
          what: 'a new term end before the current start',
          params,
          body: { term_end: '2030-12-31' },
          field: 'term_end',
        },
        { what: 'a weekday of 9', params, body: { weekday: 9 }, field: 'weekday' },
      ],
    };
  },
  'DELETE /api/admin/schools/:schoolId/timetable/:entryId': (c) => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte, entryId: c.timetableEntry } },
    ok: 200,
  }),
  'GET /api/admin/schools/:schoolId/holidays': (c) => {
    const r = listOf({ from: '2030-01-01' })(c);
    r.extra!.push({
      what: 'a from that is not a date',
      params: { schoolId: c.ids.norte },
      query: { from: 'next monday' },
      field: 'from',
    });
    return r;
  },
  'POST /api/admin/schools/:schoolId/holidays': (c) => {
    const params = { schoolId: c.ids.norte };
    const body = { date: '2031-12-24', name: 'Véspera de Natal' };
    return {
      as: 'admin',
      valid: { params, body },
      ok: 201,
      extra: [
        { what: 'a date that does not exist', params, body: { ...body, date: '2031-02-29' }, field: 'date' },
        { what: 'a blank name', params, body: { ...body, name: '  ' }, field: 'name' },
        { what: 'a day that has passed', params, body: { ...body, date: '2020-01-10' }, field: 'date' },
        {
          what: 'a day that is a holiday already',
          params,
          body: { ...body, date: '2031-06-10' },
          status: 409,
        },
      ],
    };
  },
  'DELETE /api/admin/schools/:schoolId/holidays/:holidayId': (c) => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte, holidayId: c.holiday } },
    ok: 204,
  }),
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
