/**
 * Migration 0005 (notification channels), on SQLite and PostgreSQL. As every migration test
 * (docs/ARCHITECTURE.md, "Migration tests"): migrate to N-1, insert data, migrate to N, assert:
 * notifications written as English sentences get their parameters back (the sentence goes, an
 * announcement keeps its author's words, unreadable text stays as written), and the new tables
 * exist; down() removes them and leaves the notifications.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../server/db/database.js';
import type { NotificationsTable } from '../../server/db/schema.js';
import { migrateServer } from '../../server/db/migrate.js';
import { dialectsHere } from '../../tests/support/server-fixture.js';
import { openEmpty } from '../../tests/support/empty-database.js';
import * as m0005 from './0005-notification-channels.js';
import { serverMigrations } from './index.js';

const TS = '2030-01-07T09:00:00.000Z';
const NAME = '0005-notification-channels';
const keys = Object.keys(serverMigrations);
const PREVIOUS = keys[keys.indexOf(NAME) - 1]!;

describe.each(dialectsHere())('server migration 0005-notification-channels on %s', (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ database, drop } = await openEmpty(dialect));
  });
  afterEach(() => drop());

  test('old English sentences become parameters', async () => {
    const db = database.db;
    await migrateServer(db, PREVIOUS);
    const school = await db
      .insertInto('schools')
      .values({ name: 'Escola Teste', timezone: 'Europe/Lisbon', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    const teacher = await db
      .insertInto('users')
      .values({ email: 't@test', name: 'T', password_hash: 'x', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    const course = await db
      .insertInto('courses')
      .values({ school_id: school.id, name: 'Português', code: 'PT', version: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const session = await db
      .insertInto('class_sessions')
      .values({
        school_id: school.id,
        course_id: course.id,
        teacher_id: teacher.id,
        title: 'Português — 7.º B',
        starts_at: '2026-12-15T14:30:00.000Z',
        ends_at: '2026-12-15T15:20:00.000Z',
        location: 'Sala 12',
        status: 'cancelled',
        lesson_notes: '',
        field_versions: '{}',
        version: 1,
        created_at: TS,
        updated_at: TS,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const add = (
      type: NotificationsTable['type'],
      title: string,
      message: string,
      action_url: string,
      dedupe_key: string | null = null,
    ) =>
      db
        .insertInto('notifications')
        .values({
          school_id: school.id,
          user_id: teacher.id,
          type,
          title,
          message,
          action_url,
          is_read: 0,
          is_dismissed: 0,
          read_at: null,
          delivered_via_socket: 0,
          created_at: TS,
          expires_at: null,
          expiry_published: 0,
          dedupe_key,
          version: 1,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const s = `classdesk://sessions/${session.id}`;
    const cancelled = await add(
      'session_cancelled',
      'Session cancelled',
      'Português — 7.º B on 2026-12-15 14:30 UTC was cancelled.',
      s,
    );
    const reminder = await add(
      'session_reminder',
      'Português — 7.º B starts in 15 min',
      'Português — 7.º B — Sala 12',
      s,
      `reminder:${session.id}:2026-12-15T14:30:00.000Z`,
    );
    const student = await add('new_student', 'New student', 'Rita Sousa joined Português — 7.º B.', s);
    const announcement = await add(
      'school_announcement',
      'Reunião',
      'Quinta às 17h.',
      'classdesk://announcements/9',
    );
    const payment = await add('payment_processed', 'Pagamento processado', 'Horas extra de outubro.', '');

    await migrateServer(database.db, NAME);
    const rows = await db
      .selectFrom('notifications')
      .select(['id', 'title', 'message', 'params', 'delivered_via_email'])
      .orderBy('id')
      .execute();
    const byId = (id: number) => {
      const r = rows.find((x) => x.id === id)!;
      return { ...r, params: JSON.parse(r.params) as unknown };
    };
    expect(byId(cancelled.id)).toMatchObject({
      title: '',
      message: '',
      delivered_via_email: 0,
      params: {
        session_id: Number(session.id),
        session_title: 'Português — 7.º B',
        starts_at: '2026-12-15T14:30:00.000Z',
      },
    });
    expect(byId(reminder.id)).toMatchObject({
      title: '',
      message: '',
      params: {
        session_id: Number(session.id),
        session_title: 'Português — 7.º B',
        starts_at: '2026-12-15T14:30:00.000Z',
        location: 'Sala 12',
      },
    });
    expect(byId(student.id)).toMatchObject({
      title: '',
      params: { student_name: 'Rita Sousa', session_title: 'Português — 7.º B' },
    });
    expect(byId(announcement.id)).toMatchObject({
      title: 'Reunião',
      message: 'Quinta às 17h.',
      params: { announcement_id: 9 },
    });
    // Free text nobody can read back stays as written (the app shows it as it is).
    expect(byId(payment.id)).toMatchObject({
      title: 'Pagamento processado',
      message: 'Horas extra de outubro.',
      params: {},
    });
    for (const t of [
      'notification_preferences',
      'mail_settings',
      'email_jobs',
      'unsubscribe_tokens',
    ] as const)
      expect(await db.selectFrom(t).selectAll().execute()).toEqual([]);
  });

  test('down() drops the new tables and columns and keeps the notifications', async () => {
    const db = database.db;
    await migrateServer(db, NAME);
    await m0005.down(db);
    await expect(db.selectFrom('email_jobs').selectAll().execute()).rejects.toThrow();
    await expect(db.selectFrom('notifications').select('params').execute()).rejects.toThrow();
    expect(await db.selectFrom('notifications').select('id').execute()).toEqual([]);
  });
});
