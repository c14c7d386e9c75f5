import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyPlan, type EntityRow } from '../../../shared/entities.js';
import type { PullChange } from '../../../shared/protocol.js';
import { LocalStore } from './local-store.js';
import { listTemplates, sessionDetail } from './queries.js';

const NORTE = 1;
const SUL = 2;
const up = (entity: string, row: object) => ({ op: 'upsert', entity, row }) as PullChange;
const session = (
  id: number,
  starts_at: string,
  o: Partial<EntityRow['session']> = {},
): EntityRow['session'] => ({
  id,
  school_id: NORTE,
  teacher_id: 7,
  course_id: 11,
  title: `Aula ${id}`,
  starts_at,
  ends_at: new Date(Date.parse(starts_at) + 50 * 60_000).toISOString(),
  status: 'scheduled',
  location: '',
  lesson_notes: '',
  ...emptyPlan(),
  version: 1,
  ...o,
});
const content = { objectives: 'Rever', activities: [], materials: '', homework: '', notes: '' };
const template = (id: number, school_id: number, name: string) =>
  up('plan_template', {
    id,
    school_id,
    teacher_id: 7,
    name,
    content,
    updated_at: '2030-01-01T00:00:00.000Z',
    version: 1,
  });

describe('lesson plan read queries', () => {
  let dir: string;
  let store: LocalStore;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-plan-queries-'));
    store = await LocalStore.open(path.join(dir, 'store.sqlite'));
    const at = '2030-01-09T10:00:00.000Z';
    const batch = (changes: PullChange[]) => ({
      changes,
      cursor: 'c',
      total: changes.length,
      done: changes.length,
      checksum: null,
    });
    store.applyPullBatch(
      NORTE,
      batch([
        up('school', { id: NORTE, name: 'Escola Norte', timezone: 'Europe/Lisbon', version: 1 }),
        up('course', { id: 11, school_id: NORTE, name: 'Matemática', code: 'MAT', version: 1 }),
        up(
          'session',
          session(1, '2030-01-06T09:00:00.000Z', {
            status: 'completed',
            plan_objectives: 'Frações',
            plan_homework: 'Página 12',
          }),
        ),
        up(
          'session',
          session(2, '2030-01-07T09:00:00.000Z', {
            status: 'cancelled',
            plan_homework: 'Nunca marcado',
            plan_activities: [{ title: 'Jogo', minutes: 20, notes: '' }],
          }),
        ),
        up('session', session(3, '2030-01-08T09:00:00.000Z')),
        up('session', session(4, '2030-01-09T09:00:00.000Z')),
        up(
          'session',
          session(5, '2030-01-05T09:00:00.000Z', { course_id: null, plan_homework: 'Sem curso' }),
        ),
        template(70, NORTE, 'revisões'),
        template(71, NORTE, 'A apagar'),
      ]),
      at,
    );
    store.applyPullBatch(
      SUL,
      batch([
        up('school', { id: SUL, name: 'Escola Sul', timezone: 'Europe/Lisbon', version: 1 }),
        template(72, SUL, 'Avaliação'),
      ]),
      at,
    );
    // A delete waiting to be sent hides the template at once.
    store.enqueue('delete_plan_template', { template_id: 71 }, at);
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the homework due is the previous lesson’s of the course; a cancelled lesson never set any', async () => {
    expect((await sessionDetail(store, 3))?.homework_due).toEqual({
      session_id: 1,
      title: 'Aula 1',
      starts_at: '2030-01-06T09:00:00.000Z',
      homework: 'Página 12',
    });
    // The previous lesson (3) set none.
    expect((await sessionDetail(store, 4))?.homework_due).toBeNull();
    expect((await sessionDetail(store, 1))?.homework_due).toBeNull();
    expect((await sessionDetail(store, 5))?.homework_due).toBeNull();
  });

  test('the plan to copy is the last earlier lesson of the course with anything written', async () => {
    // Lesson 3 has no plan; lesson 2 was cancelled, its plan never taught: that is the one to copy.
    expect((await sessionDetail(store, 4))?.previous_plan).toEqual({
      session_id: 2,
      title: 'Aula 2',
      starts_at: '2030-01-07T09:00:00.000Z',
      content: {
        objectives: '',
        activities: [{ title: 'Jogo', minutes: 20, notes: '' }],
        materials: '',
        homework: 'Nunca marcado',
        notes: '',
      },
    });
    expect((await sessionDetail(store, 1))?.previous_plan).toBeNull();
    expect((await sessionDetail(store, 5))?.previous_plan).toBeNull();
  });

  test('templates of every school, by name, with the school named; a deleted one is gone', async () => {
    const rows = await listTemplates(store);
    expect(rows.map((r) => [r.id, r.name, r.school_name])).toEqual([
      [72, 'Avaliação', 'Escola Sul'],
      [70, 'revisões', 'Escola Norte'],
    ]);
    expect(rows[0]!.content).toEqual(content);
  });
});
