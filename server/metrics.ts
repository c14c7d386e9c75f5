/**
 * The server's Prometheus metrics (`GET /metrics`, see server/http/metrics-endpoint.ts).
 *
 * Each server has its own registry: tests and benchmarks start several servers in one process,
 * and one server's counters must not move another's. The Node process metrics (CPU, memory,
 * event loop, GC) describe the process, not a server, so they are collected once per process
 * into a registry of their own (collecting them per server would add a GC observer and an
 * event-loop monitor at every start) and exposed beside each server's metrics.
 *
 * What other modules already count (realtime pokes, scheduler runs, the pool) is read at
 * scrape time; what only passes by (request latency, pull batch sizes) is observed here.
 */
import type { Server as SocketServer } from 'socket.io';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from './db/database.js';
import type { Scheduler } from './domain/scheduler.js';
import type { RealtimeStats } from './realtime/socket.js';

let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** What the metrics read at scrape time; bound once the socket layer and scheduler exist. */
export interface MetricSources {
  io: Pick<SocketServer, 'of'>;
  realtime: RealtimeStats;
  scheduler: Pick<Scheduler, 'lastRun' | 'totals' | 'lease'>;
}

/** A counter whose total is kept elsewhere: each scrape adds what was counted since the last. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number | undefined) {
  let seen = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const total = read();
      if (total === undefined || total < seen) return;
      this.inc(total - seen);
      seen = total;
    },
  });
}

export class ServerMetrics {
  /** This server's metrics only. */
  readonly registry = new Registry();
  /** What `/metrics` serves: this server's metrics and the process metrics. */
  readonly exposition: Registry;
  private sources: MetricSources | undefined;

  private readonly httpDuration = new Histogram({
    name: 'classdesk_http_request_duration_seconds',
    help: 'HTTP request latency by route template (never the raw URL), method and status class',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly pullChanges = new Histogram({
    name: 'classdesk_sync_pull_changes',
    help: 'Changes per pull response; mode is full (streaming the whole view) or delta (since a cursor)',
    labelNames: ['mode'] as const,
    buckets: [0, 1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [this.registry],
  });

  constructor(database: Pick<Database, 'dialect' | 'poolStats'>, poolSize: number, version: string) {
    const registry = this.registry;
    const sources = () => this.sources;

    new Gauge({
      name: 'classdesk_build_info',
      help: 'The running server version (always 1)',
      labelNames: ['version'] as const,
      registers: [registry],
    }).set({ version }, 1);

    new Gauge({
      name: 'classdesk_socket_connections',
      help: 'socket.io clients connected and signed in to this process',
      registers: [registry],
      collect() {
        const s = sources();
        this.set(s ? s.io.of('/').sockets.size : 0);
      },
    });
    mirroredCounter(
      registry,
      'classdesk_realtime_pokes_total',
      'poke events emitted to rooms after a write (one per room)',
      () => sources()?.realtime.pokes,
    );
    mirroredCounter(
      registry,
      'classdesk_realtime_notifications_total',
      'notifications created and emitted to their teacher',
      () => sources()?.realtime.notifications,
    );

    new Gauge({
      name: 'classdesk_scheduler_lag_seconds',
      help: 'How late the last scheduler run started relative to its due time',
      registers: [registry],
      collect() {
        const run = sources()?.scheduler.lastRun;
        if (run) this.set(run.lagMs / 1000);
      },
    });
    new Gauge({
      name: 'classdesk_scheduler_leader',
      help: '1 while this process holds the scheduler lease (it alone runs the scheduled work)',
      registers: [registry],
      collect() {
        this.set(sources()?.scheduler.lease.held ? 1 : 0);
      },
    });
    mirroredCounter(
      registry,
      'classdesk_scheduler_runs_total',
      'Completed scheduler runs on this process (only while it holds the lease)',
      () => sources()?.scheduler.totals.runs,
    );
    mirroredCounter(
      registry,
      'classdesk_scheduler_reminders_total',
      'session_reminder notifications created by the scheduler',
      () => sources()?.scheduler.totals.reminders,
    );
    mirroredCounter(
      registry,
      'classdesk_scheduler_expired_notifications_total',
      'Notifications whose expiry the scheduler published (devices then drop them)',
      () => sources()?.scheduler.totals.expired,
    );

    const dialect = database.dialect;
    // SQLite is one embedded connection: there is no pool to fill, so only its size is reported.
    new Gauge({
      name: 'classdesk_db_pool_connections',
      help: 'Database connections of this process by state (PostgreSQL: total, idle; SQLite: total=1)',
      labelNames: ['dialect', 'state'] as const,
      registers: [registry],
      collect() {
        const p = database.poolStats();
        this.set({ dialect, state: 'total' }, p.total);
        if (dialect === 'postgres') this.set({ dialect, state: 'idle' }, p.idle);
      },
    });
    if (dialect === 'postgres') {
      new Gauge({
        name: 'classdesk_db_pool_max_connections',
        help: 'The pool size (DATABASE_POOL_SIZE)',
        labelNames: ['dialect'] as const,
        registers: [registry],
      }).set({ dialect }, poolSize);
      new Gauge({
        name: 'classdesk_db_pool_waiting_requests',
        help: 'Queries waiting for a free pool connection',
        labelNames: ['dialect'] as const,
        registers: [registry],
        collect() {
          this.set({ dialect }, database.poolStats().waiting);
        },
      });
    }
    // Merging takes the metrics registered so far: last.
    this.exposition = Registry.merge([processMetrics(), registry]);
  }

  bind(sources: MetricSources): void {
    this.sources = sources;
  }

  /** `route` is the route template (`/api/notifications/:id/read`), never the requested URL. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ route, method, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }

  observePull(mode: 'full' | 'delta', changes: number): void {
    this.pullChanges.observe({ mode }, changes);
  }
}
