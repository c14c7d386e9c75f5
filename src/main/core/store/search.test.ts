/**
 * The device's full-text search (./search.ts) over a real store: what the FTS5 index finds after
 * pulls, local edits, deletes and a revoked school, and how it turns a teacher's words into a
 * query (FTS5 syntax typed by the teacher is taken as words, never as operators).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { emptyPlan, type EntityRow } from '../../../shared/entities.js';
import type { PullChange } from '../../../shared/protocol.js';
import { LocalStore, storeDatabase } from './local-store.js';
import { ftsQuery, search, segments } from './search.js';

const NORTE = 1;
const SUL = 2;
const AT = '2030-01-09T08:00:00.000Z';

const up = (entity: string, row: object): PullChange => ({ op: 'upsert', entity, row }) as PullChange;
const school = (id: number, name: string) =>
  up('school', { id, name, timezone: 'Europe/Lisbon', version: 1 });
const session = (id: number, school_id: number, o: Partial<EntityRow['session']> = {}) =>
  up('session', {
    id,
    school_id,
    teacher_id: 7,
    course_id: null,
    title: `Aula ${id}`,
    starts_at: '2030-01-10T09:00:00.000Z',
    ends_at: '2030-01-10T09:50:00.000Z',
    status: 'scheduled',
    location: 'Sala 1',
    lesson_notes: '',
    ...emptyPlan(),
    version: 1,
    ...o,
  });

describe('full-text search on the device', () => {
  let dir: string;
  let store: LocalStore;
  const find = (query: string, schoolId: number | null = null) =>
    search(store, { query, schoolId, limit: 50 });
  const plain = (hits: ReturnType<typeof find>) => hits.map((h) => `${h.kind}:${h.id}`);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-search-'));
    store = await LocalStore.open(path.join(dir, 'store.sqlite'));
    store.applyPullBatch(
      NORTE,
      {
        changes: [
          school(NORTE, 'Escola Norte'),
          session(1, NORTE, {
            title: 'Matemática 7.º A',
            plan_objectives: 'Somar frações com denominadores diferentes',
            plan_activities: [{ title: 'Aquecimento', minutes: 10, notes: 'cálculo mental' }],
            plan_homework: 'Ficha 4, exercícios 1 a 5',
          }),
          session(2, NORTE, { title: 'Português 7.º B', lesson_notes: 'Ler o conto em voz alta' }),
          up('student', {
            id: 101,
            school_id: NORTE,
            name: 'Beatriz Almeida',
            email: 'bea@escola.test',
            version: 1,
          }),
          up('plan_template', {
            id: 900,
            school_id: NORTE,
            teacher_id: 7,
            name: 'Aula de revisões',
            content: {
              objectives: 'Rever geometria',
              activities: [],
              materials: '',
              homework: '',
              notes: '',
            },
            updated_at: AT,
            version: 1,
          }),
          up('student_note', {
            id: 800,
            school_id: NORTE,
            teacher_id: 7,
            student_id: 101,
            body: 'Precisa da ficha em letra grande',
            updated_at: AT,
            version: 1,
          }),
        ],
        cursor: 'n1',
        total: null,
        done: null,
        checksum: null,
      },
      AT,
    );
    store.applyPullBatch(
      SUL,
      {
        changes: [
          school(SUL, 'Escola Sul'),
          session(3, SUL, { title: 'Matemática 8.º C', plan_homework: 'Frações xilofone' }),
        ],
        cursor: 's1',
        total: null,
        done: null,
        checksum: null,
      },
      AT,
    );
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('finds plans, homework, activities, students and notes, without accents and by prefix', () => {
    expect(plain(find('fracoes'))).toEqual(expect.arrayContaining(['session:1', 'session:3']));
    expect(plain(find('fraç', NORTE))).toEqual(['session:1']);
    expect(plain(find('aquecimento'))).toEqual(['session:1']);
    expect(plain(find('ficha 4'))).toEqual(['session:1']);
    expect(plain(find('beatriz'))).toEqual(['student:101']);
    expect(plain(find('letra grande'))).toEqual(['student_note:800']);
    // Templates are not searched (the plan editor lists them).
    expect(find('geometria')).toEqual([]);
    expect(plain(find('conto'))).toEqual(['session:2']);
  });

  test('a hit names its school, a note its student, and marks the matched words', () => {
    const [hit] = find('denominadores');
    expect(hit).toMatchObject({
      kind: 'session',
      school_name: 'Escola Norte',
      starts_at: '2030-01-10T09:00:00.000Z',
    });
    expect(hit!.snippet.filter((s) => s.hit).map((s) => s.text)).toEqual(['denominadores']);
    const [note] = find('grande');
    expect(note).toMatchObject({ student_id: 101, title: [{ text: 'Beatriz Almeida', hit: false }] });
    const [title] = find('matemática 7');
    expect(title!.title).toEqual([
      { text: 'Matemática', hit: true },
      { text: ' ', hit: false },
      { text: '7', hit: true },
      { text: '.º A', hit: false },
    ]);
  });

  test('an edit made on the device is searchable at once; the words it replaced are not', () => {
    store.enqueue('update_lesson_plan', { session_id: 2, homework: 'Resumo do capítulo três' }, AT);
    expect(plain(find('capítulo'))).toEqual(['session:2']);
    store.enqueue('update_lesson_plan', { session_id: 2, homework: 'Nada' }, AT);
    expect(find('capítulo')).toEqual([]);
  });

  test('a row the pull deletes and a revoked school leave the index, terms included', () => {
    store.applyPullBatch(
      NORTE,
      {
        changes: [{ op: 'delete', entity: 'session', id: 2 }],
        cursor: 'n2',
        total: null,
        done: null,
        checksum: null,
      },
      AT,
    );
    expect(find('conto')).toEqual([]);
    store.revokeSchool(SUL, AT);
    expect(plain(find('fracoes'))).toEqual(['session:1']);
    // The index's own pages no longer hold a word only Sul had: its segments were merged.
    const { sqlite } = storeDatabase(store);
    const blocks = sqlite.prepare('select block from search_index_data').all() as Array<{
      block: Buffer | number;
    }>;
    const holding = blocks.filter((b) => Buffer.isBuffer(b.block) && b.block.includes('xilofone'));
    expect(holding).toEqual([]);
    expect(find('xilofone')).toEqual([]);
  });

  test("a teacher's punctuation is words, never FTS5 syntax", () => {
    expect(ftsQuery('  ')).toBeNull();
    expect(ftsQuery('"); drop table x; --')).toBe('"drop"* "table"* "x"*');
    expect(ftsQuery('NEAR(a b) OR title:c')).toBe('"NEAR"* "a"* "b"* "OR"* "title"* "c"*');
    expect(find('title:matemática OR')).toEqual([]);
    expect(() => find('"unbalanced')).not.toThrow();
  });

  test('segments split marked text', () => {
    expect(segments('a\u0001b\u0002c')).toEqual([
      { text: 'a', hit: false },
      { text: 'b', hit: true },
      { text: 'c', hit: false },
    ]);
  });
});
