/**
 * bench:sync's "search": the device's full-text search (src/main/core/store/search.ts) over a
 * store holding 10 000 sessions with written plans (objectives, activities, materials, homework,
 * notes) and 600 students, pulled in like a sync writes them (so the index is built by its
 * triggers). Baseline in the same run: the same words found the way the app searched lists before
 * the index — every row's fields folded and scanned (`instr`), through one prepared statement.
 * Queries are one or two words of the plans' vocabulary, the last one a prefix, as a teacher types.
 * The plans draw on a vocabulary of ~3,000 words (subject words plus generated ones), so a word
 * appears in a few hundred sessions, as a topic does in a school year of plans.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalStore, storeDatabase } from '../../src/main/core/store/local-store.js';
import { fold } from '../../src/main/core/store/queries.js';
import { search } from '../../src/main/core/store/search.js';
import type { PullChange } from '../../src/shared/protocol.js';

export interface SearchResult {
  sessions: number;
  indexP95: number[];
  scanP95: number[];
  /** Mean hits per query (both ways find the same sessions for a whole word). */
  hits: number;
}

const WORDS = (
  'frações geometria equações leitura escrita gramática verbos história geografia ciências ' +
  'energia células planetas mapas clima revolução república poesia conto romance ensaio ' +
  'probabilidade estatística gráficos áreas volumes ângulos triângulos círculos sequências ' +
  'funções derivadas vetores forças átomos moléculas reações ecossistemas fotossíntese ' +
  'vocabulário pronúncia diálogo debate apresentação projeto experiência laboratório ficha ' +
  'exercícios revisões teste avaliação trabalho grupo pares leitura silenciosa ditado'
).split(' ');

/** A deterministic generator, so every run searches the same store. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function benchSearch(opts: { iterations: number; rounds: number }): Promise<SearchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-bench-search-'));
  const store = await LocalStore.open(path.join(dir, 'store.sqlite'));
  const rand = rng(20261205);
  const SYLLABLES = [
    'ba',
    'ce',
    'di',
    'fo',
    'gu',
    'la',
    'me',
    'ni',
    'po',
    'ru',
    'sa',
    'te',
    'vi',
    'xo',
    'zu',
  ];
  const vocabulary = [...WORDS];
  while (vocabulary.length < 3000)
    vocabulary.push(
      Array.from(
        { length: 3 + Math.floor(rand() * 2) },
        () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)],
      ).join(''),
    );
  const pick = () => vocabulary[Math.floor(rand() * vocabulary.length)]!;
  const phrase = (n: number) => Array.from({ length: n }, pick).join(' ');
  try {
    const SESSIONS = 10_000;
    const changes: PullChange[] = [
      {
        op: 'upsert',
        entity: 'school',
        row: { id: 1, name: 'Escola', timezone: 'Europe/Lisbon', version: 1 },
      },
    ];
    for (let i = 1; i <= 600; i++)
      changes.push({
        op: 'upsert',
        entity: 'student',
        row: { id: i, school_id: 1, name: `Aluno ${phrase(2)} ${i}`, email: `a${i}@escola.test`, version: 1 },
      });
    const start = Date.UTC(2030, 0, 7, 8);
    for (let i = 1; i <= SESSIONS; i++) {
      const at = new Date(start + i * 3_600_000);
      changes.push({
        op: 'upsert',
        entity: 'session',
        row: {
          id: i,
          school_id: 1,
          teacher_id: 1,
          course_id: null,
          title: `Aula ${i} — ${pick()}`,
          starts_at: at.toISOString(),
          ends_at: new Date(at.getTime() + 50 * 60_000).toISOString(),
          status: 'scheduled',
          location: `Sala ${i % 20}`,
          lesson_notes: phrase(12),
          plan_objectives: phrase(10),
          plan_activities: [
            { title: phrase(2), minutes: 10, notes: phrase(6) },
            { title: phrase(2), minutes: 30, notes: phrase(6) },
          ],
          plan_materials: phrase(4),
          plan_homework: phrase(6),
          plan_ready: i % 3 === 0,
          resource_ids: [],
          version: 1,
        },
      });
    }
    for (let i = 0; i < changes.length; i += 5000)
      store.applyPullBatch(
        1,
        { changes: changes.slice(i, i + 5000), cursor: `c${i}`, total: null, done: null, checksum: null },
        new Date().toISOString(),
      );

    const { sqlite } = storeDatabase(store);
    sqlite.function('bench_fold', { deterministic: true }, (v: unknown) =>
      typeof v === 'string' ? fold(v) : v,
    );
    const scan = sqlite.prepare(
      `select id from sessions where instr(bench_fold(title || ' ' || location || ' ' || lesson_notes || ' ' ||
         plan_objectives || ' ' || plan_activities || ' ' || plan_materials || ' ' || plan_homework), ?) > 0
       order by starts_at limit 50`,
    );
    const queries = Array.from({ length: opts.iterations }, () => {
      const words = rand() < 0.5 ? [pick()] : [pick(), pick()];
      const last = words[words.length - 1]!;
      words[words.length - 1] = last.slice(0, Math.max(3, last.length - 2));
      return words.join(' ');
    });
    const result: SearchResult = { sessions: SESSIONS, indexP95: [], scanP95: [], hits: 0 };
    let hits = 0;
    for (let round = 0; round < opts.rounds; round++) {
      const index: number[] = [];
      const scanned: number[] = [];
      for (const q of queries) {
        let t = performance.now();
        hits += search(store, { query: q, schoolId: 1, limit: 50 }).length;
        index.push(performance.now() - t);
        // The scan looks for the first word only (instr has no AND): a lower bound of its cost.
        t = performance.now();
        scan.all(fold(q.split(' ')[0]!));
        scanned.push(performance.now() - t);
      }
      result.indexP95.push(quantile(index, 0.95));
      result.scanP95.push(quantile(scanned, 0.95));
    }
    result.hits = hits / (opts.rounds * queries.length);
    return result;
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}
