import { PostgresAdapter, sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = pg ? 'bigserial' : 'integer';
  const big = pg ? 'bigint' : 'integer';
  const table = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));

  await table('schools')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await table('users')
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await table('memberships')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('user_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'teacher', 'student')`))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('memberships_school_user', ['school_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user').on('memberships').columns(['user_id', 'active']).execute();

  await table('courses')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('courses_school').on('courses').column('school_id').execute();

  await table('class_sessions')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('teacher_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('course_id', big, (c) => c.references('courses.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('scheduled', 'completed', 'cancelled')`),
    )
    .addColumn('location', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lesson_notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('field_versions', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The original analysis's indexes: (teacher, date), (teacher, status), (school, teacher, date).
  await db.schema
    .createIndex('sessions_teacher_starts')
    .on('class_sessions')
    .columns(['teacher_id', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('sessions_teacher_status')
    .on('class_sessions')
    .columns(['teacher_id', 'status'])
    .execute();
  await db.schema
    .createIndex('sessions_school_teacher_starts')
    .on('class_sessions')
    .columns(['school_id', 'teacher_id', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('sessions_starts')
    .on('class_sessions')
    .columns(['starts_at', 'status'])
    .execute();

  await table('enrolments')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('session_id', big, (c) => c.notNull().references('class_sessions.id'))
    .addColumn('student_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('attendance', 'text', (c) =>
      c
        .notNull()
        .defaultTo('unknown')
        .check(sql`attendance in ('unknown', 'present', 'absent', 'late')`),
    )
    .addColumn('field_versions', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('enrolments_session_student', ['session_id', 'student_id'])
    .execute();
  await db.schema
    .createIndex('enrolments_student')
    .on('enrolments')
    .columns(['student_id', 'school_id'])
    .execute();

  await table('resources')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('teacher_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('file_type', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_name', 'text', (c) => c.notNull())
    .addColumn('shared_with_students', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scan_status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`scan_status in ('pending', 'clean', 'infected', 'failed')`),
    )
    .addColumn('uploader_address', 'text', (c) => c.notNull())
    .addColumn('field_versions', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('resources_teacher_school')
    .on('resources')
    .columns(['teacher_id', 'school_id'])
    .execute();
  await db.schema.createIndex('resources_shared').on('resources').column('shared_with_students').execute();

  await db.schema
    .createTable('resource_courses')
    .addColumn('resource_id', big, (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('course_id', big, (c) => c.notNull().references('courses.id'))
    .addPrimaryKeyConstraint('resource_courses_pk', ['resource_id', 'course_id'])
    .execute();

  await table('notifications')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('user_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('type', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`type in ('session_reminder', 'session_cancelled', 'new_student', 'payment_processed', 'school_announcement')`,
        ),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('action_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('is_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_dismissed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('read_at', 'text')
    .addColumn('delivered_via_socket', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('expiry_published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('version', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notifications_user_school')
    .on('notifications')
    .columns(['user_id', 'school_id', 'is_read'])
    .execute();
  await db.schema
    .createIndex('notifications_expiry')
    .on('notifications')
    .columns(['expiry_published', 'expires_at'])
    .execute();

  await table('announcements')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('author_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('version', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('announcements_school').on('announcements').column('school_id').execute();

  await table('auth_tokens')
    .addColumn('user_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('auth_tokens_user').on('auth_tokens').column('user_id').execute();

  await db.schema
    .createTable('push_receipts')
    .addColumn('user_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('mutation_id', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('push_receipts_pk', ['user_id', 'client_id', 'mutation_id'])
    .execute();

  await db.schema
    .createTable('sync_changes')
    .addColumn('seq', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('school_id', big, (c) => c.notNull())
    .addColumn('teacher_id', big)
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('row_id', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sync_changes_school_seq')
    .on('sync_changes')
    .columns(['school_id', 'seq'])
    .execute();

  await db.schema
    .createTable('change_counter')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', big, (c) => c.notNull())
    .execute();
  await db.insertInto('change_counter').values({ id: 1, value: 0 }).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of [
    'change_counter',
    'sync_changes',
    'push_receipts',
    'auth_tokens',
    'announcements',
    'notifications',
    'resource_courses',
    'resources',
    'enrolments',
    'class_sessions',
    'courses',
    'memberships',
    'users',
    'schools',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
