/**
 * Migration 0008 (feature flags), on SQLite and PostgreSQL. As every migration test
 * (docs/ARCHITECTURE.md, "Migration tests"): migrate to N-1, insert data, migrate to N, assert:
 * existing rows stay; one row per (school, key); `enabled` and `percentage` are checked; down()
 * removes the table and nothing else.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { dialectsHere } from '../../tests/support/server-fixture.js';
import { openEmpty } from '../../tests/support/empty-database.js';
import * as m0008 from './0008-feature-flags.js';
import { serverMigrations } from './index.js';

const TS = '2030-01-07T09:00:00.000Z';

describe.each(dialectsHere())('server migration 0008-feature-flags on %s', (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ database, drop } = await openEmpty(dialect));
  });
  afterEach(() => drop());

  test('it comes after 0007-roster-timetable', () => {
    const names = Object.keys(serverMigrations);
    expect(names.indexOf('0008-feature-flags')).toBe(names.indexOf('0007-roster-timetable') + 1);
    expect([...names].sort()).toEqual(names);
  });

  test('existing rows stay; flags are kept, unique per school and key, and checked', async () => {
    const db = database.db;
    await migrateServer(db, '0007-roster-timetable');
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

    await migrateServer(db, '0008-feature-flags');
    expect(await db.selectFrom('schools').select('name').execute()).toEqual([{ name: 'Escola Teste' }]);
    const flag = (key: string, enabled: number, percentage: number | null) =>
      db
        .insertInto('feature_flags')
        .values({ school_id: school.id, key, enabled, percentage, updated_at: TS, updated_by: admin.id })
        .execute();
    await flag('email_notifications', 0, null);
    await flag('dashboard_widgets', 1, 30);
    expect(
      await db.selectFrom('feature_flags').select(['key', 'enabled', 'percentage']).orderBy('key').execute(),
    ).toEqual([
      { key: 'dashboard_widgets', enabled: 1, percentage: 30 },
      { key: 'email_notifications', enabled: 0, percentage: null },
    ]);
    await expect(flag('email_notifications', 1, null)).rejects.toThrow();
    await expect(flag('real_time_updates', 2, null)).rejects.toThrow();
    await expect(flag('real_time_updates', 1, 101)).rejects.toThrow();
    await expect(flag('real_time_updates', 1, -1)).rejects.toThrow();

    await m0008.down(db);
    await expect(db.selectFrom('feature_flags').selectAll().execute()).rejects.toThrow();
    expect(await db.selectFrom('users').select('email').execute()).toEqual([{ email: 'a@test' }]);
  });
});
