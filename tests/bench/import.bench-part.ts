/**
 * bench:server's roster import figures (docs/PERFORMANCE.md): a OneRoster export of 5 000 users
 * (100 teachers, 4 900 students), 1 000 classes and 50 000 enrolments, sent over HTTP as a
 * multipart upload to a fresh school each round — the dry run, then the import — next to a
 * baseline measured in the same run: bare batch inserts of the same rows (users, memberships,
 * courses, course members) through the same database connection in one transaction, with no
 * parsing, checking or comparing.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../server/db/schema.js';
import { startTestServer, type Dialect } from '../support/server-fixture.js';
import { signedIn } from '../support/api-client.js';
import { oneRosterExport, sendImport } from '../support/oneroster.js';

export const IMPORT_SHAPE = { teachers: 100, students: 4900, classes: 1000, classesPerStudent: 10 };

export interface ImportFigures {
  dryMs: number;
  applyMs: number;
  baselineMs: number;
  users: number;
  enrolments: number;
  megabytes: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function freshSchool(db: Kysely<DB>, adminId: number): Promise<number> {
  const now = new Date().toISOString();
  const s = await db
    .insertInto('schools')
    .values({
      name: `Bench ${randomBytes(3).toString('hex')}`,
      timezone: 'Europe/Lisbon',
      version: 1,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('memberships')
    .values({
      school_id: s.id,
      user_id: adminId,
      role: 'admin',
      active: 1,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return s.id;
}

/** The same rows the import creates, inserted bare in one transaction. */
async function baselineInsert(db: Kysely<DB>, schoolId: number, tag: string): Promise<void> {
  const now = new Date().toISOString();
  const chunk = <T>(xs: T[]) =>
    Array.from({ length: Math.ceil(xs.length / 500) }, (_, i) => xs.slice(i * 500, i * 500 + 500));
  await db.transaction().execute(async (t) => {
    const n = IMPORT_SHAPE.teachers + IMPORT_SHAPE.students;
    const userIds: number[] = [];
    for (const part of chunk(Array.from({ length: n }, (_, i) => i))) {
      const rows = await t
        .insertInto('users')
        .values(
          part.map((i) => ({
            email: `base-${tag}-${i}@bench.invalid`,
            name: `User ${i}`,
            password_hash: 'x',
            version: 1,
            created_at: now,
          })),
        )
        .returning('id')
        .execute();
      userIds.push(...rows.map((r) => r.id));
    }
    for (const part of chunk(userIds))
      await t
        .insertInto('memberships')
        .values(
          part.map((id, i) => ({
            school_id: schoolId,
            user_id: id,
            role: i < IMPORT_SHAPE.teachers ? ('teacher' as const) : ('student' as const),
            active: 1,
            version: 1,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    const courseIds: number[] = [];
    for (const part of chunk(Array.from({ length: IMPORT_SHAPE.classes }, (_, c) => c)))
      courseIds.push(
        ...(
          await t
            .insertInto('courses')
            .values(part.map((c) => ({ school_id: schoolId, name: `Class ${c}`, code: `C${c}`, version: 1 })))
            .returning('id')
            .execute()
        ).map((r) => r.id),
      );
    const members: Array<{ course_id: number; user_id: number; role: 'teacher' | 'student' }> = [];
    for (let c = 0; c < IMPORT_SHAPE.classes; c++)
      members.push({
        course_id: courseIds[c]!,
        user_id: userIds[c % IMPORT_SHAPE.teachers]!,
        role: 'teacher',
      });
    for (let s = 0; s < IMPORT_SHAPE.students; s++)
      for (let k = 0; k < IMPORT_SHAPE.classesPerStudent; k++)
        members.push({
          course_id: courseIds[(s * IMPORT_SHAPE.classesPerStudent + k) % IMPORT_SHAPE.classes]!,
          user_id: userIds[IMPORT_SHAPE.teachers + s]!,
          role: 'student',
        });
    for (const part of chunk(members))
      await t
        .insertInto('course_members')
        .values(part.map((m) => ({ school_id: schoolId, ...m, active: 1, created_at: now, updated_at: now })))
        .execute();
  });
}

export async function measureImport(dialect: Dialect, rounds: number): Promise<ImportFigures> {
  const server = await startTestServer(dialect, { LOG_LEVEL: 'silent', SLOW_REQUEST_MS: '600000' });
  try {
    const db = server.database.db;
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const dry: number[] = [];
    const apply: number[] = [];
    const base: number[] = [];
    let megabytes = 0;
    for (let r = 0; r < rounds; r++) {
      const tag = `r${r}${randomBytes(2).toString('hex')}`;
      const files = oneRosterExport({ ...IMPORT_SHAPE, tag });
      megabytes = Object.values(files).reduce((a, f) => a + Buffer.byteLength(f), 0) / 2 ** 20;
      const school = await freshSchool(db, admin.userId);
      let t0 = performance.now();
      const d = await sendImport(admin, school, files, { dryRun: true });
      dry.push(performance.now() - t0);
      if (d.status !== 200) throw new Error(`dry run answered ${d.status}: ${d.text.slice(0, 300)}`);
      t0 = performance.now();
      const a = await sendImport(admin, school, files);
      apply.push(performance.now() - t0);
      const report = a.body as { users: { created: number }; enrolments: { created: number } };
      if (
        a.status !== 200 ||
        report.enrolments.created !==
          IMPORT_SHAPE.classes + IMPORT_SHAPE.students * IMPORT_SHAPE.classesPerStudent
      )
        throw new Error(`import answered ${a.status}: ${a.text.slice(0, 300)}`);
      const other = await freshSchool(db, admin.userId);
      t0 = performance.now();
      await baselineInsert(db, other, tag);
      base.push(performance.now() - t0);
    }
    return {
      dryMs: median(dry),
      applyMs: median(apply),
      baselineMs: median(base),
      users: IMPORT_SHAPE.teachers + IMPORT_SHAPE.students,
      enrolments: IMPORT_SHAPE.classes + IMPORT_SHAPE.students * IMPORT_SHAPE.classesPerStudent,
      megabytes,
    };
  } finally {
    await server.stop();
  }
}
