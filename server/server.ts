/**
 * Starts a Classdesk sync server: database and migrations, demo data on an empty database, the
 * HTTP API, socket.io and the scheduler. Used by `npm run server`, the tests and the benchmarks.
 */
import fs from 'node:fs';
import { pino, type Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateServer } from './db/migrate.js';
import { buildApp } from './http/app.js';
import { attachRealtime, type AppIo, type RealtimeStats } from './realtime/socket.js';
import { createDemo, DEMO_PASSWORD, isEmpty } from './domain/demo.js';
import { hashPassword, OWASP_SCRYPT, TEST_SCRYPT } from './domain/passwords.js';
import { setDecoyHash } from './domain/auth.js';
import { FileStore } from './storage/file-store.js';
import { BuiltinScanner, ClamdScanner, type Scanner } from './storage/scanner.js';
import { Scheduler } from './domain/scheduler.js';
import { ChecksumCache } from './domain/checksum-cache.js';
import type { DomainEvents } from './domain/events.js';
import type { FastifyInstance } from 'fastify';

export const SERVER_VERSION = (
  JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface RunningServer {
  url: string;
  port: number;
  config: ServerConfig;
  database: Database;
  app: FastifyInstance;
  io: AppIo;
  realtime: RealtimeStats;
  scheduler: Scheduler;
  checksums: ChecksumCache;
  logger: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** PostgreSQL schema (tests). */
  pgSchema?: string;
  /** Clock override (tests). */
  now?: () => Date;
  scanner?: Scanner;
  /** Start the scheduler loop (default true). */
  scheduler?: boolean;
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger =
    opts.logger ??
    pino({
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', '*.password', '*.token'], censor: '[redacted]' },
    });
  const now = opts.now ?? (() => new Date());
  const database = openDatabase({
    url: config.databaseUrl,
    pgSchema: opts.pgSchema,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  const cost = config.PASSWORD_HASH_COST === 'test' ? TEST_SCRYPT : OWASP_SCRYPT;
  try {
    await migrateServer(database.db);
    const files = new FileStore(config.filesDir);
    const demoHash = await hashPassword(DEMO_PASSWORD, cost);
    setDecoyHash(demoHash);
    if (config.DEMO_DATA && (await isEmpty(database.db))) {
      await createDemo(database.db, files, demoHash, now());
      logger.info('created the demo schools and accounts (password: classdesk-demo)');
    }
    const scanner =
      opts.scanner ??
      (config.CLAMAV_HOST
        ? new ClamdScanner(config.CLAMAV_HOST, config.CLAMAV_PORT, config.SCAN_TIMEOUT_MS)
        : new BuiltinScanner(config.MAX_UPLOAD_MB * 1024 * 1024));

    let closing = false;
    // The socket layer needs the HTTP server and the routes need its events: a late-bound sink.
    const late: { sink?: DomainEvents } = {};
    const events: DomainEvents = {
      changed: (c, s) => late.sink?.changed(c, s),
      notificationCreated: (n) => late.sink?.notificationCreated(n),
      scopeRevoked: (u, s) => late.sink?.scopeRevoked(u, s),
      scopeGranted: (u, s) => late.sink?.scopeGranted(u, s),
      tokenRevoked: (t) => late.sink?.tokenRevoked(t),
    };
    const checksums = new ChecksumCache({
      maxRows: config.CHECKSUM_CACHE_ROWS,
      maxAgeMs: config.CHECKSUM_CACHE_MAX_AGE_SECONDS * 1000,
      onDrift: (scope, cached, actual) =>
        logger.error(
          { scope, cached, actual },
          'kept checksum disagreed with the view: change log missed a row',
        ),
    });
    const app = await buildApp({
      services: { config, files, scanner, events, now, rootDb: database.db, checksums },
      logger,
      version: SERVER_VERSION,
      isReady: async () => {
        if (closing) return false;
        await database.db.selectFrom('change_counter').select('value').executeTakeFirstOrThrow();
        return true;
      },
    });
    const realtime = attachRealtime(app.server, database.db, logger, now);
    late.sink = realtime.events;
    const scheduler = new Scheduler(
      { db: database.db, events, now },
      config.REMINDER_LEAD_MINUTES,
      config.SCHEDULER_INTERVAL_SECONDS * 1000,
      (err) => logger.error({ err }, 'scheduled work failed'),
    );
    await app.listen({ host: config.HOST, port: config.PORT });
    if (opts.scheduler !== false) scheduler.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    logger.info({ port, database: database.dialect }, 'Classdesk sync server listening');
    return {
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      port,
      config,
      database,
      app,
      io: realtime.io,
      realtime: realtime.stats,
      scheduler,
      checksums,
      logger,
      async close() {
        closing = true;
        await scheduler.stop();
        // io.close() closes the HTTP server and waits for its connections. Idle ones close at
        // once; one still finishing a response (a download's file stream) would then stay open
        // for the whole keep-alive time-out (72 s): let such connections go as soon as they finish.
        app.server.keepAliveTimeout = 1;
        await realtime.io.close();
        await app.close();
        await database.destroy();
      },
    };
  } catch (e) {
    await database.destroy();
    throw e;
  }
}
