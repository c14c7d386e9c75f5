/**
 * The isolation matrix's cases: for every route of `ROUTES` (server/http/app.ts), requests that
 * each caller must not be able to use to see or change anything outside their scoped view.
 * isolation.int.test.ts fails when a route has no entry here, or an entry names no route.
 */
import { expect } from 'vitest';
import { MUTATION_TYPES, type MutationResult } from '../../src/shared/protocol.js';
import type { MeResponse } from '../../src/shared/api.js';
import type { z } from 'zod';
import { TestApi, type ApiResponse } from '../support/api-client.js';
import { nowSeconds, signedHeaders } from '../support/payments.js';
import { exportForm, oneRosterExport } from '../support/oneroster.js';
import { ADMIN_CONSOLE_CASES } from './isolation.admin-console.cases.js';

export type CallerName = 'rui' | 'ana' | 'admin' | 'student' | 'anonymous';

/** What a probe exercises; the test checks each route has the kinds its route-table entry implies. */
export type ProbeKind = 'foreign-school' | 'foreign-entity' | 'wrong-role' | 'own-account';

export interface ProbeRequest {
  /** Path parameters: the URL is built from the route's own pattern. */
  params?: Record<string, number | string>;
  query?: Record<string, string | number>;
  body?: unknown;
  form?: () => FormData;
  headers?: Record<string, string>;
}

export interface Probe extends ProbeRequest {
  what: string;
  as: CallerName;
  /** Sends with this client instead of the caller's usual one (a fresh session). */
  api?: TestApi;
  kind: ProbeKind;
  /** 'denied': 403 or 404 with a bare error body. */
  expect: 'denied' | number[];
  /** The school id outside the caller's memberships that the probe sends (foreign-school probes). */
  foreignSchool?: number;
  /** The same request with foreign ids replaced by ids that exist nowhere: must answer identically. */
  twin?: ProbeRequest;
  /** Markers (see MARKER) the answer may contain: the caller's own data. */
  allowedMarkers?: string[];
  check?(res: ApiResponse): Promise<void> | void;
}

/** Ids of the demo plus rows outside each caller's view, found by the test's setup. */
export interface Matrix {
  url: string;
  apis: Record<CallerName, TestApi>;
  ids: {
    norte: number;
    sul: number;
    /** A third school nobody of the demo belongs to. */
    leste: number;
    ana: number;
    rui: number;
    admin: number;
    /** aluno01 (Norte) — the student caller. */
    student: number;
    norteStudent: number;
    sulStudent: number;
    norteCourse: number;
    sulCourse: number;
  };
  /** One teacher's rows in one school: a session, an enrolment in it, a notification and a resource. */
  rows: Record<'anaNorte' | 'anaSul' | 'ruiNorte', OwnRows>;
  /** An id that exists in no table. */
  ghost: number;
  /** The caller's active memberships, read from the database. */
  memberships(userId: number): Promise<z.infer<typeof MeResponse>['memberships']>;
  /** The markers of every row of a school (its users too): what its admin lists may show. */
  markersOf(schoolId: number): Promise<string[]>;
  /** An announcement of each school, and rui's pending invitation to Escola Sul (with its link token). */
  announcements: { norte: number; sul: number };
  /** A weekly timetable entry and a holiday of each school. */
  timetable: { norte: number; sul: number };
  holidays: { norte: number; sul: number };
  ruiSulInvitation: { id: number; token: string };
}

export interface OwnRows {
  session: number;
  enrolment: number;
  enrolledStudent: number;
  notification: number;
  resource: number;
  /** A plan template and a private note about `enrolledStudent` (ids unique per teacher). */
  template: number;
  note: number;
}

export const MARKER = /zzsecret-([a-z_]+)-(\d+)/g;
export const marker = (table: string, id: number): string => `zzsecret-${table}-${id}`;

export type CaseBuilder = (m: Matrix) => Probe[] | Promise<Probe[]>;

const TEACHER_ROUTE_CALLERS = ['rui', 'ana', 'admin', 'student'] as const;

/**
 * Every mutation type aimed at `t`: nothing of it may be applied. Edits that create their row
 * name `school` (a school the caller does not teach in): with another teacher's ids they could
 * only ever create the caller's own row (docs/ARCHITECTURE.md, "Rows a device creates").
 */
function mutationsAt(t: OwnRows, school: number) {
  const list = [
    {
      type: 'update_lesson_notes',
      args: { session_id: t.session, base_version: 0, lesson_notes: 'hijacked' },
    },
    { type: 'set_attendance', args: { enrolment_id: t.enrolment, attendance: 'absent', base_version: 0 } },
    { type: 'complete_session', args: { session_id: t.session, base_version: 0 } },
    { type: 'cancel_session', args: { session_id: t.session, base_version: 0 } },
    { type: 'mark_notification_read', args: { notification_id: t.notification } },
    { type: 'dismiss_notification', args: { notification_id: t.notification } },
    {
      type: 'update_resource_metadata',
      args: { resource_id: t.resource, base_version: 0, title: 'hijacked' },
    },
    { type: 'update_lesson_plan', args: { session_id: t.session, base_version: 0, homework: 'hijacked' } },
    {
      type: 'set_session_resources',
      args: { session_id: t.session, base_version: 0, resource_ids: [t.resource] },
    },
    {
      type: 'save_plan_template',
      args: {
        template_id: t.template,
        school_id: school,
        base_version: 0,
        name: 'hijacked',
        content: { objectives: 'x', activities: [], materials: '', homework: '', notes: '' },
      },
    },
    { type: 'delete_plan_template', args: { template_id: t.template } },
    {
      type: 'save_student_note',
      args: {
        note_id: t.note,
        school_id: school,
        student_id: t.enrolledStudent,
        base_version: 0,
        body: 'hijacked',
      },
    },
  ];
  // A new mutation type must be added here, or the matrix no longer covers push.
  expect(list.map((x) => x.type).sort()).toEqual([...MUTATION_TYPES].sort());
  return list.map((x, i) => ({ id: `m${i + 1}`, ...x }));
}

const ghostRows = (g: number): OwnRows => ({
  session: g,
  enrolment: g,
  enrolledStudent: g,
  notification: g,
  resource: g,
  template: g,
  note: g,
});

function expectAllRejectedNotFound(res: ApiResponse): void {
  const { results } = res.body as { results: MutationResult[] };
  expect(results.length).toBe(MUTATION_TYPES.length);
  for (const r of results)
    expect({ status: r.status, code: r.code }).toEqual({ status: 'rejected', code: 'not_found' });
}

/** A small upload a foreign caller tries to put into a school. */
const uploadForm = (schoolId: number) => () => {
  const f = new FormData();
  f.set('school_id', String(schoolId));
  f.set('title', 'intruder upload');
  f.set('file', new Blob(['not yours to upload\n']), 'intruder.txt');
  return f;
};

/** The foreign-school probes every school-scoped teacher route gets: by query or by form. */
function teacherSchoolProbes(
  m: Matrix,
  where: 'query' | 'form',
  extra: Record<string, string | number> = {},
): Probe[] {
  const { ids, ghost } = m;
  const req = (schoolId: number): ProbeRequest =>
    where === 'query' ? { query: { school_id: schoolId, ...extra } } : { form: uploadForm(schoolId) };
  return [
    {
      what: 'rui asks about Escola Sul',
      as: 'rui',
      kind: 'foreign-school',
      expect: 'denied',
      foreignSchool: ids.sul,
      ...req(ids.sul),
      twin: req(ghost),
    },
    {
      what: 'ana asks about a school she is not in',
      as: 'ana',
      kind: 'foreign-school',
      expect: 'denied',
      foreignSchool: ids.leste,
      ...req(ids.leste),
      twin: req(ghost),
    },
    {
      what: 'the admin uses a teacher route',
      as: 'admin',
      kind: 'wrong-role',
      expect: 'denied',
      ...req(ids.norte),
    },
    {
      what: 'a student uses a teacher route',
      as: 'student',
      kind: 'wrong-role',
      expect: 'denied',
      ...req(ids.norte),
    },
  ];
}

/** Teachers and students calling an admin route of their own school, and the admin one of a school they do not run. */
export function adminRoleProbes(
  m: Matrix,
  params: (school: number) => Record<string, number | string>,
  body?: unknown,
): Probe[] {
  const { ids, ghost } = m;
  return [
    {
      what: 'rui (a teacher) uses an admin route of his school',
      as: 'rui',
      kind: 'wrong-role',
      expect: 'denied',
      params: params(ids.norte),
      body,
    },
    {
      what: 'ana (a teacher) uses an admin route of Escola Sul',
      as: 'ana',
      kind: 'wrong-role',
      expect: 'denied',
      params: params(ids.sul),
      body,
    },
    {
      what: 'a student uses an admin route',
      as: 'student',
      kind: 'wrong-role',
      expect: 'denied',
      params: params(ids.norte),
      body,
    },
    {
      what: 'the admin uses a school they do not administer',
      as: 'admin',
      kind: 'foreign-school',
      expect: 'denied',
      foreignSchool: ids.leste,
      params: params(ids.leste),
      body,
      twin: { params: params(ghost), body },
    },
  ];
}

export const CASES: Record<string, CaseBuilder> = {
  ...ADMIN_CONSOLE_CASES,
  'POST /api/auth/login': ({ ids }) => [
    {
      what: 'a wrong password answers 401 and no token; an unknown email answers exactly the same',
      as: 'anonymous',
      kind: 'own-account',
      expect: [401],
      body: { email: 'rui@classdesk.test', password: 'not-the-password' },
      twin: { body: { email: `nobody-${ids.rui}@classdesk.test`, password: 'not-the-password' } },
      check: (res) => expect(res.text).not.toContain('token'),
    },
  ],

  'POST /api/auth/logout': async (m) =>
    Promise.all(
      TEACHER_ROUTE_CALLERS.map(async (as): Promise<Probe> => {
        const email = as === 'student' ? 'aluno01@classdesk.test' : `${as}@classdesk.test`;
        const fresh = new TestApi(m.url);
        await fresh.login(email);
        return {
          what: `${as} signs out one session: only that token stops working`,
          as,
          api: fresh,
          kind: 'own-account',
          expect: [204],
          async check() {
            expect((await fresh.get('/api/me')).status).toBe(401);
            for (const other of TEACHER_ROUTE_CALLERS)
              expect((await m.apis[other].get('/api/me')).status).toBe(200);
          },
        };
      }),
    ),

  'GET /api/me': (m) =>
    Promise.all(
      TEACHER_ROUTE_CALLERS.map(async (as): Promise<Probe> => {
        const userId = as === 'student' ? m.ids.student : m.ids[as];
        const own = await m.memberships(userId);
        return {
          what: `${as} sees only their own account and memberships`,
          as,
          kind: 'own-account',
          expect: [200],
          allowedMarkers: [marker('users', userId), ...own.map((x) => marker('schools', x.school_id))],
          check(res) {
            const body = res.body as z.infer<typeof MeResponse>;
            expect(Object.keys(body.user).sort()).toEqual(['email', 'id', 'name']);
            expect(body.user.id).toBe(userId);
            expect(body.memberships).toEqual(own);
          },
        };
      }),
    ),

  'GET /api/me/notification-preferences': () =>
    TEACHER_ROUTE_CALLERS.map((as): Probe => ({
      what: `${as} reads their own email choices, which name nobody`,
      as,
      kind: 'own-account',
      expect: [200],
      check(res) {
        expect(Object.keys(res.body as object).sort()).toEqual(['email', 'language']);
      },
    })),

  // The probe chooses what is already chosen (the default), so the matrix still changes no row;
  // tests/server/email-outbox.int.test.ts changes choices for real.
  'PUT /api/me/notification-preferences': () =>
    TEACHER_ROUTE_CALLERS.map((as): Probe => ({
      what: `${as} sets their own email choice, and the answer is theirs alone`,
      as,
      kind: 'own-account',
      expect: [200],
      body: { email: { new_student: 'off' } },
      check(res) {
        expect(Object.keys(res.body as object).sort()).toEqual(['email', 'language']);
        expect((res.body as { email: Record<string, string> }).email.new_student).toBe('off');
      },
    })),

  'GET /api/dashboard': (m) => teacherSchoolProbes(m, 'query', { range: 'month' }),
  'GET /api/sync/pull': (m) => teacherSchoolProbes(m, 'query'),
  'GET /api/notifications': (m) => teacherSchoolProbes(m, 'query'),
  'POST /api/resources': (m) => teacherSchoolProbes(m, 'form'),

  'POST /api/sync/push': ({ rows, ghost, ids }) => {
    const probe = (as: CallerName, what: string, target: OwnRows): Probe => ({
      what,
      as,
      kind: 'foreign-entity',
      expect: [200],
      body: { client_id: `isolation-${as}`, mutations: mutationsAt(target, ids.leste) },
      // Same mutation ids from another client: a receipt of the first must not answer for it.
      twin: {
        body: { client_id: `isolation-${as}-ghost`, mutations: mutationsAt(ghostRows(ghost), ids.leste) },
      },
      check: expectAllRejectedNotFound,
    });
    return [
      probe('rui', "rui pushes every mutation type at ana's Norte rows", rows.anaNorte),
      probe('ana', "ana pushes every mutation type at rui's rows", rows.ruiNorte),
      probe('admin', "the admin pushes every mutation type at ana's Sul rows", rows.anaSul),
      probe('student', "a student pushes every mutation type at ana's Norte rows", rows.anaNorte),
    ];
  },

  'GET /api/resources/:id/content': ({ rows, ghost }) => [
    {
      what: "rui downloads ana's resource",
      as: 'rui',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { id: rows.anaNorte.resource },
      twin: { params: { id: ghost } },
    },
    {
      what: "ana downloads rui's resource",
      as: 'ana',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { id: rows.ruiNorte.resource },
      twin: { params: { id: ghost } },
    },
    {
      what: "the admin downloads ana's Sul resource",
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { id: rows.anaSul.resource },
      twin: { params: { id: ghost } },
    },
    {
      what: 'a student downloads a resource shared with students',
      as: 'student',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { id: rows.anaNorte.resource },
      twin: { params: { id: ghost } },
    },
  ],

  'POST /api/notifications/:id/read': (m) => notificationProbes(m),
  'POST /api/notifications/:id/dismiss': (m) => notificationProbes(m),

  'POST /api/admin/schools/:schoolId/memberships': (m) =>
    adminRoleProbes(m, (schoolId) => ({ schoolId }), {
      email: 'intruder@classdesk.test',
      role: 'student',
      name: 'Intruder',
    }),

  'PATCH /api/admin/schools/:schoolId/memberships/:userId': (m) => [
    ...adminRoleProbes(
      m,
      (schoolId) => ({ schoolId, userId: schoolId === m.ids.sul ? m.ids.sulStudent : m.ids.norteStudent }),
      { active: false },
    ),
    {
      what: 'the admin of Norte deactivates, through Norte, a student of Escola Sul only',
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { schoolId: m.ids.norte, userId: m.ids.sulStudent },
      body: { active: false },
      twin: { params: { schoolId: m.ids.norte, userId: m.ghost }, body: { active: false } },
    },
  ],

  'POST /api/admin/schools/:schoolId/courses': (m) =>
    adminRoleProbes(m, (schoolId) => ({ schoolId }), { name: 'Intrusão', code: 'INT' }),

  'POST /api/admin/schools/:schoolId/sessions': (m) => {
    const { ids, ghost } = m;
    const times = { starts_at: '2030-01-07T09:00:00.000Z', ends_at: '2030-01-07T09:50:00.000Z' };
    return [
      ...adminRoleProbes(m, (schoolId) => ({ schoolId }), {
        teacher_id: ids.rui,
        title: 'Intrusão',
        ...times,
      }),
      {
        what: 'the admin schedules, in Escola Sul, a class for rui (not a teacher there)',
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { schoolId: ids.sul },
        body: { teacher_id: ids.rui, title: 'Intrusão', ...times },
        twin: { params: { schoolId: ids.sul }, body: { teacher_id: ghost, title: 'Intrusão', ...times } },
      },
      {
        what: 'the admin schedules, in Escola Norte, a class of a Sul course',
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { schoolId: ids.norte },
        body: { teacher_id: ids.rui, course_id: ids.sulCourse, title: 'Intrusão', ...times },
        twin: {
          params: { schoolId: ids.norte },
          body: { teacher_id: ids.rui, course_id: ghost, title: 'Intrusão', ...times },
        },
      },
    ];
  },

  'PATCH /api/admin/schools/:schoolId/sessions/:sessionId': (m) => {
    const { ids, rows, ghost } = m;
    return [
      ...adminRoleProbes(
        m,
        (schoolId) => ({
          schoolId,
          sessionId: schoolId === ids.sul ? rows.anaSul.session : rows.ruiNorte.session,
        }),
        { status: 'cancelled' },
      ),
      {
        what: "the admin changes, through Escola Norte, ana's Sul session",
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { schoolId: ids.norte, sessionId: rows.anaSul.session },
        body: { title: 'hijacked' },
        twin: { params: { schoolId: ids.norte, sessionId: ghost }, body: { title: 'hijacked' } },
      },
      {
        what: "the admin gives ana's Sul session to rui (not a teacher in Sul)",
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { schoolId: ids.sul, sessionId: rows.anaSul.session },
        body: { teacher_id: ids.rui },
        twin: { params: { schoolId: ids.sul, sessionId: rows.anaSul.session }, body: { teacher_id: ghost } },
      },
      {
        what: 'the admin moves a Norte session to a Sul course',
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { schoolId: ids.norte, sessionId: rows.anaNorte.session },
        body: { course_id: ids.sulCourse },
        twin: {
          params: { schoolId: ids.norte, sessionId: rows.anaNorte.session },
          body: { course_id: ghost },
        },
      },
    ];
  },

  'POST /api/admin/schools/:schoolId/sessions/:sessionId/enrolments': (m) => {
    const { ids, rows, ghost } = m;
    return [
      ...adminRoleProbes(
        m,
        (schoolId) => ({
          schoolId,
          sessionId: schoolId === ids.sul ? rows.anaSul.session : rows.ruiNorte.session,
        }),
        { student_id: ids.norteStudent },
      ),
      {
        what: "the admin enrols, through Escola Norte, a student in ana's Sul session",
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { schoolId: ids.norte, sessionId: rows.anaSul.session },
        body: { student_id: ids.norteStudent },
        twin: { params: { schoolId: ids.norte, sessionId: ghost }, body: { student_id: ids.norteStudent } },
      },
      {
        what: 'the admin enrols a Sul student in a Norte session',
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { schoolId: ids.norte, sessionId: rows.ruiNorte.session },
        body: { student_id: ids.sulStudent },
        twin: {
          params: { schoolId: ids.norte, sessionId: rows.ruiNorte.session },
          body: { student_id: ghost },
        },
      },
    ];
  },

  'DELETE /api/admin/schools/:schoolId/sessions/:sessionId/enrolments/:studentId': (m) => {
    const { ids, rows, ghost } = m;
    return [
      ...adminRoleProbes(m, (schoolId) => {
        const own = schoolId === ids.sul ? rows.anaSul : rows.ruiNorte;
        return { schoolId, sessionId: own.session, studentId: own.enrolledStudent };
      }),
      {
        what: "the admin unenrols, through Escola Norte, a student of ana's Sul session",
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: {
          schoolId: ids.norte,
          sessionId: rows.anaSul.session,
          studentId: rows.anaSul.enrolledStudent,
        },
        twin: { params: { schoolId: ids.norte, sessionId: ghost, studentId: rows.anaSul.enrolledStudent } },
      },
    ];
  },

  'GET /api/admin/schools/:schoolId/email-failures': (m) => adminRoleProbes(m, (schoolId) => ({ schoolId })),
  'POST /api/admin/schools/:schoolId/announcements': (m) =>
    adminRoleProbes(m, (schoolId) => ({ schoolId }), { title: 'Intrusão', message: 'not an admin here' }),

  'POST /api/webhooks/payments': (m) => paymentProbes(m),

  'POST /api/admin/schools/:schoolId/imports': (m) => {
    const files = oneRosterExport({ teachers: 1, students: 2, classes: 1, classesPerStudent: 1, tag: 'iso' });
    // Not a dry run: were any of these let through, the matrix would see the rows it created.
    return adminRoleProbes(m, (schoolId) => ({ schoolId })).map((p) => ({
      ...p,
      form: () => exportForm(files),
      ...(p.twin ? { twin: { ...p.twin, form: () => exportForm(files) } } : {}),
    }));
  },
};

/** A payment event signed as the provider signs it (the isolation server has the test secret). */
function signedEvent(
  over: Record<string, unknown>,
  opts: { secret?: string; t?: number } = {},
): ProbeRequest {
  const body = {
    id: `evt_isolation_${JSON.stringify(over).replace(/[^A-Za-z0-9]/g, '')}`,
    type: 'payment.succeeded',
    teacher_email: 'ana@classdesk.test',
    amount_cents: 1000,
    currency: 'EUR',
    session_ids: [],
    ...over,
  };
  return { body, headers: signedHeaders(JSON.stringify(body), opts) };
}

function paymentProbes({ ids, rows, ghost }: Matrix): Probe[] {
  return [
    {
      what: 'a signed event pays ana in a school she is not in',
      as: 'anonymous',
      kind: 'foreign-school',
      expect: 'denied',
      foreignSchool: ids.leste,
      ...signedEvent({ school_id: ids.leste }),
      twin: signedEvent({ school_id: ghost }),
    },
    {
      what: 'a signed event pays rui in Escola Sul (he teaches in Norte only)',
      as: 'anonymous',
      kind: 'foreign-entity',
      expect: 'denied',
      ...signedEvent({ school_id: ids.sul, teacher_email: 'rui@classdesk.test' }),
      twin: signedEvent({ school_id: ids.sul, teacher_email: `nobody-${ghost}@classdesk.test` }),
    },
    {
      what: "a signed event pays rui for ana's Norte session",
      as: 'anonymous',
      kind: 'foreign-entity',
      expect: 'denied',
      ...signedEvent({
        school_id: ids.norte,
        teacher_email: 'rui@classdesk.test',
        session_ids: [rows.anaNorte.session],
      }),
      twin: signedEvent({ school_id: ids.norte, teacher_email: 'rui@classdesk.test', session_ids: [ghost] }),
    },
    {
      what: 'the admin pays ana with an event signed with another secret',
      as: 'admin',
      kind: 'wrong-role',
      expect: [401],
      ...signedEvent({ school_id: ids.norte }, { secret: 'whsec_not_the_servers_secret' }),
    },
    {
      what: 'a teacher replays a correctly signed event ten minutes later',
      as: 'rui',
      kind: 'wrong-role',
      expect: [401],
      ...signedEvent(
        { school_id: ids.norte, teacher_email: 'rui@classdesk.test' },
        { t: nowSeconds() - 600 },
      ),
    },
  ];
}

function notificationProbes({ rows, ghost }: Matrix): Probe[] {
  const twin = { params: { id: ghost } };
  return [
    {
      what: "rui reads ana's notification",
      as: 'rui',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { id: rows.anaNorte.notification },
      twin,
    },
    {
      what: "ana reads rui's notification",
      as: 'ana',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { id: rows.ruiNorte.notification },
      twin,
    },
    {
      what: "the admin reads ana's Sul notification",
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { id: rows.anaSul.notification },
      twin,
    },
    {
      what: "a student reads rui's notification",
      as: 'student',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { id: rows.ruiNorte.notification },
      twin,
    },
  ];
}
