/**
 * The isolation matrix (docs/ARCHITECTURE.md invariant 1): every route of the route table, called by each
 * role with ids and schools outside the caller's view, answers 403 or 404 with a bare error,
 * answers exactly as it does for ids that exist nowhere, leaks no foreign data, and changes
 * nothing in the database or the file store.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROUTES } from '../../server/http/app.js';
import type { RouteDef } from '../../server/http/route-table.js';
import {
  RELAXED_RATE_LIMITS,
  dialectsHere,
  startTestServer,
  type TestServer,
} from '../support/server-fixture.js';
import { signedIn, TestApi, type ApiResponse } from '../support/api-client.js';
import { demoIds } from '../support/demo.js';
import { snapshotDb, snapshotFiles, VOLATILE_TABLES, type DbSnapshot } from '../support/db-snapshot.js';
import {
  CASES,
  MARKER,
  marker,
  type CallerName,
  type Matrix,
  type OwnRows,
  type Probe,
  type ProbeRequest,
} from './isolation.cases.js';

const routeKey = (r: Pick<RouteDef, 'method' | 'url'>) => `${r.method} ${r.url}`;

const BareError = z.strictObject({
  error: z.strictObject({
    code: z.enum(['forbidden', 'not_found', 'scope_revoked']),
    message: z.string(),
    field: z.string().optional(),
  }),
});

test('the isolation matrix has a case for every route of the route table, and no other', () => {
  const routes = ROUTES.map(routeKey).sort();
  expect(new Set(routes).size).toBe(routes.length);
  expect(Object.keys(CASES).sort()).toEqual(routes);
});

function urlOf(route: RouteDef, params: Record<string, number | string> = {}): string {
  return route.url.replace(/:(\w+)/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`${routeKey(route)}: the probe gives no :${name}`);
    return String(params[name]);
  });
}

function send(api: TestApi, route: RouteDef, req: ProbeRequest): Promise<ApiResponse> {
  const url = urlOf(route, req.params);
  if (req.form) return api.request(route.method, url, { raw: req.form(), query: req.query });
  return api.request(route.method, url, { query: req.query, body: req.body, headers: req.headers });
}

/** Where the route table says the school id enters, the probe must put its foreign school. */
function foreignSchoolIsWhereTheRouteTakesIt(route: RouteDef, p: Probe): boolean {
  const s = p.foreignSchool;
  if (s === undefined) return false;
  switch (route.school) {
    case 'query':
      return Number(p.query?.school_id) === s;
    case 'params':
      return p.params?.schoolId === s;
    case 'body':
      return (p.body as { school_id?: unknown } | undefined)?.school_id === s;
    case 'multipart':
      return p.form?.().get('school_id') === String(s);
    case 'none':
      return false;
  }
}

describe.each(dialectsHere())('isolation matrix on %s', (dialect) => {
  let server: TestServer;
  let matrix: Matrix;
  let before: DbSnapshot;
  let filesBefore: Record<string, string>;
  let pushMutationsSent = 0;

  beforeAll(async () => {
    server = await startTestServer(dialect, RELAXED_RATE_LIMITS);
    const db = server.database.db;
    const ids = await demoIds(db);
    const now = new Date().toISOString();

    // A third school that no demo account belongs to, with a course.
    const leste = (
      await db
        .insertInto('schools')
        .values({ name: 'Escola Leste', timezone: 'Europe/Lisbon', version: 1, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await db
      .insertInto('courses')
      .values({ school_id: leste, name: 'Matemática', code: 'MAT', version: 1 })
      .execute();

    // Every text a response could leak carries a marker naming its row.
    const mark = async (table: 'schools' | 'users' | 'courses', column: 'name') =>
      db
        .updateTable(table)
        .set({
          [column]: sql<string>`${sql.ref(column)} || ' zzsecret-${sql.raw(table)}-' || cast(id as text)`,
        })
        .execute();
    await mark('schools', 'name');
    await mark('users', 'name');
    await mark('courses', 'name');
    for (const [table, columns] of [
      ['class_sessions', ['title', 'lesson_notes']],
      ['resources', ['title', 'description']],
      ['notifications', ['title', 'message']],
      ['announcements', ['title', 'message']],
    ] as const) {
      const set: Record<string, unknown> = {};
      for (const c of columns)
        set[c] = sql<string>`${sql.ref(c)} || ' zzsecret-${sql.raw(table)}-' || cast(id as text)`;
      await db.updateTable(table).set(set).execute();
    }

    const student = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'aluno01@classdesk.test')
      .executeTakeFirstOrThrow();
    const sulStudent = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'aluno17@classdesk.test')
      .executeTakeFirstOrThrow();
    const course = async (schoolId: number) =>
      (
        await db
          .selectFrom('courses')
          .select('id')
          .where('school_id', '=', schoolId)
          .orderBy('id')
          .executeTakeFirstOrThrow()
      ).id;

    const ownRows = async (teacherId: number, schoolId: number): Promise<OwnRows> => {
      const e = await db
        .selectFrom('enrolments')
        .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
        .select(['enrolments.id', 'enrolments.session_id', 'enrolments.student_id'])
        .where('class_sessions.teacher_id', '=', teacherId)
        .where('class_sessions.school_id', '=', schoolId)
        .where('class_sessions.status', '=', 'scheduled')
        .orderBy('enrolments.id')
        .executeTakeFirstOrThrow();
      const n = await db
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', teacherId)
        .where('school_id', '=', schoolId)
        .where('is_read', '=', 0)
        .executeTakeFirstOrThrow();
      const r = await db
        .selectFrom('resources')
        .select('id')
        .where('teacher_id', '=', teacherId)
        .where('school_id', '=', schoolId)
        .executeTakeFirstOrThrow();
      // A plan template and a private note of the teacher's, carrying markers like every text.
      const privateId = 1000 + teacherId * 10 + schoolId;
      const made = { teacher_id: teacherId, id: privateId, school_id: schoolId, version: 1, created_at: now };
      await db
        .insertInto('plan_templates')
        .values({
          ...made,
          name: marker('plan_templates', privateId),
          content: JSON.stringify({
            objectives: marker('plan_templates', privateId),
            activities: [],
            materials: '',
            homework: '',
            notes: '',
          }),
          deleted: 0,
          field_versions: '{}',
          updated_at: now,
        })
        .execute();
      await db
        .insertInto('student_notes')
        .values({
          ...made,
          student_id: e.student_id,
          body: marker('student_notes', privateId),
          field_versions: '{}',
          updated_at: now,
        })
        .execute();
      await db
        .updateTable('class_sessions')
        .set({
          plan_homework: marker('class_sessions', e.session_id),
          plan_activities: JSON.stringify([
            { title: marker('class_sessions', e.session_id), minutes: 10, notes: '' },
          ]),
        })
        .where('id', '=', e.session_id)
        .execute();
      return {
        session: e.session_id,
        enrolment: e.id,
        enrolledStudent: e.student_id,
        notification: n.id,
        resource: r.id,
        template: privateId,
        note: privateId,
      };
    };

    // A timetable entry and a holiday in each school (rows only: no session is generated).
    const timetableEntry = async (schoolId: number) =>
      (
        await db
          .insertInto('timetable_entries')
          .values({
            school_id: schoolId,
            course_id: await course(schoolId),
            teacher_id: ids.ana,
            weekday: 2,
            starts: '09:00',
            ends: '09:50',
            room: '',
            term_start: '2031-01-01',
            term_end: '2031-01-31',
            active: 1,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const holiday = async (schoolId: number) =>
      (
        await db
          .insertInto('school_holidays')
          .values({ school_id: schoolId, date: '2031-06-10', name: 'Dia de Portugal', created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    const [rui, ana, admin, studentApi] = await Promise.all(
      ['rui', 'ana', 'admin', 'aluno01'].map((name) => signedIn(server.url, `${name}@classdesk.test`)),
    );
    matrix = {
      url: server.url,
      apis: { rui: rui!, ana: ana!, admin: admin!, student: studentApi!, anonymous: new TestApi(server.url) },
      ids: {
        ...ids,
        leste,
        student: student.id,
        norteStudent: student.id,
        sulStudent: sulStudent.id,
        norteCourse: await course(ids.norte),
        sulCourse: await course(ids.sul),
      },
      rows: {
        anaNorte: await ownRows(ids.ana, ids.norte),
        anaSul: await ownRows(ids.ana, ids.sul),
        ruiNorte: await ownRows(ids.rui, ids.norte),
      },
      ghost: 987_654_321,
      memberships: (userId) =>
        db
          .selectFrom('memberships')
          .innerJoin('schools', 'schools.id', 'memberships.school_id')
          .select(['memberships.school_id', 'schools.name as school_name', 'memberships.role'])
          .where('memberships.user_id', '=', userId)
          .where('memberships.active', '=', 1)
          .orderBy('memberships.school_id')
          .execute(),
      async markersOf(schoolId) {
        const out = [marker('schools', schoolId)];
        const users = await db
          .selectFrom('memberships')
          .select('user_id')
          .where('school_id', '=', schoolId)
          .execute();
        out.push(...users.map((u) => marker('users', u.user_id)));
        for (const table of [
          'courses',
          'class_sessions',
          'resources',
          'notifications',
          'announcements',
        ] as const) {
          const rows = await db.selectFrom(table).select('id').where('school_id', '=', schoolId).execute();
          out.push(...rows.map((r) => marker(table, r.id)));
        }
        return out;
      },
      announcements: { norte: 0, sul: 0 },
      timetable: { norte: await timetableEntry(ids.norte), sul: await timetableEntry(ids.sul) },
      holidays: { norte: await holiday(ids.norte), sul: await holiday(ids.sul) },
      ruiSulInvitation: { id: 0, token: '' },
    };
    // An announcement in each school (its notifications read by nobody yet), and a pending
    // invitation of rui to Escola Sul, made through the API as the console makes them.
    const announce = async (schoolId: number) =>
      (
        await admin!.post(`/api/admin/schools/${schoolId}/announcements`, {
          title: 'Reunião',
          message: 'Sexta às 17h.',
        })
      ).body as { id: number };
    const norteAnnouncement = await announce(ids.norte);
    const sulAnnouncement = await announce(ids.sul);
    const invited = (
      await admin!.post(`/api/admin/schools/${ids.sul}/invitations`, {
        email: 'rui@classdesk.test',
        role: 'teacher',
      })
    ).body as { id: number; token: string };
    for (const table of ['announcements', 'notifications'] as const)
      await db
        .updateTable(table)
        .set({
          title: sql<string>`title || ' zzsecret-${sql.raw(table)}-' || cast(id as text)`,
        })
        .where('title', 'not like', '%zzsecret%')
        .execute();
    matrix.announcements = { norte: norteAnnouncement.id, sul: sulAnnouncement.id };
    matrix.ruiSulInvitation = { id: invited.id, token: invited.token };

    before = await snapshotDb(db, VOLATILE_TABLES);
    filesBefore = snapshotFiles(server.config.filesDir);
  });
  afterAll(() => server?.stop());

  for (const route of ROUTES) {
    test(`${routeKey(route)}: nothing outside the caller's view`, async () => {
      const build = CASES[routeKey(route)];
      expect(build, `no isolation case for ${routeKey(route)}`).toBeDefined();
      const probes = await build!(matrix);
      expect(probes.length).toBeGreaterThan(0);

      // The route table says what this route must be probed with.
      const kinds = new Set(probes.map((p) => p.kind));
      if (route.school !== 'none') {
        expect(kinds.has('foreign-school'), 'a school-scoped route needs a foreign-school probe').toBe(true);
        for (const p of probes.filter((x) => x.kind === 'foreign-school')) {
          expect(
            foreignSchoolIsWhereTheRouteTakesIt(route, p),
            `${p.what}: foreign school in ${route.school}`,
          ).toBe(true);
        }
      }
      if (route.entityParam) {
        expect(kinds.has('foreign-entity'), 'a route with an entity id needs a foreign-entity probe').toBe(
          true,
        );
        for (const p of probes.filter((x) => x.kind === 'foreign-entity')) {
          expect(p.params?.[route.entityParam], p.what).toBeDefined();
        }
      }
      if (route.auth === 'user') {
        const callers = new Set<CallerName>(probes.map((p) => p.as));
        expect([...callers].sort()).toEqual(['admin', 'ana', 'rui', 'student']);
      }

      const rowsBefore = await snapshotDb(server.database.db, VOLATILE_TABLES);
      const filesBeforeRoute = snapshotFiles(server.config.filesDir);
      for (const p of probes) {
        const api = p.api ?? matrix.apis[p.as];
        const res = await send(api, route, p);
        const label = `${p.what} → ${res.status} ${res.text.slice(0, 300)}`;
        if (p.expect === 'denied') {
          expect([403, 404], label).toContain(res.status);
          expect(BareError.safeParse(res.body).success, label).toBe(true);
        } else {
          expect(p.expect, label).toContain(res.status);
        }
        const allowed = new Set(p.allowedMarkers ?? []);
        for (const [found] of res.text.matchAll(MARKER))
          expect(allowed.has(found), `${label}: leaks ${found}`).toBe(true);
        await p.check?.(res);
        if (p.twin) {
          const twin = await send(api, route, p.twin);
          expect(
            { status: twin.status, body: twin.body },
            `${p.what}: answers unlike for ids that do not exist`,
          ).toEqual({
            status: res.status,
            body: res.body,
          });
        }
        if (routeKey(route) === 'POST /api/sync/push') {
          pushMutationsSent += 2 * (p.body as { mutations: unknown[] }).mutations.length;
        }
      }
      const rowsAfter = await snapshotDb(server.database.db, VOLATILE_TABLES);
      if (routeKey(route) === 'POST /api/sync/push') {
        // Each mutation runs in a write transaction that records its receipt and so takes a
        // version from the counter, even when rejected; no row carries it and no change is logged.
        delete rowsBefore.change_counter;
        delete rowsAfter.change_counter;
      }
      expect(rowsAfter).toEqual(rowsBefore);
      expect(snapshotFiles(server.config.filesDir)).toEqual(filesBeforeRoute);
    });
  }

  test('the whole matrix changed no row and no file', async () => {
    const after = await snapshotDb(server.database.db, VOLATILE_TABLES);
    const counter = (snap: DbSnapshot) => (JSON.parse(snap.change_counter![0]!) as { value: number }).value;
    // Only rejected pushes may have taken versions (see the push case above); nothing else moved.
    expect(counter(after) - counter(before)).toBeLessThanOrEqual(pushMutationsSent);
    delete after.change_counter;
    const { change_counter: _counter, ...rest } = before;
    expect(after).toEqual(rest);
    expect(snapshotFiles(server.config.filesDir)).toEqual(filesBefore);
  });
});
