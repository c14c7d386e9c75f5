/**
 * `npm run bench:pull [-- --runs N] [-- --quick] [-- --json]`: where the time of one small delta
 * pull goes, in one process with no HTTP — the anatomy behind `bench:load`'s pull figures.
 * The data is bench:load's pull schools (tests/bench/load-data.ts: teachers with ~900-row views,
 * 8 per school), each teacher with one session edited after their cursor (21 changes).
 * 1. Each SQL statement of that pull, recorded through the route's own domain calls
 *    (load-parts.ts recordPullStatements) and run alone through a better-sqlite3 prepared
 *    statement: µs per run and rows returned. Their sum is the pull's database floor.
 * 2. The route's domain calls through Kysely as the server runs them (authenticate,
 *    requireTeacherSchool, pull with a kept checksum), µs each, next to that floor: what the
 *    query builder, the driver's plumbing and the pull's own code add to the statements.
 * Figures are medians over rounds of `runs` runs each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { keepingStatements } from '../../src/shared/sqlite-statements.js';
import type { DB } from '../../server/db/schema.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { updateSession } from '../../server/domain/admin.js';
import { authenticate, requireTeacherSchool } from '../../server/domain/auth.js';
import { ChecksumCache } from '../../server/domain/checksum-cache.js';
import { silentEvents } from '../../server/domain/events.js';
import { pull } from '../../server/domain/pull.js';
import { FLAG_KEYS } from '../../src/shared/feature-flags.js';
import { seedLoadData, type PullTeacher } from './load-data.js';
import { EDITS_PER_TEACHER, recordPullStatements } from './load-parts.js';
import { median } from './load-support.js';
import { fmt } from './load-report.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string' },
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs ?? (args.quick ? 200 : 5000));
const ROUNDS = Number(args.rounds ?? (args.quick ? 2 : 5));
const PULL_TEACHERS = 32;
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 50) {
  console.error('usage: npm run bench:pull -- [--quick] [--json] [--runs N ≥ 1] [--rounds 1..50]');
  process.exit(2);
}

/** µs per call of `f`, median over the rounds (after one unmeasured round to warm up). */
async function microseconds(f: () => unknown): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r <= ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < RUNS; i++) await f();
    if (r > 0) rounds.push(((performance.now() - t0) / RUNS) * 1000);
  }
  return median(rounds);
}

/** The tables a statement reads, in order (`auth_tokens ⋈ users`), or its first word (begin). */
const labelOf = (sql: string): string => {
  const tables = [...sql.matchAll(/\b(?:from|join) "([a-z_]+)"/g)].map((m) => m[1]!);
  return tables.length ? [...new Set(tables)].join(' ⋈ ') : sql.split(/\s/, 1)[0]!.toLowerCase();
};

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-pull-bench-'));
  try {
    const file = path.join(dir, 'server.sqlite');
    const seeding = openDatabase({ url: file });
    await migrateServer(seeding.db);
    const data = await seedLoadData(seeding.db, { sockets: 2, teachers: 2, pullTeachers: PULL_TEACHERS });
    // The edits bench:load makes through the admin API, made here through the same domain call.
    const ctx = { db: seeding.db, events: silentEvents, now: () => new Date() };
    for (const t of data.pullTeachers) {
      const admin = await authenticate(seeding.db, data.pullAdmins.get(t.schoolId)!);
      for (const id of t.sessionIds.slice(0, EDITS_PER_TEACHER))
        await updateSession(ctx, admin!.id, t.schoolId, id, { title: `Edited for the pull bench ${id}` });
      // A school that has set its feature flags: each of the pull's flag lookups finds its row.
      await seeding.db
        .insertInto('feature_flags')
        .values(
          FLAG_KEYS.map((key) => ({
            school_id: t.schoolId,
            key,
            enabled: 1,
            percentage: 50,
            updated_at: new Date().toISOString(),
            updated_by: admin!.id,
          })),
        )
        .onConflict((oc) => oc.columns(['school_id', 'key']).doNothing())
        .execute();
    }
    await seeding.destroy();

    const teacher: PullTeacher = data.pullTeachers[0]!;
    const [recorded] = await recordPullStatements(file, [teacher]);

    // 1. Each statement alone.
    const raw = new SQLite(file, { readonly: true });
    const statements: Array<{ label: string; us: number; rows: number }> = [];
    for (const { sql, parameters } of recorded!) {
      const st = raw.prepare(sql);
      if (!st.reader) continue; // begin / commit: timed as part of the domain calls below
      statements.push({
        label: labelOf(sql),
        us: await microseconds(() => st.all(...parameters)),
        rows: st.all(...parameters).length,
      });
    }
    raw.close();
    const floor = statements.reduce((a, s) => a + s.us, 0);

    // 2. The route's domain calls, as the server runs them.
    const sqlite = new SQLite(file, { readonly: true });
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }) });
    const checksums = new ChecksumCache({ maxRows: Number.MAX_SAFE_INTEGER, maxAgeMs: 3_600_000 });
    const user = (await authenticate(db, teacher.token))!;
    const scope = { teacherId: user.id, schoolId: teacher.schoolId };
    const changes = (await pull(db, scope, teacher.cursor, undefined, checksums)).changes.length;
    const domain = {
      authenticate: await microseconds(() => authenticate(db, teacher.token)),
      requireTeacherSchool: await microseconds(() => requireTeacherSchool(db, user.id, teacher.schoolId)),
      pull: await microseconds(() => pull(db, scope, teacher.cursor, undefined, checksums)),
    };
    await db.destroy();
    const total = domain.authenticate + domain.requireTeacherSchool + domain.pull;

    if (args.json) {
      console.log(JSON.stringify({ runs: RUNS, rounds: ROUNDS, changes, statements, floor, domain, total }));
      return;
    }
    const cpu = os.cpus()[0]?.model.trim() ?? '?';
    console.log(
      `Anatomy of one delta pull (${changes} changes, ~900-row view), SQLite, in one process; ` +
        `median of ${ROUNDS} rounds × ${fmt(RUNS)} runs`,
    );
    console.log(
      `machine: ${os.cpus().length} × ${cpu}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log();
    console.log('| statement (better-sqlite3 prepared, alone) | µs | rows |');
    console.log('|---|---:|---:|');
    for (const s of statements) console.log(`| ${s.label} | ${fmt(s.us, 1)} | ${s.rows} |`);
    console.log(`| **sum: the database floor** | **${fmt(floor, 1)}** | |`);
    console.log();
    console.log('| domain call (Kysely, as the route runs it) | µs |');
    console.log('|---|---:|');
    for (const [name, us] of Object.entries(domain)) console.log(`| ${name} | ${fmt(us, 1)} |`);
    console.log(`| **total** | **${fmt(total, 1)}** (${fmt(total / floor, 1)}× the floor) |`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('benchmark failed:', err);
    process.exit(1);
  },
);
