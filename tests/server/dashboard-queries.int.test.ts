import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DashboardResponse } from '../../src/shared/api.js';
import type { DB } from '../../server/db/schema.js';
import { DEMO_PASSWORD } from '../../server/domain/demo.js';
import { hashPassword, TEST_SCRYPT } from '../../server/domain/passwords.js';
import {
  generateSynthetic,
  type SyntheticCounts,
  type SyntheticSummary,
} from '../../server/domain/synthetic.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';

const RANGES = ['today', 'week', 'month'] as const;
const SMALL: SyntheticCounts = {
  schools: 1,
  teachers: 2,
  students: 40,
  sessions: 60,
  resources: 8,
  notifications: 20,
  enrolmentsPerSession: 6,
};
/** Ten times the sessions, students, resources and notifications of SMALL. */
const LARGE: SyntheticCounts = { ...SMALL, students: 400, sessions: 600, resources: 80, notifications: 200 };

function queryCount(headers: Headers): number {
  const m = /desc="(\d+) queries"/.exec(headers.get('server-timing') ?? '');
  if (!m) throw new Error(`no query count in Server-Timing: ${headers.get('server-timing')}`);
  return Number(m[1]);
}

interface Dataset {
  summary: SyntheticSummary;
  teacherId: number;
  schoolId: number;
  api: TestApi;
}

/** Checks a dashboard answer against direct SQL over the database. */
async function expectMatchesDatabase(db: Kysely<DB>, d: Dataset, body: DashboardResponse): Promise<void> {
  const { teacherId, schoolId } = d;
  expect(body.school_id).toBe(schoolId);
  const inRange = sql`school_id = ${schoolId} and teacher_id = ${teacherId} and starts_at >= ${body.from} and starts_at < ${body.to}`;

  const expectedIds = await sql<{
    id: number;
  }>`select id from class_sessions where ${inRange} order by starts_at, id limit 50`.execute(db);
  expect(body.sessions.map((s) => s.id)).toEqual(expectedIds.rows.map((r) => Number(r.id)));
  for (const s of body.sessions) {
    expect(s.school_id).toBe(schoolId);
    expect(s.teacher_id).toBe(teacherId);
    expect(s.starts_at >= body.from && s.starts_at < body.to).toBe(true);
  }

  if (body.sessions.length > 0) {
    const ids = body.sessions.map((s) => s.id);
    const rosters = await sql<{ session_id: number; n: number | string }>`
      select e.session_id, count(*) as n from enrolments e
      join memberships m on m.user_id = e.student_id and m.school_id = e.school_id
      where m.role = 'student' and m.active = 1 and e.session_id in (${sql.join(ids)})
      group by e.session_id`.execute(db);
    const roster = new Map(rosters.rows.map((r) => [Number(r.session_id), Number(r.n)]));
    for (const s of body.sessions)
      expect(s.student_count, `students of session ${s.id}`).toBe(roster.get(s.id) ?? 0);
  }

  const byStatus = await sql<{ status: string; n: number | string }>`
    select status, count(*) as n from class_sessions where ${inRange} group by status`.execute(db);
  const counts = { scheduled: 0, completed: 0, cancelled: 0 };
  for (const r of byStatus.rows) counts[r.status as keyof typeof counts] = Number(r.n);
  expect(body.counts).toEqual(counts);

  const students = await sql<{ n: number | string }>`
    select count(distinct e.student_id) as n from enrolments e
    join class_sessions s on s.id = e.session_id
    join memberships m on m.user_id = e.student_id and m.school_id = e.school_id
    where s.teacher_id = ${teacherId} and e.school_id = ${schoolId} and m.role = 'student' and m.active = 1`.execute(
    db,
  );
  expect(body.student_count).toBe(Number(students.rows[0]!.n));

  const unread = await sql<{ n: number | string }>`
    select count(*) as n from notifications
    where user_id = ${teacherId} and school_id = ${schoolId} and is_read = 0 and is_dismissed = 0 and expiry_published = 0`.execute(
    db,
  );
  expect(body.unread_notifications).toBe(Number(unread.rows[0]!.n));

  const recent = await sql<{ id: number }>`
    select id from resources where school_id = ${schoolId} and teacher_id = ${teacherId}
    order by created_at desc, id desc limit 5`.execute(db);
  expect(body.recent_resources.map((r) => r.id)).toEqual(recent.rows.map((r) => Number(r.id)));
}

describe.each(dialectsHere())('dashboard queries on %s', (dialect) => {
  let server: TestServer;
  let small: Dataset;
  let large: Dataset;

  beforeAll(async () => {
    server = await startTestServer(dialect, { RATE_LIMIT_DASHBOARD_PER_MIN: '100000' });
    const db = server.database.db;
    const passwordHash = await hashPassword(DEMO_PASSWORD, TEST_SCRYPT);
    const load = async (counts: SyntheticCounts, emailDomain: string): Promise<Dataset> => {
      const summary = await generateSynthetic(db, {
        ...counts,
        emailDomain,
        passwordHash,
        logChanges: false,
      });
      const teacherId = summary.ids.teachers.first;
      const schoolId = summary.ids.schools.first;
      // One of the teacher's students leaves the school: the dashboard must stop counting them.
      const leaver = await db
        .selectFrom('enrolments')
        .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
        .select('enrolments.student_id')
        .where('class_sessions.teacher_id', '=', teacherId)
        .orderBy('enrolments.id')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('memberships')
        .set({ active: 0 })
        .where('user_id', '=', leaver.student_id)
        .where('school_id', '=', schoolId)
        .execute();
      return { summary, teacherId, schoolId, api: await signedIn(server.url, `teacher1@${emailDomain}`) };
    };
    small = await load(SMALL, 'small.synthetic.test');
    large = await load(LARGE, 'large.synthetic.test');
  });
  afterAll(() => server?.stop());

  test('the dashboard answers with at most 5 queries, the same number for 10× the data', async () => {
    expect(large.summary.counts.sessions).toBe(10 * small.summary.counts.sessions);
    expect(large.summary.counts.enrolments).toBe(10 * small.summary.counts.enrolments);
    for (const range of RANGES) {
      const counts: number[] = [];
      for (const d of [small, large]) {
        const r = await d.api.get<DashboardResponse>('/api/dashboard', { school_id: d.schoolId, range });
        expect(r.status).toBe(200);
        counts.push(queryCount(r.headers));
      }
      const [forSmall, forLarge] = counts as [number, number];
      expect(forSmall, `${range}: queries for the small teacher`).toBeLessThanOrEqual(5);
      expect(forLarge, `${range}: queries for the large teacher`).toBe(forSmall);
    }
  });

  test('the dashboard agrees with the database for small and large data', async () => {
    for (const d of [small, large]) {
      for (const range of RANGES) {
        const r = await d.api.get<DashboardResponse>('/api/dashboard', { school_id: d.schoolId, range });
        expect(r.status).toBe(200);
        await expectMatchesDatabase(server.database.db, d, r.body);
      }
    }
    // The large teacher's week really is larger, and is capped at 50 sessions.
    const week = await large.api.get<DashboardResponse>('/api/dashboard', {
      school_id: large.schoolId,
      range: 'week',
    });
    expect(week.body.sessions).toHaveLength(50);
    expect(
      week.body.counts.scheduled + week.body.counts.completed + week.body.counts.cancelled,
    ).toBeGreaterThan(50);
    expect(week.body.student_count).toBeGreaterThan(100);
    expect(week.body.unread_notifications).toBeGreaterThan(0);
  });
});
