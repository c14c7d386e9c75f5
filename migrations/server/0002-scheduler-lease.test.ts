/**
 * Migration 0002 (the scheduler lease), on SQLite and PostgreSQL. As every migration test (docs/ARCHITECTURE.md, "Migration tests"): migrate to
 * N-1, insert data, migrate to N, assert: the data is untouched, the lease table exists, empty,
 * with one row per name; down() removes it and leaves the rest.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { dialectsHere } from '../../tests/support/server-fixture.js';
import { openEmpty } from '../../tests/support/empty-database.js';
import * as m0002 from './0002-scheduler-lease.js';
import { serverMigrations } from './index.js';

const TS = '2030-01-07T09:00:00.000Z';

describe.each(dialectsHere())('server migration 0002-scheduler-lease on %s', (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ database, drop } = await openEmpty(dialect));
  });
  afterEach(() => drop());

  test('it follows 0001-initial', () => {
    expect(Object.keys(serverMigrations).slice(0, 2)).toEqual(['0001-initial', '0002-scheduler-lease']);
  });

  test('migrating a database with data adds an empty lease table and keeps the data', async () => {
    const db = database.db;
    await migrateServer(db, '0001-initial');
    const school = await db
      .insertInto('schools')
      .values({ name: 'Escola Teste', timezone: 'UTC', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.updateTable('change_counter').set({ value: 7 }).where('id', '=', 1).execute();

    await migrateServer(db, '0002-scheduler-lease');
    expect(await db.selectFrom('schools').select(['id', 'name']).execute()).toEqual([
      { id: school.id, name: 'Escola Teste' },
    ]);
    expect(await db.selectFrom('change_counter').selectAll().execute()).toEqual([{ id: 1, value: 7 }]);
    expect(await db.selectFrom('scheduler_lease').selectAll().execute()).toEqual([]);

    const lease = { name: 'scheduled-work', holder: 'a', expires_at: TS, renewed_at: TS };
    await db.insertInto('scheduler_lease').values(lease).execute();
    expect(await db.selectFrom('scheduler_lease').selectAll().execute()).toEqual([lease]);
    // One row per name.
    await expect(
      db
        .insertInto('scheduler_lease')
        .values({ ...lease, holder: 'b' })
        .execute(),
    ).rejects.toThrow();
    // Every column is required.
    await expect(
      sql`insert into scheduler_lease (name, holder) values (${'other'}, ${'c'})`.execute(db),
    ).rejects.toThrow();
  });

  test('down() drops the lease table and nothing else', async () => {
    const db = database.db;
    await migrateServer(db, '0002-scheduler-lease');
    await m0002.down(db);
    await expect(db.selectFrom('scheduler_lease').selectAll().execute()).rejects.toThrow();
    expect(await db.selectFrom('change_counter').selectAll().execute()).toEqual([{ id: 1, value: 0 }]);
  });
});
