/**
 * Migration 0003 (durable scan jobs), on SQLite and PostgreSQL. As every migration test
 * (docs/ARCHITECTURE.md, "Migration tests"): migrate to N-1, insert data, migrate to N, assert:
 * a resource still pending becomes a job due at once, a scanned one does not; down() removes the
 * table and leaves the rest.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { migrateServer } from '../../server/db/migrate.js';
import { dialectsHere } from '../../tests/support/server-fixture.js';
import { openEmpty } from '../../tests/support/empty-database.js';
import * as m0003 from './0003-scan-jobs.js';
import { serverMigrations } from './index.js';

const TS = '2030-01-07T09:00:00.000Z';

describe.each(dialectsHere())('server migration 0003-scan-jobs on %s', (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ database, drop } = await openEmpty(dialect));
  });
  afterEach(() => drop());

  test('it follows 0002-scheduler-lease', () => {
    expect(Object.keys(serverMigrations).slice(0, 3)).toEqual([
      '0001-initial',
      '0002-scheduler-lease',
      '0003-scan-jobs',
    ]);
  });

  test('resources pending before the migration become scan jobs; scanned ones do not', async () => {
    const db = database.db;
    await migrateServer(db, '0002-scheduler-lease');
    const school = await db
      .insertInto('schools')
      .values({ name: 'Escola Teste', timezone: 'UTC', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    const teacher = await db
      .insertInto('users')
      .values({ email: 't@test', name: 'T', password_hash: 'x', version: 1, created_at: TS })
      .returning('id')
      .executeTakeFirstOrThrow();
    const resource = (title: string, scan_status: 'pending' | 'clean') =>
      db
        .insertInto('resources')
        .values({
          school_id: school.id,
          teacher_id: teacher.id,
          title,
          description: '',
          file_type: 'pdf',
          mime_type: 'application/pdf',
          size: 10,
          sha256: title,
          storage_name: title,
          shared_with_students: 0,
          scan_status,
          uploader_address: '127.0.0.1',
          field_versions: '{}',
          version: 1,
          created_at: TS,
          updated_at: TS,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const pending = await resource('pending', 'pending');
    await resource('clean', 'clean');

    const before = new Date().toISOString();
    await migrateServer(db, '0003-scan-jobs');
    const jobs = await db.selectFrom('scan_jobs').selectAll().execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      resource_id: pending.id,
      attempts: 0,
      claimed_by: null,
      lease_until: null,
      last_error: null,
    });
    expect(jobs[0]!.next_attempt_at >= before).toBe(true);
    expect(await db.selectFrom('resources').select('title').orderBy('id').execute()).toEqual([
      { title: 'pending' },
      { title: 'clean' },
    ]);
    // One job per resource.
    await expect(
      db
        .insertInto('scan_jobs')
        .values({ resource_id: pending.id, attempts: 0, next_attempt_at: TS })
        .execute(),
    ).rejects.toThrow();
  });

  test('down() drops the scan jobs and nothing else', async () => {
    const db = database.db;
    await migrateServer(db, '0003-scan-jobs');
    await m0003.down(db);
    await expect(db.selectFrom('scan_jobs').selectAll().execute()).rejects.toThrow();
    expect(await db.selectFrom('change_counter').selectAll().execute()).toEqual([{ id: 1, value: 0 }]);
  });
});
