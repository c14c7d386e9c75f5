/**
 * Synthetic data for benchmarks, load tests and query-count tests: any number of schools,
 * teachers, students, sessions, resources and notifications, written with large multi-row
 * inserts inside one `writeTransaction` (every row carries the same version). Works on SQLite
 * and PostgreSQL. Deterministic for a given seed and `now`.
 *
 * How the counts (each for the whole dataset) are spread, with 0-based indexes:
 * - school s is "Synthetic School <s+1>" and gets `coursesPerSchool` courses,
 *   `announcementsPerSchool` announcements and one admin, `admin<s+1>@<domain>`;
 * - teacher i (`teacher<i+1>@<domain>`) has an active teacher membership in school i % schools;
 * - student j (`student<j+1>@<domain>`) has an active student membership in school j % schools;
 * - session k belongs to teacher k % teachers, in that teacher's school; a teacher's sessions
 *   are spread evenly over `days` days centred on `now` (at distinct minutes while they fit):
 *   past ones are completed, future ones scheduled, ~8% cancelled;
 * - each session enrols min(enrolmentsPerSession, students of its school) students: a window
 *   of consecutive students of the school that moves by enrolmentsPerSession from one session
 *   of the teacher to the next, so a teacher with n sessions teaches
 *   min(students of the school, n × enrolmentsPerSession) distinct students;
 * - resource r and notification n belong to teacher r % teachers (n % teachers) in that
 *   teacher's school; each resource links to one course; about half the notifications are read.
 *
 * Users are teachers + students + one admin per school; memberships the same. Every account
 * signs in with the password whose hash is passed (default: `classdesk-demo`, like the demo).
 * Resources have metadata only: no file is written (`storage_name` is a fixed fake uuid).
 * See BIG_VIEW and WIDE_ROSTER for the recipes the benchmarks use.
 */
import { randomBytes } from 'node:crypto';
import { PostgresAdapter, sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { hashToken } from './auth.js';
import { writeTransaction, type WriteContext } from './changes.js';
import { DEMO_PASSWORD } from './demo.js';
import { expiryFrom } from './notifications.js';
import { hashPassword, TEST_SCRYPT } from './passwords.js';

export interface SyntheticCounts {
  schools: number;
  teachers: number;
  students: number;
  sessions: number;
  resources: number;
  notifications: number;
  /** Students enrolled in each session (capped at the school's students). Default 10. */
  enrolmentsPerSession?: number;
}

export interface SyntheticOptions extends SyntheticCounts {
  /** Seed of the pseudo-random choices (statuses, attendance, read flags). Default 1. */
  seed?: number;
  coursesPerSchool?: number;
  announcementsPerSchool?: number;
  /** Sessions are spread over this many days centred on `now`. Default 28. */
  days?: number;
  now?: Date;
  /** Ready password hash for every account; else `password` is hashed with the test cost. */
  passwordHash?: string;
  password?: string;
  /** Email domain of the accounts (a second dataset in the same database needs another). */
  emailDomain?: string;
  /** Record every row in the change log so devices that already synced receive it. Default true. */
  logChanges?: boolean;
}

export interface IdRange {
  first: number;
  count: number;
}

export interface SyntheticSummary {
  version: number;
  counts: {
    schools: number;
    users: number;
    memberships: number;
    courses: number;
    sessions: number;
    enrolments: number;
    resources: number;
    resource_courses: number;
    notifications: number;
    announcements: number;
    sync_changes: number;
  };
  /** Ids are allocated in contiguous blocks: teacher i (0-based) is `teachers.first + i`. */
  ids: { schools: IdRange; admins: IdRange; teachers: IdRange; students: IdRange; sessions: IdRange };
}

/**
 * One teacher whose scoped view of one school is ~30 000 rows: 1 school + 4 courses +
 * 1 000 students + 2 000 sessions + 24 000 enrolments + 500 resources + 2 500 notifications +
 * 2 announcements = 30 007 rows.
 */
export const BIG_VIEW: SyntheticCounts = {
  schools: 1,
  teachers: 1,
  students: 1000,
  sessions: 2000,
  resources: 500,
  notifications: 2500,
  enrolmentsPerSession: 12,
};

/** 1 000 students per teacher: 2 schools of 1 000 students and 5 teachers, 100 sessions of 10 each. */
export const WIDE_ROSTER: SyntheticCounts = {
  schools: 2,
  teachers: 10,
  students: 2000,
  sessions: 1000,
  resources: 200,
  notifications: 1000,
  enrolmentsPerSession: 10,
};

export const syntheticEmail = (
  role: 'teacher' | 'student' | 'admin',
  n: number,
  domain = 'synthetic.test',
): string => `${role}${n}@${domain}`;

/** A fixed uuid-shaped storage name: synthetic resources have no file on disk. */
export const SYNTHETIC_STORAGE_NAME = '00000000-0000-4000-8000-000000000000';
const SYNTHETIC_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const COURSES = [
  ['Matemática', 'MAT'],
  ['Português', 'POR'],
  ['Ciências Naturais', 'CN'],
  ['Inglês', 'ING'],
  ['História', 'HIS'],
  ['Geografia', 'GEO'],
  ['Educação Física', 'EF'],
  ['Música', 'MUS'],
] as const;
const NOTIFICATION_TYPES = [
  'session_reminder',
  'session_cancelled',
  'new_student',
  'payment_processed',
  'school_announcement',
] as const;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Bound parameters per statement: below SQLite's 32 766 and PostgreSQL's 65 535. */
const MAX_PARAMS = 30_000;

export class SyntheticOptionsError extends Error {}

/** Throws SyntheticOptionsError naming the first option at fault. */
export function validateSyntheticOptions(o: SyntheticOptions): void {
  const counts: Array<[string, number | undefined, number]> = [
    ['schools', o.schools, 0],
    ['teachers', o.teachers, 0],
    ['students', o.students, 0],
    ['sessions', o.sessions, 0],
    ['resources', o.resources, 0],
    ['notifications', o.notifications, 0],
    ['enrolmentsPerSession', o.enrolmentsPerSession, 0],
    ['coursesPerSchool', o.coursesPerSchool, 1],
    ['announcementsPerSchool', o.announcementsPerSchool, 0],
    ['days', o.days, 1],
    ['seed', o.seed, 0],
  ];
  for (const [name, v, min] of counts) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < min)) {
      throw new SyntheticOptionsError(`${name} must be an integer ≥ ${min} (got ${String(v)})`);
    }
  }
  if ((o.coursesPerSchool ?? 4) > COURSES.length)
    throw new SyntheticOptionsError(`coursesPerSchool must be ≤ ${COURSES.length}`);
  const need = (what: string, n: number, of: string, m: number) => {
    if (n > 0 && m === 0) throw new SyntheticOptionsError(`${what} need at least one ${of}`);
  };
  need('teachers', o.teachers, 'school', o.schools);
  need('students', o.students, 'school', o.schools);
  need('sessions', o.sessions, 'teacher', o.teachers);
  need('resources', o.resources, 'teacher', o.teachers);
  need('notifications', o.notifications, 'teacher', o.teachers);
  if (o.emailDomain !== undefined && !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(o.emailDomain)) {
    throw new SyntheticOptionsError(
      `emailDomain must be a lower-case domain such as synthetic.test (got ${o.emailDomain})`,
    );
  }
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Collects rows and writes them as multi-row inserts of at most MAX_PARAMS parameters. A batch
 * whose rows reference another batch's rows flushes that one first (foreign keys).
 */
class Batch<R extends object> {
  private rows: R[] = [];
  private readonly size: number;
  written = 0;
  constructor(
    columns: number,
    private readonly insert: (rows: R[]) => Promise<unknown>,
    private readonly parent?: { flush(): Promise<void> },
  ) {
    this.size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  }
  async add(row: R): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.size) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    await this.parent?.flush();
    const rows = this.rows;
    this.rows = [];
    await this.insert(rows);
    this.written += rows.length;
  }
}

/**
 * Reserves `n` consecutive ids of `table` and returns the first. The rows are inserted with
 * explicit ids, so no RETURNING (whose row order neither database promises) is needed. Runs
 * inside the write transaction, whose change-counter lock keeps other writers out on SQLite;
 * on PostgreSQL the serial sequence itself hands out the block.
 */
async function reserveIds(trx: Transaction<DB>, pg: boolean, table: keyof DB, n: number): Promise<number> {
  if (n === 0) return 0;
  if (pg) {
    const seq = sql`pg_get_serial_sequence(${table}, 'id')`;
    const r = await sql<{
      last: number | string;
    }>`select setval(${seq}, nextval(${seq}) + ${n - 1}) as last`.execute(trx);
    return Number(r.rows[0]!.last) - n + 1;
  }
  // AUTOINCREMENT never reuses an id: start after both the largest id and sqlite_sequence.
  const r = await sql<{ m: number }>`select max(
      coalesce((select seq from sqlite_sequence where name = ${table}), 0),
      coalesce((select max(id) from ${sql.table(table)}), 0)) as m`.execute(trx);
  return Number(r.rows[0]!.m) + 1;
}

/** Members of group g when items 0..total-1 are dealt round-robin over `groups` groups. */
const dealt = (total: number, groups: number, g: number): number =>
  g < total ? Math.floor((total - 1 - g) / groups) + 1 : 0;

export async function generateSynthetic(
  db: Kysely<DB>,
  options: SyntheticOptions,
): Promise<SyntheticSummary> {
  validateSyntheticOptions(options);
  const o = {
    ...options,
    enrolmentsPerSession: options.enrolmentsPerSession ?? 10,
    seed: options.seed ?? 1,
    coursesPerSchool: options.coursesPerSchool ?? 4,
    announcementsPerSchool: options.announcementsPerSchool ?? 2,
    days: options.days ?? 28,
    emailDomain: options.emailDomain ?? 'synthetic.test',
    logChanges: options.logChanges ?? true,
  };
  const now = o.now ?? new Date();
  const passwordHash = o.passwordHash ?? (await hashPassword(o.password ?? DEMO_PASSWORD, TEST_SCRYPT));
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;

  const result = await writeTransaction(
    db,
    async (w) => {
      const t = w.trx;
      const rand = rng(o.seed);
      const S = o.schools;
      const C = o.coursesPerSchool;
      // Every id is reserved up front, so rows can be inserted (and logged) without RETURNING.
      const schoolIds = { first: await reserveIds(t, pg, 'schools', S), count: S };
      const userBase = await reserveIds(t, pg, 'users', S + o.teachers + o.students);
      const admins = { first: userBase, count: S };
      const teachers = { first: userBase + S, count: o.teachers };
      const students = { first: userBase + S + o.teachers, count: o.students };
      const courseBase = await reserveIds(t, pg, 'courses', S * C);
      const sessions = { first: await reserveIds(t, pg, 'class_sessions', o.sessions), count: o.sessions };
      let enrolmentTotal = 0;
      for (let ti = 0; ti < o.teachers; ti++) {
        enrolmentTotal +=
          dealt(o.sessions, o.teachers, ti) * Math.min(o.enrolmentsPerSession, dealt(o.students, S, ti % S));
      }
      let nextEnrolment = await reserveIds(t, pg, 'enrolments', enrolmentTotal);
      const resourceBase = await reserveIds(t, pg, 'resources', o.resources);
      const announcementBase = await reserveIds(t, pg, 'announcements', S * o.announcementsPerSchool);
      const notificationBase = await reserveIds(t, pg, 'notifications', o.notifications);
      const schoolOf = (i: number) => schoolIds.first + (i % S);
      const courseOf = (s: number, c: number) => courseBase + s * C + (c % C);
      const teacherOf = (k: number) => k % o.teachers;
      const log = o.logChanges
        ? (ref: Parameters<WriteContext['touch']>[0]) => w.touch(ref)
        : () => undefined;

      const v = w.version;
      const ts = w.now;
      const schools = new Batch<Insertable<DB['schools']>>(5, (r) =>
        t.insertInto('schools').values(r).execute(),
      );
      for (let s = 0; s < S; s++) {
        await schools.add({
          id: schoolOf(s),
          name: `Synthetic School ${s + 1}`,
          timezone: 'Europe/Lisbon',
          version: v,
          created_at: ts,
        });
        log({ school_id: schoolOf(s), teacher_id: null, entity: 'school', row_id: schoolOf(s) });
      }
      await schools.flush();

      const users = new Batch<Insertable<DB['users']>>(6, (r) => t.insertInto('users').values(r).execute());
      const members = new Batch<Insertable<DB['memberships']>>(
        8,
        (r) => t.insertInto('memberships').values(r).execute(),
        users,
      );
      const person = async (
        id: number,
        email: string,
        name: string,
        school: number,
        role: 'admin' | 'teacher' | 'student',
      ) => {
        await users.add({ id, email, name, password_hash: passwordHash, version: v, created_at: ts });
        await members.add({
          school_id: school,
          user_id: id,
          role,
          active: 1,
          version: v,
          created_at: ts,
          updated_at: ts,
        });
      };
      for (let s = 0; s < S; s++)
        await person(
          admins.first + s,
          syntheticEmail('admin', s + 1, o.emailDomain),
          `Admin ${s + 1}`,
          schoolOf(s),
          'admin',
        );
      for (let i = 0; i < o.teachers; i++)
        await person(
          teachers.first + i,
          syntheticEmail('teacher', i + 1, o.emailDomain),
          `Teacher ${i + 1}`,
          schoolOf(i),
          'teacher',
        );
      for (let j = 0; j < o.students; j++)
        await person(
          students.first + j,
          syntheticEmail('student', j + 1, o.emailDomain),
          `Student ${j + 1}`,
          schoolOf(j),
          'student',
        );
      await users.flush();
      await members.flush();

      const courses = new Batch<Insertable<DB['courses']>>(5, (r) =>
        t.insertInto('courses').values(r).execute(),
      );
      for (let s = 0; s < S; s++) {
        for (let c = 0; c < C; c++) {
          const [name, code] = COURSES[c]!;
          await courses.add({ id: courseOf(s, c), school_id: schoolOf(s), name, code, version: v });
          log({ school_id: schoolOf(s), teacher_id: null, entity: 'course', row_id: courseOf(s, c) });
        }
      }
      await courses.flush();

      // Sessions and their enrolments, teacher by teacher.
      const sessionBatch = new Batch<Insertable<DB['class_sessions']>>(14, (r) =>
        t.insertInto('class_sessions').values(r).execute(),
      );
      const enrolments = new Batch<Insertable<DB['enrolments']>>(
        8,
        (r) => t.insertInto('enrolments').values(r).execute(),
        sessionBatch,
      );
      const windowStart = Math.floor((now.getTime() - (o.days * DAY) / 2) / MINUTE) * MINUTE;
      const windowMinutes = o.days * 24 * 60;
      for (let ti = 0; ti < o.teachers; ti++) {
        const mine = dealt(o.sessions, o.teachers, ti);
        if (mine === 0) continue;
        const s = ti % S;
        const pool = dealt(o.students, S, s); // students of school s: j = s, s + S, s + 2S, …
        const per = Math.min(o.enrolmentsPerSession, pool);
        const local = Math.floor(ti / S); // this teacher's rank among its school's teachers
        const teachersHere = dealt(o.teachers, S, s);
        const shift = pool > 0 ? Math.floor((local * pool) / teachersHere) : 0;
        const taught = new Set<number>();
        for (let q = 0; q < mine; q++) {
          const id = sessions.first + q * o.teachers + ti;
          const startMin = Math.floor(((q + 0.5) * windowMinutes) / mine);
          const starts = windowStart + startMin * MINUTE;
          const ends = starts + 50 * MINUTE;
          const cancelled = rand() < 0.08;
          const past = ends <= now.getTime();
          const status = cancelled ? 'cancelled' : past ? 'completed' : 'scheduled';
          const [courseName] = COURSES[q % C]!;
          await sessionBatch.add({
            id,
            school_id: schoolOf(s),
            teacher_id: teachers.first + ti,
            course_id: courseOf(s, q),
            title: `${courseName} — turma ${(q % 9) + 1}`,
            starts_at: new Date(starts).toISOString(),
            ends_at: new Date(ends).toISOString(),
            status,
            location: `Sala ${(q % 30) + 1}`,
            lesson_notes: status === 'completed' ? 'Corrigidos os exercícios da aula anterior.' : '',
            field_versions: '{}',
            version: v,
            created_at: ts,
            updated_at: ts,
          });
          log({ school_id: schoolOf(s), teacher_id: teachers.first + ti, entity: 'session', row_id: id });
          for (let e = 0; e < per; e++) {
            const j = s + ((shift + q * per + e) % pool) * S;
            const studentId = students.first + j;
            const r = rand();
            const attendance =
              status !== 'completed' ? 'unknown' : r < 0.85 ? 'present' : r < 0.95 ? 'absent' : 'late';
            const enrolmentId = nextEnrolment++;
            await enrolments.add({
              id: enrolmentId,
              school_id: schoolOf(s),
              session_id: id,
              student_id: studentId,
              attendance,
              field_versions: '{}',
              version: v,
              created_at: ts,
            });
            taught.add(studentId);
            log({
              school_id: schoolOf(s),
              teacher_id: teachers.first + ti,
              entity: 'enrolment',
              row_id: enrolmentId,
            });
          }
        }
        for (const studentId of taught)
          log({
            school_id: schoolOf(s),
            teacher_id: teachers.first + ti,
            entity: 'student',
            row_id: studentId,
          });
      }
      await sessionBatch.flush();
      await enrolments.flush();
      const resources = new Batch<Insertable<DB['resources']>>(17, (r) =>
        t.insertInto('resources').values(r).execute(),
      );
      const links = new Batch<Insertable<DB['resource_courses']>>(
        2,
        (r) => t.insertInto('resource_courses').values(r).execute(),
        resources,
      );
      for (let r = 0; r < o.resources; r++) {
        const ti = teacherOf(r);
        const s = ti % S;
        const id = resourceBase + r;
        const created = new Date(now.getTime() - (o.resources - r) * MINUTE).toISOString();
        await resources.add({
          id,
          school_id: schoolOf(s),
          teacher_id: teachers.first + ti,
          title: `Ficha ${r + 1}`,
          description: 'Material de apoio gerado para testes de desempenho.',
          file_type: 'pdf',
          mime_type: 'application/pdf',
          size: 10_000 + Math.floor(rand() * 500_000),
          sha256: SYNTHETIC_SHA256,
          storage_name: SYNTHETIC_STORAGE_NAME,
          shared_with_students: rand() < 0.2 ? 1 : 0,
          scan_status: 'clean',
          uploader_address: '127.0.0.1',
          field_versions: '{}',
          version: v,
          created_at: created,
          updated_at: created,
        });
        await links.add({ resource_id: id, course_id: courseOf(s, r) });
        log({ school_id: schoolOf(s), teacher_id: teachers.first + ti, entity: 'resource', row_id: id });
      }
      await resources.flush();
      await links.flush();

      const announcements = new Batch<Insertable<DB['announcements']>>(7, (r) =>
        t.insertInto('announcements').values(r).execute(),
      );
      for (let s = 0; s < S; s++) {
        for (let a = 0; a < o.announcementsPerSchool; a++) {
          const id = announcementBase + s * o.announcementsPerSchool + a;
          await announcements.add({
            id,
            school_id: schoolOf(s),
            author_id: admins.first + s,
            title: `Aviso ${a + 1}`,
            message: 'Reunião geral na quinta-feira às 17h na biblioteca.',
            created_at: ts,
            version: v,
          });
          log({ school_id: schoolOf(s), teacher_id: null, entity: 'announcement', row_id: id });
        }
      }
      await announcements.flush();

      const notifications = new Batch<Insertable<DB['notifications']>>(16, (r) =>
        t.insertInto('notifications').values(r).execute(),
      );
      for (let n = 0; n < o.notifications; n++) {
        const ti = teacherOf(n);
        // Created within the last 14 days, so none is due to expire (30 days) soon.
        const created = new Date(now.getTime() - Math.floor(rand() * 14 * DAY)).toISOString();
        const read = rand() < 0.5;
        const id = notificationBase + n;
        await notifications.add({
          id,
          school_id: schoolOf(ti % S),
          user_id: teachers.first + ti,
          type: NOTIFICATION_TYPES[n % NOTIFICATION_TYPES.length]!,
          title: `Notificação ${n + 1}`,
          message: 'Mensagem gerada para testes de desempenho.',
          params: '{}',
          action_url: '',
          is_read: read ? 1 : 0,
          is_dismissed: read && rand() < 0.2 ? 1 : 0,
          read_at: read ? created : null,
          delivered_via_socket: 0,
          created_at: created,
          expires_at: expiryFrom(created),
          expiry_published: 0,
          dedupe_key: null,
          version: v,
        });
        log({
          school_id: schoolOf(ti % S),
          teacher_id: teachers.first + ti,
          entity: 'notification',
          row_id: id,
        });
      }
      await notifications.flush();
      return {
        schools: schoolIds,
        admins,
        teachers,
        students,
        sessions,
        counts: {
          schools: schools.written,
          users: users.written,
          memberships: members.written,
          courses: courses.written,
          sessions: sessionBatch.written,
          enrolments: enrolments.written,
          resources: resources.written,
          resource_courses: links.written,
          notifications: notifications.written,
          announcements: announcements.written,
        },
      };
    },
    now,
  );
  const { counts, ...ids } = result.value;
  return { version: result.version, counts: { ...counts, sync_changes: result.changes.length }, ids };
}

/**
 * Sign-in tokens for many accounts at once, for load tests that open thousands of sockets:
 * stored exactly as `login` stores them (256 random bits, only their SHA-256 kept), without
 * checking any password. Returns the tokens in the order of `userIds`.
 */
export async function createSyntheticTokens(
  db: Kysely<DB>,
  userIds: readonly number[],
  ttlMs: number,
  now = new Date(),
): Promise<string[]> {
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  await db.transaction().execute(async (trx) => {
    const rows = new Batch<Insertable<DB['auth_tokens']>>(5, (r) =>
      trx.insertInto('auth_tokens').values(r).execute(),
    );
    for (const [i, userId] of userIds.entries()) {
      await rows.add({
        user_id: userId,
        token_hash: hashToken(tokens[i]!),
        created_at: createdAt,
        expires_at: expiresAt,
        revoked_at: null,
      });
    }
    await rows.flush();
  });
  return tokens;
}
