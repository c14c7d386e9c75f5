/**
 * The weekly timetable and the school's holidays (docs/ARCHITECTURE.md, "Running a school",
 * "Weekly timetable"; tables of migration 0007).
 *
 * - An entry is a lesson every week (course, teacher, ISO weekday, HH:MM to HH:MM, room) from
 *   `term_start` to `term_end`, both inclusive. Its sessions are generated one a week, at the
 *   wall-clock time in the school's time zone (so a 10:00 lesson is 10:00 on both sides of a
 *   daylight-saving change, src/shared/time-range.ts `zonedInstant`), titled with the course's
 *   name and placed in the room, for every week of the term (weeks already past too, when the
 *   entry is added mid-term, so their attendance can be recorded). None on a holiday.
 * - Changing an entry changes its future sessions only (those starting after now): each week
 *   keeps its session, moved to the new day and time; a week the entry no longer covers loses its
 *   future session. Sessions that have started are never touched.
 * - A session the timetable no longer wants is removed when nothing was done with it (scheduled,
 *   no attendance marked, no lesson notes, no plan, no attached resource); otherwise it is
 *   cancelled and kept, so a teacher's work is never silently deleted; each teacher is told once
 *   per change of the sessions of theirs it cancelled.
 * - A holiday closes the school for a day: that day's scheduled sessions are cancelled and each
 *   teacher concerned gets ONE notification (`session_cancelled` with the holiday's params,
 *   src/shared/notification-text.ts). Removing a holiday reopens the day: the timetable's future
 *   sessions of that day are scheduled again.
 *
 * Every write checks the caller administers the school (requireAdmin), logs the sessions it
 * touches for the sync (server/domain/changes.ts) and writes its audit entry in its transaction.
 */
import type { z } from 'zod';
import { MAX_TERM_DAYS } from '../../src/shared/admin-api.js';
import type {
  CreateTimetableEntryBody,
  HolidayBody,
  HolidayItem,
  HolidayListQuery,
  HolidayResponse,
  PatchTimetableEntryBody,
  TimetableEntryItem,
  TimetableListQuery,
  TimetableWriteResponse,
} from '../../src/shared/admin-api.js';
import { zonedDate, zonedInstant } from '../../src/shared/time-range.js';
import { stampFields, type WriteContext } from './changes.js';
import { write, type DomainContext } from './context.js';
import { badRequest, notFound } from './errors.js';
import { createNotifications, expiryFrom, type NewNotification } from './notifications.js';
import { audit, changedFields } from './audit.js';
import { conflict, requireAdmin, requireCourse, requireTeacher, touchSessionFor } from './admin.js';
import { after, decodeCursor, pageOf, type Page } from './admin-lists.js';

interface Entry {
  id: number;
  school_id: number;
  course_id: number;
  teacher_id: number;
  weekday: number;
  starts: string;
  ends: string;
  room: string;
  term_start: string;
  term_end: string;
  active: number;
}
const ENTRY_COLUMNS = [
  'id',
  'school_id',
  'course_id',
  'teacher_id',
  'weekday',
  'starts',
  'ends',
  'room',
  'term_start',
  'term_end',
  'active',
] as const;

type SessionCounts = TimetableWriteResponse['sessions'];
const noCounts = (): SessionCounts => ({ created: 0, moved: 0, removed: 0, cancelled: 0 });

// ---------------------------------------------------------------------------------------------
// Calendar dates (YYYY-MM-DD), computed at UTC noon so no zone or DST can move them.

const dayMs = 86_400_000;
const toDay = (ymd: string): number => Date.parse(`${ymd}T12:00:00Z`);
const fromDay = (t: number): string => new Date(t).toISOString().slice(0, 10);
const addDays = (ymd: string, n: number): string => fromDay(toDay(ymd) + n * dayMs);
/** ISO weekday: 1 Monday … 7 Sunday. */
const isoWeekday = (ymd: string): number => ((new Date(toDay(ymd)).getUTCDay() + 6) % 7) + 1;
/** The Monday of the date's week: a timetable entry has one session a week. */
const weekOf = (ymd: string): string => addDays(ymd, 1 - isoWeekday(ymd));

/** The entry's lesson dates: each of its weekday from term_start to term_end, inclusive. */
function lessonDates(e: Pick<Entry, 'weekday' | 'term_start' | 'term_end'>): string[] {
  const out: string[] = [];
  let d = addDays(e.term_start, (e.weekday - isoWeekday(e.term_start) + 7) % 7);
  while (d <= e.term_end) {
    out.push(d);
    d = addDays(d, 7);
  }
  return out;
}

async function schoolZone(w: WriteContext, schoolId: number): Promise<string> {
  const s = await w.trx
    .selectFrom('schools')
    .select('timezone')
    .where('id', '=', schoolId)
    .executeTakeFirstOrThrow();
  return s.timezone;
}

/** Today's date in the school's time zone. */
const today = (tz: string, nowIso: string): string => zonedDate(tz, new Date(nowIso));

// ---------------------------------------------------------------------------------------------
// Sessions

const GENERATED_COLUMNS = [
  'id',
  'teacher_id',
  'course_id',
  'title',
  'location',
  'starts_at',
  'ends_at',
  'status',
  'lesson_notes',
  'plan_objectives',
  'plan_activities',
  'plan_materials',
  'plan_homework',
  'plan_ready',
  'resource_ids',
  'field_versions',
] as const;
interface GeneratedSession {
  id: number;
  teacher_id: number;
  course_id: number | null;
  title: string;
  location: string;
  starts_at: string;
  ends_at: string;
  status: 'scheduled' | 'completed' | 'cancelled';
  lesson_notes: string;
  plan_objectives: string;
  plan_activities: string;
  plan_materials: string;
  plan_homework: string;
  plan_ready: number;
  resource_ids: string;
  field_versions: string;
}

/** Whether a teacher did something with the session: then it is never deleted. */
async function hasWork(w: WriteContext, s: GeneratedSession): Promise<boolean> {
  if (
    s.status === 'completed' ||
    s.lesson_notes !== '' ||
    s.plan_objectives !== '' ||
    s.plan_activities !== '[]' ||
    s.plan_materials !== '' ||
    s.plan_homework !== '' ||
    s.plan_ready !== 0 ||
    s.resource_ids !== '[]'
  )
    return true;
  const marked = await w.trx
    .selectFrom('enrolments')
    .select('id')
    .where('session_id', '=', s.id)
    .where('attendance', '!=', 'unknown')
    .executeTakeFirst();
  return marked !== undefined;
}

/** The sessions a write cancelled and kept, for their teachers' notifications (`notifyKept`). */
const keptByWrite = new WeakMap<WriteContext, GeneratedSession[]>();

/** Sets a session's status, stamping the field's version as every server write does. */
async function setStatus(
  w: WriteContext,
  s: { id: number; field_versions: string },
  status: 'scheduled' | 'cancelled',
): Promise<void> {
  await w.trx
    .updateTable('class_sessions')
    .set({
      status,
      field_versions: stampFields(s.field_versions, ['status'], w.version, null),
      version: w.version,
      updated_at: w.now,
    })
    .where('id', '=', s.id)
    .execute();
}

/**
 * Takes a session out of the timetable: deleted (with its enrolments) when nothing was done with
 * it, otherwise cancelled and kept (a completed one stays as it is).
 */
async function retire(
  w: WriteContext,
  schoolId: number,
  s: GeneratedSession,
  counts: SessionCounts,
): Promise<void> {
  await touchSessionFor(w, schoolId, s.id, s.teacher_id);
  if (await hasWork(w, s)) {
    if (s.status !== 'scheduled') return;
    await setStatus(w, s, 'cancelled');
    counts.cancelled++;
    keptByWrite.set(w, [...(keptByWrite.get(w) ?? []), s]);
    return;
  }
  await w.trx.deleteFrom('enrolments').where('session_id', '=', s.id).execute();
  await w.trx.deleteFrom('class_sessions').where('id', '=', s.id).execute();
  counts.removed++;
}

/**
 * Brings the entry's sessions in line with it, from now on: one session a week at the entry's
 * wall-clock time, none on a holiday, none once the entry is inactive. Weeks whose session has
 * started are left as they are. A new entry (`wholeTerm`) also gets the weeks of its term that
 * have passed, so that a timetable entered mid-term has every lesson to record attendance in.
 */
async function syncSessions(
  w: WriteContext,
  e: Entry,
  tz: string,
  wholeTerm = false,
): Promise<SessionCounts> {
  const counts = noCounts();
  const course = await w.trx
    .selectFrom('courses')
    .select('name')
    .where('id', '=', e.course_id)
    .executeTakeFirstOrThrow();
  const existing = (await w.trx
    .selectFrom('class_sessions')
    .select(GENERATED_COLUMNS)
    .where('timetable_entry_id', '=', e.id)
    .orderBy('starts_at')
    .orderBy('id')
    .execute()) as GeneratedSession[];
  const byWeek = new Map<string, GeneratedSession[]>();
  for (const s of existing) {
    const k = weekOf(zonedDate(tz, new Date(s.starts_at)));
    byWeek.set(k, [...(byWeek.get(k) ?? []), s]);
  }
  const targets = new Map<string, string>();
  if (e.active === 1) for (const d of lessonDates(e)) targets.set(weekOf(d), d);
  const holidays = new Set(
    (
      await w.trx
        .selectFrom('school_holidays')
        .select('date')
        .where('school_id', '=', e.school_id)
        .where('date', '>=', addDays(e.term_start, -7))
        .where('date', '<=', addDays(e.term_end, 7))
        .execute()
    ).map((h) => h.date),
  );
  // The course's class list (its OneRoster roster): each new session starts with these students.
  let roster: number[] | undefined;
  const classList = async () =>
    (roster ??= (
      await w.trx
        .selectFrom('course_members as cm')
        .innerJoin('memberships as m', (j) =>
          j.onRef('m.user_id', '=', 'cm.user_id').onRef('m.school_id', '=', 'cm.school_id'),
        )
        .select('cm.user_id')
        .where('cm.school_id', '=', e.school_id)
        .where('cm.course_id', '=', e.course_id)
        .where('cm.role', '=', 'student')
        .where('cm.active', '=', 1)
        .where('m.role', '=', 'student')
        .where('m.active', '=', 1)
        .orderBy('cm.user_id')
        .execute()
    ).map((r) => r.user_id));
  const weeks = [...new Set([...byWeek.keys(), ...targets.keys()])].sort();
  for (const week of weeks) {
    const olds = byWeek.get(week) ?? [];
    const started = olds.filter((s) => s.starts_at <= w.now);
    const future = olds.filter((s) => s.starts_at > w.now);
    const date = targets.get(week);
    if (started.length > 0 || date === undefined) {
      // This week's lesson has happened (it stays as it was), or the entry no longer has one.
      for (const s of future) await retire(w, e.school_id, s, counts);
      continue;
    }
    const startsAt = zonedInstant(tz, date, e.starts).toISOString();
    const endsAt = zonedInstant(tz, date, e.ends).toISOString();
    if (startsAt <= w.now && !wholeTerm) {
      for (const s of future) await retire(w, e.school_id, s, counts);
      continue;
    }
    const [keep, ...extra] = future;
    for (const s of extra) await retire(w, e.school_id, s, counts);
    if (holidays.has(date)) {
      // The school is closed that day: no session (one the holiday cancelled stays cancelled).
      if (keep && (keep.starts_at !== startsAt || keep.status === 'scheduled'))
        await retire(w, e.school_id, keep, counts);
      continue;
    }
    const wanted = {
      teacher_id: e.teacher_id,
      course_id: e.course_id,
      title: course.name,
      location: e.room,
      starts_at: startsAt,
      ends_at: endsAt,
    };
    if (!keep) {
      const s = await w.trx
        .insertInto('class_sessions')
        .values({
          school_id: e.school_id,
          ...wanted,
          status: 'scheduled',
          lesson_notes: '',
          field_versions: '{}',
          version: w.version,
          created_at: w.now,
          updated_at: w.now,
          timetable_entry_id: e.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      w.touch({ school_id: e.school_id, teacher_id: e.teacher_id, entity: 'session', row_id: s.id });
      await enrolClassList(w, e, s.id, await classList());
      counts.created++;
      continue;
    }
    const changed = (Object.keys(wanted) as Array<keyof typeof wanted>).filter((k) => keep[k] !== wanted[k]);
    if (changed.length === 0) continue;
    await w.trx
      .updateTable('class_sessions')
      .set({
        ...wanted,
        field_versions: stampFields(keep.field_versions, changed, w.version, null),
        version: w.version,
        updated_at: w.now,
      })
      .where('id', '=', keep.id)
      .execute();
    await touchSessionFor(w, e.school_id, keep.id, keep.teacher_id);
    if (keep.teacher_id !== e.teacher_id) await touchSessionFor(w, e.school_id, keep.id, e.teacher_id);
    counts.moved++;
  }
  return counts;
}

/** Enrols the course's students in a session the timetable created (no "new student" notices: it is the class list). */
async function enrolClassList(
  w: WriteContext,
  e: Entry,
  sessionId: number,
  students: number[],
): Promise<void> {
  if (students.length === 0) return;
  for (let i = 0; i < students.length; i += 500) {
    const rows = await w.trx
      .insertInto('enrolments')
      .values(
        students.slice(i, i + 500).map((student_id) => ({
          school_id: e.school_id,
          session_id: sessionId,
          student_id,
          attendance: 'unknown' as const,
          field_versions: '{}',
          version: w.version,
          created_at: w.now,
        })),
      )
      .returning(['id', 'student_id'])
      .execute();
    for (const r of rows) {
      w.touch({ school_id: e.school_id, teacher_id: e.teacher_id, entity: 'enrolment', row_id: r.id });
      w.touch({ school_id: e.school_id, teacher_id: e.teacher_id, entity: 'student', row_id: r.student_id });
    }
  }
}

/**
 * Tells each teacher, once, of their sessions a timetable change cancelled and kept (they had
 * attendance, notes or a plan): `session_cancelled` with the session, or with how many and the
 * first one's title and start (src/shared/notification-text.ts). Removed sessions had nothing
 * of the teacher's and simply leave their timetable.
 */
async function notifyKept(w: WriteContext, ctx: DomainContext, schoolId: number): Promise<void> {
  const byTeacher = new Map<number, GeneratedSession[]>();
  for (const s of keptByWrite.get(w) ?? [])
    byTeacher.set(s.teacher_id, [...(byTeacher.get(s.teacher_id) ?? []), s]);
  keptByWrite.delete(w);
  await createNotifications(
    w,
    ctx,
    [...byTeacher].map(([teacherId, list]): NewNotification => {
      const first = list[0]!;
      return {
        school_id: schoolId,
        user_id: teacherId,
        type: 'session_cancelled',
        params: {
          session_title: first.title,
          starts_at: first.starts_at,
          ...(list.length === 1 ? { session_id: first.id } : { sessions: list.length }),
        },
        action_url: list.length === 1 ? `classdesk://sessions/${first.id}` : '',
        expires_at: expiryFrom(w.now),
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Timetable entries

const entryAudit = (e: Entry) => ({
  course_id: e.course_id,
  teacher_id: e.teacher_id,
  weekday: e.weekday,
  starts: e.starts,
  ends: e.ends,
  room: e.room,
  term_start: e.term_start,
  term_end: e.term_end,
  active: e.active === 1,
});

async function entryItem(w: WriteContext, e: Entry): Promise<TimetableEntryItem> {
  const names = await w.trx
    .selectFrom('courses')
    .innerJoin('users', (j) => j.on('users.id', '=', e.teacher_id))
    .select(['courses.name as course_name', 'users.name as teacher_name'])
    .where('courses.id', '=', e.course_id)
    .executeTakeFirstOrThrow();
  const { school_id: _school, ...rest } = e;
  return { ...rest, ...names, active: e.active === 1 };
}

async function loadEntry(w: WriteContext, schoolId: number, entryId: number): Promise<Entry> {
  const e = await w.trx
    .selectFrom('timetable_entries')
    .select(ENTRY_COLUMNS)
    .where('id', '=', entryId)
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
  if (!e) throw notFound('timetable entry');
  return e;
}

export async function createTimetableEntry(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  body: z.infer<typeof CreateTimetableEntryBody>,
): Promise<TimetableWriteResponse> {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    await requireTeacher(w, schoolId, body.teacher_id);
    await requireCourse(w, schoolId, body.course_id);
    const tz = await schoolZone(w, schoolId);
    const e = await w.trx
      .insertInto('timetable_entries')
      .values({
        school_id: schoolId,
        course_id: body.course_id,
        teacher_id: body.teacher_id,
        weekday: body.weekday,
        starts: body.starts,
        ends: body.ends,
        room: body.room ?? '',
        term_start: body.term_start,
        term_end: body.term_end,
        active: 1,
        created_at: w.now,
        updated_at: w.now,
      })
      .returning(ENTRY_COLUMNS)
      .executeTakeFirstOrThrow();
    const sessions = await syncSessions(w, e, tz, true);
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'timetable.create',
      subject: `timetable_entry:${e.id}`,
      before: null,
      after: { ...entryAudit(e), sessions },
    });
    return { ...(await entryItem(w, e)), sessions };
  });
}

export async function updateTimetableEntry(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  entryId: number,
  body: z.infer<typeof PatchTimetableEntryBody>,
): Promise<TimetableWriteResponse> {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const e = await loadEntry(w, schoolId, entryId);
    if (e.active !== 1) throw conflict('this timetable entry is deactivated: add a new one instead');
    if (body.teacher_id !== undefined && body.teacher_id !== e.teacher_id)
      await requireTeacher(w, schoolId, body.teacher_id);
    if (body.course_id !== undefined) await requireCourse(w, schoolId, body.course_id);
    const next: Entry = { ...e, ...body, room: body.room ?? e.room };
    // The body's rules hold for the fields it has; the merged entry must keep them too.
    if (next.ends <= next.starts) throw badRequest('ends', 'ends must be after starts');
    if (next.term_end < next.term_start)
      throw badRequest('term_end', 'term_end must be on or after term_start');
    if ((toDay(next.term_end) - toDay(next.term_start)) / dayMs > MAX_TERM_DAYS)
      throw badRequest('term_end', `a term lasts at most ${MAX_TERM_DAYS} days`);
    const fields = changedFields(entryAudit(e), entryAudit(next));
    if (Object.keys(fields.after).length === 0) return { ...(await entryItem(w, e)), sessions: noCounts() };
    await w.trx
      .updateTable('timetable_entries')
      .set({
        course_id: next.course_id,
        teacher_id: next.teacher_id,
        weekday: next.weekday,
        starts: next.starts,
        ends: next.ends,
        room: next.room,
        term_start: next.term_start,
        term_end: next.term_end,
        updated_at: w.now,
      })
      .where('id', '=', e.id)
      .execute();
    const sessions = await syncSessions(w, next, await schoolZone(w, schoolId));
    await notifyKept(w, ctx, schoolId);
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'timetable.update',
      subject: `timetable_entry:${e.id}`,
      before: fields.before,
      after: { ...fields.after, sessions },
    });
    return { ...(await entryItem(w, next)), sessions };
  });
}

/** Deactivates an entry: its future sessions leave the timetable (removed, or cancelled and kept). */
export async function deactivateTimetableEntry(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  entryId: number,
): Promise<TimetableWriteResponse> {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const e = await loadEntry(w, schoolId, entryId);
    if (e.active !== 1) return { ...(await entryItem(w, e)), sessions: noCounts() };
    const next: Entry = { ...e, active: 0 };
    await w.trx
      .updateTable('timetable_entries')
      .set({ active: 0, updated_at: w.now })
      .where('id', '=', e.id)
      .execute();
    const sessions = await syncSessions(w, next, await schoolZone(w, schoolId));
    await notifyKept(w, ctx, schoolId);
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'timetable.deactivate',
      subject: `timetable_entry:${e.id}`,
      before: { active: true },
      after: { active: false, sessions },
    });
    return { ...(await entryItem(w, next)), sessions };
  });
}

/** The school's timetable by weekday, start time and id (keyset). */
export async function listTimetable(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof TimetableListQuery>,
): Promise<Page<TimetableEntryItem>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['number', 'string', 'number']);
  let qb = ctx.db
    .selectFrom('timetable_entries as t')
    .innerJoin('courses', 'courses.id', 't.course_id')
    .innerJoin('users', 'users.id', 't.teacher_id')
    .select([
      't.id',
      't.course_id',
      'courses.name as course_name',
      't.teacher_id',
      'users.name as teacher_name',
      't.weekday',
      't.starts',
      't.ends',
      't.room',
      't.term_start',
      't.term_end',
      't.active',
    ])
    .where('t.school_id', '=', schoolId);
  if (q.active !== undefined) qb = qb.where('t.active', '=', q.active ? 1 : 0);
  if (c) {
    const [weekday, starts, id] = c as [number, string, number];
    qb = qb.where((eb) =>
      eb.or([
        eb('t.weekday', '>', weekday),
        eb.and([
          eb('t.weekday', '=', weekday),
          eb.or([eb('t.starts', '>', starts), eb.and([eb('t.starts', '=', starts), eb('t.id', '>', id)])]),
        ]),
      ]),
    );
  }
  const rows = await qb
    .orderBy('t.weekday')
    .orderBy('t.starts')
    .orderBy('t.id')
    .limit(q.limit + 1)
    .execute();
  return pageOf(
    rows,
    q.limit,
    (r) => [r.weekday, r.starts, r.id],
    (r) => ({ ...r, active: r.active === 1 }),
  );
}

// ---------------------------------------------------------------------------------------------
// Holidays

/** The school's holidays by date (keyset), from a date on. */
export async function listHolidays(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  q: z.infer<typeof HolidayListQuery>,
): Promise<Page<HolidayItem>> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const c = decodeCursor(q.cursor, ['string', 'number']);
  let qb = ctx.db
    .selectFrom('school_holidays')
    .select(['id', 'date', 'name', 'created_at'])
    .where('school_id', '=', schoolId);
  if (q.from !== undefined) qb = qb.where('date', '>=', q.from);
  if (c) qb = qb.where((eb) => after(eb, eb.ref('date'), eb.ref('id'), c));
  const rows = await qb
    .orderBy('date')
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  return pageOf(
    rows,
    q.limit,
    (r) => [r.date, r.id],
    (r) => r,
  );
}

/** The sessions of a local day in the school: [its 00:00, the next day's 00:00). */
function dayBounds(tz: string, date: string): { from: string; to: string } {
  return {
    from: zonedInstant(tz, date, '00:00').toISOString(),
    to: zonedInstant(tz, addDays(date, 1), '00:00').toISOString(),
  };
}

/**
 * Closes the school for a day: its scheduled sessions (from the timetable or not) are cancelled
 * and each of their teachers is notified once, however many sessions they had that day.
 */
export async function addHoliday(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  body: z.infer<typeof HolidayBody>,
): Promise<HolidayResponse> {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const tz = await schoolZone(w, schoolId);
    if (body.date < today(tz, w.now))
      throw badRequest('date', "a holiday is a day to come: this date has passed in the school's time zone");
    const dup = await w.trx
      .selectFrom('school_holidays')
      .select('id')
      .where('school_id', '=', schoolId)
      .where('date', '=', body.date)
      .executeTakeFirst();
    if (dup) throw conflict('this day is already a holiday');
    const h = await w.trx
      .insertInto('school_holidays')
      .values({ school_id: schoolId, date: body.date, name: body.name, created_at: w.now })
      .returning(['id', 'date', 'name', 'created_at'])
      .executeTakeFirstOrThrow();
    const { from, to } = dayBounds(tz, body.date);
    const sessions = await w.trx
      .selectFrom('class_sessions')
      .select(['id', 'teacher_id', 'title', 'starts_at', 'field_versions'])
      .where('school_id', '=', schoolId)
      .where('status', '=', 'scheduled')
      .where('starts_at', '>=', from)
      .where('starts_at', '<', to)
      .orderBy('starts_at')
      .orderBy('id')
      .execute();
    const byTeacher = new Map<number, typeof sessions>();
    for (const s of sessions) {
      await setStatus(w, s, 'cancelled');
      await touchSessionFor(w, schoolId, s.id, s.teacher_id);
      byTeacher.set(s.teacher_id, [...(byTeacher.get(s.teacher_id) ?? []), s]);
    }
    const notices: NewNotification[] = [...byTeacher].map(([teacherId, list]) => {
      const first = list[0]!;
      const one = list.length === 1;
      return {
        school_id: schoolId,
        user_id: teacherId,
        type: 'session_cancelled',
        params: {
          holiday_name: h.name,
          holiday_date: h.date,
          sessions: list.length,
          ...(one ? { session_id: first.id, session_title: first.title, starts_at: first.starts_at } : {}),
        },
        action_url: one ? `classdesk://sessions/${first.id}` : '',
        expires_at: expiryFrom(w.now),
      };
    });
    const created = await createNotifications(w, ctx, notices);
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'holiday.add',
      subject: `holiday:${h.id}`,
      before: null,
      after: { date: h.date, name: h.name, cancelled: sessions.length, notified: created.length },
    });
    return { ...h, cancelled: sessions.length, notified: created.length };
  });
}

/**
 * Reopens the day: the holiday goes, and the timetable's sessions of that day still to come are
 * scheduled again (those it had cancelled, and any a timetable change left out meanwhile).
 */
export async function removeHoliday(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  holidayId: number,
): Promise<void> {
  await requireAdmin(ctx.db, adminId, schoolId);
  await write(ctx, async (w) => {
    const h = await w.trx
      .selectFrom('school_holidays')
      .select(['id', 'date', 'name'])
      .where('id', '=', holidayId)
      .where('school_id', '=', schoolId)
      .executeTakeFirst();
    if (!h) throw notFound('holiday');
    await w.trx.deleteFrom('school_holidays').where('id', '=', h.id).execute();
    const tz = await schoolZone(w, schoolId);
    const { from, to } = dayBounds(tz, h.date);
    const candidates = await w.trx
      .selectFrom('class_sessions')
      .innerJoin('timetable_entries as t', 't.id', 'class_sessions.timetable_entry_id')
      .select([
        'class_sessions.id',
        'class_sessions.teacher_id',
        'class_sessions.starts_at',
        'class_sessions.field_versions',
        't.weekday',
        't.starts',
        't.term_start',
        't.term_end',
      ])
      .where('class_sessions.school_id', '=', schoolId)
      .where('class_sessions.status', '=', 'cancelled')
      .where('t.active', '=', 1)
      .where('class_sessions.starts_at', '>=', from)
      .where('class_sessions.starts_at', '<', to)
      .where('class_sessions.starts_at', '>', w.now)
      .execute();
    // Only a session that is its entry's lesson of that day as the entry is now: one a change of
    // the entry cancelled and kept (it had work) stays cancelled.
    const cancelled = candidates.filter(
      (s) =>
        s.weekday === isoWeekday(h.date) &&
        s.term_start <= h.date &&
        h.date <= s.term_end &&
        s.starts_at === zonedInstant(tz, h.date, s.starts).toISOString(),
    );
    for (const s of cancelled) {
      await setStatus(w, s, 'scheduled');
      await touchSessionFor(w, schoolId, s.id, s.teacher_id);
    }
    const entries = await w.trx
      .selectFrom('timetable_entries')
      .select(ENTRY_COLUMNS)
      .where('school_id', '=', schoolId)
      .where('active', '=', 1)
      .where('weekday', '=', isoWeekday(h.date))
      .where('term_start', '<=', h.date)
      .where('term_end', '>=', h.date)
      .execute();
    let created = 0;
    for (const e of entries) created += (await syncSessions(w, e, tz)).created;
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'holiday.remove',
      subject: `holiday:${h.id}`,
      before: { date: h.date, name: h.name },
      after: { restored: cancelled.length + created },
    });
  });
}
