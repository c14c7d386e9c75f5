/** The device's table for each entity, its columns, and how a pulled row is stored. */
import { ENTITIES, type Entity, type EntityRow } from '../../../shared/entities.js';
import { ENTITY_COLUMNS } from '../../../shared/entity-columns.js';

export interface TableSpec {
  table: string;
  columns: string[];
  /** The upsert of a pulled row (built once: the statement cache is keyed by this string). */
  upsert: string;
  toRow(r: EntityRow[Entity]): unknown[];
}

/** The device table holding each entity. */
export const TABLE_OF: Record<Entity, string> = {
  school: 'schools',
  course: 'courses',
  student: 'students',
  session: 'sessions',
  enrolment: 'enrolments',
  resource: 'resources',
  announcement: 'announcements',
  notification: 'notifications',
  plan_template: 'plan_templates',
  student_note: 'student_notes',
};

/** A field as SQLite stores it: flags as 0/1, lists and objects as JSON text. */
const toColumn = (v: unknown): unknown =>
  typeof v === 'boolean' ? (v ? 1 : 0) : v !== null && typeof v === 'object' ? JSON.stringify(v) : v;

export const TABLES = Object.fromEntries(
  ENTITIES.map((e): [Entity, TableSpec] => {
    const columns: string[] = ENTITY_COLUMNS[e];
    const table = TABLE_OF[e];
    return [
      e,
      {
        table,
        columns,
        upsert: `insert or replace into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
        toRow: (r) => columns.map((c) => toColumn((r as Record<string, unknown>)[c])),
      },
    ];
  }),
) as Record<Entity, TableSpec>;

/** Tables holding a school's rows, with the column naming the school. */
export const SCHOOL_TABLES: Array<[string, string]> = ENTITIES.map((e) => [
  TABLE_OF[e],
  e === 'school' ? 'id' : 'school_id',
]);
