/**
 * No edit blocks a device (src/main/core/sync/engine.ts): a server that fails one edit forever
 * with a server error (here PostgreSQL refusing it as if its disk were full, SQLSTATE 53100,
 * which the server answers 500 because another attempt could succeed) costs a bounded number
 * of retries; then that edit moves to Needs attention, and the edits behind it and the pulls go
 * on. PostgreSQL only: SQLite has no way to raise such an error from a trigger.
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, startLive, type TestDevice } from '../support/device.js';
import { signedIn } from '../support/api-client.js';
import { HAS_POSTGRES, startTestServer, type TestServer } from '../support/server-fixture.js';
import { until } from '../support/until.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';

describe.skipIf(!HAS_POSTGRES)('a poison edit on PostgreSQL', () => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestDevice;

  beforeAll(async () => {
    server = await startTestServer('postgres');
    ids = await demoIds(server.database.db);
    await sql`create function refuse_poison() returns trigger language plpgsql as $$
      begin if new.lesson_notes = 'poison' then raise exception 'no space' using errcode = '53100'; end if;
      return new; end $$`.execute(server.database.db);
    await sql`create trigger refuse_poison before update on class_sessions
      for each row execute function refuse_poison()`.execute(server.database.db);
    ana = await openTestDevice(server.url, 'ana@classdesk.test', { engine: { maxPushFailures: 3 } });
    await startLive(ana);
  });
  afterAll(async () => {
    await ana?.close();
    fs.rmSync(ana?.dataDir ?? '', { recursive: true, force: true });
    await server?.stop();
  });

  test('the server fails it three times, it moves to Needs attention, and the rest flows', async () => {
    const [poisoned, fine, later] = await server.database.db
      .selectFrom('class_sessions')
      .select(['id', 'lesson_notes', 'title'])
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .where('status', '=', 'scheduled')
      .orderBy('id')
      .limit(3)
      .execute();
    const poison = ana.engine.edit('update_lesson_notes', {
      session_id: poisoned!.id,
      lesson_notes: 'poison',
    });
    ana.engine.edit('update_lesson_notes', { session_id: fine!.id, lesson_notes: 'behind the poison' });

    const attention = await until(
      'the poison edit in Needs attention',
      () => (ana.store.attention().length > 0 ? ana.store.attention() : undefined),
      30_000,
    );
    expect(attention).toHaveLength(1);
    expect(attention[0]).toMatchObject({ id: poison.id, code: 'server_error' });
    expect(attention[0]!.message).toMatch(/failed 3 times/);
    await until('the outbox empty', () => (ana.store.pendingCount() === 0 ? true : undefined), 15_000);

    const notes = async (id: number) =>
      (
        await server.database.db
          .selectFrom('class_sessions')
          .select('lesson_notes')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).lesson_notes;
    expect(await notes(fine!.id)).toBe('behind the poison');
    expect(await notes(poisoned!.id)).toBe(poisoned!.lesson_notes);
    // The device shows the server's value again, and pulls go on.
    const local = () =>
      (
        storeDatabase(ana.store)
          .sqlite.prepare('select lesson_notes, title from sessions where id = ?')
          .get(poisoned!.id) as {
          lesson_notes: string;
        }
      ).lesson_notes;
    expect(local()).toBe(poisoned!.lesson_notes);
    const admin = await signedIn(server.url, 'admin@classdesk.test');
    const renamed = `${later!.title} (sala nova)`;
    expect(
      (await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${later!.id}`, { title: renamed })).status,
    ).toBe(200);
    await until('the admin change on the device', () =>
      (
        storeDatabase(ana.store).sqlite.prepare('select title from sessions where id = ?').get(later!.id) as {
          title: string;
        }
      ).title === renamed
        ? true
        : undefined,
    );
  });
});
