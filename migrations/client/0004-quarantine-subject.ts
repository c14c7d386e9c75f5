import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * What a kept-aside edit was about: the class (its title and start), resource or notification it
 * was made on, copied into the quarantine when its school is removed, so the teacher can tell which
 * class their kept notes belong to (docs/ARCHITECTURE.md, "Kept-aside edits"). Null for rows kept
 * aside before this migration.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('quarantine').addColumn('subject', 'text').execute();
  await db.schema.alterTable('quarantine').addColumn('subject_at', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('quarantine').dropColumn('subject_at').execute();
  await db.schema.alterTable('quarantine').dropColumn('subject').execute();
}
