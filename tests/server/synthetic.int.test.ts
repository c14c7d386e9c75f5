import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { ENTITIES } from '../../src/shared/entities.js';
import { openDatabase, type Database } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import type { DB } from '../../server/db/schema.js';
import { DEMO_PASSWORD } from '../../server/domain/demo.js';
import { hashPassword, TEST_SCRYPT, verifyPassword } from '../../server/domain/passwords.js';
import { VIEW } from '../../server/domain/scope.js';
import { authenticate, hashToken } from '../../server/domain/auth.js';
import {
  BIG_VIEW,
  createSyntheticTokens,
  generateSynthetic,
  SyntheticOptionsError,
  WIDE_ROSTER,
  type SyntheticOptions,
} from '../../server/domain/synthetic.js';
import { dialectsHere, PG_URL, type Dialect } from '../support/server-fixture.js';

/** A fresh, migrated database: SQLite in memory, or PostgreSQL in a schema of its own. */
async function freshDatabase(dialect: Dialect): Promise<Database & { drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const d = openDatabase({ url: ':memory:' });
    await migrateServer(d.db);
    return { ...d, drop: () => d.destroy() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const d = openDatabase({ url: PG_URL, pgSchema: schema, poolSize: 2 });
  await migrateServer(d.db);
  return {
    ...d,
    async drop() {
      await d.destroy();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

async function count(db: Kysely<DB>, query: ReturnType<typeof sql<{ n: number | string }>>): Promise<number> {
  const r = await query.execute(db);
  return Number(r.rows[0]!.n);
}

const tableCount = (db: Kysely<DB>, table: keyof DB) =>
  count(db, sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`);

const ODD: SyntheticOptions = {
  schools: 3,
  teachers: 7,
  students: 50,
  sessions: 101,
  resources: 13,
  notifications: 29,
  enrolmentsPerSession: 4,
  coursesPerSchool: 3,
  announcementsPerSchool: 2,
};

let hash: string | undefined;
const passwordHash = async () => (hash ??= await hashPassword(DEMO_PASSWORD, TEST_SCRYPT));

describe.each(dialectsHere())('synthetic data on %s', (dialect) => {
  let database: (Database & { drop(): Promise<void> }) | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  test('the database holds exactly the rows that were asked for, spread as documented', async () => {
    database = await freshDatabase(dialect);
    const db = database.db;
    const s = await generateSynthetic(db, { ...ODD, passwordHash: await passwordHash() });

    expect(await tableCount(db, 'schools')).toBe(3);
    expect(await tableCount(db, 'users')).toBe(3 + 7 + 50); // one admin per school
    expect(await tableCount(db, 'memberships')).toBe(3 + 7 + 50);
    expect(await tableCount(db, 'courses')).toBe(3 * 3);
    expect(await tableCount(db, 'class_sessions')).toBe(101);
    expect(await tableCount(db, 'resources')).toBe(13);
    expect(await tableCount(db, 'resource_courses')).toBe(13);
    expect(await tableCount(db, 'notifications')).toBe(29);
    expect(await tableCount(db, 'announcements')).toBe(3 * 2);
    // Every school has ≥ 16 students, so every session enrols enrolmentsPerSession of them.
    expect(await tableCount(db, 'enrolments')).toBe(101 * 4);
    expect(await tableCount(db, 'sync_changes')).toBe(s.counts.sync_changes);
    expect(s.counts).toMatchObject({
      schools: 3,
      users: 60,
      memberships: 60,
      courses: 9,
      sessions: 101,
      enrolments: 404,
      resources: 13,
      resource_courses: 13,
      notifications: 29,
      announcements: 6,
    });

    const roles = await db
      .selectFrom('memberships')
      .select(['role', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('role')
      .execute();
    expect(Object.fromEntries(roles.map((r) => [r.role, Number(r.n)]))).toEqual({
      admin: 3,
      teacher: 7,
      student: 50,
    });

    // One version for the whole dataset, the change counter's.
    const counter = await db.selectFrom('change_counter').select('value').executeTakeFirstOrThrow();
    expect(counter.value).toBe(s.version);
    for (const t of ['schools', 'users', 'class_sessions', 'enrolments', 'notifications'] as const) {
      expect(
        await count(db, sql`select count(*) as n from ${sql.table(t)} where version <> ${s.version}`),
      ).toBe(0);
    }

    // Sessions are dealt round-robin over teachers, each in its teacher's school.
    const perTeacher = await db
      .selectFrom('class_sessions')
      .innerJoin('memberships', (j) =>
        j
          .onRef('memberships.user_id', '=', 'class_sessions.teacher_id')
          .onRef('memberships.school_id', '=', 'class_sessions.school_id'),
      )
      .where('memberships.role', '=', 'teacher')
      .select(['class_sessions.teacher_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('class_sessions.teacher_id')
      .orderBy('class_sessions.teacher_id')
      .execute();
    expect(perTeacher.map((r) => Number(r.n))).toEqual([15, 15, 15, 14, 14, 14, 14]);
    // Enrolled students are students of the session's school.
    expect(
      await count(
        db,
        sql`select count(*) as n from enrolments e
            join class_sessions s on s.id = e.session_id
            join memberships m on m.user_id = e.student_id and m.school_id = s.school_id and m.role = 'student'
            where e.school_id = s.school_id`,
      ),
    ).toBe(404);
    // Every resource and notification belongs to a teacher of its school.
    for (const [table, col] of [
      ['resources', 'teacher_id'],
      ['notifications', 'user_id'],
    ] as const) {
      expect(
        await count(
          db,
          sql`select count(*) as n from ${sql.table(table)} x
              join memberships m on m.user_id = x.${sql.ref(col)} and m.school_id = x.school_id and m.role = 'teacher'`,
        ),
      ).toBe(table === 'resources' ? 13 : 29);
    }
  });

  test('synthetic accounts sign in with the password whose hash was given', async () => {
    database = await freshDatabase(dialect);
    const s = await generateSynthetic(database.db, { ...ODD, passwordHash: await passwordHash() });
    const teacher = await database.db
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('email', '=', 'teacher1@synthetic.test')
      .executeTakeFirstOrThrow();
    expect(teacher.id).toBe(s.ids.teachers.first);
    expect(await verifyPassword(DEMO_PASSWORD, teacher.password_hash)).toBe(true);
    const last = await database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'student50@synthetic.test')
      .executeTakeFirstOrThrow();
    expect(last.id).toBe(s.ids.students.first + 49);
  });

  test('synthetic tokens sign their users in and are stored only as their SHA-256', async () => {
    database = await freshDatabase(dialect);
    const db = database.db;
    const s = await generateSynthetic(db, { ...ODD, passwordHash: await passwordHash() });
    const now = new Date('2030-01-01T00:00:00.000Z');
    // More rows than one multi-row insert holds (6 000), cycling over the 7 teachers.
    const userIds = Array.from({ length: 6003 }, (_, i) => s.ids.teachers.first + (i % 7));
    const tokens = await createSyntheticTokens(db, userIds, 3_600_000, now);
    expect(new Set(tokens).size).toBe(6003);
    expect(await tableCount(db, 'auth_tokens')).toBe(6003);
    for (const i of [0, 6, 6002]) {
      expect((await authenticate(db, tokens[i]!, now))?.id).toBe(userIds[i]);
      const row = await db
        .selectFrom('auth_tokens')
        .selectAll()
        .where('token_hash', '=', hashToken(tokens[i]!))
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ user_id: userIds[i], revoked_at: null });
      expect(new Date(row.expires_at).toISOString()).toBe('2030-01-01T01:00:00.000Z');
    }
    const plain = await db.selectFrom('auth_tokens').select('id').where('token_hash', 'in', tokens).execute();
    expect(plain).toEqual([]);
    expect(await authenticate(db, tokens[0]!, new Date('2030-01-01T01:00:01.000Z'))).toBeNull();
  });

  test('a second dataset continues the ids and the app still inserts rows afterwards', async () => {
    database = await freshDatabase(dialect);
    const db = database.db;
    const first = await generateSynthetic(db, { ...ODD, passwordHash: await passwordHash() });
    const second = await generateSynthetic(db, {
      ...ODD,
      emailDomain: 'two.synthetic.test',
      passwordHash: await passwordHash(),
    });
    expect(second.version).toBe(first.version + 1);
    expect(second.ids.schools.first).toBe(first.ids.schools.first + 3);
    expect(second.ids.sessions.first).toBe(first.ids.sessions.first + 101);
    expect(await tableCount(db, 'class_sessions')).toBe(202);
    // Ordinary inserts (serial ids on PostgreSQL, AUTOINCREMENT on SQLite) do not collide.
    const school = await db
      .insertInto('schools')
      .values({ name: 'After', timezone: 'UTC', version: 0, created_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(school.id).toBeGreaterThan(second.ids.schools.first + 2);
    const note = await db
      .insertInto('notifications')
      .values({
        school_id: school.id,
        user_id: first.ids.teachers.first,
        type: 'new_student',
        title: 't',
        message: 'm',
        action_url: '',
        is_read: 0,
        is_dismissed: 0,
        read_at: null,
        delivered_via_socket: 0,
        created_at: new Date().toISOString(),
        expires_at: null,
        expiry_published: 0,
        dedupe_key: null,
        version: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(note.id).toBe(58 + 1);
  });

  test('the recipes give a ~30 000-row scoped view and 1 000 students per teacher', async () => {
    database = await freshDatabase(dialect);
    const db = database.db;
    const big = await generateSynthetic(db, {
      ...BIG_VIEW,
      passwordHash: await passwordHash(),
      logChanges: false,
    });
    expect(big.counts.sync_changes).toBe(0);
    const scope = { teacherId: big.ids.teachers.first, schoolId: big.ids.schools.first };
    let rows = 0;
    for (const e of ENTITIES) rows += await VIEW[e].count(db, scope);
    expect(rows).toBe(30_007);

    const wide = await generateSynthetic(db, {
      ...WIDE_ROSTER,
      emailDomain: 'wide.synthetic.test',
      passwordHash: await passwordHash(),
      logChanges: false,
    });
    for (let i = 0; i < WIDE_ROSTER.teachers; i++) {
      const teacherId = wide.ids.teachers.first + i;
      const schoolId = wide.ids.schools.first + (i % WIDE_ROSTER.schools);
      expect(await VIEW.student.count(db, { teacherId, schoolId })).toBe(1000);
    }
  }, 60_000);

  test('invalid options are refused before anything is written', async () => {
    database = await freshDatabase(dialect);
    const base = {
      schools: 1,
      teachers: 1,
      students: 1,
      sessions: 1,
      resources: 0,
      notifications: 0,
      passwordHash: 'x',
    };
    await expect(generateSynthetic(database.db, { ...base, teachers: 0 })).rejects.toThrow(
      SyntheticOptionsError,
    );
    await expect(generateSynthetic(database.db, { ...base, students: -1 })).rejects.toThrow(/students/);
    await expect(generateSynthetic(database.db, { ...base, sessions: 1.5 })).rejects.toThrow(/sessions/);
    await expect(generateSynthetic(database.db, { ...base, emailDomain: 'Not A Domain' })).rejects.toThrow(
      /emailDomain/,
    );
    expect(await tableCount(database.db, 'users')).toBe(0);
  });
});

test('the same seed and clock give the same data', async () => {
  const now = new Date('2025-03-12T10:00:00Z');
  const snapshot = async (seed: number) => {
    const d = openDatabase({ url: ':memory:' });
    await migrateServer(d.db);
    await generateSynthetic(d.db, { ...ODD, seed, now, passwordHash: 'x' });
    const sessions = await d.db
      .selectFrom('class_sessions')
      .select(['id', 'starts_at', 'status'])
      .orderBy('id')
      .execute();
    const enrolments = await d.db
      .selectFrom('enrolments')
      .select(['id', 'student_id', 'attendance'])
      .orderBy('id')
      .execute();
    const notes = await d.db
      .selectFrom('notifications')
      .select(['id', 'is_read', 'created_at'])
      .orderBy('id')
      .execute();
    await d.destroy();
    return JSON.stringify({ sessions, enrolments, notes });
  };
  expect(await snapshot(7)).toBe(await snapshot(7));
  expect(await snapshot(7)).not.toBe(await snapshot(8));
});
