/**
 * The weekly timetable on a real server and both engines (docs/ARCHITECTURE.md, "Running a
 * school", "Weekly timetable"): sessions at the wall-clock time in the school's time zone across
 * Lisbon's and New York's daylight-saving changes, a holiday cancelling its day's sessions and
 * notifying each teacher once, an edit moving the future sessions only, a session with
 * attendance or notes never deleted, bad input refused with nothing changed, and an audit entry
 * for every write.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TimetableWriteResponse } from '../../src/shared/admin-api.js';
import type { NotificationRow } from '../../src/shared/entities.js';
import type { PullResponse, PushResponse } from '../../src/shared/protocol.js';
import { renderNotification } from '../../src/shared/notification-text.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { snapshotDb, VOLATILE_TABLES } from '../support/db-snapshot.js';
import {
  dialectsHere,
  RELAXED_RATE_LIMITS,
  startTestServer,
  type TestServer,
} from '../support/server-fixture.js';

/** The wall-clock date and time an instant has in a zone: "2031-03-31 10:00". */
function wallClock(iso: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
const dayAfter = (ymd: string, n: number) =>
  new Date(Date.parse(`${ymd}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const isoWeekday = (ymd: string) => ((new Date(`${ymd}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;

describe.each(dialectsHere())('the weekly timetable on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  let norteCourses: number[];
  let sulCourse: number;
  const at = (school: number, path: string) => `/api/admin/schools/${school}${path}`;

  beforeAll(async () => {
    server = await startTestServer(dialect, RELAXED_RATE_LIMITS);
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
    const db = server.database.db;
    norteCourses = (
      await db.selectFrom('courses').select('id').where('school_id', '=', ids.norte).orderBy('id').execute()
    ).map((c) => c.id);
    sulCourse = (
      await db.selectFrom('courses').select('id').where('school_id', '=', ids.sul).executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => server?.stop());

  const sessionsOf = (entryId: number) =>
    server.database.db
      .selectFrom('class_sessions')
      .selectAll()
      .where('timetable_entry_id', '=', entryId)
      .orderBy('starts_at')
      .execute();
  const setZone = (school: number, timezone: string) =>
    server.database.db.updateTable('schools').set({ timezone }).where('id', '=', school).execute();
  async function create(school: number, body: Record<string, unknown>): Promise<TimetableWriteResponse> {
    const r = await admin.post<TimetableWriteResponse>(at(school, '/timetable'), body);
    expect(r.status, r.text).toBe(201);
    return r.body;
  }
  const auditOf = (subject: string) =>
    server.database.db
      .selectFrom('admin_audit')
      .selectAll()
      .where('subject', '=', subject)
      .orderBy('id')
      .execute();

  test("Lisbon: a Monday 10:00 lesson is at 10:00 local on both sides of March's and October's changes", async () => {
    await setZone(ids.norte, 'Europe/Lisbon');
    const e = await create(ids.norte, {
      course_id: norteCourses[0],
      teacher_id: ids.rui,
      weekday: 1,
      starts: '10:00',
      ends: '10:50',
      room: 'Sala 3',
      term_start: '2031-03-01',
      term_end: '2031-11-30',
    });
    const sessions = await sessionsOf(e.id);
    // Every Monday from 3 March to 24 November 2031.
    expect(sessions.length).toBe(39);
    expect(e.sessions).toEqual({ created: 39, moved: 0, removed: 0, cancelled: 0 });
    const byDate = new Map(sessions.map((s) => [s.starts_at.slice(0, 10), s]));
    // Summer time starts on Sunday 30 March and ends on Sunday 26 October 2031.
    expect(byDate.get('2031-03-24')?.starts_at).toBe('2031-03-24T10:00:00.000Z');
    expect(byDate.get('2031-03-31')?.starts_at).toBe('2031-03-31T09:00:00.000Z');
    expect(byDate.get('2031-10-20')?.starts_at).toBe('2031-10-20T09:00:00.000Z');
    expect(byDate.get('2031-10-27')?.starts_at).toBe('2031-10-27T10:00:00.000Z');
    expect(byDate.get('2031-10-27')?.ends_at).toBe('2031-10-27T10:50:00.000Z');
    for (const s of sessions) {
      expect(wallClock(s.starts_at, 'Europe/Lisbon').slice(11)).toBe('10:00');
      expect(wallClock(s.ends_at, 'Europe/Lisbon').slice(11)).toBe('10:50');
      expect(s).toMatchObject({
        school_id: ids.norte,
        teacher_id: ids.rui,
        course_id: norteCourses[0],
        location: 'Sala 3',
        status: 'scheduled',
      });
    }
    // The teacher's devices learn of them: each session is in the change log for rui.
    const logged = await server.database.db
      .selectFrom('sync_changes')
      .select('row_id')
      .where('entity', '=', 'session')
      .where('teacher_id', '=', ids.rui)
      .where(
        'row_id',
        'in',
        sessions.map((s) => s.id),
      )
      .execute();
    expect(new Set(logged.map((l) => l.row_id)).size).toBe(39);
    const [entry] = await auditOf(`timetable_entry:${e.id}`);
    expect(entry).toMatchObject({ action: 'timetable.create', actor_id: ids.admin, school_id: ids.norte });
    expect(JSON.parse(entry!.after!)).toMatchObject({
      weekday: 1,
      starts: '10:00',
      sessions: { created: 39 },
    });
  });

  test("New York: a Monday 10:00 lesson is at 10:00 local across March's and November's changes", async () => {
    await setZone(ids.sul, 'America/New_York');
    try {
      const e = await create(ids.sul, {
        course_id: sulCourse,
        teacher_id: ids.ana,
        weekday: 1,
        starts: '10:00',
        ends: '11:30',
        term_start: '2031-03-01',
        term_end: '2031-11-10',
      });
      const sessions = await sessionsOf(e.id);
      const byDate = new Map(sessions.map((s) => [s.starts_at.slice(0, 10), s]));
      // Daylight time starts on Sunday 9 March and ends on Sunday 2 November 2031.
      expect(byDate.get('2031-03-03')?.starts_at).toBe('2031-03-03T15:00:00.000Z');
      expect(byDate.get('2031-03-10')?.starts_at).toBe('2031-03-10T14:00:00.000Z');
      expect(byDate.get('2031-10-27')?.starts_at).toBe('2031-10-27T14:00:00.000Z');
      expect(byDate.get('2031-11-03')?.starts_at).toBe('2031-11-03T15:00:00.000Z');
      expect(byDate.get('2031-11-10')?.ends_at).toBe('2031-11-10T16:30:00.000Z');
      for (const s of sessions) expect(wallClock(s.starts_at, 'America/New_York').slice(11)).toBe('10:00');
      expect(sessions.length).toBe(37);
    } finally {
      await setZone(ids.sul, 'Europe/Lisbon');
    }
  });

  test('a holiday cancels its day’s sessions and notifies each teacher once', async () => {
    await setZone(ids.norte, 'Europe/Lisbon');
    const term = { term_start: '2032-01-05', term_end: '2032-02-29' };
    const lesson = (teacher: number, starts: string, ends: string, course: number) =>
      create(ids.norte, { course_id: course, teacher_id: teacher, weekday: 3, starts, ends, ...term });
    const a = await lesson(ids.rui, '09:00', '09:50', norteCourses[0]!);
    const b = await lesson(ids.rui, '10:00', '10:50', norteCourses[1]!);
    const c = await lesson(ids.ana, '14:00', '14:50', norteCourses[0]!);
    const notesBefore = await server.database.db
      .selectFrom('notifications')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirst();

    const res = await admin.post<{ id: number; cancelled: number; notified: number }>(
      at(ids.norte, '/holidays'),
      { date: '2032-01-21', name: 'Dia da escola' },
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ date: '2032-01-21', name: 'Dia da escola', cancelled: 3, notified: 2 });

    for (const entry of [a, b, c]) {
      const sessions = await sessionsOf(entry.id);
      for (const s of sessions)
        expect(s.status, s.starts_at).toBe(s.starts_at.startsWith('2032-01-21') ? 'cancelled' : 'scheduled');
      expect(sessions.filter((s) => s.status === 'cancelled').length).toBe(1);
    }
    const notes = await server.database.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '>', notesBefore?.id ?? 0)
      .where('type', '=', 'session_cancelled')
      .execute();
    expect(notes.map((n) => n.user_id).sort()).toEqual([ids.ana, ids.rui].sort());
    const rui = notes.find((n) => n.user_id === ids.rui)!;
    const params = JSON.parse(rui.params) as NotificationRow['params'];
    expect(params).toMatchObject({ holiday_name: 'Dia da escola', holiday_date: '2032-01-21', sessions: 2 });
    const row = { type: rui.type, title: rui.title, message: rui.message, params };
    expect(renderNotification(row, 'en', 'Europe/Lisbon')).toEqual({
      title: 'School closed: Dia da escola',
      body: 'Your 2 sessions on Jan 21, 2032 were cancelled.',
    });
    expect(renderNotification(row, 'pt-PT', 'Europe/Lisbon').title).toBe('Escola fechada: Dia da escola');
    const ana = notes.find((n) => n.user_id === ids.ana)!;
    const anaParams = JSON.parse(ana.params) as NotificationRow['params'];
    expect(anaParams).toMatchObject({ sessions: 1, holiday_date: '2032-01-21' });
    expect(typeof anaParams['session_title']).toBe('string');

    // A new lesson on that weekday skips the closed day; the same day twice is refused.
    const d = await lesson(ids.rui, '16:00', '16:50', norteCourses[1]!);
    expect((await sessionsOf(d.id)).map((s) => s.starts_at.slice(0, 10))).not.toContain('2032-01-21');
    const again = await admin.post(at(ids.norte, '/holidays'), { date: '2032-01-21', name: 'Outra vez' });
    expect(again.status).toBe(409);

    const [audited] = await auditOf(`holiday:${res.body.id}`);
    expect(audited).toMatchObject({ action: 'holiday.add', actor_id: ids.admin });
    expect(JSON.parse(audited!.after!)).toMatchObject({ cancelled: 3, notified: 2 });

    // Removing the holiday reopens the day: its lessons are scheduled again, the new one too.
    const del = await admin.request('DELETE', at(ids.norte, `/holidays/${res.body.id}`));
    expect(del.status, del.text).toBe(204);
    for (const entry of [a, b, c, d]) {
      const day = (await sessionsOf(entry.id)).filter((s) => s.starts_at.startsWith('2032-01-21'));
      expect(day.map((s) => s.status)).toEqual(['scheduled']);
    }
    expect((await auditOf(`holiday:${res.body.id}`)).map((x) => x.action)).toEqual([
      'holiday.add',
      'holiday.remove',
    ]);
  });

  test('changing an entry moves its future sessions only; the past stays as it was', async () => {
    await setZone(ids.norte, 'Europe/Lisbon');
    const today = new Date().toISOString().slice(0, 10);
    // A weekday three days ago: its sessions are clearly past or clearly to come.
    const weekday = isoWeekday(dayAfter(today, -3));
    const e = await create(ids.norte, {
      course_id: norteCourses[0],
      teacher_id: ids.rui,
      weekday,
      starts: '08:30',
      ends: '09:20',
      room: 'Sala 1',
      term_start: dayAfter(today, -30),
      term_end: dayAfter(today, 40),
    });
    const before = await sessionsOf(e.id);
    const now = new Date().toISOString();
    const past = before.filter((s) => s.starts_at < now);
    const future = before.filter((s) => s.starts_at > now);
    expect(past.length).toBeGreaterThanOrEqual(4);
    expect(future.length).toBeGreaterThanOrEqual(5);

    const r = await admin.patch<TimetableWriteResponse>(at(ids.norte, `/timetable/${e.id}`), {
      starts: '11:00',
      ends: '11:50',
      room: 'Sala 9',
      teacher_id: ids.ana,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.sessions).toEqual({ created: 0, moved: future.length, removed: 0, cancelled: 0 });
    const after = await sessionsOf(e.id);
    // The same rows (a moved session keeps its id, notes and enrolments).
    expect(after.map((s) => s.id).sort()).toEqual(before.map((s) => s.id).sort());
    for (const s of after) {
      const old = before.find((x) => x.id === s.id)!;
      if (old.starts_at < now) expect(s).toEqual(old);
      else {
        expect(wallClock(s.starts_at, 'Europe/Lisbon')).toBe(
          `${wallClock(old.starts_at, 'Europe/Lisbon').slice(0, 10)} 11:00`,
        );
        expect(s).toMatchObject({ location: 'Sala 9', teacher_id: ids.ana, status: 'scheduled' });
      }
    }
    const audited = await auditOf(`timetable_entry:${e.id}`);
    expect(audited.map((x) => x.action)).toEqual(['timetable.create', 'timetable.update']);
    expect(JSON.parse(audited[1]!.before!)).toEqual({
      teacher_id: ids.rui,
      starts: '08:30',
      ends: '09:20',
      room: 'Sala 1',
    });

    // Shortening the term ends the weeks after it: those future sessions are removed.
    const shorter = await admin.patch<TimetableWriteResponse>(at(ids.norte, `/timetable/${e.id}`), {
      term_end: dayAfter(today, 10),
    });
    expect(shorter.status, shorter.text).toBe(200);
    const left = await sessionsOf(e.id);
    expect(left.every((s) => s.starts_at.slice(0, 10) <= dayAfter(today, 11))).toBe(true);
    expect(left.filter((s) => s.starts_at < now)).toEqual(after.filter((s) => s.starts_at < now));
    expect(shorter.body.sessions.removed).toBe(after.length - left.length);
  });

  test('deactivating never deletes a session with attendance or notes: it is cancelled and kept', async () => {
    await setZone(ids.norte, 'Europe/Lisbon');
    const db = server.database.db;
    const e = await create(ids.norte, {
      course_id: norteCourses[1],
      teacher_id: ids.rui,
      weekday: 5,
      starts: '15:00',
      ends: '15:50',
      term_start: '2033-01-01',
      term_end: '2033-03-31',
    });
    const [withNotes, withAttendance, withPlan, ...plain] = await sessionsOf(e.id);
    const student = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('school_id', '=', ids.norte)
      .where('role', '=', 'student')
      .executeTakeFirstOrThrow();
    const enrolled = await admin.post(at(ids.norte, `/sessions/${withAttendance!.id}/enrolments`), {
      student_id: student.user_id,
    });
    expect(enrolled.status, enrolled.text).toBe(201);
    // An enrolment whose attendance is not marked does not keep a session.
    expect(
      (
        await admin.post(at(ids.norte, `/sessions/${plain[0]!.id}/enrolments`), {
          student_id: student.user_id,
        })
      ).status,
    ).toBe(201);
    // rui's app writes notes, a plan and attendance, as a teacher's device does (sync push).
    const marked = await db
      .selectFrom('enrolments')
      .select(['id', 'version'])
      .where('session_id', '=', withAttendance!.id)
      .executeTakeFirstOrThrow();
    const rui = await signedIn(server.url, 'rui@classdesk.test');
    const pushed = await rui.post<PushResponse>('/api/sync/push', {
      client_id: 'rui-laptop',
      mutations: [
        {
          id: 'tt-notes',
          type: 'update_lesson_notes',
          args: { session_id: withNotes!.id, base_version: withNotes!.version, lesson_notes: 'Capítulo 3' },
        },
        {
          id: 'tt-plan',
          type: 'update_lesson_plan',
          args: { session_id: withPlan!.id, base_version: withPlan!.version, homework: 'Exercícios 1 a 5' },
        },
        {
          id: 'tt-attendance',
          type: 'set_attendance',
          args: { enrolment_id: marked.id, attendance: 'present', base_version: marked.version },
        },
      ],
    });
    expect(pushed.status, pushed.text).toBe(200);
    expect(pushed.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);

    // rui's device is up to date before the change.
    let cursor: string | undefined;
    for (;;) {
      const p = await rui.get<PullResponse>('/api/sync/pull', { school_id: ids.norte, cursor, limit: 5000 });
      expect(p.status, p.text).toBe(200);
      cursor = p.body.cursor;
      if (!p.body.has_more) break;
    }

    const lastNotice = await db
      .selectFrom('notifications')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const r = await admin.request<TimetableWriteResponse>('DELETE', at(ids.norte, `/timetable/${e.id}`));
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ active: false, sessions: { removed: plain.length, cancelled: 3 } });
    const kept = await sessionsOf(e.id);
    expect(kept.map((s) => [s.id, s.status])).toEqual([
      [withNotes!.id, 'cancelled'],
      [withAttendance!.id, 'cancelled'],
      [withPlan!.id, 'cancelled'],
    ]);
    expect(kept[0]!.lesson_notes).toBe('Capítulo 3');
    expect(
      await db
        .selectFrom('enrolments')
        .select('attendance')
        .where('session_id', '=', withAttendance!.id)
        .execute(),
    ).toEqual([{ attendance: 'present' }]);
    expect(
      await db.selectFrom('enrolments').select('id').where('session_id', '=', plain[0]!.id).execute(),
    ).toEqual([]);
    // rui is told once of the three sessions cancelled and kept.
    const told = await db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '>', lastNotice?.id ?? 0)
      .execute();
    expect(told.map((n) => [n.user_id, n.type])).toEqual([[ids.rui, 'session_cancelled']]);
    const toldParams = JSON.parse(told[0]!.params) as NotificationRow['params'];
    expect(toldParams).toMatchObject({ sessions: 3, starts_at: withNotes!.starts_at });
    expect(renderNotification({ ...told[0]!, params: toldParams }, 'en', 'Europe/Lisbon').body).toMatch(
      /^3 sessions of .+ from .+ were cancelled\.$/,
    );
    // rui's next pull deletes the removed sessions and shows the kept ones cancelled.
    const next = await rui.get<PullResponse>('/api/sync/pull', { school_id: ids.norte, cursor, limit: 5000 });
    expect(next.status, next.text).toBe(200);
    const deleted = next.body.changes.filter((c) => c.op === 'delete' && c.entity === 'session');
    expect(deleted.map((c) => (c.op === 'delete' ? c.id : 0)).sort()).toEqual(plain.map((s) => s.id).sort());
    const upserted = next.body.changes.flatMap((c) =>
      c.op === 'upsert' && c.entity === 'session' ? [[c.row.id, c.row.status]] : [],
    );
    expect(upserted.sort()).toEqual(
      [withNotes!.id, withAttendance!.id, withPlan!.id].map((id) => [id, 'cancelled']).sort(),
    );
    // The removed sessions leave rui's devices: their ids are in the change log for him.
    const logged = await db
      .selectFrom('sync_changes')
      .select('row_id')
      .where('entity', '=', 'session')
      .where('teacher_id', '=', ids.rui)
      .where('row_id', '=', plain[1]!.id)
      .execute();
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect((await auditOf(`timetable_entry:${e.id}`)).map((x) => x.action)).toEqual([
      'timetable.create',
      'timetable.deactivate',
    ]);
    // A deactivated entry is not changed any more.
    expect((await admin.patch(at(ids.norte, `/timetable/${e.id}`), { room: 'X' })).status).toBe(409);
    const listed = await admin.get<{ items: Array<{ id: number; active: boolean }> }>(
      at(ids.norte, '/timetable'),
      { active: 'false' },
    );
    expect(listed.body.items.map((i) => i.id)).toContain(e.id);
  });

  test('a session kept by an entry change stays cancelled when a holiday that day comes and goes', async () => {
    await setZone(ids.norte, 'Europe/Lisbon');
    const e = await create(ids.norte, {
      course_id: norteCourses[0],
      teacher_id: ids.rui,
      weekday: 3,
      starts: '13:00',
      ends: '13:50',
      term_start: '2035-01-01',
      term_end: '2035-01-31',
    });
    const first = (await sessionsOf(e.id)).at(-1);
    const rui = await signedIn(server.url, 'rui@classdesk.test');
    const pushed = await rui.post<PushResponse>('/api/sync/push', {
      client_id: 'rui-desktop',
      mutations: [
        {
          id: 'tt-keep',
          type: 'update_lesson_notes',
          args: { session_id: first!.id, base_version: first!.version, lesson_notes: 'Preparada' },
        },
      ],
    });
    expect(pushed.body.results.map((r) => r.status)).toEqual(['applied']);
    // The term ends earlier: the last Wednesday, which has notes, is cancelled and kept.
    const shorter = await admin.patch<TimetableWriteResponse>(at(ids.norte, `/timetable/${e.id}`), {
      term_end: '2035-01-20',
    });
    expect(shorter.body.sessions).toEqual({ created: 0, moved: 0, removed: 1, cancelled: 1 });
    const day = wallClock(first!.starts_at, 'Europe/Lisbon').slice(0, 10);
    const h = await admin.post<{ id: number; cancelled: number }>(at(ids.norte, '/holidays'), {
      date: day,
      name: 'Dia sem aulas',
    });
    expect(h.status, h.text).toBe(201);
    expect(h.body.cancelled).toBe(0);
    expect((await admin.request('DELETE', at(ids.norte, `/holidays/${h.body.id}`))).status).toBe(204);
    const kept = (await sessionsOf(e.id)).find((s) => s.id === first!.id)!;
    expect(kept).toMatchObject({
      status: 'cancelled',
      lesson_notes: 'Preparada',
      starts_at: first!.starts_at,
    });
    expect((await sessionsOf(e.id)).filter((s) => s.status === 'scheduled').length).toBe(3);
  });

  test("a new session starts with its course's class list (the imported roster) enrolled", async () => {
    const db = server.database.db;
    const course = norteCourses[2] ?? norteCourses[0]!;
    const students = (
      await db
        .selectFrom('memberships')
        .select('user_id')
        .where('school_id', '=', ids.norte)
        .where('role', '=', 'student')
        .where('active', '=', 1)
        .orderBy('user_id')
        .limit(3)
        .execute()
    ).map((m) => m.user_id);
    const now = new Date().toISOString();
    await db
      .insertInto('course_members')
      .values(
        students.map((user_id, i) => ({
          school_id: ids.norte,
          course_id: course,
          user_id,
          role: 'student' as const,
          // The third has left the class: not enrolled.
          active: i < 2 ? 1 : 0,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const e = await create(ids.norte, {
      course_id: course,
      teacher_id: ids.rui,
      weekday: 3,
      starts: '08:30',
      ends: '09:20',
      room: 'Sala 9',
      term_start: '2032-01-05',
      term_end: '2032-01-25',
    });
    const sessions = await sessionsOf(e.id);
    expect(sessions.length).toBe(3);
    for (const s of sessions) {
      const enrolled = await db
        .selectFrom('enrolments')
        .select(['student_id', 'attendance'])
        .where('session_id', '=', s.id)
        .orderBy('student_id')
        .execute();
      expect(enrolled).toEqual(
        students.slice(0, 2).map((student_id) => ({ student_id, attendance: 'unknown' })),
      );
    }
    // rui's devices learn of the enrolments.
    const logged = await db
      .selectFrom('sync_changes')
      .select('row_id')
      .where('entity', '=', 'enrolment')
      .where('teacher_id', '=', ids.rui)
      .where('school_id', '=', ids.norte)
      .execute();
    const enrolmentIds = (
      await db
        .selectFrom('enrolments')
        .select('id')
        .where(
          'session_id',
          'in',
          sessions.map((s) => s.id),
        )
        .execute()
    ).map((r) => r.id);
    expect(enrolmentIds.every((id) => logged.some((l) => l.row_id === id))).toBe(true);
  });

  test('the timetable and holiday lists page by keyset, in order, each row once', async () => {
    const all: Array<{ id: number; weekday: number; starts: string }> = [];
    let cursor: string | undefined;
    do {
      const r = await admin.get<{ items: typeof all; next_cursor: string | null }>(
        at(ids.norte, '/timetable'),
        {
          limit: 2,
          cursor,
        },
      );
      expect(r.status, r.text).toBe(200);
      all.push(...r.body.items);
      cursor = r.body.next_cursor ?? undefined;
    } while (cursor);
    const stored = await server.database.db
      .selectFrom('timetable_entries')
      .select('id')
      .where('school_id', '=', ids.norte)
      .execute();
    expect(all.map((x) => x.id).sort()).toEqual(stored.map((x) => x.id).sort());
    const keys = all.map((x) => `${x.weekday} ${x.starts} ${String(x.id).padStart(9, '0')}`);
    expect([...keys].sort()).toEqual(keys);
    const holidays = await admin.get(at(ids.norte, '/holidays'), { from: '2030-01-01' });
    expect(holidays.status).toBe(200);
  });

  test('bad input is refused with a clear 400 and changes nothing', async () => {
    const db = server.database.db;
    const good = {
      course_id: norteCourses[0],
      teacher_id: ids.rui,
      weekday: 2,
      starts: '10:00',
      ends: '10:50',
      term_start: '2034-01-01',
      term_end: '2034-06-30',
    };
    const e = await create(ids.norte, good);
    const before = await snapshotDb(db, VOLATILE_TABLES);
    const bad: Array<[string, string, unknown, string]> = [
      ['POST', '/timetable', { ...good, weekday: 8 }, 'weekday'],
      ['POST', '/timetable', { ...good, weekday: 0 }, 'weekday'],
      ['POST', '/timetable', { ...good, starts: '24:00' }, 'starts'],
      ['POST', '/timetable', { ...good, starts: '9:00' }, 'starts'],
      ['POST', '/timetable', { ...good, ends: '09:00' }, 'ends'],
      ['POST', '/timetable', { ...good, term_end: '2033-12-31' }, 'term_end'],
      ['POST', '/timetable', { ...good, term_end: '2036-01-01' }, 'term_end'],
      ['POST', '/timetable', { ...good, term_start: '2034-02-30' }, 'term_start'],
      ['POST', '/timetable', { ...good, room: 'a\u0000b' }, 'room'],
      ['POST', '/timetable', { ...good, extra: 1 }, ''],
      ['PATCH', `/timetable/${e.id}`, {}, ''],
      ['PATCH', `/timetable/${e.id}`, { ends: '09:00' }, 'ends'],
      ['PATCH', `/timetable/${e.id}`, { term_end: '2033-01-01' }, 'term_end'],
      ['POST', '/holidays', { date: '2034-13-01', name: 'X' }, 'date'],
      ['POST', '/holidays', { date: '2034-01-10', name: '' }, 'name'],
      ['POST', '/holidays', { date: '2020-01-10', name: 'Passado' }, 'date'],
    ];
    for (const [method, path, body, field] of bad) {
      const r = await admin.request<{ error: { code: string; message: string; field?: string } }>(
        method,
        at(ids.norte, path),
        { body },
      );
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(r.body.error.message.length).toBeGreaterThan(5);
      if (field) expect(r.body.error.field, r.text).toBe(field);
    }
    // A teacher or course of another school is unknown here.
    expect((await admin.post(at(ids.norte, '/timetable'), { ...good, course_id: sulCourse })).status).toBe(
      404,
    );
    expect(await snapshotDb(db, VOLATILE_TABLES)).toEqual(before);
  });
});
