/**
 * Lesson preparation through `POST /api/sync/push` and `GET /api/sync/pull` (docs/ARCHITECTURE.md,
 * "Lesson plans", "Rows a device creates"): plan fields merge per field across devices, the same
 * field conflicts; files attach to sessions and courses only from the teacher's own view; plan
 * templates and private student notes are created with the device's ids, are the teacher's alone
 * (another teacher's pull never carries them, another teacher's edits never reach them), and a
 * second device's note about the same student is a conflict, not a second note.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MutationResult, PullResponse, PushResponse } from '../../src/shared/protocol.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';

let seq = 0;
const mid = () => `prep-${++seq}`;

async function push(api: TestApi, clientId: string, type: string, args: unknown): Promise<MutationResult> {
  const r = await api.post<PushResponse>('/api/sync/push', {
    client_id: clientId,
    mutations: [{ id: mid(), type, args }],
  });
  expect(r.status, r.text).toBe(200);
  return r.body.results[0]!;
}

/** The whole pull of a school as one text, and its rows by entity. */
async function pullAll(api: TestApi, schoolId: number) {
  let cursor: string | undefined;
  const changes: PullResponse['changes'] = [];
  for (;;) {
    const q = new URLSearchParams({ school_id: String(schoolId), ...(cursor ? { cursor } : {}) });
    const r = await api.get<PullResponse>(`/api/sync/pull?${q}`);
    expect(r.status, r.text).toBe(200);
    changes.push(...r.body.changes);
    cursor = r.body.cursor;
    if (!r.body.has_more) break;
  }
  const rows = (entity: string) =>
    changes
      .filter((c) => c.op === 'upsert' && c.entity === entity)
      .map((c) => (c as unknown as { row: never }).row);
  return { text: JSON.stringify(changes), rows };
}

const CONTENT = { objectives: 'Fractions', activities: [], materials: '', homework: 'p. 12', notes: '' };

describe.each(dialectsHere())('lesson prep on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let ana: TestApi;
  let rui: TestApi;
  const db = () => server.database.db;
  const used = new Set<number>();
  /** One of ana's Norte sessions no other test of this file uses, with a student enrolled. */
  async function anaSession() {
    const rows = await db()
      .selectFrom('class_sessions')
      .innerJoin('enrolments', 'enrolments.session_id', 'class_sessions.id')
      .select(['class_sessions.id', 'class_sessions.version', 'enrolments.student_id'])
      .where('class_sessions.teacher_id', '=', ids.ana)
      .where('class_sessions.school_id', '=', ids.norte)
      .orderBy('class_sessions.id')
      .execute();
    const row = rows.find((r) => !used.has(r.id))!;
    used.add(row.id);
    return row;
  }
  const session = (id: number) =>
    db().selectFrom('class_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    server = await startTestServer(dialect, { RATE_LIMIT_SYNC_PER_MIN: '100000' });
    ids = await demoIds(server.database.db);
    ana = await signedIn(server.url, 'ana@classdesk.test');
    rui = await signedIn(server.url, 'rui@classdesk.test');
  });
  afterAll(() => server?.stop());

  test('plan fields edited on two devices from the same version both survive; the same field conflicts', async () => {
    const s = await anaSession();
    const activities = [
      { title: 'Warm-up', minutes: 10, notes: '*mental maths*' },
      { title: 'Worksheet', minutes: 35, notes: '' },
    ];
    const laptop = await push(ana, 'laptop-01', 'update_lesson_plan', {
      session_id: s.id,
      base_version: s.version,
      objectives: 'Add fractions with unlike denominators',
      activities,
    });
    const tablet = await push(ana, 'tablet-01', 'update_lesson_plan', {
      session_id: s.id,
      base_version: s.version,
      homework: 'Exercises 1–5, p. 42',
      ready: true,
    });
    expect([laptop.status, tablet.status]).toEqual(['applied', 'applied']);
    const row = await session(s.id);
    expect(row).toMatchObject({
      plan_objectives: 'Add fractions with unlike denominators',
      plan_homework: 'Exercises 1–5, p. 42',
      plan_ready: 1,
    });
    expect(JSON.parse(row.plan_activities)).toEqual(activities);

    const late = await push(ana, 'tablet-01', 'update_lesson_plan', {
      session_id: s.id,
      base_version: s.version,
      objectives: 'Something else',
    });
    expect(late).toMatchObject({
      status: 'rejected',
      code: 'conflict',
      conflict: {
        field: 'plan_objectives',
        server_value: 'Add fractions with unlike denominators',
        your_value: 'Something else',
      },
    });
    expect((await session(s.id)).plan_objectives).toBe('Add fractions with unlike denominators');

    const pulled = (await pullAll(ana, ids.norte)).rows('session').find((r: { id: number }) => r.id === s.id);
    expect(pulled).toMatchObject({
      plan_activities: activities,
      plan_ready: true,
      plan_homework: 'Exercises 1–5, p. 42',
    });
  });

  test('bad plan input is refused and changes nothing', async () => {
    const s = await anaSession();
    const before = await session(s.id);
    for (const args of [
      { session_id: s.id, base_version: s.version },
      { session_id: s.id, base_version: s.version, activities: [{ title: 'x', minutes: 601, notes: '' }] },
      { session_id: s.id, base_version: s.version, activities: [{ title: 'x', minutes: 5 }] },
      { session_id: s.id, base_version: s.version, objectives: 'a\u0000b' },
      { session_id: s.id, base_version: s.version, homework: 7 },
    ]) {
      const r = await push(ana, 'laptop-01', 'update_lesson_plan', args);
      expect(r, JSON.stringify(args)).toMatchObject({ status: 'rejected', code: 'invalid_args' });
    }
    // The row is as it was (the refusals themselves are recorded as push receipts).
    expect(await session(s.id)).toEqual(before);
  });

  test("files attach to a session and a course from the teacher's own view only", async () => {
    const s = await anaSession();
    const own = await db()
      .selectFrom('resources')
      .select('id')
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.norte)
      .orderBy('id')
      .execute();
    const ruis = await db()
      .selectFrom('resources')
      .select('id')
      .where('teacher_id', '=', ids.rui)
      .executeTakeFirstOrThrow();
    const attach = await push(ana, 'laptop-01', 'set_session_resources', {
      session_id: s.id,
      base_version: s.version,
      resource_ids: [own[0]!.id],
    });
    expect(attach.status).toBe('applied');
    expect(JSON.parse((await session(s.id)).resource_ids)).toEqual([own[0]!.id]);

    const foreign = await push(ana, 'laptop-01', 'set_session_resources', {
      session_id: s.id,
      base_version: s.version,
      resource_ids: [ruis.id],
    });
    expect(foreign).toMatchObject({ status: 'rejected', code: 'not_found' });
    expect(JSON.parse((await session(s.id)).resource_ids)).toEqual([own[0]!.id]);
    const repeated = await push(ana, 'laptop-01', 'set_session_resources', {
      session_id: s.id,
      base_version: s.version,
      resource_ids: [own[0]!.id, own[0]!.id],
    });
    expect(repeated).toMatchObject({ status: 'rejected', code: 'invalid_args' });

    // A course of the school: the link table; a course of another school: refused.
    const [norteCourse, sulCourse] = await Promise.all(
      [ids.norte, ids.sul].map((school) =>
        db().selectFrom('courses').select('id').where('school_id', '=', school).executeTakeFirstOrThrow(),
      ),
    );
    const res = await db()
      .selectFrom('resources')
      .select(['id', 'version'])
      .where('id', '=', own[0]!.id)
      .executeTakeFirstOrThrow();
    const linked = await push(ana, 'laptop-01', 'update_resource_metadata', {
      resource_id: res.id,
      base_version: res.version,
      course_ids: [norteCourse!.id],
    });
    expect(linked.status).toBe('applied');
    const links = () =>
      db().selectFrom('resource_courses').select('course_id').where('resource_id', '=', res.id).execute();
    expect((await links()).map((l) => l.course_id)).toEqual([norteCourse!.id]);
    const elsewhere = await push(ana, 'laptop-01', 'update_resource_metadata', {
      resource_id: res.id,
      base_version: res.version,
      course_ids: [sulCourse!.id],
    });
    expect(elsewhere).toMatchObject({ status: 'rejected', code: 'not_found' });
    expect((await links()).map((l) => l.course_id)).toEqual([norteCourse!.id]);
    const pulled = (await pullAll(ana, ids.norte))
      .rows('resource')
      .find((r: { id: number }) => r.id === res.id);
    expect(pulled).toMatchObject({ course_ids: [norteCourse!.id] });
  });

  test("templates: created with the device's id, renamed, deleted; another teacher's same id is their own row", async () => {
    const id = 424_242;
    const made = await push(ana, 'laptop-01', 'save_plan_template', {
      template_id: id,
      school_id: ids.norte,
      base_version: 0,
      name: 'Fractions lesson',
      content: CONTENT,
    });
    expect(made.status).toBe('applied');
    const stored = () =>
      db().selectFrom('plan_templates').selectAll().where('id', '=', id).orderBy('teacher_id').execute();
    expect(await stored()).toMatchObject([
      { teacher_id: ids.ana, school_id: ids.norte, name: 'Fractions lesson' },
    ]);
    expect(JSON.parse((await stored())[0]!.content)).toEqual(CONTENT);

    // rui, with ana's id: his own template; ana's is untouched, and neither sees the other's.
    const ruiMade = await push(rui, 'rui-laptop-01', 'save_plan_template', {
      template_id: id,
      school_id: ids.norte,
      base_version: 0,
      name: 'Rui template',
      content: CONTENT,
    });
    expect(ruiMade.status).toBe('applied');
    expect((await stored()).map((t) => [t.teacher_id, t.name])).toEqual(
      [
        [ids.ana, 'Fractions lesson'],
        [ids.rui, 'Rui template'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const ruiDeletes = await push(rui, 'rui-laptop-01', 'delete_plan_template', { template_id: id });
    expect(ruiDeletes.status).toBe('applied');
    expect((await stored()).find((t) => t.teacher_id === ids.ana)!.deleted).toBe(0);
    const anaPull = await pullAll(ana, ids.norte);
    expect(anaPull.rows('plan_template').map((t: { name: string }) => t.name)).toContain('Fractions lesson');
    expect(anaPull.text).not.toContain('Rui template');

    // A template in a school the teacher does not teach in: refused.
    const foreign = await push(ana, 'laptop-01', 'save_plan_template', {
      template_id: id + 1,
      school_id: 987_654,
      base_version: 0,
      name: 'Nowhere',
      content: CONTENT,
    });
    expect(foreign).toMatchObject({ status: 'rejected', code: 'not_found' });

    const renamed = await push(ana, 'laptop-01', 'save_plan_template', {
      template_id: id,
      school_id: ids.norte,
      base_version: 0,
      name: 'Fractions (v2)',
      content: CONTENT,
    });
    expect(renamed.status).toBe('applied');
    const deleted = await push(ana, 'laptop-01', 'delete_plan_template', { template_id: id });
    expect(deleted.status).toBe('applied');
    const after = await pullAll(ana, ids.norte);
    expect(after.rows('plan_template').map((t: { id: number }) => t.id)).not.toContain(id);
  });

  test("private notes: ana's note is hers alone; a second device's note on the same student is a conflict", async () => {
    const s = await anaSession();
    const noteId = 515_151;
    const first = await push(ana, 'laptop-01', 'save_student_note', {
      note_id: noteId,
      school_id: ids.norte,
      student_id: s.student_id,
      base_version: 0,
      body: 'Needs the large-print worksheet',
    });
    expect(first.status).toBe('applied');
    const other = await push(ana, 'tablet-01', 'save_student_note', {
      note_id: noteId + 1,
      school_id: ids.norte,
      student_id: s.student_id,
      base_version: 0,
      body: 'Sits at the front',
    });
    expect(other).toMatchObject({
      status: 'rejected',
      code: 'conflict',
      conflict: {
        field: 'body',
        server_value: 'Needs the large-print worksheet',
        your_value: 'Sits at the front',
      },
    });
    const notes = await db()
      .selectFrom('student_notes')
      .selectAll()
      .where('student_id', '=', s.student_id)
      .execute();
    expect(notes.map((n) => [n.teacher_id, n.body])).toEqual([[ids.ana, 'Needs the large-print worksheet']]);

    // rui's pull of the same school never carries it, nor ana's plans and templates.
    const ruiPull = await pullAll(rui, ids.norte);
    expect(ruiPull.text).not.toContain('large-print');
    expect(ruiPull.rows('student_note')).toEqual([]);
    expect(ruiPull.text).not.toContain('Fractions');
    // A note about a student outside the teacher's view: refused.
    const stranger = await db()
      .selectFrom('memberships')
      .select('user_id')
      .where('school_id', '=', ids.sul)
      .where('role', '=', 'student')
      .executeTakeFirstOrThrow();
    const outside = await push(ana, 'laptop-01', 'save_student_note', {
      note_id: noteId + 2,
      school_id: ids.norte,
      student_id: stranger.user_id,
      base_version: 0,
      body: 'x',
    });
    expect(outside).toMatchObject({ status: 'rejected', code: 'not_found' });
    const anaPull = await pullAll(ana, ids.norte);
    expect(anaPull.rows('student_note')).toMatchObject([
      { id: noteId, student_id: s.student_id, body: 'Needs the large-print worksheet' },
    ]);
  });
});
