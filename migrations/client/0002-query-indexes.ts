import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Indexes for the desktop read queries (src/main/core/store/queries.ts), each measured by
 * tests/bench/sync.bench.ts over a 30 000-row store:
 * - notifications_visible: the notification list (unread first, newest first) of a school reads
 *   its first page in index order instead of sorting every notification, and the unread count
 *   is answered from the index alone. Partial: dismissed notifications are never listed.
 * - sessions_status_starts: the dashboard's counts by status across all schools, from the index.
 * - announcements_school_created: a school's announcements, newest first, without a sort.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('notifications_visible')
    .on('notifications')
    .columns(['school_id', 'is_read', 'created_at desc', 'id desc'])
    .where(sql.ref('is_dismissed'), '=', 0)
    .execute();
  await db.schema
    .createIndex('sessions_status_starts')
    .on('sessions')
    .columns(['status', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('announcements_school_created')
    .on('announcements')
    .columns(['school_id', 'created_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const name of ['announcements_school_created', 'sessions_status_starts', 'notifications_visible']) {
    await db.schema.dropIndex(name).execute();
  }
}
