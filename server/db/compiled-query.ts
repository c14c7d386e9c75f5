/**
 * Queries of a fixed shape built and compiled by Kysely once, then run with each call's values.
 * The hot paths — every request's authentication and membership check, every pull's change-log
 * read and row selects — otherwise rebuild and recompile the same operation tree per call, which
 * `npm run bench:pull` measured at more than the statements' own cost.
 *
 * `compiledQuery(build)` calls `build` once per dialect and argument shape with stand-ins for
 * the arguments; Kysely places each stand-in as a bound parameter, and every later call swaps
 * its own values in at those positions. A value that did not become a parameter (used in the
 * builder's own logic, or inlined into the SQL) is refused when the query is first compiled,
 * so a shape cannot silently ignore an argument. Only *which* arguments are present and the
 * length of array arguments (an `in` list) select a shape; everything else must be a value.
 */
import type { Compilable, CompiledQuery, Kysely, QueryId } from 'kysely';
import { lruGetOrCreate } from '../../src/shared/lru.js';

/** A stand-in for one argument value (one element, for an array argument) while compiling. */
class Slot {
  constructor(
    readonly name: string,
    readonly index: number | null,
  ) {}
}

type Value = string | number | null;
type Args = Record<string, Value | readonly Value[] | undefined>;

interface Shape {
  query: CompiledQuery;
  /** Where each parameter's value comes from: a slot, or a constant of the built query. */
  sources: Array<Slot | { constant: unknown }>;
}

/** Which arguments are present, and how long the array ones are: one compiled query each. */
function shapeKey(args: Args): string {
  let key = '';
  for (const name of Object.keys(args).sort()) {
    const v = args[name];
    key += `${name}:${v === undefined ? 'u' : Array.isArray(v) ? `a${v.length}` : 'v'};`;
  }
  return key;
}

function standIns<A extends Args>(args: A): { slots: A; all: Slot[] } {
  const all: Slot[] = [];
  const slots: Args = {};
  for (const [name, v] of Object.entries(args)) {
    if (v === undefined) slots[name] = undefined;
    else if (Array.isArray(v)) {
      const list = v.map((_, i) => new Slot(name, i));
      all.push(...list);
      slots[name] = list as unknown as Value[];
    } else {
      const slot = new Slot(name, null);
      all.push(slot);
      slots[name] = slot as unknown as Value;
    }
  }
  return { slots: slots as A, all };
}

let executions = 0;

/**
 * Shapes kept per query and database, least recently used out beyond this: `in` lists of every
 * length up to a pull's limit would otherwise each keep a compiled query for ever.
 */
const MAX_SHAPES = 256;

/**
 * Wraps a query builder: `run(db, args)` answers the rows `build(db, args).execute()` would,
 * without building or compiling it again for a shape it has seen on this dialect.
 */
export function compiledQuery<DB, A extends Args, Row>(
  build: (db: Kysely<DB>, args: A) => Compilable<Row>,
): (db: Kysely<DB>, args: A) => Promise<Row[]> {
  // Per dialect adapter (one per database), then per argument shape.
  const shapes = new WeakMap<object, Map<string, Shape>>();

  function compile(db: Kysely<DB>, args: A): Shape {
    const { slots, all } = standIns(args);
    // Kept without plugins: each call lets the plugins of its own `db` look at it (below).
    const query = build(db.withoutPlugins(), slots).compile();
    const used = new Set<Slot>();
    const sources = query.parameters.map((p) => {
      if (p instanceof Slot) {
        used.add(p);
        return p;
      }
      // An argument the caller left out, read by the builder anyway, shows up as undefined.
      if (p === undefined || (typeof p === 'object' && p !== null))
        throw new Error(
          `compiledQuery: a parameter of ${query.sql} is ${p === undefined ? 'undefined' : 'an object'}, not a value`,
        );
      return { constant: p };
    });
    const unused = all.filter((s) => !used.has(s));
    if (unused.length > 0)
      throw new Error(
        `compiledQuery: ${[...new Set(unused.map((s) => s.name))].join(', ')} did not become a ` +
          `parameter of ${query.sql}: the builder must use every argument as a value`,
      );
    return { query, sources };
  }

  return async (db, args) => {
    const executor = db.getExecutor();
    let byShape = shapes.get(executor.adapter);
    if (!byShape) shapes.set(executor.adapter, (byShape = new Map<string, Shape>()));
    const shape = lruGetOrCreate(byShape, shapeKey(args), MAX_SHAPES, () => compile(db, args));

    const queryId: QueryId = { queryId: `compiled-${++executions}` };
    // Plugins see the query as they would a built one (QueryStatsPlugin times it from here);
    // one that rewrites it gets a freshly built query instead of the kept SQL.
    if (executor.transformQuery(shape.query.query, queryId) !== shape.query.query)
      return (await db.executeQuery(build(db, args))).rows;
    const parameters = shape.sources.map((s) => {
      if (!(s instanceof Slot)) return s.constant;
      const v = args[s.name];
      return s.index === null ? v : (v as readonly Value[])[s.index];
    });
    const result = await executor.executeQuery<Row>({ ...shape.query, queryId, parameters });
    return result.rows;
  };
}
