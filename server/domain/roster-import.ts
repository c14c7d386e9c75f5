/**
 * OneRoster 1.2 CSV import (docs/ARCHITECTURE.md, "Running a school"). The export is read and
 * checked first (server/domain/roster-files.ts); then compared with the school: what would be
 * created, updated and deactivated. A dry run answers that; an import applies it all in one
 * write transaction, or nothing when any row has an error, and records it in the audit log.
 *
 * Mapping: a OneRoster user with role teacher or student is an account with a membership of
 * that role in the school (other roles are skipped); a class is a Classdesk course (the group a
 * teacher teaches: its title, its classCode or else its course's courseCode) whose teachers and
 * students are `course_members` (its enrolments); OneRoster courses, orgs and academic sessions
 * are checked as references, nothing is created from them. Every created row is remembered by
 * (school, kind, sourcedId) in `sourced_ids`, so importing the same files again changes nothing.
 * `tobedeleted` (or `enabledUser=false`) deactivates, never deletes.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { requireAdmin, touchStudentEverywhere, unusablePasswordHash } from './admin.js';
import { audit } from './audit.js';
import type { WriteContext } from './changes.js';
import { write, type DomainContext } from './context.js';
import { AppError } from './errors.js';
import { readRoster, type Roster, type RowError, type UserRow } from './roster-files.js';

export interface Counts {
  created: number;
  updated: number;
  deactivated: number;
  unchanged: number;
  skipped: number;
}
export interface ImportReport {
  dry_run: boolean;
  applied: boolean;
  users: Counts;
  courses: Counts;
  enrolments: Counts;
  /** The first 1000 row-level errors; `error_count` has them all. */
  errors: RowError[];
  error_count: number;
}

/** An import refused for its row errors: 422 with the report (nothing applied). */
export class ImportRejected extends AppError {
  constructor(readonly report: ImportReport) {
    super(
      422,
      'invalid_import',
      `${report.error_count} ${report.error_count === 1 ? 'row has an error' : 'rows have errors'}: nothing was imported (see report.errors)`,
      'file',
    );
    this.details = { report };
  }
}

const zero = (): Counts => ({ created: 0, updated: 0, deactivated: 0, unchanged: 0, skipped: 0 });
const CHUNK = 500;
const chunks = <T>(list: T[], n = CHUNK): T[][] =>
  Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, i * n + n));

type Role = 'teacher' | 'student';
interface UserPlan {
  sourcedId: string;
  /** Known account, or null: created with `email` and `name`. */
  id: number | null;
  email: string;
  name: string;
  rename: boolean;
  role: Role;
  /** Membership: none yet (create), or its current active flag. */
  member: 'none' | { active: boolean };
  active: boolean;
  mapped: boolean;
}
interface ClassPlan {
  sourcedId: string;
  id: number | null;
  name: string;
  code: string;
  change: boolean;
  mapped: boolean;
  active: boolean;
}
interface MemberPlan {
  sourcedId: string;
  id: number | null;
  classSourcedId: string;
  userSourcedId: string;
  role: Role;
  active: boolean;
  change: boolean;
  mapped: boolean;
}
interface Plan {
  report: ImportReport;
  users: UserPlan[];
  classes: ClassPlan[];
  members: MemberPlan[];
  changes: number;
}

/** A stable address for a student the export gives no email (accounts need one; it never receives mail). */
const placeholderEmail = (schoolId: number, sourcedId: string) =>
  `student-${createHash('sha256').update(`${schoolId}:${sourcedId}`).digest('hex').slice(0, 20)}@roster.invalid`;

async function plan(db: Kysely<DB>, schoolId: number, roster: Roster, dryRun: boolean): Promise<Plan> {
  const report: ImportReport = {
    dry_run: dryRun,
    applied: false,
    users: zero(),
    courses: zero(),
    enrolments: zero(),
    errors: roster.errors,
    error_count: 0,
  };
  const errors = roster.errors;
  const sourced = {
    user: new Map<string, number>(),
    class: new Map<string, number>(),
    enrollment: new Map<string, number>(),
  };
  for (const r of await db
    .selectFrom('sourced_ids')
    .select(['kind', 'sourced_id', 'local_id'])
    .where('school_id', '=', schoolId)
    .execute())
    sourced[r.kind].set(r.sourced_id, r.local_id);

  // Users: the role each has in the school.
  const enrolRoles = new Map<string, Set<string>>();
  for (const e of roster.enrollments) {
    const s = enrolRoles.get(e.userSourcedId) ?? new Set<string>();
    s.add(e.role);
    enrolRoles.set(e.userSourcedId, s);
  }
  const wanted = roster.users.flatMap((u): Array<UserRow & { role: Role }> => {
    const role =
      u.role ??
      (enrolRoles.get(u.sourcedId)?.has('teacher')
        ? 'teacher'
        : enrolRoles.get(u.sourcedId)?.has('student')
          ? 'student'
          : null);
    if (role !== 'teacher' && role !== 'student') {
      report.users.skipped++;
      return [];
    }
    if (role === 'teacher' && u.email === '') {
      errors.push({
        file: 'users.csv',
        line: u.line,
        column: 'email',
        message: 'a teacher needs an email to sign in',
      });
      return [];
    }
    return [{ ...u, role, email: u.email || placeholderEmail(schoolId, u.sourcedId) }];
  });
  const byEmail = new Map<string, { id: number; email: string; name: string }>();
  const byId = new Map<number, { id: number; email: string; name: string }>();
  for (const part of chunks(wanted.map((u) => u.email)))
    for (const r of await db
      .selectFrom('users')
      .select(['id', 'email', 'name'])
      .where('email', 'in', part)
      .execute()) {
      byEmail.set(r.email, r);
      byId.set(r.id, r);
    }
  const mappedIds = wanted
    .map((u) => sourced.user.get(u.sourcedId))
    .filter((x): x is number => x !== undefined && !byId.has(x));
  for (const part of chunks(mappedIds))
    for (const r of await db
      .selectFrom('users')
      .select(['id', 'email', 'name'])
      .where('id', 'in', part)
      .execute())
      byId.set(r.id, r);
  const memberships = new Map<number, { role: string; active: number }>();
  for (const m of await db
    .selectFrom('memberships')
    .select(['user_id', 'role', 'active'])
    .where('school_id', '=', schoolId)
    .execute())
    memberships.set(m.user_id, m);
  const elsewhere = new Set<number>();
  for (const part of chunks([...byId.keys()]))
    for (const m of await db
      .selectFrom('memberships')
      .select('user_id')
      .where('school_id', '!=', schoolId)
      .where('user_id', 'in', part)
      .execute())
      elsewhere.add(m.user_id);

  const users: UserPlan[] = [];
  const userActive = new Map<string, boolean>();
  for (const u of wanted) {
    const active = u.status === 'active' && u.enabled;
    const mappedId = sourced.user.get(u.sourcedId);
    const known = (mappedId !== undefined ? byId.get(mappedId) : undefined) ?? byEmail.get(u.email);
    if (!known) {
      if (!active) {
        report.users.skipped++;
        continue;
      }
      users.push({
        sourcedId: u.sourcedId,
        id: null,
        email: u.email,
        name: u.name,
        rename: false,
        role: u.role,
        member: 'none',
        active,
        mapped: false,
      });
      userActive.set(u.sourcedId, active);
      report.users.created++;
      continue;
    }
    const m = memberships.get(known.id);
    if (m && m.role !== u.role) {
      errors.push({
        file: 'users.csv',
        line: u.line,
        column: 'role',
        message: `${u.email} is ${m.role === 'admin' ? 'an administrator' : `a ${m.role}`} of this school, not a ${u.role}: change the membership in the console`,
      });
      continue;
    }
    // An account that also belongs to another school keeps the name it has.
    const rename = known.name !== u.name && !elsewhere.has(known.id);
    const member: UserPlan['member'] = m ? { active: m.active === 1 } : 'none';
    const p: UserPlan = {
      sourcedId: u.sourcedId,
      id: known.id,
      email: known.email,
      name: u.name,
      rename,
      role: u.role,
      member,
      active,
      mapped: mappedId === known.id,
    };
    userActive.set(u.sourcedId, active);
    if (member === 'none') {
      if (!active) {
        report.users.skipped++;
        continue;
      }
      report.users.created++;
    } else if (member.active && !active) report.users.deactivated++;
    else if (rename || member.active !== active) report.users.updated++;
    else report.users.unchanged++;
    users.push(p);
  }

  // Classes → courses.
  const catalogue = new Map(roster.courses.map((c) => [c.sourcedId, c]));
  const courses = new Map<number, { name: string; code: string }>();
  for (const c of await db
    .selectFrom('courses')
    .select(['id', 'name', 'code'])
    .where('school_id', '=', schoolId)
    .execute())
    courses.set(c.id, c);
  const classes: ClassPlan[] = [];
  const classActive = new Map<string, boolean>();
  for (const c of roster.classes) {
    const id = sourced.class.get(c.sourcedId);
    const known = id !== undefined ? courses.get(id) : undefined;
    const code = c.classCode || catalogue.get(c.courseSourcedId)?.courseCode || c.sourcedId.slice(0, 40);
    const active = c.status === 'active';
    classActive.set(c.sourcedId, active);
    if (!known) {
      if (!active) {
        report.courses.skipped++;
        continue;
      }
      classes.push({
        sourcedId: c.sourcedId,
        id: null,
        name: c.title,
        code,
        change: true,
        mapped: false,
        active,
      });
      report.courses.created++;
      continue;
    }
    const change = known.name !== c.title || known.code !== code;
    classes.push({ sourcedId: c.sourcedId, id: id!, name: c.title, code, change, mapped: true, active });
    if (!active) report.courses.deactivated++;
    else if (change) report.courses.updated++;
    else report.courses.unchanged++;
  }

  // Enrolments → course members.
  const existing = new Map<string, { id: number; active: number }>();
  const byMemberId = new Map<number, string>();
  for (const m of await db
    .selectFrom('course_members')
    .select(['id', 'course_id', 'user_id', 'role', 'active'])
    .where('school_id', '=', schoolId)
    .execute()) {
    const key = `${m.course_id}/${m.user_id}/${m.role}`;
    existing.set(key, m);
    byMemberId.set(m.id, key);
  }
  const userIds = new Map(users.map((u) => [u.sourcedId, u.id]));
  const classIds = new Map(classes.map((c) => [c.sourcedId, c.id]));
  const members: MemberPlan[] = [];
  for (const e of roster.enrollments) {
    const role = e.role;
    if (
      (role !== 'teacher' && role !== 'student') ||
      !userIds.has(e.userSourcedId) ||
      !classIds.has(e.classSourcedId)
    ) {
      report.enrolments.skipped++;
      continue;
    }
    const uid = userIds.get(e.userSourcedId)!;
    const cid = classIds.get(e.classSourcedId)!;
    const active =
      e.status === 'active' &&
      userActive.get(e.userSourcedId) === true &&
      classActive.get(e.classSourcedId) === true;
    const mappedId = sourced.enrollment.get(e.sourcedId);
    const key = uid !== null && cid !== null ? `${cid}/${uid}/${e.role}` : null;
    const known = key !== null ? existing.get(key) : undefined;
    if (!known) {
      if (!active) {
        report.enrolments.skipped++;
        continue;
      }
      members.push({
        sourcedId: e.sourcedId,
        id: null,
        classSourcedId: e.classSourcedId,
        userSourcedId: e.userSourcedId,
        role,
        active,
        change: true,
        mapped: false,
      });
      report.enrolments.created++;
      continue;
    }
    const change = (known.active === 1) !== active;
    members.push({
      sourcedId: e.sourcedId,
      id: known.id,
      classSourcedId: e.classSourcedId,
      userSourcedId: e.userSourcedId,
      role,
      active,
      change,
      mapped: mappedId === known.id,
    });
    if (known.active === 1 && !active) report.enrolments.deactivated++;
    else if (change) report.enrolments.updated++;
    else report.enrolments.unchanged++;
  }

  report.error_count = errors.length;
  report.errors = errors.slice(0, 1000);
  const changes =
    users.filter(
      (u) => u.id === null || u.rename || u.member === 'none' || u.member.active !== u.active || !u.mapped,
    ).length +
    classes.filter((c) => c.change || !c.mapped).length +
    members.filter((m) => m.change || !m.mapped).length;
  return { report, users, classes, members, changes };
}

/** Rolls an import with nothing to change back: re-importing the same files changes nothing. */
class NothingToChange extends Error {}

export async function importRoster(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  files: Map<string, Uint8Array>,
  dryRun: boolean,
): Promise<ImportReport> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const roster = readRoster(files);
  if (dryRun) return (await plan(ctx.db, schoolId, roster, true)).report;
  if (roster.errors.length > 0)
    throw new ImportRejected((await plan(ctx.db, schoolId, roster, false)).report);
  let report: ImportReport | undefined;
  try {
    await write(ctx, async (w) => {
      const p = await plan(w.trx, schoolId, roster, false);
      report = p.report;
      if (p.report.error_count > 0) throw new ImportRejected(p.report);
      if (p.changes === 0) throw new NothingToChange();
      await apply(w, ctx, schoolId, p);
      p.report.applied = true;
      const { errors: _e, ...summary } = p.report;
      await audit(w, {
        school_id: schoolId,
        actor_id: adminId,
        action: 'roster_import',
        subject: 'roster',
        before: null,
        after: summary,
      });
    });
  } catch (e) {
    if (!(e instanceof NothingToChange)) throw e;
  }
  return report!;
}

async function apply(w: WriteContext, ctx: DomainContext, schoolId: number, p: Plan): Promise<void> {
  const t = w.trx;
  const now = w.now;
  const ids = new Map<string, number>();
  // New accounts, then their ids by (unique) email.
  const newUsers = p.users.filter((u) => u.id === null);
  for (const part of chunks(newUsers)) {
    const rows = await t
      .insertInto('users')
      .values(
        part.map((u) => ({
          email: u.email,
          name: u.name,
          password_hash: unusablePasswordHash(),
          version: w.version,
          created_at: now,
        })),
      )
      .returning(['id', 'email'])
      .execute();
    const byEmail = new Map(rows.map((r) => [r.email, r.id]));
    for (const u of part) u.id = byEmail.get(u.email)!;
  }
  for (const u of p.users) ids.set(u.sourcedId, u.id!);
  for (const u of p.users.filter((x) => x.rename)) {
    await t.updateTable('users').set({ name: u.name, version: w.version }).where('id', '=', u.id!).execute();
    if (u.role === 'student') await touchStudentEverywhere(w, schoolId, u.id!);
  }
  for (const part of chunks(p.users.filter((u) => u.member === 'none')))
    await t
      .insertInto('memberships')
      .values(
        part.map((u) => ({
          school_id: schoolId,
          user_id: u.id!,
          role: u.role,
          active: 1,
          version: w.version,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  const flips = p.users.filter((u) => u.member !== 'none' && u.member.active !== u.active);
  for (const active of [true, false]) {
    const list = flips.filter((u) => u.active === active);
    for (const part of chunks(list))
      await t
        .updateTable('memberships')
        .set({ active: active ? 1 : 0, version: w.version, updated_at: now })
        .where('school_id', '=', schoolId)
        .where(
          'user_id',
          'in',
          part.map((u) => u.id!),
        )
        .execute();
    for (const u of list) {
      if (u.role === 'student') await touchStudentEverywhere(w, schoolId, u.id!);
      else
        w.afterCommit(() =>
          active ? ctx.events.scopeGranted(u.id!, schoolId) : ctx.events.scopeRevoked(u.id!, schoolId),
        );
    }
  }
  for (const u of p.users.filter((x) => x.member === 'none' && x.role === 'teacher'))
    w.afterCommit(() => ctx.events.scopeGranted(u.id!, schoolId));

  // New courses in batches. Rows come back matched by their content: two new classes with the
  // same name and code are interchangeable, so either id may go to either sourcedId.
  for (const part of chunks(p.classes.filter((c) => c.id === null))) {
    const rows = await t
      .insertInto('courses')
      .values(part.map((c) => ({ school_id: schoolId, name: c.name, code: c.code, version: w.version })))
      .returning(['id', 'name', 'code'])
      .execute();
    const free = new Map<string, number[]>();
    for (const r of rows) {
      const k = JSON.stringify([r.name, r.code]);
      free.set(k, [...(free.get(k) ?? []), r.id]);
    }
    for (const c of part) c.id = free.get(JSON.stringify([c.name, c.code]))!.shift()!;
  }
  const classIds = new Map<string, number>();
  for (const c of p.classes) {
    if (c.mapped && c.change)
      await t
        .updateTable('courses')
        .set({ name: c.name, code: c.code, version: w.version })
        .where('id', '=', c.id!)
        .execute();
    if (c.change) w.touch({ school_id: schoolId, teacher_id: null, entity: 'course', row_id: c.id! });
    classIds.set(c.sourcedId, c.id!);
  }

  const freshMembers = p.members.filter((m) => m.id === null);
  const fresh = new Set(freshMembers);
  for (const part of chunks(freshMembers)) {
    const rows = await t
      .insertInto('course_members')
      .values(
        part.map((m) => ({
          school_id: schoolId,
          course_id: classIds.get(m.classSourcedId)!,
          user_id: ids.get(m.userSourcedId)!,
          role: m.role,
          active: 1,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(['id', 'course_id', 'user_id', 'role'])
      .execute();
    const byKey = new Map(rows.map((r) => [`${r.course_id}/${r.user_id}/${r.role}`, r.id]));
    for (const m of part)
      m.id = byKey.get(`${classIds.get(m.classSourcedId)}/${ids.get(m.userSourcedId)}/${m.role}`)!;
  }
  for (const active of [true, false])
    for (const part of chunks(
      p.members.filter((m) => m.id !== null && m.change && !fresh.has(m) && m.active === active),
    ))
      await t
        .updateTable('course_members')
        .set({ active: active ? 1 : 0, updated_at: now })
        .where(
          'id',
          'in',
          part.map((m) => m.id!),
        )
        .execute();

  const mappings = [
    ...p.users
      .filter((u) => !u.mapped)
      .map((u) => ({ kind: 'user' as const, sourced_id: u.sourcedId, local_id: u.id! })),
    ...p.classes
      .filter((c) => !c.mapped)
      .map((c) => ({ kind: 'class' as const, sourced_id: c.sourcedId, local_id: c.id! })),
    ...p.members
      .filter((m) => !m.mapped)
      .map((m) => ({ kind: 'enrollment' as const, sourced_id: m.sourcedId, local_id: m.id! })),
  ];
  for (const part of chunks(mappings))
    await t
      .insertInto('sourced_ids')
      .values(part.map((m) => ({ school_id: schoolId, ...m })))
      .onConflict((oc) =>
        oc
          .columns(['school_id', 'kind', 'sourced_id'])
          .doUpdateSet((eb) => ({ local_id: eb.ref('excluded.local_id') })),
      )
      .execute();
}
