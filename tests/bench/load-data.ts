/**
 * The data of `npm run bench:load`, written straight into the database before the servers
 * start (like `npm run seed` then `npm run server`), with server/domain/synthetic.ts:
 * - school A: `teachers` teachers, the school an announcement goes to;
 * - more schools of at most `teachers` teachers each, so that `sockets` distinct teachers exist;
 * - the pull schools: `pullTeachers` teachers, 8 per school, each with a typical view (60
 *   sessions of 10 students, 5 resources, 20 notifications: ~900 rows);
 * and a sign-in token for every teacher and admin, stored as `login` stores them.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../server/db/schema.js';
import { DEMO_PASSWORD } from '../../server/domain/demo.js';
import { hashPassword, TEST_SCRYPT } from '../../server/domain/passwords.js';
import { currentCursor } from '../../server/domain/pull.js';
import { createSyntheticTokens, generateSynthetic } from '../../server/domain/synthetic.js';

const TOKEN_TTL_MS = 24 * 3600 * 1000;
const PULL_TEACHERS_PER_SCHOOL = 8;

export interface SocketTeacher {
  userId: number;
  schoolId: number;
  token: string;
}

export interface PullTeacher {
  userId: number;
  schoolId: number;
  token: string;
  /** Head of the school's change log when seeded; the bench then edits a session of this teacher. */
  cursor: string;
  /** Sessions of this teacher the bench edits after the cursor was taken. */
  sessionIds: number[];
}

export interface LoadData {
  schoolA: number;
  /** Index i: the teacher of socket i. Those in school A come first. */
  socketTeachers: SocketTeacher[];
  adminA: string;
  pullTeachers: PullTeacher[];
  /** Admin token of each pull school. */
  pullAdmins: Map<number, string>;
  rows: number;
  ms: number;
}

export async function seedLoadData(
  db: Kysely<DB>,
  o: { sockets: number; teachers: number; pullTeachers: number },
): Promise<LoadData> {
  const t0 = performance.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD, TEST_SCRYPT);
  const none = { students: 0, sessions: 0, resources: 0, notifications: 0, passwordHash };
  let rows = 0;
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

  const a = await generateSynthetic(db, {
    ...none,
    schools: 1,
    teachers: o.teachers,
    announcementsPerSchool: 1,
    emailDomain: 'a.load.bench.test',
  });
  rows += total(a.counts);
  const socketTeachers: Omit<SocketTeacher, 'token'>[] = [];
  for (let i = 0; i < o.teachers; i++)
    socketTeachers.push({ userId: a.ids.teachers.first + i, schoolId: a.ids.schools.first });
  const others = o.sockets - o.teachers;
  if (others > 0) {
    const b = await generateSynthetic(db, {
      ...none,
      schools: Math.ceil(others / o.teachers),
      teachers: others,
      announcementsPerSchool: 1,
      emailDomain: 'b.load.bench.test',
    });
    rows += total(b.counts);
    for (let i = 0; i < others; i++)
      socketTeachers.push({
        userId: b.ids.teachers.first + i,
        schoolId: b.ids.schools.first + (i % b.ids.schools.count),
      });
  }

  const P = o.pullTeachers;
  const schools = Math.ceil(P / PULL_TEACHERS_PER_SCHOOL);
  const sessionsEach = 60;
  const c = await generateSynthetic(db, {
    schools,
    teachers: P,
    students: 30 * P,
    sessions: sessionsEach * P,
    enrolmentsPerSession: 10,
    resources: 5 * P,
    notifications: 20 * P,
    emailDomain: 'pull.load.bench.test',
    passwordHash,
  });
  rows += total(c.counts);

  const tokens = await createSyntheticTokens(
    db,
    [
      ...socketTeachers.map((t) => t.userId),
      a.ids.admins.first,
      ...Array.from({ length: P }, (_, i) => c.ids.teachers.first + i),
      ...Array.from({ length: schools }, (_, s) => c.ids.admins.first + s),
    ],
    TOKEN_TTL_MS,
  );
  const cursors = new Map<number, string>();
  for (let s = 0; s < schools; s++)
    cursors.set(c.ids.schools.first + s, await currentCursor(db, c.ids.schools.first + s));
  const pullTeachers: PullTeacher[] = [];
  for (let i = 0; i < P; i++) {
    const schoolId = c.ids.schools.first + (i % schools);
    pullTeachers.push({
      userId: c.ids.teachers.first + i,
      schoolId,
      token: tokens[socketTeachers.length + 1 + i]!,
      cursor: cursors.get(schoolId)!,
      // Session q of teacher i is sessions.first + q × teachers + i (synthetic.ts).
      sessionIds: [0, 1, 2].map((q) => c.ids.sessions.first + q * P + i),
    });
  }
  const pullAdmins = new Map<number, string>();
  for (let s = 0; s < schools; s++)
    pullAdmins.set(c.ids.schools.first + s, tokens[socketTeachers.length + 1 + P + s]!);
  return {
    schoolA: a.ids.schools.first,
    socketTeachers: socketTeachers.map((t, i) => ({ ...t, token: tokens[i]! })),
    adminA: tokens[socketTeachers.length]!,
    pullTeachers,
    pullAdmins,
    rows: rows + tokens.length,
    ms: performance.now() - t0,
  };
}

/** School A only (the two-process fan-out): `teachers` teachers and the admin, with tokens. */
export async function seedSchoolA(
  db: Kysely<DB>,
  teachers: number,
): Promise<Pick<LoadData, 'schoolA' | 'socketTeachers' | 'adminA' | 'ms'>> {
  const t0 = performance.now();
  const a = await generateSynthetic(db, {
    schools: 1,
    teachers,
    students: 0,
    sessions: 0,
    resources: 0,
    notifications: 0,
    announcementsPerSchool: 1,
    emailDomain: 'a.load.bench.test',
  });
  const ids = Array.from({ length: teachers }, (_, i) => a.ids.teachers.first + i);
  const tokens = await createSyntheticTokens(db, [...ids, a.ids.admins.first], TOKEN_TTL_MS);
  return {
    schoolA: a.ids.schools.first,
    socketTeachers: ids.map((userId, i) => ({ userId, schoolId: a.ids.schools.first, token: tokens[i]! })),
    adminA: tokens[teachers]!,
    ms: performance.now() - t0,
  };
}
