/**
 * Migration 0006 (admin audit log and invitations), on SQLite and PostgreSQL. As every migration
 * test (docs/ARCHITECTURE.md, "Migration tests"): migrate to N-1, insert data, migrate to N,
 * assert: existing rows stay; audit entries keep their JSON; an invitation's token hash is
 * unique and its role and status are checked; down() removes both tables and nothing else.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { dialectsHere } from '../../tests/support/server-fixture.js';
import { openEmpty } from '../../tests/support/empty-database.js';
import * as m0006 from './0006-admin-audit.js';
import { serverMigrations } from './index.js';

const TS = '2030-01-07T09:00:00.000Z';

describe.each(dialectsHere())('server migration 0006-admin-audit on %s', (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ database, drop } = await openEmpty(dialect));
  });
  afterEach(() => drop());

  test('it comes after 0004-lesson-prep', () => {
    const names = Object.keys(serverMigrations);
    expect(names.indexOf('0006-admin-audit')).toBeGreaterThan(names.indexOf('0004-lesson-prep'));
    expect([...names].sort()).toEqual(names);
  });

  test('existing rows stay; audit entries and invitations are kept and checked', async () => {
    const db = database.db;
    const names = Object.keys(serverMigrations);
    await migrateServer(db, names[names.indexOf('0006-admin-audit') - 1]);
    const school = await db
      .insertInto('schools')
      .values({ name: 'Escola Teste', timezone: 'UTC', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    const admin = await db
      .insertInto('users')
      .values({ email: 'a@test', name: 'Admin', password_hash: 'x', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();

    await migrateServer(db, '0006-admin-audit');
    expect(await db.selectFrom('schools').select('name').execute()).toEqual([{ name: 'Escola Teste' }]);
    await db
      .insertInto('admin_audit')
      .values({
        school_id: school.id,
        actor_id: admin.id,
        action: 'session.update',
        subject: 'session:1',
        before: JSON.stringify({ title: 'Aula' }),
        after: JSON.stringify({ title: 'Aula revista' }),
        created_at: TS,
      })
      .execute();
    const entry = await db.selectFrom('admin_audit').selectAll().executeTakeFirstOrThrow();
    expect(JSON.parse(entry.after!)).toEqual({ title: 'Aula revista' });

    const invitation = (token_hash: string, role = 'teacher', status = 'pending') =>
      db
        .insertInto('invitations')
        .values({
          school_id: school.id,
          email: 'new@test',
          role: role as 'teacher',
          token_hash,
          invited_by: admin.id,
          status: status as 'pending',
          created_at: TS,
          expires_at: TS,
          accepted_at: null,
          accepted_user_id: null,
        })
        .execute();
    await invitation('h1');
    await expect(invitation('h1')).rejects.toThrow();
    await expect(invitation('h2', 'student')).rejects.toThrow();
    await expect(invitation('h3', 'teacher', 'maybe')).rejects.toThrow();

    await m0006.down(db);
    await expect(db.selectFrom('invitations').selectAll().execute()).rejects.toThrow();
    await expect(db.selectFrom('admin_audit').selectAll().execute()).rejects.toThrow();
    expect(await db.selectFrom('users').select('email').execute()).toEqual([{ email: 'a@test' }]);
  });
});
