/**
 * compiledQuery (server/db/compiled-query.ts) on every dialect: a query compiled once per shape
 * answers exactly what the freshly built query answers, for any values; a builder that would
 * not pass an argument through as a value is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kysely } from 'kysely';
import { compiledQuery } from '../../server/db/compiled-query.js';
import { newQueryStats, QueryStatsPlugin } from '../../server/db/query-stats.js';
import { dialectsHere } from '../support/server-fixture.js';
import { openEmpty } from '../support/empty-database.js';

interface T {
  items: { id: number; owner: number; name: string; size: number | null };
}

const ITEMS: T['items'][] = Array.from({ length: 40 }, (_, i) => ({
  id: i + 1,
  owner: (i % 4) + 1,
  name: `item ${i + 1}`,
  size: i % 5 === 0 ? null : i * 3,
}));

interface ItemArgs {
  [k: string]: number | readonly number[] | undefined;
  owner: number;
  ids?: readonly number[];
  after?: number;
  limit?: number;
}

/** The kind of builder the scoped views use: optional filters, an `in` list, a limit. */
function itemsOf(db: Kysely<T>, a: ItemArgs) {
  let q = db
    .selectFrom('items')
    .select(['id', 'owner', 'name', 'size'])
    .where('owner', '=', a.owner)
    .where('size', 'is not', null);
  if (a.ids) q = q.where('id', 'in', a.ids.length ? a.ids : [-1]);
  if (a.after !== undefined) q = q.where('id', '>', a.after);
  q = q.orderBy('id');
  if (a.limit !== undefined) q = q.limit(a.limit);
  return q;
}

describe.each(dialectsHere())('compiledQuery on %s', (dialect) => {
  let db: Kysely<T>;
  let drop: () => Promise<void>;
  let builds = 0;
  const items = compiledQuery((d: Kysely<T>, a: ItemArgs) => {
    builds++;
    return itemsOf(d, a);
  });

  beforeAll(async () => {
    const empty = await openEmpty(dialect);
    db = empty.database.db as unknown as Kysely<T>;
    drop = empty.drop;
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('owner', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('size', 'integer')
      .execute();
    await db.insertInto('items').values(ITEMS).execute();
  });
  afterAll(() => drop());

  test('answers what the built query answers, for every value, compiling each shape once', async () => {
    const cases: ItemArgs[] = [];
    for (const owner of [1, 2, 3, 4, 99]) {
      cases.push({ owner });
      cases.push({ owner, after: 10, limit: 3 });
      cases.push({ owner, after: 0, limit: 100 });
      cases.push({ owner, ids: [1, 2, 5, 6, 9, 10, 13, 40] });
      cases.push({ owner, ids: [owner + 4, owner + 8, owner + 12] });
      cases.push({ owner, ids: [] });
    }
    const before = builds;
    for (const a of cases)
      expect(await items(db, a), JSON.stringify(a)).toEqual(await itemsOf(db, a).execute());
    // Shapes: none; after+limit; ids of 8; ids of 3; ids of 0 — whatever the values.
    expect(builds - before).toBe(5);
    // Owner 2 has ids 2, 6, 10, …; 26 has no size.
    expect((await items(db, { owner: 2, after: 20, limit: 2 })).map((r) => r.id)).toEqual([22, 30]);
  });

  test('keeps a bounded number of shapes, and one pushed out is compiled again when it comes back', async () => {
    let compiles = 0;
    const lists = compiledQuery((d: Kysely<T>, a: ItemArgs) => {
      compiles++;
      return itemsOf(d, a);
    });
    const first = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    // 300 `in` list lengths: more shapes than are kept.
    for (let n = 1; n <= 300; n++)
      expect(await lists(db, { owner: 3, ids: first(n) })).toEqual(
        await itemsOf(db, { owner: 3, ids: first(n) }).execute(),
      );
    expect(compiles).toBe(300);
    await lists(db, { owner: 3, ids: first(300) }); // among the last ones used: still kept
    expect(compiles).toBe(300);
    await lists(db, { owner: 3, ids: [7] }); // length 1: used before the last 256, so gone
    expect(compiles).toBe(301);
  });

  test('runs inside a transaction, and a request’s query statistics still count it', async () => {
    const stats = newQueryStats();
    const counted = db.withPlugin(new QueryStatsPlugin(stats));
    const seen = await counted.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 100, owner: 7, name: 'new', size: 1 }).execute();
      return items(trx, { owner: 7 });
    });
    expect(seen.map((r) => r.id)).toEqual([100]);
    expect(stats.count).toBe(2);
    await db.deleteFrom('items').where('id', '=', 100).execute();
  });

  test('a builder that does not pass an argument through as a value is refused, naming it', async () => {
    const inlined = compiledQuery((d: Kysely<T>, a: { owner: number; big: number }) =>
      d
        .selectFrom('items')
        .select('id')
        .where('owner', '=', a.owner)
        .where('size', '>', a.big > 50 ? 50 : 0),
    );
    await expect(inlined(db, { owner: 1, big: 60 })).rejects.toThrow(/big did not become a parameter/);
  });
});
