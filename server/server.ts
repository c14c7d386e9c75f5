/**
 * Starts a Classdesk sync server: database and migrations, demo data on an empty database when
 * DEMO_DATA asks for it, the HTTP API, socket.io and the scheduler. Used by `npm run server`, the
 * tests and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { pino, type Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateServer } from './db/migrate.js';
import { withStartupLock } from './db/startup-lock.js';
import { addressLimit, buildApp } from './http/app.js';
import { clientAddressOf } from './http/client-address.js';
import { LoginThrottle, memoryThrottleStore, redisThrottleStore } from './http/login-throttle.js';
import { attachRealtime, type AppIo, type RealtimeStats } from './realtime/socket.js';
import { connectRedis, type RedisLink } from './realtime/redis-adapter.js';
import { createDemo, isEmpty } from './domain/demo.js';
import { hashPassword, OWASP_SCRYPT, TEST_SCRYPT } from './domain/passwords.js';
import { setDecoyHash } from './domain/auth.js';
import { FileStore } from './storage/file-store.js';
import { BuiltinScanner, ClamdScanner, type Scanner } from './storage/scanner.js';
import { ScanWorker } from './domain/scan-jobs.js';
import { describeSmtpUrl, EmailWorker, smtpMailer, type MailChannel } from './domain/email-jobs.js';
import { Scheduler } from './domain/scheduler.js';
import { ServerMetrics } from './metrics.js';
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
  metrics: ServerMetrics;
  scheduler: Scheduler;
  /** Durable virus-scan jobs. */
  scans: ScanWorker;
  /** The email outbox's worker; absent when the channel is off (no SMTP_URL). */
  emails?: EmailWorker;
  checksums: ChecksumCache;
  logger: Logger;
  /**
   * Shuts down: /readyz answers 503 at once and, for `drainMs`, the server keeps serving while a
   * load balancer stops routing to it; then the scheduler stops, its sockets are disconnected (to
   * reconnect to another process), it stops accepting connections, finishes the requests in
   * flight, and closes Redis and the database.
   */
  close(options?: { drainMs?: number }): Promise<void>;
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
  /** SQLite's synchronous setting (default `full`); `normal` only for benchmarks that compare. */
  sqliteSynchronous?: 'full' | 'normal';
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
    ...(opts.sqliteSynchronous ? { synchronous: opts.sqliteSynchronous } : {}),
  });
  const cost = config.PASSWORD_HASH_COST === 'test' ? TEST_SCRYPT : OWASP_SCRYPT;
  let redis: RedisLink | undefined;
  try {
    const files = new FileStore(config.filesDir);
    setDecoyHash(await hashPassword(randomBytes(16).toString('base64'), cost));
    await withStartupLock(database, async (db) => {
      await migrateServer(db);
      // Only when asked for (DEMO_DATA): their password is public. It is never logged.
      if (config.DEMO_DATA && (await isEmpty(db))) {
        await createDemo(db, files, cost, now());
        logger.info('created the demo schools and accounts (DEMO_DATA; the password is in README.md)');
      }
    });
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
    const metrics = new ServerMetrics(database, config.DATABASE_POOL_SIZE, SERVER_VERSION);
    if (config.REDIS_URL) {
      redis = await connectRedis(config.REDIS_URL, config.REDIS_PREFIX, logger, {
        maxLen: config.REDIS_STREAM_MAX_LEN,
      });
      logger.info(
        { prefix: config.REDIS_PREFIX },
        'socket.io events and rate limits shared with other processes through Redis',
      );
    }
    const loginThrottle = new LoginThrottle(
      redis ? redisThrottleStore(redis.client, config.REDIS_PREFIX) : memoryThrottleStore(),
      {
        freeFailures: config.RATE_LIMIT_LOGIN_PER_ACCOUNT,
        accountSlowAfter: config.RATE_LIMIT_LOGIN_ACCOUNT_SLOW_AFTER,
        windowMs: config.RATE_LIMIT_LOGIN_WINDOW_MIN * 60_000,
      },
      logger,
    );
    const scans = new ScanWorker(
      { db: database.db, events, now },
      files,
      scanner,
      {
        maxAttempts: config.SCAN_MAX_ATTEMPTS,
        retryBaseMs: config.SCAN_RETRY_BASE_SECONDS * 1000,
        sweepMs: config.SCAN_SWEEP_SECONDS * 1000,
        // Longer than a scan can take (its time-out), so a live process keeps its job.
        leaseMs: config.SCAN_TIMEOUT_MS * 2 + 60_000,
        shutdownWaitMs: config.SCAN_SHUTDOWN_WAIT_SECONDS * 1000,
      },
      (err, resource) => logger.error({ err, resource }, 'resource scan failed'),
    );
    // The email channel: on with SMTP_URL (never logged: it may hold credentials), else off.
    let emails: EmailWorker | undefined;
    const mail: MailChannel = {
      enabled: config.SMTP_URL !== undefined,
      digestHour: config.EMAIL_DIGEST_HOUR,
      kick: () => emails?.kick(),
    };
    const smtpUrl = config.SMTP_URL;
    if (smtpUrl)
      logger.info(
        { smtp: describeSmtpUrl(smtpUrl), from: config.MAIL_FROM },
        'email channel on: notifications go by email as each teacher chose',
      );
    else logger.info('email channel off: SMTP_URL is not set, no notification goes by email');
    /** The worker, once the port is known (the unsubscribe links default to this process's address). */
    const startEmails = (port: number) => {
      if (!smtpUrl) return;
      const host =
        config.HOST === '0.0.0.0'
          ? '127.0.0.1'
          : config.HOST.includes(':')
            ? `[${config.HOST}]`
            : config.HOST;
      if (!config.PUBLIC_URL)
        logger.warn("PUBLIC_URL is not set: unsubscribe links point at this process's own address");
      emails = new EmailWorker(
        database.db,
        smtpMailer(smtpUrl, config.EMAIL_CONCURRENCY, config.EMAIL_SEND_TIMEOUT_SECONDS * 1000),
        {
          from: config.MAIL_FROM,
          publicUrl: config.PUBLIC_URL ?? `http://${host}:${port}`,
          maxRefusals: config.EMAIL_MAX_ATTEMPTS,
          retryBaseMs: config.EMAIL_RETRY_BASE_SECONDS * 1000,
          retryMaxMs: config.EMAIL_RETRY_MAX_SECONDS * 1000,
          sweepMs: config.EMAIL_SWEEP_SECONDS * 1000,
          // Longer than one send may take (each of its steps times out), so a live process keeps its job.
          leaseMs: config.EMAIL_SEND_TIMEOUT_SECONDS * 3000,
          concurrency: config.EMAIL_CONCURRENCY,
        },
        now,
        (err, job) => logger.error({ err, job }, 'email job failed'),
      );
      // Emails waiting from before this start (a stop, a crash, an outage) go out now.
      emails.start();
    };
    const app = await buildApp({
      services: {
        mail,
        config,
        files,
        scanner,
        scans,
        events,
        now,
        rootDb: database.db,
        checksums,
        metrics,
        loginThrottle,
      },
      logger,
      version: SERVER_VERSION,
      ...(redis ? { rateLimitRedis: { client: redis.client, prefix: config.REDIS_PREFIX } } : {}),
      isReady: async () => {
        if (closing) return false;
        await database.db.selectFrom('change_counter').select('value').executeTakeFirstOrThrow();
        return true;
      },
    });
    const realtime = attachRealtime(
      app.server,
      database.db,
      logger,
      now,
      {
        socketsPerUser: config.SOCKETS_PER_USER,
        addressOf: clientAddressOf(config.TRUST_PROXY),
        admit: addressLimit(app, 'socket-ip', config.RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN, 60_000),
      },
      redis?.adapter,
    );
    late.sink = realtime.events;
    const scheduler = new Scheduler(
      { db: database.db, events, now, mail },
      config.REMINDER_LEAD_MINUTES,
      config.SCHEDULER_INTERVAL_SECONDS * 1000,
      (err) => logger.error({ err }, 'scheduled work failed'),
      (leader) =>
        logger.info(
          { holder: scheduler.lease.holder },
          leader ? 'this process now runs the scheduled work' : 'another process runs the scheduled work',
        ),
    );
    metrics.bind({ io: realtime.io, realtime: realtime.stats, scheduler });
    await app.listen({ host: config.HOST, port: config.PORT });
    if (opts.scheduler !== false) scheduler.start();
    // Scans waiting from before this start (a stop mid-scan, a crash) are resumed now.
    scans.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    startEmails(port);
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
      metrics,
      scheduler,
      scans,
      get emails() {
        return emails;
      },
      checksums,
      logger,
      async close(options = {}) {
        const step = (done: string, detail: Record<string, unknown> = {}) =>
          logger.info(detail, `shutdown: ${done}`);
        closing = true;
        const drainMs = options.drainMs ?? 0;
        if (drainMs > 0) {
          step('not ready (/readyz answers 503); draining', { drainMs });
          await new Promise((resolve) => setTimeout(resolve, drainMs));
        }
        await scheduler.stop();
        step('scheduler stopped');
        await scans.stop();
        step('virus scans finished or handed back');
        if (emails) {
          await emails.stop();
          step('emails in flight sent or handed back');
        }
        // io.close() disconnects this process's sockets, stops accepting connections and waits for
        // the open ones to end. Idle ones close at once; one still finishing a response (a
        // download's file stream) would then stay open for the whole keep-alive time-out (72 s):
        // let such connections go as soon as they finish.
        app.server.keepAliveTimeout = 1;
        const sockets = realtime.io.of('/').sockets.size;
        await realtime.io.close();
        step('sockets disconnected, no longer accepting, requests in flight finished', { sockets });
        await app.close();
        if (redis) {
          await redis.close();
          step('Redis closed');
        }
        await database.destroy();
        step('database closed');
      },
    };
  } catch (e) {
    await redis?.close().catch(() => undefined);
    await database.destroy();
    throw e;
  }
}
