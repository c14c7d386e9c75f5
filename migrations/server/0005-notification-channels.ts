import { PostgresAdapter, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against an untyped schema */
type AnyDb = Kysely<any>;

/**
 * Notification channels (docs/ARCHITECTURE.md, "Notifications"):
 * - `notifications.params`: what a notification is about, rendered by each reader; rows written
 *   before it get parameters read back from their English text and their session, and keep
 *   their text only when it cannot be read (a payment's free text);
 * - `notifications.delivered_via_email`, the email outbox (`email_jobs`), the teachers'
 *   choices (`notification_preferences`, `mail_settings`) and one-click unsubscribe tokens;
 * - feature flags per school and the audit log of administrative changes.
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = pg ? 'bigserial' : 'integer';
  const big = pg ? 'bigint' : 'integer';
  await db.schema
    .alterTable('notifications')
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .alterTable('notifications')
    .addColumn('delivered_via_email', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await migrateRows(db);

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'type'])
    .execute();
  await db.schema
    .createTable('mail_settings')
    .addColumn('user_id', big, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('email_jobs')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('notification_id', big, (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('user_id', big, (c) => c.notNull())
    .addColumn('school_id', big, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refusals', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    // One email per notification and teacher, whatever happens.
    .addUniqueConstraint('email_jobs_notification', ['notification_id'])
    .execute();
  await db.schema
    .createIndex('email_jobs_due')
    .on('email_jobs')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('email_jobs_school_status')
    .on('email_jobs')
    .columns(['school_id', 'status'])
    .execute();
  await db.schema
    .createTable('unsubscribe_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('types', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Keyset pagination of GET /api/notifications: unread first, newest first, by id.
  await db.schema
    .createIndex('notifications_page')
    .on('notifications')
    .columns(['user_id', 'school_id', 'is_read', 'created_at', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('notifications_page').execute();
  for (const t of ['unsubscribe_tokens', 'email_jobs', 'mail_settings', 'notification_preferences'])
    await db.schema.dropTable(t).execute();
  await db.schema.alterTable('notifications').dropColumn('delivered_via_email').execute();
  await db.schema.alterTable('notifications').dropColumn('params').execute();
}

type Params = Record<string, string | number | null>;
interface OldRow {
  id: number;
  type: string;
  title: string;
  message: string;
  action_url: string;
  dedupe_key: string | null;
}
interface SessionFacts {
  id: number;
  title: string;
  starts_at: string;
  location: string;
}

const idIn = (url: string, host: string): number | null => {
  const m = new RegExp(`^classdesk://${host}/(\\d+)$`).exec(url);
  return m ? Number(m[1]) : null;
};

/**
 * The parameters of a row written as English text by the server before parameters, or null when
 * the text cannot be read back (the row then keeps its text, rendered as written).
 */
export function paramsOfOldRow(n: OldRow, session: SessionFacts | undefined): Params | null {
  switch (n.type) {
    case 'session_reminder': {
      if (!session) return null;
      const at = /^reminder:\d+:(.+)$/.exec(n.dedupe_key ?? '')?.[1] ?? session.starts_at;
      return {
        session_id: session.id,
        session_title: session.title,
        starts_at: at,
        location: session.location,
      };
    }
    case 'session_cancelled': {
      // "<title> on 2026-12-15 14:30 UTC was cancelled."
      const m = /^(.*) on (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC was cancelled\.$/s.exec(n.message);
      if (!m) return null;
      return {
        session_id: session?.id ?? null,
        session_title: m[1]!,
        starts_at: new Date(`${m[2]}T${m[3]}:00.000Z`).toISOString(),
      };
    }
    case 'new_student': {
      // "<student> joined <session title>."
      if (!session) return null;
      const tail = ` joined ${session.title}.`;
      if (!n.message.endsWith(tail)) return null;
      return {
        student_name: n.message.slice(0, -tail.length),
        session_id: session.id,
        session_title: session.title,
      };
    }
    case 'school_announcement': {
      const id = idIn(n.action_url, 'announcements');
      return id === null ? null : { announcement_id: id };
    }
    default:
      return null;
  }
}

async function migrateRows(db: AnyDb): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = (await db
      .selectFrom('notifications')
      .select(['id', 'type', 'title', 'message', 'action_url', 'dedupe_key'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute()) as OldRow[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const sessionIds = [
      ...new Set(rows.map((r) => idIn(r.action_url, 'sessions')).filter((x): x is number => x !== null)),
    ];
    const sessions = new Map<number, SessionFacts>();
    if (sessionIds.length > 0)
      for (const s of (await db
        .selectFrom('class_sessions')
        .select(['id', 'title', 'starts_at', 'location'])
        .where('id', 'in', sessionIds)
        .execute()) as SessionFacts[])
        sessions.set(s.id, s);
    for (const r of rows) {
      const sid = idIn(r.action_url, 'sessions');
      const params = paramsOfOldRow(r, sid === null ? undefined : sessions.get(sid));
      if (!params) continue;
      // An announcement keeps the words its author wrote; the server's own sentences go.
      const keepText = r.type === 'school_announcement';
      await db
        .updateTable('notifications')
        .set({
          params: JSON.stringify(params),
          ...(keepText ? {} : { title: '', message: '' }),
        })
        .where('id', '=', r.id)
        .execute();
    }
  }
}
