/**
 * Counts and times the SQL queries of one request: `db.withPlugin(new QueryStatsPlugin(stats))`
 * gives a request its own Kysely view whose queries are measured (for Server-Timing and the
 * slow-request log).
 */
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

export interface QueryStats {
  count: number;
  durationMs: number;
}

export function newQueryStats(): QueryStats {
  return { count: 0, durationMs: 0 };
}

export class QueryStatsPlugin implements KyselyPlugin {
  private readonly started = new WeakMap<object, number>();
  constructor(private readonly stats: QueryStats) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.started.set(args.queryId, performance.now());
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const t0 = this.started.get(args.queryId);
    this.stats.count++;
    if (t0 !== undefined) this.stats.durationMs += performance.now() - t0;
    return Promise.resolve(args.result);
  }
}
