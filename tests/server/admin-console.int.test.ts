/**
 * The admin console's API on a real server and both engines (docs/ARCHITECTURE.md, "Admin
 * console"): keyset pages that walk a whole list once, the week filter in the school's time
 * zone, an audit entry for every admin write, invitations for a new and an existing account with
 * the same answer for both, and an administrator of Escola Sul alone refused everything of Norte.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROUTES } from '../../server/http/app.js';
import { hashPassword, TEST_SCRYPT } from '../../server/domain/passwords.js';
import { signedIn, TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { snapshotDb, VOLATILE_TABLES } from '../support/db-snapshot.js';
import { exportForm, oneRosterExport } from '../support/oneroster.js';
import {
  dialectsHere,
  RELAXED_RATE_LIMITS,
  startTestServer,
  type TestServer,
} from '../support/server-fixture.js';

interface PageBody<T> {
  items: T[];
  next_cursor: string | null;
}

describe.each(dialectsHere())('the admin console API on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  const at = (path: string) => `/api/admin/schools/${ids.norte}${path}`;

  beforeAll(async () => {
    server = await startTestServer(dialect, RELAXED_RATE_LIMITS);
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
  });
  afterAll(() => server?.stop());

  /** Every item of a list, page by page. */
  async function walk<T>(path: string, query: Record<string, string | number> = {}): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    do {
      const r = await admin.get<PageBody<T>>(at(path), { ...query, limit: 7, cursor });
      expect(r.status, r.text).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(7);
      all.push(...r.body.items);
      cursor = r.body.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }

  test("keyset pages walk each list once, in order, and hold exactly the school's rows", async () => {
    const db = server.database.db;
    const sessions = await walk<{ id: number; starts_at: string }>('/sessions');
    const expected = await db
      .selectFrom('class_sessions')
      .select('id')
      .where('school_id', '=', ids.norte)
      .execute();
    expect(sessions.map((s) => s.id).sort((a, b) => a - b)).toEqual(
      expected.map((s) => s.id).sort((a, b) => a - b),
    );
    const starts = sessions.map((s) => s.starts_at);
    expect([...starts].sort()).toEqual(starts);

    const students = await walk<{ user_id: number; name: string; enrolments: Array<{ session_id: number }> }>(
      '/students',
    );
    const norteStudents = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('school_id', '=', ids.norte)
      .where('role', '=', 'student')
      .execute();
    expect(students.map((s) => s.user_id).sort((a, b) => a - b)).toEqual(
      norteStudents.map((s) => s.user_id).sort((a, b) => a - b),
    );
    const enrolled = students.flatMap((s) => s.enrolments.map((e) => e.session_id));
    const norteSessions = new Set(expected.map((s) => s.id));
    expect(enrolled.length).toBeGreaterThan(0);
    for (const id of enrolled) expect(norteSessions.has(id)).toBe(true);

    const staff = await walk<{ user_id: number; role: string }>('/memberships');
    expect(staff.map((m) => m.user_id).sort((a, b) => a - b)).toEqual(
      [ids.ana, ids.rui, ids.admin].sort((a, b) => a - b),
    );
    const resources = await walk<{ id: number; scan_status: string }>('/resources');
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.every((r) => r.scan_status === 'clean')).toBe(true);
  });

  test("the week filter takes the school's Monday-to-Sunday week, with teacher and course filters", async () => {
    const db = server.database.db;
    const one = await db
      .selectFrom('class_sessions')
      .select(['starts_at', 'teacher_id', 'course_id'])
      .where('school_id', '=', ids.norte)
      .where('course_id', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const week = one.starts_at.slice(0, 10);
    const found = await walk<{ starts_at: string; teacher_id: number; course_id: number }>('/sessions', {
      week,
      teacher_id: one.teacher_id,
      course_id: one.course_id!,
    });
    expect(found.map((s) => s.starts_at)).toContain(one.starts_at);
    const span = (Date.parse(found.at(-1)!.starts_at) - Date.parse(found[0]!.starts_at)) / 86_400_000;
    expect(span).toBeLessThan(7);
    for (const s of found) {
      expect(s.teacher_id).toBe(one.teacher_id);
      expect(s.course_id).toBe(one.course_id);
    }
  });

  test('every admin write is in the audit log: who, what, when, before → after', async () => {
    const db = server.database.db;
    const course = (await admin.post<{ id: number }>(at('/courses'), { name: 'Geografia', code: 'GEO' }))
      .body;
    const times = { starts_at: '2031-05-05T09:00:00.000Z', ends_at: '2031-05-05T09:50:00.000Z' };
    const session = (
      await admin.post<{ id: number }>(at('/sessions'), {
        teacher_id: ids.rui,
        course_id: course.id,
        title: 'Rios',
        ...times,
      })
    ).body;
    await admin.patch(at(`/sessions/${session.id}`), { title: 'Rios e serras' });
    const student = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('school_id', '=', ids.norte)
      .where('role', '=', 'student')
      .executeTakeFirstOrThrow();
    expect(
      (await admin.post(at(`/sessions/${session.id}/enrolments`), { student_id: student.user_id })).status,
    ).toBe(201);
    expect((await admin.delete(at(`/sessions/${session.id}/enrolments/${student.user_id}`))).status).toBe(
      204,
    );
    await admin.patch(at(`/sessions/${session.id}`), { status: 'cancelled' });
    await admin.post(at('/announcements'), { title: 'Visita de estudo', message: 'Quinta-feira.' });
    await admin.post(at('/memberships'), {
      email: 'aluno.novo@classdesk.test',
      role: 'student',
      name: 'Aluno Novo',
    });
    await admin.patch(at(`/memberships/${ids.rui}`), { active: false });
    await admin.patch(at(`/memberships/${ids.rui}`), { active: true });
    await admin.post(at('/invitations'), { email: 'colega@classdesk.test', role: 'teacher' });

    const log = await walk<{
      action: string;
      subject: string;
      actor_id: number;
      actor_name: string;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
      created_at: string;
    }>('/audit');
    expect(log.map((e) => e.action).reverse()).toEqual([
      'course.create',
      'session.create',
      'session.update',
      'enrolment.add',
      'enrolment.remove',
      'session.cancel',
      'announcement.post',
      'membership.add',
      'membership.update',
      'membership.update',
      'invitation.create',
    ]);
    for (const e of log) {
      expect(e.actor_id).toBe(ids.admin);
      expect(e.actor_name).toContain('Admin');
    }
    const rename = log.find((e) => e.action === 'session.update')!;
    expect(rename).toMatchObject({
      subject: `session:${session.id}`,
      before: { title: 'Rios' },
      after: { title: 'Rios e serras' },
    });
    expect(log.find((e) => e.action === 'session.cancel')).toMatchObject({
      before: { status: 'scheduled' },
      after: { status: 'cancelled' },
    });
    expect(log.filter((e) => e.action === 'membership.update').map((e) => e.after)).toEqual([
      { active: true },
      { active: false },
    ]);
    // Nothing of Norte's log is in Sul's.
    const sul = await admin.get<PageBody<unknown>>(`/api/admin/schools/${ids.sul}/audit`);
    expect(sul.body.items).toEqual([]);
  });

  test('a failed admin write leaves no audit entry', async () => {
    const before = await server.database.db.selectFrom('admin_audit').select('id').execute();
    const r = await admin.patch(at(`/memberships/${ids.admin}`), { active: false });
    expect(r.status).toBe(409);
    expect(await server.database.db.selectFrom('admin_audit').select('id').execute()).toEqual(before);
  });

  test('inviting answers the same for an email with an account and one without; nothing starts before acceptance', async () => {
    const db = server.database.db;
    const existing = await admin.post<Record<string, unknown>>(`/api/admin/schools/${ids.sul}/invitations`, {
      email: 'rui@classdesk.test',
      role: 'teacher',
    });
    const fresh = await admin.post<Record<string, unknown>>(`/api/admin/schools/${ids.sul}/invitations`, {
      email: 'nobody.yet@classdesk.test',
      role: 'teacher',
    });
    expect(existing.status).toBe(201);
    expect(fresh.status).toBe(201);
    expect(Object.keys(existing.body).sort()).toEqual(Object.keys(fresh.body).sort());
    const same = (b: Record<string, unknown>) => ({
      ...b,
      id: 0,
      token: '',
      email: '',
      created_at: '',
      expires_at: '',
    });
    expect(same(existing.body)).toEqual(same(fresh.body));
    expect([...existing.headers.keys()].sort()).toEqual([...fresh.headers.keys()].sort());
    // No account was created, no membership started.
    expect(
      await db.selectFrom('users').select('id').where('email', '=', 'nobody.yet@classdesk.test').execute(),
    ).toEqual([]);
    const ruiInSul = await db
      .selectFrom('memberships')
      .select('id')
      .where('school_id', '=', ids.sul)
      .where('user_id', '=', ids.rui)
      .execute();
    expect(ruiInSul).toEqual([]);
    // Rui, who has an account, is told in the app (in Norte, where he teaches).
    // The server stores the facts; each reader writes the sentence in its language.
    const notice = await db
      .selectFrom('notifications')
      .select(['school_id', 'title', 'params'])
      .where('user_id', '=', ids.rui)
      .where('params', 'like', '%invitation_school%')
      .executeTakeFirstOrThrow();
    expect(notice).toEqual({
      school_id: ids.norte,
      title: '',
      params: JSON.stringify({ invitation_school: 'Escola Sul' }),
    });
  });

  test('a new person accepts by link with a name and password, then signs in; the link works once', async () => {
    const db = server.database.db;
    const sent = await admin.post<{ token: string }>(`/api/admin/schools/${ids.norte}/invitations`, {
      email: 'marta@classdesk.test',
      role: 'teacher',
    });
    const anon = new TestApi(server.url);
    const preview = await anon.get(`/api/invitations/${sent.body.token}`);
    expect(preview.body).toMatchObject({
      school_name: 'Escola Norte',
      role: 'teacher',
      email: 'marta@classdesk.test',
    });
    const accepted = await anon.post<{ token: string; user: { id: number; name: string } }>(
      `/api/invitations/${sent.body.token}/accept`,
      { name: 'Marta Sousa', password: 'uma-senha-comprida' },
    );
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.user.name).toBe('Marta Sousa');
    const m = await db
      .selectFrom('memberships')
      .select(['role', 'active'])
      .where('school_id', '=', ids.norte)
      .where('user_id', '=', accepted.body.user.id)
      .executeTakeFirstOrThrow();
    expect(m).toEqual({ role: 'teacher', active: 1 });
    const marta = new TestApi(server.url);
    await marta.login('marta@classdesk.test', 'uma-senha-comprida');
    expect((await marta.get('/api/dashboard', { school_id: ids.norte })).status).toBe(200);
    expect((await anon.get(`/api/invitations/${sent.body.token}`)).status).toBe(404);
    const again = await anon.post(`/api/invitations/${sent.body.token}/accept`, {
      name: 'Outra',
      password: 'outra-senha-comprida',
    });
    expect(again.status).toBe(404);
  });

  test('a person with an account accepts when signed in, or by link with their own password (their name kept)', async () => {
    const db = server.database.db;
    // Rui, signed in, sees his invitation to Sul (sent in the test above) and accepts it.
    const rui = await signedIn(server.url, 'rui@classdesk.test');
    const mine = (await rui.get<Array<{ id: number; school_id: number }>>('/api/me/invitations')).body;
    expect(mine.map((i) => i.school_id)).toEqual([ids.sul]);
    expect((await rui.post(`/api/me/invitations/${mine[0]!.id}/accept`)).status).toBe(200);
    expect((await rui.get('/api/dashboard', { school_id: ids.sul })).status).toBe(200);

    // Ana is invited to administer Norte? She teaches there already: 409, about this school only.
    expect(
      (await admin.post(at('/invitations'), { email: 'ana@classdesk.test', role: 'admin' })).status,
    ).toBe(409);

    // A person with an account in no school of this admin accepts by link with their password.
    const hash = await hashPassword('senha-da-lia-123', TEST_SCRYPT);
    await db
      .insertInto('users')
      .values({
        email: 'lia@classdesk.test',
        name: 'Lia Matos',
        password_hash: hash,
        version: 1,
        created_at: new Date().toISOString(),
      })
      .execute();
    const sent = await admin.post<{ token: string }>(at('/invitations'), {
      email: 'lia@classdesk.test',
      role: 'admin',
    });
    const anon = new TestApi(server.url);
    const wrong = await anon.post(`/api/invitations/${sent.body.token}/accept`, {
      password: 'not-her-password',
    });
    expect(wrong.status).toBe(401);
    const ok = await anon.post<{ user: { name: string } }>(`/api/invitations/${sent.body.token}/accept`, {
      name: 'Someone Else',
      password: 'senha-da-lia-123',
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.user.name).toBe('Lia Matos');
    const lia = new TestApi(server.url);
    await lia.login('lia@classdesk.test', 'senha-da-lia-123');
    expect((await lia.get(at('/memberships'))).status).toBe(200);
  });

  test('an admin can change a teacher to an admin and back; the last active admin stays', async () => {
    expect((await admin.patch(at(`/memberships/${ids.rui}`), { role: 'admin' })).body).toMatchObject({
      role: 'admin',
    });
    expect((await admin.patch(at(`/memberships/${ids.rui}`), { role: 'teacher' })).body).toMatchObject({
      role: 'teacher',
      active: true,
    });
    const sulAdmins = await admin.get<PageBody<{ user_id: number }>>(
      `/api/admin/schools/${ids.sul}/memberships`,
      {
        role: 'admin',
      },
    );
    expect(sulAdmins.body.items.map((m) => m.user_id)).toEqual([ids.admin]);
    expect(
      (await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.admin}`, { role: 'teacher' }))
        .status,
    ).toBe(409);
  });

  test('an administrator of Escola Sul alone can read and change nothing of Escola Norte', async () => {
    const db = server.database.db;
    const hash = await hashPassword('senha-do-sul-123', TEST_SCRYPT);
    const { id } = await db
      .insertInto('users')
      .values({
        email: 'sul.admin@classdesk.test',
        name: 'Admin do Sul',
        password_hash: hash,
        version: 1,
        created_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('memberships')
      .values({
        school_id: ids.sul,
        user_id: id,
        role: 'admin',
        active: 1,
        version: 1,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    const sulAdmin = new TestApi(server.url);
    await sulAdmin.login('sul.admin@classdesk.test', 'senha-do-sul-123');
    const anyNorteSession = await db
      .selectFrom('class_sessions')
      .select('id')
      .where('school_id', '=', ids.norte)
      .executeTakeFirstOrThrow();
    const anyNorteAnnouncement = await db
      .selectFrom('announcements')
      .select('id')
      .where('school_id', '=', ids.norte)
      .executeTakeFirstOrThrow();
    const values: Record<string, number | string> = {
      schoolId: ids.norte,
      key: 'email_notifications',
      userId: ids.rui,
      sessionId: anyNorteSession.id,
      studentId: ids.rui,
      announcementId: anyNorteAnnouncement.id,
      // Any id: the permission check comes before the entry or holiday is looked up.
      entryId: 1,
      holidayId: 1,
    };
    const before = await snapshotDb(db, VOLATILE_TABLES);
    const adminRoutes = ROUTES.filter((r) => r.url.startsWith('/api/admin/schools/:schoolId'));
    expect(adminRoutes.length).toBeGreaterThan(15);
    for (const r of adminRoutes) {
      const url = r.url.replace(/:(\w+)/g, (_, k: string) => String(values[k]));
      // The roster import takes files (multipart), not JSON: it gets a well-formed export.
      const res = await sulAdmin.request(
        r.method,
        url,
        r.url.endsWith('/imports')
          ? {
              raw: exportForm(
                oneRosterExport({ teachers: 1, students: 1, classes: 1, classesPerStudent: 1 }),
              ),
            }
          : r.method === 'GET' || r.method === 'DELETE'
            ? {}
            : { body: {} },
      );
      // An empty body is refused first (400) where the route takes one: send a valid-looking one.
      const status =
        res.status === 400
          ? (await sulAdmin.request(r.method, url, { body: plausibleBody(r.url, ids) })).status
          : res.status;
      expect(status, `${r.method} ${r.url}`).toBe(403);
    }
    expect(await snapshotDb(db, VOLATILE_TABLES)).toEqual(before);
    // And Sul is theirs.
    expect((await sulAdmin.get(`/api/admin/schools/${ids.sul}/sessions`)).status).toBe(200);
  });
});

/** A body each admin write route accepts as well-formed, to reach its permission check. */
function plausibleBody(url: string, ids: DemoIds): unknown {
  const times = { starts_at: '2031-05-05T09:00:00.000Z', ends_at: '2031-05-05T09:50:00.000Z' };
  if (url.endsWith('/memberships')) return { email: 'x@classdesk.test', role: 'student', name: 'X' };
  if (url.endsWith('/memberships/:userId')) return { active: false };
  if (url.endsWith('/courses')) return { name: 'X', code: 'X' };
  if (url.endsWith('/sessions')) return { teacher_id: ids.rui, title: 'X', ...times };
  if (url.endsWith('/sessions/:sessionId')) return { status: 'cancelled' };
  if (url.endsWith('/enrolments')) return { student_id: ids.rui };
  if (url.endsWith('/announcements')) return { title: 'X', message: 'X' };
  if (url.endsWith('/invitations')) return { email: 'x@classdesk.test', role: 'teacher' };
  if (url.endsWith('/timetable'))
    return {
      course_id: 1,
      teacher_id: ids.rui,
      weekday: 1,
      starts: '09:00',
      ends: '09:50',
      term_start: '2031-05-01',
      term_end: '2031-05-31',
    };
  if (url.endsWith('/timetable/:entryId')) return { room: 'X' };
  if (url.endsWith('/holidays')) return { date: '2031-05-05', name: 'X' };
  if (url.endsWith('/feature-flags/:key')) return { enabled: false };
  return {};
}
