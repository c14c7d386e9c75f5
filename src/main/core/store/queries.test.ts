import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyPlan, type EntityRow } from '../../../shared/entities.js';
import type { PullChange } from '../../../shared/protocol.js';
import { LocalStore } from './local-store.js';
import {
  dashboard,
  fold,
  listAnnouncements,
  listNotifications,
  listResources,
  listSchools,
  listSessions,
  listStudents,
  sessionDetail,
  unreadCount,
} from './queries.js';

// Wednesday 9 January 2030; Lisbon is on UTC in January. Week: Mon 7 – Mon 14; month: January.
const NOW = new Date('2030-01-09T10:00:00.000Z');
const TZ = 'Europe/Lisbon';
const TEACHER = 7;
const NORTE = 1;
const SUL = 2;

const school = (id: number, name: string): EntityRow['school'] => ({ id, name, timezone: TZ, version: 1 });
const course = (id: number, school_id: number, name: string, code: string): EntityRow['course'] => ({
  id,
  school_id,
  name,
  code,
  version: 1,
});
const student = (school_id: number, id: number, name: string): EntityRow['student'] => ({
  id,
  school_id,
  name,
  email: `${name.split(' ')[0]!.toLowerCase()}@escola.test`,
  version: 1,
});
const session = (
  id: number,
  school_id: number,
  starts_at: string,
  o: Partial<EntityRow['session']> = {},
): EntityRow['session'] => ({
  id,
  school_id,
  teacher_id: TEACHER,
  course_id: null,
  title: `Aula ${id}`,
  starts_at,
  ends_at: new Date(new Date(starts_at).getTime() + 50 * 60_000).toISOString(),
  status: 'scheduled',
  location: '',
  lesson_notes: '',
  ...emptyPlan(),
  version: 1,
  ...o,
});
const enrolment = (
  id: number,
  school_id: number,
  session_id: number,
  student_id: number,
  attendance: EntityRow['enrolment']['attendance'] = 'unknown',
): EntityRow['enrolment'] => ({ id, school_id, session_id, student_id, attendance, version: 1 });
const resource = (
  id: number,
  school_id: number,
  title: string,
  created_at: string,
  course_ids: number[],
): EntityRow['resource'] => ({
  id,
  school_id,
  teacher_id: TEACHER,
  title,
  description: `Descrição de ${title}`,
  file_type: 'pdf',
  mime_type: 'application/pdf',
  size: 1000,
  sha256: 'a'.repeat(64),
  shared_with_students: id % 2 === 0,
  course_ids,
  scan_status: 'clean',
  created_at,
  version: 1,
});
const notification = (
  id: number,
  school_id: number,
  created_at: string,
  o: { read?: boolean; dismissed?: boolean } = {},
): EntityRow['notification'] => ({
  id,
  school_id,
  user_id: TEACHER,
  type: 'session_reminder',
  title: `Notificação ${id}`,
  message: 'A aula começa em 15 minutos',
  params: {},
  action_url: '',
  is_read: o.read ?? false,
  is_dismissed: o.dismissed ?? false,
  read_at: o.read ? created_at : null,
  delivered_via_socket: false,
  created_at,
  expires_at: null,
  version: 1,
});
const announcement = (id: number, school_id: number, created_at: string): EntityRow['announcement'] => ({
  id,
  school_id,
  title: `Aviso ${id}`,
  message: 'Reunião geral',
  created_at,
  version: 1,
});

const up = <E extends PullChange & { op: 'upsert' }>(entity: E['entity'], row: E['row']): PullChange =>
  ({ op: 'upsert', entity, row }) as PullChange;

const NORTE_ROWS: PullChange[] = [
  up('school', school(NORTE, 'Escola Norte')),
  up('course', course(11, NORTE, 'Matemática', 'MAT')),
  up('course', course(12, NORTE, 'Português', 'POR')),
  up('student', student(NORTE, 101, 'Beatriz Lopes')),
  up('student', student(NORTE, 102, 'Zé Carlos')),
  up('student', student(NORTE, 103, 'Álvaro Reis')),
  up('student', student(NORTE, 104, 'Carla Dias')),
  // Today: one completed this morning, one this afternoon.
  up(
    'session',
    session(1001, NORTE, '2030-01-09T09:00:00.000Z', {
      title: 'Matemática — turma 1',
      course_id: 11,
      status: 'completed',
      location: 'Sala 3',
      lesson_notes: 'Frações e percentagens',
    }),
  ),
  up('session', session(1002, NORTE, '2030-01-09T14:00:00.000Z', { title: 'Português', course_id: 12 })),
  // This week, not today.
  up(
    'session',
    session(1003, NORTE, '2030-01-08T09:00:00.000Z', {
      title: 'Matemática — turma 2',
      course_id: 11,
      status: 'cancelled',
    }),
  ),
  // This month, not this week (one before, one after).
  up('session', session(1006, NORTE, '2030-01-05T09:00:00.000Z', { status: 'completed' })),
  up('session', session(1004, NORTE, '2030-01-20T09:00:00.000Z', { course_id: 12, location: 'Biblioteca' })),
  // Next month.
  up('session', session(1005, NORTE, '2030-02-03T09:00:00.000Z', { lesson_notes: 'Visita de estudo' })),
  up('enrolment', enrolment(3001, NORTE, 1001, 101, 'present')),
  up('enrolment', enrolment(3002, NORTE, 1001, 102, 'absent')),
  up('enrolment', enrolment(3003, NORTE, 1001, 103, 'late')),
  up('enrolment', enrolment(3004, NORTE, 1002, 101)),
  up('enrolment', enrolment(3005, NORTE, 1003, 104)),
  up('resource', resource(501, NORTE, 'Ficha de frações', '2030-01-01T10:00:00.000Z', [11])),
  up('resource', resource(502, NORTE, 'Texto de leitura', '2030-01-02T10:00:00.000Z', [12])),
  up('resource', resource(503, NORTE, 'Regras da sala', '2030-01-03T10:00:00.000Z', [])),
  up('resource', resource(504, NORTE, 'Exercícios MAT', '2030-01-04T10:00:00.000Z', [11, 12])),
  up('resource', resource(505, NORTE, 'Poema', '2030-01-05T10:00:00.000Z', [12])),
  up('resource', resource(506, NORTE, 'Teste 50%', '2030-01-06T10:00:00.000Z', [])),
  up('announcement', announcement(801, NORTE, '2030-01-02T08:00:00.000Z')),
  up('announcement', announcement(802, NORTE, '2030-01-03T08:00:00.000Z')),
  up('notification', notification(901, NORTE, '2030-01-09T08:00:00.000Z')),
  up('notification', notification(902, NORTE, '2030-01-09T09:00:00.000Z', { read: true })),
  up('notification', notification(903, NORTE, '2030-01-09T09:30:00.000Z', { dismissed: true })),
  up('notification', notification(904, NORTE, '2030-01-08T08:00:00.000Z')),
  up('notification', notification(905, NORTE, '2030-01-09T09:45:00.000Z', { read: true, dismissed: true })),
];

const SUL_ROWS: PullChange[] = [
  up('school', school(SUL, 'Escola Sul')),
  up('course', course(21, SUL, 'Inglês', 'ING')),
  // Student 101 is in both schools.
  up('student', student(SUL, 101, 'Beatriz Lopes')),
  up('student', student(SUL, 201, 'Bruno Sousa')),
  up(
    'session',
    session(2001, SUL, '2030-01-09T11:00:00.000Z', { title: 'Inglês A1', course_id: 21, location: 'SALA 3' }),
  ),
  up('session', session(2002, SUL, '2030-01-10T11:00:00.000Z', { status: 'cancelled' })),
  up('enrolment', enrolment(4001, SUL, 2001, 101)),
  up('enrolment', enrolment(4002, SUL, 2001, 201)),
  up('enrolment', enrolment(4003, SUL, 2002, 201)),
  up('resource', resource(511, SUL, 'Vocabulary', '2030-01-07T10:00:00.000Z', [21])),
  up('announcement', announcement(811, SUL, '2030-01-04T08:00:00.000Z')),
  up('notification', notification(911, SUL, '2030-01-09T07:00:00.000Z')),
  up('notification', notification(912, SUL, '2030-01-09T07:30:00.000Z', { read: true })),
];

describe('desktop read queries', () => {
  let dir: string;
  let store: LocalStore;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-queries-'));
    store = await LocalStore.open(path.join(dir, 'store.sqlite'));
    const at = NOW.toISOString();
    // Norte arrives in two batches, the second settling the pull; Sul in one, still streaming.
    store.applyPullBatch(
      NORTE,
      { changes: NORTE_ROWS.slice(0, 10), cursor: 'n1', total: NORTE_ROWS.length, done: 10, checksum: null },
      at,
    );
    store.applyPullBatch(
      NORTE,
      {
        changes: NORTE_ROWS.slice(10),
        cursor: 'n2',
        total: NORTE_ROWS.length,
        done: NORTE_ROWS.length,
        checksum: 'sum',
      },
      at,
    );
    store.applyPullBatch(SUL, { changes: SUL_ROWS, cursor: 's1', total: 20, done: 13, checksum: null }, at);
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ids = (rows: Array<{ id: number }>) => rows.map((r) => r.id);

  describe('dashboard', () => {
    test("today's sessions of one school, by start time, with course name and student count", async () => {
      const d = await dashboard(store, { schoolId: NORTE, range: 'today', now: NOW, timeZone: TZ });
      expect(d.from).toBe('2030-01-09T00:00:00.000Z');
      expect(d.to).toBe('2030-01-10T00:00:00.000Z');
      expect(ids(d.sessions)).toEqual([1001, 1002]);
      expect(d.sessions[0]).toMatchObject({
        course_name: 'Matemática',
        student_count: 3,
        status: 'completed',
      });
      expect(d.sessions[1]).toMatchObject({ course_name: 'Português', student_count: 1 });
      expect(d.counts).toEqual({ scheduled: 1, completed: 1, cancelled: 0 });
    });

    test('the week and month ranges count sessions by status inside the range only', async () => {
      const week = await dashboard(store, { schoolId: NORTE, range: 'week', now: NOW, timeZone: TZ });
      expect(ids(week.sessions)).toEqual([1003, 1001, 1002]);
      expect(week.counts).toEqual({ scheduled: 1, completed: 1, cancelled: 1 });
      const month = await dashboard(store, { schoolId: NORTE, range: 'month', now: NOW, timeZone: TZ });
      expect(ids(month.sessions)).toEqual([1006, 1003, 1001, 1002, 1004]);
      expect(month.counts).toEqual({ scheduled: 2, completed: 2, cancelled: 1 });
      expect(month.sessions.find((s) => s.id === 1006)).toMatchObject({
        course_name: null,
        student_count: 0,
      });
    });

    test('the range follows the time zone given', async () => {
      // 14:00 UTC on the 9th is already the 10th in Kiritimati (UTC+14).
      const d = await dashboard(store, {
        schoolId: NORTE,
        range: 'today',
        now: new Date('2030-01-09T12:00:00.000Z'),
        timeZone: 'Pacific/Kiritimati',
      });
      expect(d.from).toBe('2030-01-09T10:00:00.000Z');
      expect(ids(d.sessions)).toEqual([1002]);
    });

    test('one school sees none of the other school; all schools sees both', async () => {
      const sul = await dashboard(store, { schoolId: SUL, range: 'week', now: NOW, timeZone: TZ });
      expect(ids(sul.sessions)).toEqual([2001, 2002]);
      expect(sul.counts).toEqual({ scheduled: 1, completed: 0, cancelled: 1 });
      expect(sul.student_count).toBe(2);
      expect(sul.unread_notifications).toBe(1);
      expect(ids(sul.recent_resources)).toEqual([511]);

      const all = await dashboard(store, { schoolId: null, range: 'today', now: NOW, timeZone: TZ });
      expect(all.school_id).toBeNull();
      expect(ids(all.sessions)).toEqual([1001, 2001, 1002]);
      expect(all.counts).toEqual({ scheduled: 2, completed: 1, cancelled: 0 });
      // Beatriz is a student of both schools: one person.
      expect(all.student_count).toBe(5);
      expect(all.unread_notifications).toBe(3);
      expect(ids(all.recent_resources)).toEqual([511, 506, 505, 504, 503]);
    });

    test('students, unread notifications and the five newest resources of a school', async () => {
      const d = await dashboard(store, { schoolId: NORTE, range: 'week', now: NOW, timeZone: TZ });
      expect(d.student_count).toBe(4);
      // 901 and 904: 902 is read, 903 dismissed, 905 both.
      expect(d.unread_notifications).toBe(2);
      expect(ids(d.recent_resources)).toEqual([506, 505, 504, 503, 502]);
      expect(d.recent_resources[0]).toMatchObject({ shared_with_students: true, title: 'Teste 50%' });
      expect(d.recent_resources[0]).not.toHaveProperty('course_ids');
    });

    test('at most 50 sessions, while the counts cover the whole range', async () => {
      const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-queries-'));
      const big = await LocalStore.open(path.join(dir2, 'store.sqlite'));
      try {
        const changes: PullChange[] = [up('school', school(3, 'Grande'))];
        for (let i = 0; i < 60; i++) {
          const at = new Date(Date.UTC(2030, 0, 9, 0, i)).toISOString();
          changes.push(up('session', session(5000 + 59 - i, 3, at)));
        }
        big.applyPullBatch(
          3,
          { changes, cursor: 'c', total: 61, done: 61, checksum: 'x' },
          NOW.toISOString(),
        );
        const d = await dashboard(big, { schoolId: 3, range: 'today', now: NOW, timeZone: TZ });
        expect(d.sessions).toHaveLength(50);
        expect(d.sessions[0]!.id).toBe(5059);
        expect(d.sessions[49]!.starts_at).toBe('2030-01-09T00:49:00.000Z');
        expect(d.counts.scheduled).toBe(60);
      } finally {
        await big.close();
        fs.rmSync(dir2, { recursive: true, force: true });
      }
    });
  });

  describe('sessions', () => {
    test('a page of one school by start time, with the total of all matches', async () => {
      const page = await listSessions(store, { schoolId: NORTE, limit: 2, offset: 0 });
      expect(page.total).toBe(6);
      expect(ids(page.rows)).toEqual([1006, 1003]);
      const next = await listSessions(store, { schoolId: NORTE, limit: 2, offset: 2 });
      expect(ids(next.rows)).toEqual([1001, 1002]);
      const last = await listSessions(store, { schoolId: NORTE, limit: 10, offset: 4 });
      expect(ids(last.rows)).toEqual([1004, 1005]);
      expect(last.total).toBe(6);
      const past = await listSessions(store, { schoolId: NORTE, limit: 10, offset: 50 });
      expect(past).toEqual({ rows: [], total: 6 });
    });

    test('all schools interleave by start time', async () => {
      const page = await listSessions(store, { schoolId: null, limit: 100, offset: 0 });
      expect(page.total).toBe(8);
      expect(ids(page.rows)).toEqual([1006, 1003, 1001, 2001, 1002, 2002, 1004, 1005]);
    });

    test('search matches title, location and lesson notes, ignoring case and accents', async () => {
      const find = async (search: string, schoolId: number | null = null) =>
        ids((await listSessions(store, { schoolId, search, limit: 100, offset: 0 })).rows);
      expect(await find('MATEMATICA')).toEqual([1003, 1001]);
      expect(await find('sala 3')).toEqual([1001, 2001]);
      expect(await find('sala 3', SUL)).toEqual([2001]);
      expect(await find('frações')).toEqual([1001]);
      expect(await find('visita DE')).toEqual([1005]);
      expect(await find('biblio')).toEqual([1004]);
      expect(await find('%')).toEqual([]);
      expect(await find('   ')).toHaveLength(8);
      const page = await listSessions(store, { schoolId: null, search: 'aula', limit: 1, offset: 1 });
      expect(page.total).toBe(4); // 1006, 2002, 1004, 1005
      expect(ids(page.rows)).toEqual([2002]);
    });

    test('filters by status, course and start time range', async () => {
      const q = { schoolId: null, limit: 100, offset: 0 };
      expect(ids((await listSessions(store, { ...q, status: 'cancelled' })).rows)).toEqual([1003, 2002]);
      expect(ids((await listSessions(store, { ...q, courseId: 12 })).rows)).toEqual([1002, 1004]);
      const week = await listSessions(store, {
        ...q,
        from: '2030-01-07T00:00:00.000Z',
        to: '2030-01-10T00:00:00.000Z',
      });
      expect(ids(week.rows)).toEqual([1003, 1001, 2001, 1002]);
      expect(week.total).toBe(4);
      const scheduledSul = await listSessions(store, { ...q, schoolId: SUL, status: 'scheduled' });
      expect(scheduledSul).toMatchObject({
        total: 1,
        rows: [{ id: 2001, student_count: 2, course_name: 'Inglês' }],
      });
    });
  });

  describe('session detail', () => {
    test('roster by name with enrolment ids and attendance, and the resources of the course', async () => {
      const d = (await sessionDetail(store, 1001))!;
      expect(d.session).toMatchObject({ id: 1001, title: 'Matemática — turma 1', student_count: 3 });
      expect(d.course).toEqual({ id: 11, name: 'Matemática', code: 'MAT' });
      expect(d.roster).toEqual([
        {
          enrolment_id: 3003,
          student_id: 103,
          name: 'Álvaro Reis',
          email: 'álvaro@escola.test',
          attendance: 'late',
          version: 1,
        },
        {
          enrolment_id: 3001,
          student_id: 101,
          name: 'Beatriz Lopes',
          email: 'beatriz@escola.test',
          attendance: 'present',
          version: 1,
        },
        {
          enrolment_id: 3002,
          student_id: 102,
          name: 'Zé Carlos',
          email: 'zé@escola.test',
          attendance: 'absent',
          version: 1,
        },
      ]);
      expect(ids(d.resources)).toEqual([504, 501]);
      expect(d.resources[0]!.course_ids).toEqual([11, 12]);
    });

    test("a student of two schools appears with the session's school data only", async () => {
      const d = (await sessionDetail(store, 2001))!;
      expect(d.roster.map((r) => [r.enrolment_id, r.student_id])).toEqual([
        [4001, 101],
        [4002, 201],
      ]);
      expect(ids(d.resources)).toEqual([511]);
    });

    test('a session without a course has no course and no resources; an unknown id is null', async () => {
      const d = (await sessionDetail(store, 1005))!;
      expect(d.course).toBeNull();
      expect(d.resources).toEqual([]);
      expect(d.roster).toEqual([]);
      expect(await sessionDetail(store, 999_999)).toBeNull();
    });
  });

  describe('students, resources, announcements', () => {
    test('students by name, paged, per school and across schools', async () => {
      const norte = await listStudents(store, { schoolId: NORTE, limit: 2, offset: 0 });
      expect(norte.total).toBe(4);
      // Accents do not push a name to the end of the alphabet.
      expect(norte.rows.map((r) => r.name)).toEqual(['Álvaro Reis', 'Beatriz Lopes']);
      expect(norte.rows[1]).toMatchObject({ id: 101, school_id: NORTE, session_count: 2 });
      const rest = await listStudents(store, { schoolId: NORTE, limit: 10, offset: 2 });
      expect(rest.rows.map((r) => r.name)).toEqual(['Carla Dias', 'Zé Carlos']);
      const all = await listStudents(store, { schoolId: null, limit: 100, offset: 0 });
      expect(all.total).toBe(6);
      expect(all.rows.filter((r) => r.id === 101).map((r) => [r.school_id, r.session_count])).toEqual([
        [NORTE, 2],
        [SUL, 1],
      ]);
    });

    test('student search matches name and email', async () => {
      const found = await listStudents(store, { schoolId: null, search: 'alvaro', limit: 10, offset: 0 });
      expect(found.rows.map((r) => r.id)).toEqual([103]);
      const byEmail = await listStudents(store, { schoolId: SUL, search: 'BRUNO@', limit: 10, offset: 0 });
      expect(byEmail).toMatchObject({ total: 1, rows: [{ id: 201 }] });
    });

    test('resources newest first, per school, searchable', async () => {
      expect(ids(await listResources(store, { schoolId: NORTE }))).toEqual([506, 505, 504, 503, 502, 501]);
      expect(ids(await listResources(store, { schoolId: SUL }))).toEqual([511]);
      expect(await listResources(store, { schoolId: null })).toHaveLength(7);
      expect(ids(await listResources(store, { schoolId: null, search: 'FRACOES' }))).toEqual([501]);
      expect(ids(await listResources(store, { schoolId: NORTE, search: '50%' }))).toEqual([506]);
      // Description matches too.
      expect(ids(await listResources(store, { schoolId: null, search: 'descrição de poema' }))).toEqual([
        505,
      ]);
      const [r] = await listResources(store, { schoolId: SUL });
      expect(r).toMatchObject({ course_ids: [21], shared_with_students: false });
    });

    test('announcements newest first', async () => {
      expect(ids(await listAnnouncements(store, { schoolId: NORTE }))).toEqual([802, 801]);
      expect(ids(await listAnnouncements(store, { schoolId: null }))).toEqual([811, 802, 801]);
      expect(ids(await listAnnouncements(store, { schoolId: null, limit: 1 }))).toEqual([811]);
    });
  });

  describe('notifications', () => {
    test('unread first, newest first, dismissed excluded', async () => {
      const list = await listNotifications(store, { schoolId: NORTE });
      expect(ids(list)).toEqual([901, 904, 902]);
      expect(list[0]).toMatchObject({ is_read: false, is_dismissed: false, delivered_via_socket: false });
      expect(ids(await listNotifications(store, { schoolId: NORTE, unreadOnly: true }))).toEqual([901, 904]);
      expect(ids(await listNotifications(store, { schoolId: null }))).toEqual([901, 911, 904, 902, 912]);
      expect(ids(await listNotifications(store, { schoolId: null, limit: 2, offset: 1 }))).toEqual([
        911, 904,
      ]);
    });

    test('unread count per school and across schools', async () => {
      expect(await unreadCount(store, NORTE)).toBe(2);
      expect(await unreadCount(store, SUL)).toBe(1);
      expect(await unreadCount(store, null)).toBe(3);
      expect(await unreadCount(store, 42)).toBe(0);
    });

    test('reading a notification offline updates the count at once', async () => {
      const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-queries-'));
      const s = await LocalStore.open(path.join(dir2, 'store.sqlite'));
      try {
        s.applyPullBatch(
          SUL,
          { changes: SUL_ROWS, cursor: 's1', total: 13, done: 13, checksum: 'x' },
          NOW.toISOString(),
        );
        expect(await unreadCount(s, SUL)).toBe(1);
        s.enqueue('mark_notification_read', { notification_id: 911 }, NOW.toISOString());
        expect(await unreadCount(s, SUL)).toBe(0);
        expect(ids(await listNotifications(s, { schoolId: SUL }))).toEqual([912, 911]);
        const [school_] = await listSchools(s);
        expect(school_).toMatchObject({ id: SUL, unread: 0, pending_edits: 1 });
      } finally {
        await s.close();
        fs.rmSync(dir2, { recursive: true, force: true });
      }
    });
  });

  describe('schools', () => {
    test('every school on the device by name, with its sync state and badges', async () => {
      expect(await listSchools(store)).toEqual([
        {
          id: NORTE,
          name: 'Escola Norte',
          timezone: TZ,
          ready: true,
          last_synced_at: NOW.toISOString(),
          done: NORTE_ROWS.length,
          total: NORTE_ROWS.length,
          unread: 2,
          pending_edits: 0,
        },
        {
          id: SUL,
          name: 'Escola Sul',
          timezone: TZ,
          ready: false,
          last_synced_at: null,
          done: 13,
          total: 20,
          unread: 1,
          pending_edits: 0,
        },
      ]);
    });
  });

  test('fold lowers case and drops accents', () => {
    expect(fold('Ação ÉPICA')).toBe('acao epica');
    expect(fold('Sala 3')).toBe('sala 3');
  });
});
