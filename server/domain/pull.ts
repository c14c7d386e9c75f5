/**
 * `GET /api/sync/pull`: streams a teacher's scoped view of a school. A pull without a cursor
 * streams every row (entity by entity, in id order) and then continues from the change-log
 * position taken when it started; later pulls re-evaluate the rows the change log says were
 * touched, answering an upsert for rows in the view and a delete for rows that left it.
 * All reads of one pull run in one snapshot, so rows, cursor and checksum agree.
 */
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { ENTITIES, type Entity } from '../../src/shared/entities.js';
import type { PullChange, PullResponse } from '../../src/shared/protocol.js';
import type { DB } from '../db/schema.js';
import { VIEW, type Scope } from './scope.js';
import { badRequest } from './errors.js';
import { scopeChecksum, type ChecksumCache } from './checksum-cache.js';
import { compiledQuery } from '../db/compiled-query.js';
import { flagsFor } from './feature-flags.js';

const FullCursor = z.object({
  v: z.literal(1),
  m: z.literal('full'),
  h: z.number().int().nonnegative(),
  e: z.number().int().min(0).max(ENTITIES.length),
  a: z.number().int().nonnegative(),
  t: z.number().int().nonnegative(),
  d: z.number().int().nonnegative(),
});
const DeltaCursor = z.object({ v: z.literal(1), m: z.literal('delta'), s: z.number().int().nonnegative() });
const Cursor = z.discriminatedUnion('m', [FullCursor, DeltaCursor]);
type Cursor = z.infer<typeof Cursor>;

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(raw: string): Cursor {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('cursor', 'cursor is not one this server issued');
  }
}

export const DEFAULT_PULL_LIMIT = 1000;

export async function pull(
  db: Kysely<DB>,
  scope: Scope,
  rawCursor: string | undefined,
  limit = DEFAULT_PULL_LIMIT,
  checksums?: ChecksumCache,
): Promise<PullResponse> {
  let cursor: Cursor | undefined = rawCursor ? decodeCursor(rawCursor) : undefined;
  const batch = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const changes: PullChange[] = [];
      let total: number | null = null;
      let done: number | null = null;

      if (!cursor) {
        const head = await headSeq(trx, scope.schoolId);
        let t = 0;
        for (const e of ENTITIES) t += await VIEW[e].count(trx, scope);
        cursor = { v: 1, m: 'full', h: head, e: 0, a: 0, t, d: 0 };
      }

      if (cursor.m === 'full') {
        let { e, a, d } = cursor;
        while (e < ENTITIES.length && changes.length < limit) {
          const entity = ENTITIES[e]!;
          const room = limit - changes.length;
          const rows = await VIEW[entity].rows(trx, scope, { afterId: a, limit: room });
          for (const row of rows) changes.push({ op: 'upsert', entity, row } as PullChange);
          d += rows.length;
          if (rows.length < room) {
            e++;
            a = 0;
          } else {
            a = rows[rows.length - 1]!.id;
          }
        }
        total = cursor.t;
        done = d;
        if (e < ENTITIES.length) {
          return respond(scope, changes, { ...cursor, e, a, d }, true, total, done, null);
        }
        cursor = { v: 1, m: 'delta', s: cursor.h };
      }

      // Incremental part: rows the change log says were touched since the cursor.
      const budget = limit - changes.length;
      if (budget === 0) return respond(scope, changes, cursor, true, total, done, null);
      const logged = await changesSince(trx, {
        schoolId: scope.schoolId,
        teacherId: scope.teacherId,
        after: cursor.s,
        limit: budget,
      });
      const touched = new Map<Entity, Set<number>>();
      for (const c of logged) {
        const ids = touched.get(c.entity as Entity) ?? new Set<number>();
        ids.add(c.row_id);
        touched.set(c.entity as Entity, ids);
      }
      for (const entity of ENTITIES) {
        const ids = touched.get(entity);
        if (!ids) continue;
        const rows = await VIEW[entity].rows(trx, scope, { ids: [...ids] });
        for (const row of rows) {
          changes.push({ op: 'upsert', entity, row } as PullChange);
          ids.delete(row.id);
        }
        for (const id of ids) changes.push({ op: 'delete', entity, id });
      }
      const hasMore = logged.length === budget;
      const next: Cursor = { v: 1, m: 'delta', s: logged.length ? logged[logged.length - 1]!.seq : cursor.s };
      let checksum: string | null = null;
      if (!hasMore) {
        checksum = checksums
          ? await checksums.checksum(trx, scope, cursor.s, next.s, changes)
          : await scopeChecksum(trx, scope);
      }
      return respond(scope, changes, next, hasMore, total, done, checksum);
    });
  // The teacher's flags come with every batch, so an offline device keeps behaving the same.
  return { ...batch, feature_flags: await flagsFor(db, scope.schoolId, scope.teacherId) };
}

/** The change-log entries of a teacher's view after a position, oldest first (compiled once). */
const changesSince = compiledQuery(
  (db: Kysely<DB>, a: { schoolId: number; teacherId: number; after: number; limit: number }) =>
    db
      .selectFrom('sync_changes')
      .select(['seq', 'entity', 'row_id'])
      .where('school_id', '=', a.schoolId)
      .where((eb) => eb.or([eb('teacher_id', '=', a.teacherId), eb('teacher_id', 'is', null)]))
      .where('seq', '>', a.after)
      .orderBy('seq')
      .limit(a.limit),
);

function respond(
  scope: Scope,
  changes: PullChange[],
  cursor: Cursor,
  hasMore: boolean,
  total: number | null,
  done: number | null,
  checksum: string | null,
): Omit<PullResponse, 'feature_flags'> {
  return {
    school_id: scope.schoolId,
    changes,
    cursor: encodeCursor(cursor),
    has_more: hasMore,
    total,
    done,
    checksum,
  };
}

async function headSeq(db: Kysely<DB>, schoolId: number): Promise<number> {
  const row = await db
    .selectFrom('sync_changes')
    .select((eb) => eb.fn.max('seq').as('head'))
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
  return Number(row?.head ?? 0);
}

/** The cursor a poke carries: the newest change-log position of the school. */
export async function currentCursor(db: Kysely<DB>, schoolId: number): Promise<string> {
  return encodeCursor({ v: 1, m: 'delta', s: await headSeq(db, schoolId) });
}
