import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/** The device's local store: the scoped view of each school, sync state, outbox and friends. */
export async function up(db: AnyDb): Promise<void> {
  const s = db.schema;
  await s
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await s
    .createTable('schools')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await s
    .createTable('courses')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await s.createIndex('courses_school').on('courses').column('school_id').execute();
  await s
    .createTable('students')
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('students_pk', ['school_id', 'id'])
    .execute();
  await s
    .createTable('sessions')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('teacher_id', 'integer', (c) => c.notNull())
    .addColumn('course_id', 'integer')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('lesson_notes', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await s.createIndex('sessions_school_starts').on('sessions').columns(['school_id', 'starts_at']).execute();
  await s.createIndex('sessions_starts').on('sessions').columns(['starts_at']).execute();
  await s
    .createIndex('sessions_school_status')
    .on('sessions')
    .columns(['school_id', 'status', 'starts_at'])
    .execute();
  await s
    .createTable('enrolments')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('session_id', 'integer', (c) => c.notNull())
    .addColumn('student_id', 'integer', (c) => c.notNull())
    .addColumn('attendance', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await s.createIndex('enrolments_session').on('enrolments').column('session_id').execute();
  await s.createIndex('enrolments_student').on('enrolments').columns(['school_id', 'student_id']).execute();
  await s
    .createTable('resources')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('teacher_id', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('file_type', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('shared_with_students', 'integer', (c) => c.notNull())
    .addColumn('course_ids', 'text', (c) => c.notNull())
    .addColumn('scan_status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await s
    .createIndex('resources_school_created')
    .on('resources')
    .columns(['school_id', 'created_at'])
    .execute();
  await s
    .createTable('announcements')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await s
    .createTable('notifications')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('action_url', 'text', (c) => c.notNull())
    .addColumn('is_read', 'integer', (c) => c.notNull())
    .addColumn('is_dismissed', 'integer', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('delivered_via_socket', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await s
    .createIndex('notifications_school_unread')
    .on('notifications')
    .columns(['school_id', 'is_read', 'created_at'])
    .execute();
  // Notifications this device has announced (native notification shown): exactly once per device.
  await s
    .createTable('announced_notifications')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .execute();
  await s
    .createTable('sync_state')
    .addColumn('school_id', 'integer', (c) => c.primaryKey())
    .addColumn('cursor', 'text')
    .addColumn('checksum', 'text')
    .addColumn('total', 'integer')
    .addColumn('done', 'integer')
    .addColumn('last_synced_at', 'text')
    .execute();
  await s
    .createTable('outbox')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('args', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Server values of fields that have pending local edits (to undo a rejected edit).
  await s
    .createTable('base_values')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('row_id', 'integer', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('base_values_pk', ['entity', 'row_id', 'field'])
    .execute();
  await s
    .createTable('attention')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('args', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('conflict', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s
    .createTable('quarantine')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('school_name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('args', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('quarantined_at', 'text', (c) => c.notNull())
    .execute();
  await s
    .createTable('file_cache')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('last_access', 'text', (c) => c.notNull())
    .execute();
  await s
    .createTable('pending_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of [
    'pending_uploads',
    'file_cache',
    'quarantine',
    'attention',
    'base_values',
    'outbox',
    'sync_state',
    'announced_notifications',
    'notifications',
    'announcements',
    'resources',
    'enrolments',
    'sessions',
    'students',
    'courses',
    'schools',
    'meta',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
