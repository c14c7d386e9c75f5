/**
 * Read queries of lesson plans (docs/ARCHITECTURE.md, "Lesson plans"): the homework due at a
 * session, the plan of the last lesson of its course, and the teacher's templates.
 */
import { sql, type SqlBool } from 'kysely';
import type { PlanContent, PlanTemplateRow } from '../../../shared/entities.js';
import { storeDatabase, type LocalStore } from './local-store.js';

interface SessionKey {
  id: number;
  school_id: number;
  course_id: number | null;
  starts_at: string;
}

const HAS_PLAN = sql<SqlBool>`(s.plan_objectives != '' or s.plan_activities != '[]' or s.plan_materials != '' or s.plan_homework != '' or s.lesson_notes != '')`;

/** Earlier sessions of the same course, latest first (none without a course). */
function earlier(store: LocalStore, s: SessionKey) {
  return storeDatabase(store)
    .db.selectFrom('sessions as s')
    .where('s.school_id', '=', s.school_id)
    .where('s.course_id', '=', s.course_id ?? -1)
    .where('s.id', '!=', s.id)
    .where((eb) =>
      eb.or([
        eb('s.starts_at', '<', s.starts_at),
        eb.and([eb('s.starts_at', '=', s.starts_at), eb('s.id', '<', s.id)]),
      ]),
    )
    .orderBy('s.starts_at', 'desc')
    .orderBy('s.id', 'desc');
}

/** The homework set in the course's previous lesson (a cancelled one was never taught). */
export async function homeworkDue(store: LocalStore, s: SessionKey) {
  if (s.course_id === null) return null;
  const prev = await earlier(store, s)
    .select(['s.id as session_id', 's.title', 's.starts_at', 's.plan_homework as homework'])
    .where('s.status', '!=', 'cancelled')
    .limit(1)
    .executeTakeFirst();
  return prev && prev.homework.trim() !== '' ? prev : null;
}

/** The last earlier lesson of the course with anything in its plan, and that plan. */
export async function previousPlan(store: LocalStore, s: SessionKey) {
  if (s.course_id === null) return null;
  const prev = await earlier(store, s)
    .select([
      's.id as session_id',
      's.title',
      's.starts_at',
      's.plan_objectives',
      's.plan_activities',
      's.plan_materials',
      's.plan_homework',
      's.lesson_notes',
    ])
    .where(HAS_PLAN)
    .limit(1)
    .executeTakeFirst();
  if (!prev) return null;
  const content: PlanContent = {
    objectives: prev.plan_objectives,
    activities: JSON.parse(prev.plan_activities) as PlanContent['activities'],
    materials: prev.plan_materials,
    homework: prev.plan_homework,
    notes: prev.lesson_notes,
  };
  return { session_id: prev.session_id, title: prev.title, starts_at: prev.starts_at, content };
}

export interface PlanTemplateItem extends PlanTemplateRow {
  school_name: string;
}

/** Every template on the device (not deleted), in every school, by name. */
export async function listTemplates(store: LocalStore): Promise<PlanTemplateItem[]> {
  const rows = await storeDatabase(store)
    .db.selectFrom('plan_templates as t')
    .leftJoin('schools as s', 's.id', 't.school_id')
    .leftJoin('meta as m', (j) => j.on('m.key', '=', sql<string>`'school_name:' || t.school_id`))
    .select((eb) => [
      't.id',
      't.school_id',
      't.teacher_id',
      't.name',
      't.content',
      't.updated_at',
      't.version',
      eb.fn.coalesce('s.name', 'm.value', sql<string>`'school ' || t.school_id`).as('school_name'),
    ])
    .where('t.deleted', '=', 0)
    .orderBy(sql`lower(t.name)`)
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({ ...r, content: JSON.parse(r.content) as PlanContent }));
}
