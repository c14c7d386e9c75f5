import { PostgresAdapter, sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Running a school from the admin console (docs/ARCHITECTURE.md, "Admin console"):
 * - `admin_audit`: one row per admin write — who (`actor_id`), what (`action`, `subject`), when,
 *   and the subject before and after (JSON text; null when there was none);
 * - `invitations`: a teacher or admin added by email is invited; the membership starts when the
 *   person accepts. Only the SHA-256 of the invitation's token is stored.
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = pg ? 'bigserial' : 'integer';
  const big = pg ? 'bigint' : 'integer';
  const table = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));

  await table('admin_audit')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('actor_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_audit_school').on('admin_audit').columns(['school_id', 'id']).execute();

  await table('invitations')
    .addColumn('school_id', big, (c) => c.notNull().references('schools.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'teacher')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', big, (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'accepted', 'revoked')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('accepted_user_id', big, (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('invitations_school').on('invitations').columns(['school_id', 'id']).execute();
  await db.schema.createIndex('invitations_email').on('invitations').columns(['email', 'status']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('invitations').execute();
  await db.schema.dropTable('admin_audit').execute();
}
