/**
 * Whole-database and file-store snapshots, to assert that a request changed nothing. Every table
 * of the server schema is listed (the compiler fails when a table is added to `DB` and not here).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../server/db/schema.js';

const ALL_TABLES: Record<keyof DB, true> = {
  schools: true,
  users: true,
  memberships: true,
  courses: true,
  class_sessions: true,
  enrolments: true,
  resources: true,
  resource_courses: true,
  notifications: true,
  announcements: true,
  auth_tokens: true,
  push_receipts: true,
  sync_changes: true,
  change_counter: true,
  scheduler_lease: true,
  scan_jobs: true,
  plan_templates: true,
  student_notes: true,
  notification_preferences: true,
  mail_settings: true,
  email_jobs: true,
  unsubscribe_tokens: true,
  payment_events: true,
  admin_audit: true,
  sourced_ids: true,
  course_members: true,
  timetable_entries: true,
  school_holidays: true,
  invitations: true,
  feature_flags: true,
};

export type TableName = keyof DB;
export type DbSnapshot = Record<string, string[]>;

/**
 * Every row of every table except `exclude`, each as JSON with sorted keys, sorted, so two
 * snapshots compare equal exactly when the contents are equal (row order aside).
 */
export async function snapshotDb(db: Kysely<DB>, exclude: TableName[] = []): Promise<DbSnapshot> {
  const out: DbSnapshot = {};
  for (const table of Object.keys(ALL_TABLES) as TableName[]) {
    if (exclude.includes(table)) continue;
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows
      .map((r) =>
        JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))),
      )
      .sort();
  }
  return out;
}

/** Tables that change on sign-in (tokens) and on every push (receipts), whatever the outcome. */
export const VOLATILE_TABLES: TableName[] = ['auth_tokens', 'push_receipts'];

/** Relative path → sha256 of every file under `dir` (the server's file store). */
export function snapshotFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
