/**
 * For every route with input (query, body, path parameters or a multipart form): a valid
 * request, sent last and expected to succeed, and the route's own bad-input cases beyond the
 * ones bad-input.int.test.ts derives from the route's zod schemas.
 */
import type { TestApi } from '../support/api-client.js';
import { exportForm, oneRosterExport } from '../support/oneroster.js';
import { ADMIN_CONSOLE_INPUTS } from './bad-input.admin-console.cases.js';

export interface InputCtx {
  ids: { norte: number; sul: number; ana: number; rui: number; admin: number };
  /** An active Norte student enrolled in `anaSession`, and one who is not. */
  enrolledStudent: number;
  freeStudent: number;
  norteCourse: number;
  anaSession: number;
  anaNotification: number;
  anaResource: number;
  norteAnnouncement: number;
  /** The link token of a pending invitation for an email without an account. */
  invitationToken: string;
  /** A pending invitation to ana's email, from a school she is not in. */
  anaInvitation: number;
  /** An active weekly lesson of ana in Norte, and a Norte holiday. */
  timetableEntry: number;
  holiday: number;
}

export interface RequestParts {
  params?: Record<string, number | string>;
  query?: Record<string, string | number | undefined>;
  /** A raw query string, for what an object cannot express (a repeated key). */
  rawQuery?: string;
  body?: unknown;
  /** Raw body text with a content type (malformed JSON, other media types). */
  raw?: { text: string; contentType: string };
  form?: () => FormData;
}

export interface BadCase extends RequestParts {
  what: string;
  /** Expected status (400 unless given); 'unknown-id': 403 or 404, as for any id not in the caller's view. */
  status?: number | 'unknown-id';
  /** The `error.field` the answer must name. */
  field?: string;
}

export interface RouteInput {
  as: 'ana' | 'admin' | 'anonymous';
  valid: RequestParts;
  /** Status of the valid request. */
  ok: number;
  extra?: BadCase[];
  /**
   * String fields of the valid body that the stored-text rule (src/shared/text.ts) does not
   * cover, each with the reason; every other string field gets a NUL and a lone-surrogate case.
   */
  textExempt?: Record<string, string>;
}

const payment = (school: number, over: Record<string, unknown>) => ({
  id: 'evt_bad_input',
  type: 'payment.succeeded',
  school_id: school,
  teacher_email: 'ana@classdesk.test',
  amount_cents: 2500,
  currency: 'EUR',
  session_ids: [],
  ...over,
});

const times = { starts_at: '2031-03-03T09:00:00.000Z', ends_at: '2031-03-03T09:50:00.000Z' };

/** A multipart upload with the given text fields and, unless `file` is null, a small text file. */
export function uploadForm(
  fields: Record<string, string>,
  file: { field: string; name: string } | null = { field: 'file', name: 'notes.txt' },
) {
  return () => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    if (file) f.set(file.field, new Blob(['uma ficha de trabalho\n']), file.name);
    return f;
  };
}

export const INPUTS: Record<string, (c: InputCtx) => RouteInput> = {
  'POST /api/admin/schools/:schoolId/imports': ({ ids }) => {
    const files = oneRosterExport({ teachers: 1, students: 2, classes: 1, classesPerStudent: 1, tag: 'bad' });
    return {
      as: 'admin',
      valid: { params: { schoolId: ids.norte }, query: { dry_run: 'true' }, form: () => exportForm(files) },
      ok: 200,
      extra: [
        {
          what: 'a text field beside the files',
          params: { schoolId: ids.norte },
          form: () => {
            const f = exportForm(files);
            f.set('school_id', String(ids.sul));
            return f;
          },
          field: 'school_id',
        },
        {
          what: 'no file at all',
          params: { schoolId: ids.norte },
          form: () => new FormData(),
          field: 'file',
        },
        {
          what: 'a zip that is not one',
          params: { schoolId: ids.norte },
          form: () => {
            const f = new FormData();
            f.set('file', new Blob([Buffer.from('PK\u0003\u0004 broken')]), 'roster.zip');
            return f;
          },
          field: 'file',
        },
      ],
    };
  },
  'POST /api/webhooks/payments': ({ ids, anaSession }) => ({
    as: 'anonymous',
    valid: {
      body: {
        id: 'evt_bad_input_valid',
        type: 'payment.succeeded',
        school_id: ids.norte,
        teacher_email: 'ana@classdesk.test',
        amount_cents: 2500,
        currency: 'EUR',
        session_ids: [anaSession],
      },
    },
    ok: 200,
    extra: [
      { what: 'an amount of zero', body: payment(ids.norte, { amount_cents: 0 }), field: 'amount_cents' },
      {
        what: 'a fractional amount',
        body: payment(ids.norte, { amount_cents: 10.5 }),
        field: 'amount_cents',
      },
      { what: 'a currency in lower case', body: payment(ids.norte, { currency: 'eur' }), field: 'currency' },
      { what: 'a refund event', body: payment(ids.norte, { type: 'payment.refunded' }), field: 'type' },
      { what: 'an event id with spaces', body: payment(ids.norte, { id: 'evt 1' }), field: 'id' },
      {
        what: 'a session id that is not one',
        body: payment(ids.norte, { session_ids: [0] }),
        field: 'session_ids.0',
      },
      {
        what: 'a session of another school',
        body: payment(ids.sul, { session_ids: [anaSession] }),
        status: 404,
        field: 'session_ids',
      },
    ],
  }),
  ...ADMIN_CONSOLE_INPUTS,
  'POST /api/auth/login': () => ({
    as: 'anonymous',
    valid: { body: { email: 'rui@classdesk.test', password: 'classdesk-demo' } },
    ok: 200,
    textExempt: { password: 'compared with a hash, never stored' },
    extra: [
      {
        what: 'an email that is not one',
        body: { email: 'rui-at-classdesk', password: 'x' },
        field: 'email',
      },
      {
        what: 'a password with a NUL (no such password exists)',
        body: { email: 'rui@classdesk.test', password: 'classdesk\u0000demo' },
        status: 401,
      },
      { what: 'an empty password', body: { email: 'rui@classdesk.test', password: '' }, field: 'password' },
      {
        what: 'a password of 1025 characters',
        body: { email: 'rui@classdesk.test', password: 'x'.repeat(1025) },
        field: 'password',
      },
    ],
  }),

  'GET /api/dashboard': (c) => ({
    as: 'ana',
    valid: { query: { school_id: c.ids.norte, range: 'month' } },
    ok: 200,
    extra: [
      {
        what: 'a range that does not exist',
        query: { school_id: c.ids.norte, range: 'year' },
        field: 'range',
      },
    ],
  }),

  'GET /api/sync/pull': (c) => ({
    as: 'ana',
    valid: { query: { school_id: c.ids.norte, limit: 10 } },
    ok: 200,
    extra: [
      { what: 'a limit of 0', query: { school_id: c.ids.norte, limit: 0 }, field: 'limit' },
      { what: 'a limit over 5000', query: { school_id: c.ids.norte, limit: 5001 }, field: 'limit' },
      {
        what: 'a cursor this server never issued',
        query: { school_id: c.ids.norte, cursor: 'bm90LWEtY3Vyc29y' },
        field: 'cursor',
      },
      {
        what: 'a cursor of 513 characters',
        query: { school_id: c.ids.norte, cursor: 'a'.repeat(513) },
        field: 'cursor',
      },
    ],
  }),

  'POST /api/sync/push': (c) => {
    const m = { id: 'm1', type: 'mark_notification_read', args: { notification_id: c.anaNotification } };
    return {
      as: 'ana',
      valid: { body: { client_id: 'bad-input-client', mutations: [m] } },
      ok: 200,
      // The push schemas (src/shared/protocol.ts) take the text rule in the push rewrite.
      extra: [
        { what: 'no mutations', body: { client_id: 'bad-input-client', mutations: [] }, field: 'mutations' },
        {
          what: '501 mutations',
          body: {
            client_id: 'bad-input-client',
            mutations: Array.from({ length: 501 }, (_, i) => ({ id: String(i), type: 'x' })),
          },
          field: 'mutations',
        },
        {
          what: 'a client id of 7 characters',
          body: { client_id: 'short07', mutations: [m] },
          field: 'client_id',
        },
        {
          what: 'a mutation without id',
          body: { client_id: 'bad-input-client', mutations: [{ type: m.type, args: m.args }] },
          field: 'mutations.0.id',
        },
        {
          what: 'a mutation id of 65 characters',
          body: { client_id: 'bad-input-client', mutations: [{ ...m, id: 'x'.repeat(65) }] },
          field: 'mutations.0.id',
        },
        {
          what: 'a mutation type that is a number',
          body: { client_id: 'bad-input-client', mutations: [{ ...m, type: 7 }] },
          field: 'mutations.0.type',
        },
        {
          what: 'a mutation carrying a school_id beside its args',
          body: { client_id: 'bad-input-client', mutations: [{ ...m, school_id: c.ids.sul }] },
          field: 'mutations.0.school_id',
        },
      ],
    };
  },

  'POST /api/admin/schools/:schoolId/memberships': (c) => ({
    as: 'admin',
    valid: {
      params: { schoolId: c.ids.norte },
      body: { email: 'novo.aluno@classdesk.test', role: 'student', name: 'Novo Aluno' },
    },
    ok: 201,
    extra: [
      {
        what: 'a role that does not exist',
        params: { schoolId: c.ids.norte },
        body: { email: 'x@classdesk.test', role: 'owner', name: 'X' },
        field: 'role',
      },
      {
        what: 'an email that is not one',
        params: { schoolId: c.ids.norte },
        body: { email: 'x', role: 'student', name: 'X' },
        field: 'email',
      },
      {
        what: 'an empty name',
        params: { schoolId: c.ids.norte },
        body: { email: 'x@classdesk.test', role: 'student', name: '  ' },
        field: 'name',
      },
      {
        what: 'a teacher (teachers are invited)',
        params: { schoolId: c.ids.norte },
        body: { email: 'x@classdesk.test', role: 'teacher', name: 'X' },
        field: 'role',
      },
    ],
  }),

  'PATCH /api/admin/schools/:schoolId/memberships/:userId': (c) => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte, userId: c.freeStudent }, body: { active: true } },
    ok: 200,
    extra: [
      {
        what: 'an empty body',
        params: { schoolId: c.ids.norte, userId: c.freeStudent },
        body: {},
        field: 'body',
      },
      {
        what: 'a student made a teacher',
        params: { schoolId: c.ids.norte, userId: c.freeStudent },
        body: { role: 'teacher' },
        field: 'role',
      },
      {
        what: 'a role that cannot be given',
        params: { schoolId: c.ids.norte, userId: c.freeStudent },
        body: { role: 'student' },
        field: 'role',
      },
    ],
  }),

  'POST /api/admin/schools/:schoolId/courses': (c) => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte }, body: { name: 'Música', code: 'MUS' } },
    ok: 201,
    extra: [
      {
        what: 'a code of 41 characters',
        params: { schoolId: c.ids.norte },
        body: { name: 'Música', code: 'M'.repeat(41) },
        field: 'code',
      },
    ],
  }),

  'POST /api/admin/schools/:schoolId/sessions': (c) => {
    const body = {
      teacher_id: c.ids.ana,
      course_id: c.norteCourse,
      title: 'Aula nova',
      location: 'Sala 1',
      ...times,
    };
    const params = { schoolId: c.ids.norte };
    return {
      as: 'admin',
      valid: { params, body },
      ok: 201,
      extra: [
        {
          what: 'an end before the start',
          params,
          body: { ...body, ends_at: '2031-03-03T08:00:00.000Z' },
          field: 'ends_at',
        },
        {
          what: 'a start that is not a timestamp',
          params,
          body: { ...body, starts_at: 'tomorrow at nine' },
          field: 'starts_at',
        },
        { what: 'a blank title', params, body: { ...body, title: '   ' }, field: 'title' },
      ],
    };
  },

  'PATCH /api/admin/schools/:schoolId/sessions/:sessionId': (c) => {
    const params = { schoolId: c.ids.norte, sessionId: c.anaSession };
    return {
      as: 'admin',
      valid: { params, body: { title: 'Aula revista' } },
      ok: 200,
      extra: [
        { what: 'nothing to change', params, body: {}, field: 'body' },
        { what: 'a location with a NUL', params, body: { location: 'Sala\u00001' }, field: 'location' },
        { what: 'a status that does not exist', params, body: { status: 'postponed' }, field: 'status' },
        {
          what: 'a new start after the current end',
          params,
          body: { starts_at: '2099-01-01T00:00:00.000Z' },
          field: 'ends_at',
        },
      ],
    };
  },

  'POST /api/admin/schools/:schoolId/sessions/:sessionId/enrolments': (c) => ({
    as: 'admin',
    valid: {
      params: { schoolId: c.ids.norte, sessionId: c.anaSession },
      body: { student_id: c.freeStudent },
    },
    ok: 201,
  }),

  'DELETE /api/admin/schools/:schoolId/sessions/:sessionId/enrolments/:studentId': (c) => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte, sessionId: c.anaSession, studentId: c.enrolledStudent } },
    ok: 204,
  }),

  'POST /api/admin/schools/:schoolId/announcements': (c) => ({
    as: 'admin',
    valid: {
      params: { schoolId: c.ids.norte },
      body: { title: 'Feira do livro', message: 'Na próxima semana, no átrio.' },
    },
    ok: 201,
    extra: [
      {
        what: 'a message of 5001 characters',
        params: { schoolId: c.ids.norte },
        body: { title: 'Feira do livro', message: 'x'.repeat(5001) },
        field: 'message',
      },
    ],
  }),

  'POST /api/resources': (c) => {
    const fields = { school_id: String(c.ids.norte), title: 'Ficha 1', description: 'Exercícios' };
    return {
      as: 'ana',
      valid: { form: uploadForm(fields) },
      ok: 201,
      extra: [
        { what: 'no school_id', form: uploadForm({ title: 'Ficha 1' }), field: 'school_id' },
        {
          what: 'a school_id that is not a number',
          form: uploadForm({ ...fields, school_id: 'norte' }),
          field: 'school_id',
        },
        { what: 'a school_id of 0', form: uploadForm({ ...fields, school_id: '0' }), field: 'school_id' },
        {
          what: 'a school_id beyond safe integers',
          form: uploadForm({ ...fields, school_id: '9007199254740993' }),
          field: 'school_id',
        },
        { what: 'no title', form: uploadForm({ school_id: fields.school_id }), field: 'title' },
        { what: 'a blank title', form: uploadForm({ ...fields, title: '  ' }), field: 'title' },
        {
          what: 'a title with a NUL',
          form: uploadForm({ ...fields, title: 'Ficha\u00001' }),
          field: 'title',
        },
        {
          what: 'a description with a NUL',
          form: uploadForm({ ...fields, description: 'Exercícios\u0000' }),
          field: 'description',
        },
        {
          what: 'a description of 5001 characters',
          form: uploadForm({ ...fields, description: 'x'.repeat(5001) }),
          field: 'description',
        },
        {
          what: 'a teacher_id field (mass assignment)',
          form: uploadForm({ ...fields, teacher_id: String(c.ids.rui) }),
          field: 'teacher_id',
        },
        {
          what: 'a scan_status field (mass assignment)',
          form: uploadForm({ ...fields, scan_status: 'clean' }),
          field: 'scan_status',
        },
        { what: 'no file', form: uploadForm(fields, null), field: 'file' },
        {
          what: 'the file under another field name',
          form: uploadForm(fields, { field: 'attachment', name: 'a.txt' }),
          field: 'attachment',
        },
        { what: 'a JSON body instead of a form', body: { ...fields }, status: 415 },
        {
          what: 'a second file',
          form: () => {
            const f = uploadForm(fields)();
            f.append('file', new Blob(['again\n']), 'again.txt');
            return f;
          },
          status: 413,
        },
        {
          what: 'more than ten fields',
          form: uploadForm({
            ...fields,
            ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, 'x'])),
          }),
          status: 413,
        },
      ],
    };
  },

  'GET /api/resources/:id/content': (c) => ({ as: 'ana', valid: { params: { id: c.anaResource } }, ok: 200 }),

  'GET /api/notifications': (c) => ({
    as: 'ana',
    valid: { query: { school_id: c.ids.norte, unread_only: 'true' } },
    ok: 200,
    extra: [
      {
        what: 'unread_only neither true nor false',
        query: { school_id: c.ids.norte, unread_only: 'yes' },
        field: 'unread_only',
      },
    ],
  }),

  'POST /api/notifications/:id/read': (c) => ({
    as: 'ana',
    valid: { params: { id: c.anaNotification } },
    ok: 204,
  }),
  'POST /api/notifications/:id/dismiss': (c) => ({
    as: 'ana',
    valid: { params: { id: c.anaNotification } },
    ok: 204,
  }),
  'PUT /api/me/notification-preferences': () => ({
    as: 'ana',
    valid: { body: { language: 'pt-PT', email: { session_reminder: 'digest' } } },
    ok: 200,
    extra: [
      { what: 'no change at all', body: {}, field: 'email' },
      {
        what: 'a choice that is not one',
        body: { email: { session_cancelled: 'weekly' } },
        field: 'email.session_cancelled',
      },
      { what: 'a type that does not exist', body: { email: { holidays: 'off' } }, field: 'email.holidays' },
      { what: 'a language the emails are not written in', body: { language: 'fr' }, field: 'language' },
    ],
  }),
  'GET /api/admin/schools/:schoolId/email-failures': (c) => ({
    as: 'admin',
    valid: { params: { schoolId: c.ids.norte } },
    ok: 200,
  }),
};

export type Callers = Record<RouteInput['as'], TestApi>;
