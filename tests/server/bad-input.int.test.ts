/**
 * Bad input gets a clear error and changes nothing (docs/ARCHITECTURE.md invariant 5): for every route
 * with input, malformed JSON, wrong types, missing and unknown fields (mass assignment),
 * out-of-range ids and oversized bodies answer 400 naming the field (413 for size), with the
 * database and the file store unchanged; then the valid request still succeeds. Also 401 for
 * missing, garbage, expired and revoked tokens, and 429 with Retry-After from each rate limit.
 */
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROUTES } from '../../server/http/app.js';
import type { RouteDef } from '../../server/http/route-table.js';
import { hashToken } from '../../server/domain/auth.js';
import {
  RELAXED_RATE_LIMITS,
  dialectsHere,
  startTestServer,
  type TestServer,
} from '../support/server-fixture.js';
import { signedIn, TestApi, type ApiResponse, type ErrorBody } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { signedHeaders } from '../support/payments.js';
import type { Kysely } from 'kysely';
import type { DB } from '../../server/db/schema.js';
import { snapshotDb, snapshotFiles, VOLATILE_TABLES } from '../support/db-snapshot.js';
import {
  INPUTS,
  type BadCase,
  type Callers,
  type InputCtx,
  type RequestParts,
  type RouteInput,
} from './bad-input.cases.js';

const routeKey = (r: Pick<RouteDef, 'method' | 'url'>) => `${r.method} ${r.url}`;
const takesInput = (r: RouteDef) => Boolean(r.query || r.body || r.params || r.multipart);

/** Keys a client might slip into a body to set what only the server decides. */
const MASS_ASSIGNMENT = [
  'id',
  'school_id',
  'teacher_id',
  'user_id',
  'role',
  'version',
  'is_admin',
  'password_hash',
];
const isIdKey = (k: string) => /(^id$|_id$|Id$)/.test(k);

const ErrorShape = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string().min(1), field: z.string().optional() }),
});

test('every route that takes input has bad-input cases, and no case names a route that is gone', () => {
  expect(Object.keys(INPUTS).sort()).toEqual(ROUTES.filter(takesInput).map(routeKey).sort());
});

function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  return schema instanceof z.ZodObject ? schema.shape : {};
}

/** The cases every route gets from its schemas and its valid request. */
function derivedCases(route: RouteDef, input: RouteInput): BadCase[] {
  const valid = input.valid;
  const cases: BadCase[] = [];
  const sections = [
    ['params', route.params, valid.params],
    ['query', route.query, valid.query],
    ['body', route.body, valid.body],
  ] as const;
  for (const [where, schema, value] of sections) {
    if (!schema || !value || typeof value !== 'object') continue;
    const shape = shapeOf(schema);
    const vary = (key: string, v: unknown): RequestParts => ({ ...valid, [where]: { ...value, [key]: v } });
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const wrong =
        where !== 'body'
          ? typeof v === 'number'
            ? 'abc'
            : 'not-a-choice'
          : typeof v === 'string'
            ? 12345
            : typeof v === 'number'
              ? 'not-a-number'
              : typeof v === 'boolean'
                ? 'yes'
                : 'x';
      cases.push({ what: `${where}.${key} of the wrong type`, ...vary(key, wrong), field: key });
      // The stored-text rule (src/shared/text.ts): one answer on both engines, before any write.
      if (typeof v === 'string' && where !== 'params' && !input.textExempt?.[key]) {
        cases.push({ what: `${where}.${key} with a NUL`, ...vary(key, `${v}\u0000x`), field: key });
        if (where === 'body')
          cases.push({
            what: `${where}.${key} with a lone surrogate`,
            ...vary(key, `${v}\uD800`),
            field: key,
          });
      }
      if (where !== 'params' && shape[key] && !shape[key].safeParse(undefined).success) {
        const rest = { ...(value as Record<string, unknown>) };
        delete rest[key];
        cases.push({ what: `${where}.${key} missing`, ...valid, [where]: rest, field: key });
      }
      if (isIdKey(key) && typeof v === 'number') {
        for (const bad of [0, -1, 1.5, 2 ** 53 + 2]) {
          cases.push({
            what: `${where}.${key} = ${bad}`,
            ...vary(key, where === 'body' ? bad : String(bad)),
            field: key,
          });
        }
        // Large but well-formed ids are unknown ids, not errors.
        for (const big of [2 ** 31, Number.MAX_SAFE_INTEGER]) {
          cases.push({
            what: `${where}.${key} = ${big}`,
            ...vary(key, where === 'body' ? big : String(big)),
            status: 'unknown-id',
          });
        }
      }
    }
    if (where !== 'params') {
      for (const key of MASS_ASSIGNMENT.filter((k) => !(k in shape))) {
        cases.push({
          what: `an unknown ${where}.${key}`,
          ...vary(key, where === 'body' ? 1 : '1'),
          field: key,
        });
      }
    }
    if (where === 'query') {
      const numeric = Object.entries(value as Record<string, unknown>).find(([, v]) => typeof v === 'number');
      if (numeric) {
        const q = Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join('&');
        cases.push({
          what: `${numeric[0]} given twice`,
          ...valid,
          query: undefined,
          rawQuery: `${q}&${numeric[0]}=1`,
          field: numeric[0],
        });
      }
    }
  }
  if (route.body) {
    const json = 'application/json';
    cases.push(
      {
        what: 'malformed JSON',
        ...valid,
        body: undefined,
        raw: { text: '{"oops": ', contentType: json },
        field: 'body',
      },
      {
        what: 'a JSON null',
        ...valid,
        body: undefined,
        raw: { text: 'null', contentType: json },
        field: 'body',
      },
      {
        what: 'a JSON array',
        ...valid,
        body: undefined,
        raw: { text: '[]', contentType: json },
        field: 'body',
      },
      {
        what: 'a JSON string',
        ...valid,
        body: undefined,
        raw: { text: '"hello"', contentType: json },
        field: 'body',
      },
      { what: 'no body', ...valid, body: undefined, field: 'body' },
      {
        what: 'a body in a media type the server does not take',
        ...valid,
        body: undefined,
        raw: { text: JSON.stringify(valid.body), contentType: 'application/xml' },
        status: 415,
        field: 'content-type',
      },
    );
  }
  if (route.body) {
    // Over MAX_BODY_KB (16 here), whatever the content.
    const pad = 'x'.repeat(20 * 1024);
    const text = JSON.stringify({ ...(valid.body as object), pad });
    cases.push({
      what: 'an oversized body',
      ...valid,
      body: undefined,
      raw: { text, contentType: 'application/json' },
      status: 413,
    });
  }
  if (route.multipart) {
    // A file over MAX_UPLOAD_MB (1 here); text fields are bounded by the form's schema.
    cases.push({
      what: 'an oversized file',
      params: valid.params,
      form: () => bigForm(1024 * 1024 + 1),
      status: 413,
    });
  }
  return cases;
}

function bigForm(size: number): FormData {
  const f = new FormData();
  f.set('school_id', '1');
  f.set('title', 'big');
  f.set('file', new Blob([Buffer.alloc(size, 'x')]), 'big.txt');
  return f;
}

function send(api: TestApi, route: RouteDef, req: RequestParts): Promise<ApiResponse> {
  let url = route.url.replace(/:(\w+)/g, (_, name: string) => String(req.params?.[name]));
  if (req.rawQuery) url += `?${req.rawQuery}`;
  if (req.form) return api.request(route.method, url, { raw: req.form(), query: req.query });
  // A signed route's bodies are all correctly signed: what is wrong is the body itself.
  const signed = (text: string): Record<string, string> =>
    route.auth === 'signature' ? { 'Classdesk-Signature': signedHeaders(text)['Classdesk-Signature']! } : {};
  if (req.raw)
    return api.request(route.method, url, {
      raw: req.raw.text,
      headers: { 'content-type': req.raw.contentType, ...signed(req.raw.text) },
      query: req.query,
    });
  const text = req.body === undefined ? '' : JSON.stringify(req.body);
  return api.request(route.method, url, { query: req.query, body: req.body, headers: signed(text) });
}

/** An announcement of Norte, a link to an invitation for a new email, and one to ana from a school she is not in. */
async function consoleRows(db: Kysely<DB>, ids: DemoIds) {
  const now = new Date().toISOString();
  const announcement = await db
    .insertInto('announcements')
    .values({
      school_id: ids.norte,
      author_id: ids.admin,
      title: 'Aviso',
      message: 'Texto',
      created_at: now,
      version: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const oeste = await db
    .insertInto('schools')
    .values({ name: 'Escola Oeste', timezone: 'Europe/Lisbon', version: 1, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const invitation = (schoolId: number, email: string, token: string) =>
    db
      .insertInto('invitations')
      .values({
        school_id: schoolId,
        email,
        role: 'teacher',
        token_hash: hashToken(token),
        invited_by: ids.admin,
        status: 'pending',
        created_at: now,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        accepted_at: null,
        accepted_user_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const invitationToken = 'N'.repeat(43);
  await invitation(ids.norte, 'nova.professora@classdesk.test', invitationToken);
  const ana = await invitation(oeste.id, 'ana@classdesk.test', 'A'.repeat(43));
  // A weekly lesson of ana in Norte and a Norte holiday (rows only: no session is generated).
  const course = await db
    .selectFrom('courses')
    .select('id')
    .where('school_id', '=', ids.norte)
    .executeTakeFirstOrThrow();
  const entry = await db
    .insertInto('timetable_entries')
    .values({
      school_id: ids.norte,
      course_id: course.id,
      teacher_id: ids.ana,
      weekday: 4,
      starts: '09:00',
      ends: '09:50',
      room: '',
      term_start: '2031-01-01',
      term_end: '2031-01-31',
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const holiday = await db
    .insertInto('school_holidays')
    .values({ school_id: ids.norte, date: '2031-06-10', name: 'Dia de Portugal', created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    norteAnnouncement: announcement.id,
    invitationToken,
    anaInvitation: ana.id,
    timetableEntry: entry.id,
    holiday: holiday.id,
  };
}

describe.each(dialectsHere())('bad input on %s', (dialect) => {
  let server: TestServer;
  let ctx: InputCtx;
  let callers: Callers;

  beforeAll(async () => {
    server = await startTestServer(dialect, {
      MAX_BODY_KB: '16',
      MAX_UPLOAD_MB: '1',
      MAX_IMPORT_MB: '1',
      ...RELAXED_RATE_LIMITS,
    });
    const db = server.database.db;
    const ids = await demoIds(db);
    const session = await db
      .selectFrom('class_sessions')
      .select('id')
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .where('status', '=', 'scheduled')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const enrolled = await db
      .selectFrom('enrolments')
      .select('student_id')
      .where('session_id', '=', session.id)
      .execute();
    const free = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('school_id', '=', ids.norte)
      .where('role', '=', 'student')
      .where(
        'user_id',
        'not in',
        enrolled.map((e) => e.student_id),
      )
      .executeTakeFirstOrThrow();
    const pick = async (table: 'notifications' | 'resources', column: 'user_id' | 'teacher_id') =>
      (
        await db
          .selectFrom(table)
          .select('id')
          .where(column as never, '=', ids.ana as never)
          .where('school_id', '=', ids.norte)
          .orderBy('id')
          .executeTakeFirstOrThrow()
      ).id;
    ctx = {
      ids,
      enrolledStudent: enrolled[0]!.student_id,
      freeStudent: free.user_id,
      norteCourse: (
        await db
          .selectFrom('courses')
          .select('id')
          .where('school_id', '=', ids.norte)
          .executeTakeFirstOrThrow()
      ).id,
      anaSession: session.id,
      anaNotification: await pick('notifications', 'user_id'),
      anaResource: await pick('resources', 'teacher_id'),
      ...(await consoleRows(db, ids)),
    };
    callers = {
      ana: await signedIn(server.url, 'ana@classdesk.test'),
      admin: await signedIn(server.url, 'admin@classdesk.test'),
      anonymous: new TestApi(server.url),
    };
  });
  afterAll(() => server?.stop());
  const db = () => server.database.db;

  for (const route of ROUTES.filter(takesInput)) {
    test(`${routeKey(route)}: bad input answers the field at fault and changes nothing`, async () => {
      const input = INPUTS[routeKey(route)]!(ctx);
      const api = callers[input.as];
      const cases = [...derivedCases(route, input), ...(input.extra ?? [])];
      const rowsBefore = await snapshotDb(server.database.db, VOLATILE_TABLES);
      const filesBefore = snapshotFiles(server.config.filesDir);
      for (const c of cases) {
        const res = await send(api, route, c);
        const label = `${c.what} → ${res.status} ${res.text.slice(0, 200)}`;
        if (c.status === 'unknown-id') {
          expect([403, 404], label).toContain(res.status);
          continue;
        }
        expect(res.status, label).toBe(c.status ?? 400);
        expect(ErrorShape.safeParse(res.body).success, label).toBe(true);
        const { error } = res.body as ErrorBody;
        if (c.field !== undefined) expect(error.field, label).toBe(c.field);
        if (res.status === 400) expect(['invalid_input', 'bad_request'], label).toContain(error.code);
        if (res.status === 413) expect(error.code, label).toBe('too_large');
      }
      expect(await snapshotDb(server.database.db, VOLATILE_TABLES)).toEqual(rowsBefore);
      expect(snapshotFiles(server.config.filesDir)).toEqual(filesBefore);

      // The request the bad ones were made from is good: each case failed for its own fault.
      const ok = await send(api, route, input.valid);
      expect(ok.status, ok.text.slice(0, 300)).toBe(input.ok);
      // An upload's virus scan finishes after the answer: let it, so the next test starts still.
      await expect
        .poll(
          async () =>
            (await db().selectFrom('resources').select('id').where('scan_status', '=', 'pending').execute())
              .length,
        )
        .toBe(0);
    });
  }

  test('every signed-in route answers 401 without a token', async () => {
    const anonymous = new TestApi(server.url);
    for (const route of ROUTES.filter((r) => r.auth === 'user')) {
      const input = INPUTS[routeKey(route)]?.(ctx);
      const res = await send(anonymous, route, input?.valid ?? {});
      expect(res.status, routeKey(route)).toBe(401);
      expect((res.body as ErrorBody).error.code).toBe('unauthorized');
    }
  });

  test('garbage, unknown, expired and revoked tokens answer 401', async () => {
    const db = server.database.db;
    const probe = async (authorization: string) =>
      (await new TestApi(server.url).request('GET', '/api/me', { headers: { authorization } })).status;
    expect(await probe('Bearer garbage')).toBe(401);
    expect(await probe('Bearer ')).toBe(401);
    expect(await probe(`Bearer ${'A'.repeat(43)}`)).toBe(401);
    expect(await probe(`Basic ${Buffer.from('ana@classdesk.test:classdesk-demo').toString('base64')}`)).toBe(
      401,
    );

    const expired = await signedIn(server.url, 'ana@classdesk.test');
    expect((await expired.get('/api/me')).status).toBe(200);
    await db
      .updateTable('auth_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', hashToken(expired.token!))
      .execute();
    expect((await expired.get('/api/me')).status).toBe(401);
    expect((await expired.get('/api/dashboard', { school_id: ctx.ids.norte })).status).toBe(401);

    const revoked = await signedIn(server.url, 'ana@classdesk.test');
    expect((await revoked.post('/api/auth/logout')).status).toBe(204);
    const row = await db
      .selectFrom('auth_tokens')
      .select('revoked_at')
      .where('token_hash', '=', hashToken(revoked.token!))
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    expect((await revoked.get('/api/me')).status).toBe(401);
    expect((await revoked.get('/api/sync/pull', { school_id: ctx.ids.norte })).status).toBe(401);
    expect((await revoked.post('/api/auth/logout')).status).toBe(401);
    // Other sessions of the same account are untouched.
    expect((await callers.ana.get('/api/me')).status).toBe(200);
  });

  test('the server is still up after all of it', async () => {
    expect((await new TestApi(server.url).get('/healthz')).status).toBe(200);
  });
});

describe.each(dialectsHere())('rate limits on %s', (dialect) => {
  const expect429 = (res: ApiResponse, label: string) => {
    expect(res.status, label).toBe(429);
    expect((res.body as ErrorBody).error.code).toBe('rate_limited');
    expect(Number(res.headers.get('retry-after')), `${label}: Retry-After`).toBeGreaterThan(0);
  };

  describe('per user and per account and address', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect, {
        RATE_LIMIT_DASHBOARD_PER_MIN: '3',
        RATE_LIMIT_SYNC_PER_MIN: '3',
        RATE_LIMIT_NOTIFICATIONS_PER_MIN: '3',
        RATE_LIMIT_LOGIN_PER_ACCOUNT: '2',
        RATE_LIMIT_LOGIN_PER_ADDRESS: '1000',
      });
    });
    afterAll(() => server?.stop());

    test('the 4th dashboard, pull and notifications call in a minute answers 429 with Retry-After, for that user only', async () => {
      const { norte } = await demoIds(server.database.db);
      const ana = await signedIn(server.url, 'ana@classdesk.test');
      const rui = await signedIn(server.url, 'rui@classdesk.test');
      for (const url of ['/api/dashboard', '/api/sync/pull', '/api/notifications']) {
        for (let i = 0; i < 3; i++)
          expect((await ana.get(url, { school_id: norte })).status, `${url} #${i + 1}`).toBe(200);
        expect429(await ana.get(url, { school_id: norte }), url);
        expect((await rui.get(url, { school_id: norte })).status, `${url} for another user`).toBe(200);
      }
    });

    test('after 2 wrong passwords for one account this address waits (429), however the email is written, and gets no token', async () => {
      const db = server.database.db;
      const anon = new TestApi(server.url);
      const login = (email: string, password = 'classdesk-demo') =>
        anon.post('/api/auth/login', { email, password });
      // A right password clears the count of wrong ones (server/http/login-throttle.ts).
      expect((await login('admin@classdesk.test', 'wrong')).status).toBe(401);
      expect((await login('admin@classdesk.test')).status).toBe(200);
      expect((await login('admin@classdesk.test', 'wrong')).status).toBe(401);
      expect((await login('Admin@classdesk.test', 'wrong')).status).toBe(401);
      const tokens = (await db.selectFrom('auth_tokens').select('id').execute()).length;
      expect429(await login('admin@classdesk.test'), 'admin, after 2 wrong passwords');
      expect429(await login('  ADMIN@Classdesk.Test '), 'admin in other letters');
      expect((await db.selectFrom('auth_tokens').select('id').execute()).length).toBe(tokens);
      expect((await login('aluno02@classdesk.test')).status).toBe(200);
    });
  });

  describe('per address', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect, {
        RATE_LIMIT_LOGIN_PER_ADDRESS: '3',
        RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000',
      });
    });
    afterAll(() => server?.stop());

    test('the 4th sign-in from one address answers 429, whichever accounts it tries', async () => {
      const anon = new TestApi(server.url);
      const emails = ['ana@classdesk.test', 'rui@classdesk.test', 'nobody@classdesk.test'];
      const statuses = [];
      for (const email of emails)
        statuses.push((await anon.post('/api/auth/login', { email, password: 'classdesk-demo' })).status);
      expect(statuses).toEqual([200, 200, 401]);
      expect429(
        await anon.post('/api/auth/login', { email: 'admin@classdesk.test', password: 'classdesk-demo' }),
        '4th sign-in',
      );
    });
  });
});
