/**
 * No edit may block a device (server/domain/push.ts) and the protocol version on the wire
 * (server/http/protocol-version.ts), on both engines: text the engines disagree on is refused
 * per mutation, a mutation that fails unexpectedly is rejected alone while the rest of its batch
 * applies, and a push or pull stating another protocol version is told which side to update.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, type PushResponse } from '../../src/shared/protocol.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';

describe.each(dialectsHere())('push hardening on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestApi;
  let sessions: Array<{ id: number; version: number; lesson_notes: string }>;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ids = await demoIds(server.database.db);
    ana = await signedIn(server.url, 'ana@classdesk.test');
    sessions = await server.database.db
      .selectFrom('class_sessions')
      .select(['id', 'version', 'lesson_notes'])
      .where('teacher_id', '=', ids.ana)
      .where('status', '=', 'scheduled')
      .orderBy('id')
      .limit(6)
      .execute();
  });
  afterAll(() => server?.stop());

  const notes = (i: number, lesson_notes: string, id: string) => ({
    id,
    type: 'update_lesson_notes',
    args: { session_id: sessions[i]!.id, lesson_notes, base_version: sessions[i]!.version },
  });
  const notesOf = async (i: number) =>
    (
      await server.database.db
        .selectFrom('class_sessions')
        .select('lesson_notes')
        .where('id', '=', sessions[i]!.id)
        .executeTakeFirstOrThrow()
    ).lesson_notes;

  test('lesson notes with a NUL or a lone surrogate are rejected with a reason; the rest of the batch applies', async () => {
    const r = await ana.post<PushResponse>('/api/sync/push', {
      client_id: 'hardening-client-1',
      mutations: [
        notes(0, 'antes\u0000depois', 'nul-1'),
        notes(1, 'meio \uD800 par', 'surrogate-1'),
        notes(2, 'Exercícios 3 a 7', 'fine-1'),
      ],
    });
    expect(r.status, r.text).toBe(200);
    const [nul, surrogate, fine] = r.body.results;
    expect(nul).toMatchObject({ status: 'rejected', code: 'invalid_args' });
    expect(nul!.message).toMatch(/NUL/);
    expect(surrogate).toMatchObject({ status: 'rejected', code: 'invalid_args' });
    expect(surrogate!.message).toMatch(/surrogate/);
    expect(fine).toMatchObject({ status: 'applied' });
    expect(await notesOf(0)).toBe(sessions[0]!.lesson_notes);
    expect(await notesOf(1)).toBe(sessions[1]!.lesson_notes);
    expect(await notesOf(2)).toBe('Exercícios 3 a 7');
  });

  test('a mutation that fails unexpectedly is rejected as internal, changes nothing, and the batch goes on', async () => {
    // A database that refuses one value, as a stand-in for any fault inside one mutation.
    const db = server.database.db;
    if (dialect === 'sqlite') {
      await sql`create trigger refuse_boom before update of lesson_notes on class_sessions
        when new.lesson_notes = 'boom' begin select raise(abort, 'boom refused'); end`.execute(db);
    } else {
      await sql`create function refuse_boom() returns trigger language plpgsql as $$
        begin if new.lesson_notes = 'boom' then raise exception 'boom refused'; end if; return new; end $$`.execute(
        db,
      );
      await sql`create trigger refuse_boom before update on class_sessions
        for each row execute function refuse_boom()`.execute(db);
    }
    try {
      const r = await ana.post<PushResponse>('/api/sync/push', {
        client_id: 'hardening-client-2',
        mutations: [notes(3, 'boom', 'boom-1'), notes(4, 'Depois do erro', 'after-1')],
      });
      expect(r.status, r.text).toBe(200);
      expect(r.body.results[0]).toMatchObject({ id: 'boom-1', status: 'rejected', code: 'internal' });
      expect(r.body.results[1]).toMatchObject({ id: 'after-1', status: 'applied' });
      expect(await notesOf(3)).toBe(sessions[3]!.lesson_notes);
      expect(await notesOf(4)).toBe('Depois do erro');
    } finally {
      await sql`drop trigger refuse_boom${sql.raw(dialect === 'postgres' ? ' on class_sessions' : '')}`.execute(
        db,
      );
      if (dialect === 'postgres') await sql`drop function refuse_boom()`.execute(db);
    }
  });

  test('push and pull state the protocol version; another version is told which side to update', async () => {
    const pull = (v?: string) =>
      ana.request('GET', '/api/sync/pull', {
        query: { school_id: ids.norte },
        headers: v === undefined ? {} : { [PROTOCOL_HEADER]: v },
      });
    const current = await pull(String(PROTOCOL_VERSION));
    expect(current.status).toBe(200);
    expect(current.headers.get(PROTOCOL_HEADER)).toBe(String(PROTOCOL_VERSION));
    expect((await pull()).status).toBe(200);

    const old = await pull(String(PROTOCOL_VERSION - 1));
    expect(old.status).toBe(426);
    expect(old.body).toMatchObject({ error: { code: 'app_outdated' } });
    expect(old.text).toMatch(/update the app/);
    const newer = await pull(String(PROTOCOL_VERSION + 1));
    expect(newer.status).toBe(426);
    expect(newer.body).toMatchObject({ error: { code: 'server_outdated' } });
    expect(newer.text).toMatch(/update the Classdesk server/);
    expect((await pull('two')).status).toBe(400);

    const before = await notesOf(5);
    const push = await ana.request<PushResponse>('POST', '/api/sync/push', {
      body: { client_id: 'hardening-client-3', mutations: [notes(5, 'de uma app antiga', 'old-app-1')] },
      headers: { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION - 1) },
    });
    expect(push.status).toBe(426);
    expect(push.body).toMatchObject({ error: { code: 'app_outdated' } });
    expect(await notesOf(5)).toBe(before);
  });
});
