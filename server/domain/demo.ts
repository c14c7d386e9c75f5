/**
 * The demo (docs/ARCHITECTURE.md, "Demo data"), created on first start with an empty database: Escola Norte and
 * Escola Sul, ana (teacher in both), rui (Norte), admin (both), 30 students, four weeks of
 * sessions around today, a few resources, notifications and announcements.
 * Every demo account's password is `classdesk-demo` (README.md), each hashed with a salt of its
 * own. Created only when the configuration asks for it (DEMO_DATA, docs/CONFIGURATION.md).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { FileStore } from '../storage/file-store.js';
import { writeTransaction } from './changes.js';
import { expiryFrom } from './notifications.js';
import { hashPassword, type ScryptCost } from './passwords.js';

export const DEMO_PASSWORD = 'classdesk-demo';

const FIRST = [
  'Beatriz',
  'Carlos',
  'Diana',
  'Eduardo',
  'Filipa',
  'Gonçalo',
  'Helena',
  'Inês',
  'João',
  'Leonor',
  'Miguel',
  'Nuno',
  'Olga',
  'Pedro',
  'Rita',
];
const LAST = [
  'Almeida',
  'Costa',
  'Ferreira',
  'Gomes',
  'Lopes',
  'Martins',
  'Moreira',
  'Pereira',
  'Ribeiro',
  'Santos',
  'Silva',
  'Sousa',
  'Teixeira',
  'Vieira',
  'Rocha',
];

const MIN_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

export async function isEmpty(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return !row;
}

/** Deterministic pseudo-random numbers so every demo is the same. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const STUDENTS = 30;

/** One hash of the demo password per account (own salt each), two at a time: scrypt is CPU-bound. */
async function demoHashes(count: number, cost: ScryptCost): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < count; i += 2)
    hashes.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(2, count - i) }, () => hashPassword(DEMO_PASSWORD, cost)),
      )),
    );
  return hashes;
}

export async function createDemo(
  db: Kysely<DB>,
  files: FileStore,
  cost: ScryptCost,
  now = new Date(),
): Promise<void> {
  const hashes = await demoHashes(3 + STUDENTS, cost);
  const rand = rng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const day = 24 * 3600 * 1000;
  const stored = [
    { title: 'Frações — ficha de trabalho', file_type: 'pdf', mime_type: 'application/pdf', bytes: MIN_PDF },
    {
      title: 'Plano de aula: o ciclo da água',
      file_type: 'md',
      mime_type: 'text/markdown',
      bytes: Buffer.from('# O ciclo da água\n\n1. Evaporação\n2. Condensação\n3. Precipitação\n'),
    },
    {
      title: 'Vocabulário — unidade 3',
      file_type: 'txt',
      mime_type: 'text/plain',
      bytes: Buffer.from('casa — house\nescola — school\nlivro — book\n'),
    },
  ];
  const blobs = await Promise.all(stored.map(async (s) => ({ ...s, ...(await files.put(s.bytes)) })));

  await writeTransaction(
    db,
    async (w) => {
      const t = w.trx;
      const v = w.version;
      const ts = w.now;
      const school = async (name: string) =>
        (
          await t
            .insertInto('schools')
            .values({ name, timezone: 'Europe/Lisbon', version: v, created_at: ts })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const norte = await school('Escola Norte');
      const sul = await school('Escola Sul');
      const user = async (email: string, name: string) =>
        (
          await t
            .insertInto('users')
            .values({ email, name, password_hash: hashes.pop()!, version: v, created_at: ts })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const member = (school_id: number, user_id: number, role: 'admin' | 'teacher' | 'student') =>
        t
          .insertInto('memberships')
          .values({ school_id, user_id, role, active: 1, version: v, created_at: ts, updated_at: ts })
          .execute();

      const ana = await user('ana@classdesk.test', 'Ana Carvalho');
      const rui = await user('rui@classdesk.test', 'Rui Marques');
      const admin = await user('admin@classdesk.test', 'Admin Classdesk');
      for (const s of [norte, sul]) await member(s, admin, 'admin');
      await member(norte, ana, 'teacher');
      await member(sul, ana, 'teacher');
      await member(norte, rui, 'teacher');

      const students: Record<number, number[]> = { [norte]: [], [sul]: [] };
      for (let i = 0; i < STUDENTS; i++) {
        const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
        const id = await user(`aluno${String(i + 1).padStart(2, '0')}@classdesk.test`, name);
        const s = i < 16 ? norte : sul;
        await member(s, id, 'student');
        students[s]!.push(id);
      }

      const courses: Record<number, number[]> = { [norte]: [], [sul]: [] };
      for (const s of [norte, sul]) {
        for (const [name, code] of [
          ['Matemática', 'MAT'],
          ['Português', 'POR'],
          ['Ciências Naturais', 'CN'],
          ['Inglês', 'ING'],
        ] as const) {
          const c = await t
            .insertInto('courses')
            .values({ school_id: s, name, code, version: v })
            .returning('id')
            .executeTakeFirstOrThrow();
          courses[s]!.push(c.id);
        }
      }

      // Lisbon is UTC+0/+1: 09:00, 11:00 and 14:30 UTC are morning and afternoon classes there.
      const slots = [9 * 60, 11 * 60, 14 * 60 + 30];
      const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      const plan: Array<{ school: number; teacher: number; room: string }> = [
        { school: norte, teacher: ana, room: 'Sala 12' },
        { school: sul, teacher: ana, room: 'Sala B3' },
        { school: norte, teacher: rui, room: 'Laboratório 1' },
      ];
      const sessionsOf: Array<{ id: number; school: number; teacher: number; startsAt: number }> = [];
      for (let offset = -14; offset <= 14; offset++) {
        const date = today + offset * day;
        const weekday = new Date(date).getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        for (const [pi, p] of plan.entries()) {
          const slot = slots[(offset + 30 + pi) % slots.length]!;
          if (offset !== 0 && (offset + pi) % 2 === 0) continue; // two or three classes a week each
          const startsAt = date + slot * 60000;
          const courseId = pick(courses[p.school]!);
          const past = startsAt + 50 * 60000 < now.getTime();
          const cancelled = (offset + pi) % 7 === 3;
          const s = await t
            .insertInto('class_sessions')
            .values({
              school_id: p.school,
              teacher_id: p.teacher,
              course_id: courseId,
              title: `${['Matemática', 'Português', 'Ciências Naturais', 'Inglês'][courses[p.school]!.indexOf(courseId)]} — ${pi === 1 ? '7.º B' : '6.º A'}`,
              starts_at: new Date(startsAt).toISOString(),
              ends_at: new Date(startsAt + 50 * 60000).toISOString(),
              status: cancelled ? 'cancelled' : past ? 'completed' : 'scheduled',
              location: p.room,
              lesson_notes: past && !cancelled ? 'Corrigidos os exercícios da aula anterior.' : '',
              field_versions: '{}',
              version: v,
              created_at: ts,
              updated_at: ts,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          sessionsOf.push({ id: s.id, school: p.school, teacher: p.teacher, startsAt });
          const pool = students[p.school]!;
          const first = Math.floor(rand() * pool.length);
          const size = 6 + Math.floor(rand() * 5);
          for (let k = 0; k < size; k++) {
            const studentId = pool[(first + k) % pool.length]!;
            const attendance =
              past && !cancelled ? (rand() < 0.85 ? 'present' : rand() < 0.5 ? 'absent' : 'late') : 'unknown';
            await t
              .insertInto('enrolments')
              .values({
                school_id: p.school,
                session_id: s.id,
                student_id: studentId,
                attendance,
                field_versions: '{}',
                version: v,
                created_at: ts,
              })
              .execute();
          }
        }
      }

      for (const [i, b] of blobs.entries()) {
        const owner = plan[i % plan.length]!;
        const r = await t
          .insertInto('resources')
          .values({
            school_id: owner.school,
            teacher_id: owner.teacher,
            title: b.title,
            description: '',
            file_type: b.file_type,
            mime_type: b.mime_type,
            size: b.size,
            sha256: b.sha256,
            storage_name: b.storageName,
            shared_with_students: i === 0 ? 1 : 0,
            scan_status: 'clean',
            uploader_address: '127.0.0.1',
            field_versions: '{}',
            version: v,
            created_at: ts,
            updated_at: ts,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await t
          .insertInto('resource_courses')
          .values({ resource_id: r.id, course_id: courses[owner.school]![0]! })
          .execute();
      }

      for (const s of [norte, sul]) {
        const title = s === norte ? 'Reunião de professores' : 'Visita de estudo';
        const message =
          s === norte
            ? 'Reunião geral na quinta-feira às 17h na biblioteca.'
            : 'A visita ao museu é na próxima sexta-feira.';
        const a = await t
          .insertInto('announcements')
          .values({ school_id: s, author_id: admin, title, message, created_at: ts, version: v })
          .returning('id')
          .executeTakeFirstOrThrow();
        const teachers = s === norte ? [ana, rui] : [ana];
        for (const teacher of teachers) {
          await t
            .insertInto('notifications')
            .values({
              school_id: s,
              user_id: teacher,
              type: 'school_announcement',
              title,
              message,
              params: JSON.stringify({ announcement_id: a.id }),
              action_url: `classdesk://announcements/${a.id}`,
              is_read: 0,
              is_dismissed: 0,
              read_at: null,
              delivered_via_socket: 0,
              created_at: ts,
              expires_at: expiryFrom(ts),
              expiry_published: 0,
              dedupe_key: null,
              version: v,
            })
            .execute();
        }
      }
      const cancelledOne = sessionsOf.find((x) => x.teacher === ana && x.startsAt > now.getTime());
      if (cancelledOne) {
        await t
          .insertInto('notifications')
          .values({
            school_id: cancelledOne.school,
            user_id: ana,
            type: 'payment_processed',
            title: '',
            message: '',
            params: JSON.stringify({ amount_cents: 18_500, currency: 'EUR' }),
            action_url: '',
            is_read: 1,
            is_dismissed: 0,
            read_at: ts,
            delivered_via_socket: 0,
            created_at: ts,
            expires_at: expiryFrom(ts),
            expiry_published: 0,
            dedupe_key: null,
            version: v,
          })
          .execute();
      }
    },
    now,
  );
}
