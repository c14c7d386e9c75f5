/**
 * The teacher's dashboard over the local store (the original analysis's, for one school or all
 * of them): sessions in range with course name and student count, counts by status, students,
 * unread notifications, recent resources.
 *
 * The one read of the UI that runs on every change, so it runs hand-prepared better-sqlite3
 * statements (docs/ARCHITECTURE.md: hot paths may use prepared statements): through Kysely the same three statements cost 2–5×
 * as much, mostly building, compiling and re-preparing them (tests/bench/sync.bench.ts).
 */
import { calendarRange, type RangeName } from '../../../shared/time-range.js';
import { storeDatabase, type LocalStore } from './local-store.js';
import { ENTITY_COLUMNS } from '../../../shared/entity-columns.js';
import {
  toRecentResource,
  toSessionItem,
  type RecentResource,
  type SchoolFilter,
  type SessionItem,
  type SessionStatus,
} from './rows.js';
import type { LocalDB } from './schema.js';

export const DASHBOARD_SESSION_LIMIT = 50;
export const RECENT_RESOURCES = 5;

export interface DashboardOptions {
  schoolId: SchoolFilter;
  range: RangeName;
  now: Date;
  /** Time zone the range's calendar days are counted in (the teacher's). */
  timeZone: string;
}

export interface Dashboard {
  school_id: number | null;
  range: RangeName;
  from: string;
  to: string;
  /** The first 50 sessions of the range, by start time. */
  sessions: SessionItem[];
  counts: Record<SessionStatus, number>;
  student_count: number;
  unread_notifications: number;
  recent_resources: RecentResource[];
  /** The next lesson not yet over (scheduled), with the files it uses and whether each is on the device. */
  next_class: NextClass | null;
}

export interface NextClass {
  session: SessionItem;
  files: Array<{ id: number; title: string; on_device: boolean }>;
}

const SESSION_SELECT = `select ${ENTITY_COLUMNS.session.map((c) => `s.${c}`).join(', ')}, c.name as course_name,
    (select count(*) from enrolments e where e.session_id = s.id) as student_count
  from sessions s left join courses c on c.id = s.course_id`;

/** The files a session uses: attached to it, or to its course; each with whether its bytes are here. */
const SESSION_FILES = `select r.id, r.title, exists(select 1 from file_cache f where f.sha256 = r.sha256) as on_device
  from resources r
  where r.school_id = @school and (r.id in (select value from json_each(@attached))
    or (@course is not null and exists(select 1 from json_each(r.course_ids) where value = @course)))
  order by r.title, r.id`;

type StoredSessionItem = LocalDB['sessions'] & { course_name: string | null; student_count: number | null };

/** The statements for one school (`school`) or for every school (`all`). */
function statements(school: boolean) {
  const where = (col: string) => (school ? `${col} = @school and ` : '');
  const countIn = (status: SessionStatus) =>
    `(select count(*) from sessions where ${where('school_id')}status = '${status}'
        and starts_at >= @from and starts_at < @to) as ${status}`;
  return {
    sessions: `${SESSION_SELECT}
      where ${where('s.school_id')}s.starts_at >= @from and s.starts_at < @to
      order by s.starts_at, s.id limit ${DASHBOARD_SESSION_LIMIT}`,
    // A lesson lasts less than a day: the start bound lets the (status, starts_at) index answer.
    next: `${SESSION_SELECT}
      where ${where('s.school_id')}s.status = 'scheduled' and s.starts_at >= @since and s.ends_at > @now
      order by s.starts_at, s.id limit 1`,
    // A student of two schools is one person across schools. The unread condition is written
    // out (not bound) so SQLite answers it from the partial index of visible notifications.
    counts: `select ${countIn('scheduled')}, ${countIn('completed')}, ${countIn('cancelled')},
        (select ${school ? 'count(*)' : 'count(distinct id)'} from students
          ${school ? 'where school_id = @school' : ''}) as students,
        (select count(*) from notifications where ${where('school_id')}is_read = 0 and is_dismissed = 0) as unread`,
    resources: `select * from resources ${school ? 'where school_id = @school' : ''}
      order by created_at desc, id desc limit ${RECENT_RESOURCES}`,
  };
}

// Built once: the store's statement cache is keyed by the SQL text.
const STATEMENTS = { school: statements(true), all: statements(false) };

interface Counts {
  scheduled: number;
  completed: number;
  cancelled: number;
  students: number;
  unread: number;
}

export async function dashboard(store: LocalStore, o: DashboardOptions): Promise<Dashboard> {
  const { from, to } = calendarRange(o.range, o.timeZone, o.now);
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const d = storeDatabase(store);
  const text = o.schoolId === null ? STATEMENTS.all : STATEMENTS.school;
  const range =
    o.schoolId === null ? { from: fromIso, to: toIso } : { from: fromIso, to: toIso, school: o.schoolId };
  // Read in one transaction: the three statements see the same state of the store.
  const since = new Date(o.now.getTime() - 24 * 3_600_000).toISOString();
  const nowIso = o.now.toISOString();
  const read = d.sqlite.transaction(() => ({
    sessions: d.stmt(text.sessions).all(range) as StoredSessionItem[],
    next: d
      .stmt(text.next)
      .get(o.schoolId === null ? { since, now: nowIso } : { since, now: nowIso, school: o.schoolId }) as
      StoredSessionItem | undefined,
    counts: d.stmt(text.counts).get(range) as Counts,
    resources: (o.schoolId === null
      ? d.stmt(text.resources).all()
      : d.stmt(text.resources).all({ school: o.schoolId })) as Array<LocalDB['resources']>,
  }));
  const r = read.deferred();
  let next_class: NextClass | null = null;
  if (r.next) {
    const files = d.stmt(SESSION_FILES).all({
      school: r.next.school_id,
      attached: r.next.resource_ids,
      course: r.next.course_id,
    }) as Array<{ id: number; title: string; on_device: number }>;
    next_class = {
      session: toSessionItem(r.next),
      files: files.map((f) => ({ ...f, on_device: f.on_device === 1 })),
    };
  }
  return Promise.resolve({
    school_id: o.schoolId,
    range: o.range,
    from: fromIso,
    to: toIso,
    sessions: r.sessions.map(toSessionItem),
    counts: { scheduled: r.counts.scheduled, completed: r.counts.completed, cancelled: r.counts.cancelled },
    student_count: r.counts.students,
    unread_notifications: r.counts.unread,
    recent_resources: r.resources.map(toRecentResource),
    next_class,
  });
}
