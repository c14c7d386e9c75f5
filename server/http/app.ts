/**
 * The Fastify application: registers every route of the table with authentication, input
 * validation, rate limits, per-request query counting (Server-Timing) and one error shape.
 */
import type { RedisClient } from '../realtime/redis-adapter.js';
import { rateLimitRedis } from './rate-limit-redis.js';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { authenticate, type AuthedUser } from '../domain/auth.js';
import { AppError, unauthorized } from '../domain/errors.js';
import { newQueryStats, QueryStatsPlugin, type QueryStats } from '../db/query-stats.js';
import type { RateLimitName, RouteDef, Services } from './route-table.js';
import { parseInput } from './validation.js';
import {
  frameworkErrorBody,
  notFoundOrWrongMethod,
  onClientError,
  onFrameworkError,
  registerJsonBodies,
} from './input-rules.js';
import { authRoutes } from './routes/auth.js';
import { syncRoutes } from './routes/sync.js';
import { adminRoutes } from './routes/admin.js';
import { adminListRoutes } from './routes/admin-lists.js';
import { invitationRoutes } from './routes/invitations.js';
import { resourceRoutes } from './routes/resources.js';
import { notificationRoutes } from './routes/notifications.js';
import { webhookRoutes } from './routes/webhooks.js';
import { importRoutes } from './routes/imports.js';
import { timetableRoutes } from './routes/timetable.js';
import { verifySignedBody } from './signed-body.js';
import { registerProtocolHeader, requireProtocolVersion } from './protocol-version.js';
import { openApiDocument } from './openapi.js';
import { registerUpdateFeed } from './updates.js';
import { registerUnsubscribe } from './unsubscribe.js';
import { registerMetricsEndpoint } from './metrics-endpoint.js';
import { registerAdminConsole } from './admin-console.js';

/** Every API route. The isolation test iterates over exactly this list. */
export const ROUTES: RouteDef[] = [
  ...authRoutes,
  ...syncRoutes,
  ...adminRoutes,
  ...importRoutes,
  ...adminListRoutes,
  ...timetableRoutes,
  ...invitationRoutes,
  ...resourceRoutes,
  ...notificationRoutes,
  ...webhookRoutes,
];

declare module 'fastify' {
  interface FastifyRequest {
    queryStats: QueryStats;
    db: Kysely<DB>;
    user: AuthedUser | null;
  }
}

export interface AppOptions {
  services: Services;
  logger: FastifyBaseLogger;
  version: string;
  /** Readiness: false while starting or shutting down. */
  isReady(): Promise<boolean>;
  /** Counts rate limits in Redis, shared by every process (several processes); in memory without. */
  rateLimitRedis?: { client: RedisClient; prefix: string };
}

/**
 * A limit per client address for what does not pass through Fastify's routes (the socket.io
 * handshake), counted in the same store as the HTTP limits (Redis with REDIS_URL): the returned
 * function counts one attempt and answers the seconds to wait when over `max`, else 0.
 */
export function addressLimit(
  app: FastifyInstance,
  name: string,
  max: number,
  timeWindow: number,
): (address: string) => Promise<number> {
  const check = app.createRateLimit({ max, timeWindow, keyGenerator: (r) => `${name}:${r.ip}` });
  return async (address) => {
    // The plugin reads nothing of a request but what the key generator reads and the route's config.
    const r = await check({ ip: address, routeOptions: { config: {} } } as unknown as FastifyRequest);
    return r.isAllowed || !r.isExceeded ? 0 : Math.max(1, r.ttlInSeconds);
  };
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : '';
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { services } = opts;
  const cfg = services.config;
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: cfg.MAX_BODY_KB * 1024,
    trustProxy: cfg.TRUST_PROXY,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    // Errors raised before a route runs answer in the app's shape too (docs/ARCHITECTURE.md, "Input rules").
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
  });
  const parseJsonBody = registerJsonBodies(app);

  app.decorateRequest('queryStats', null as unknown as QueryStats);
  app.decorateRequest('db', null as unknown as Kysely<DB>);
  app.decorateRequest('user', null);

  await app.register(multipart, { limits: { fileSize: cfg.MAX_UPLOAD_MB * 1024 * 1024, files: 1 } });
  const shared = opts.rateLimitRedis;
  await app.register(rateLimit, {
    global: false,
    ...(shared
      ? {
          redis: rateLimitRedis(shared.client),
          nameSpace: `${shared.prefix}:rate-limit:`,
          // Redis unreachable: serve the request rather than refuse everyone (it is logged).
          skipOnError: true,
        }
      : {}),
  });
  // A route may have several limits. The plugin's own
  // `rateLimit()` hooks share one "already ran" flag per request, so only the first of them would
  // ever count; `createRateLimit()` checks a limit without that flag, so every limit applies.
  const limit = (opts: { max: number; timeWindow: number; keyGenerator: (r: FastifyRequest) => string }) => {
    const check = app.createRateLimit(opts);
    return async (req: FastifyRequest): Promise<void> => {
      const r = await check(req);
      if (r.isAllowed || !r.isExceeded) return;
      const headers = { 'Retry-After': String(r.ttlInSeconds) };
      throw new AppError(
        429,
        'rate_limited',
        `too many requests: try again in ${r.ttlInSeconds} s`,
        undefined,
        headers,
      );
    };
  };

  const windowMs = 60_000;
  const loginWindow = cfg.RATE_LIMIT_LOGIN_WINDOW_MIN * 60_000;
  const limiters: Record<RateLimitName, (req: FastifyRequest) => Promise<void>> = {
    dashboard: limit({
      max: cfg.RATE_LIMIT_DASHBOARD_PER_MIN,
      timeWindow: windowMs,
      keyGenerator: (r) => `dash:${r.user?.id}`,
    }),
    notifications: limit({
      max: cfg.RATE_LIMIT_NOTIFICATIONS_PER_MIN,
      timeWindow: windowMs,
      keyGenerator: (r) => `notif:${r.user?.id}`,
    }),
    sync: limit({
      max: cfg.RATE_LIMIT_SYNC_PER_MIN,
      timeWindow: windowMs,
      keyGenerator: (r) => `sync:${r.user?.id}`,
    }),
    login_address: limit({
      max: cfg.RATE_LIMIT_LOGIN_PER_ADDRESS,
      timeWindow: loginWindow,
      keyGenerator: (r) => `login-ip:${r.ip}`,
    }),
  };

  app.addHook('onRequest', async (req) => {
    req.queryStats = newQueryStats();
    req.db = services.rootDb.withPlugin(new QueryStatsPlugin(req.queryStats));
    req.user = null;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.queryStats) {
      const s = req.queryStats;
      reply.header('Server-Timing', `db;dur=${s.durationMs.toFixed(2)};desc="${s.count} queries"`);
    }
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    const ms = reply.elapsedTime;
    // The route template, never the requested URL: ids stay out of logs and metric labels.
    const route = req.routeOptions.url ?? 'unmatched';
    services.metrics.observeRequest(route, req.method, reply.statusCode, ms / 1000);
    const entry = {
      route,
      method: req.method,
      status: reply.statusCode,
      ms: Math.round(ms),
      user: req.user?.id,
      queries: req.queryStats?.count,
    };
    if (ms > cfg.SLOW_REQUEST_MS) req.log.warn(entry, 'slow request');
    else req.log.debug(entry, 'request');
  });

  const noRoute = notFoundOrWrongMethod(app);
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    // A request no route takes answers 404 or 405 whatever its body is (too large, of a media
    // type nobody parses): Fastify reads the body before the not-found handler runs.
    if (req.routeOptions.url === undefined && !(err instanceof AppError)) return noRoute(req, reply);
    if (err instanceof AppError) {
      if (err.headers) void reply.headers(err.headers);
      return reply.code(err.status).send({
        error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) },
        ...err.details,
      });
    }
    const known = frameworkErrorBody(err);
    if (known) return reply.code(known.status).send(known.body);
    req.log.error({ err, route: req.routeOptions.url }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: 'the server could not complete this request' } });
  });

  app.setNotFoundHandler(noRoute);

  const authenticateRequest = async (req: FastifyRequest): Promise<void> => {
    const token = bearer(req);
    if (token === null) throw unauthorized();
    const user = token ? await authenticate(req.db, token, services.now()) : null;
    if (!user) throw unauthorized('your session has expired or was signed out: sign in again');
    req.user = user;
  };

  // A signed body (auth: 'signature'): the signature over the raw bytes first, then the JSON.
  const verifySignature = async (req: FastifyRequest): Promise<void> => {
    const secret = cfg.PAYMENTS_WEBHOOK_SECRET;
    if (!secret)
      throw new AppError(
        503,
        'not_configured',
        'this server takes no payment events: PAYMENTS_WEBHOOK_SECRET is not set',
      );
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    verifySignedBody(secret, req.headers['classdesk-signature'], raw, services.now());
    req.body = Buffer.isBuffer(req.body) ? await parseJsonBody(req, raw) : req.body;
  };

  for (const r of ROUTES) {
    app.route({
      method: r.method,
      url: r.url,
      ...(r.auth === 'signature' ? { config: { signedBody: true } } : {}),
      ...(r.protocolChecked ? { onRequest: requireProtocolVersion } : {}),
      ...(r.auth === 'user' ? { preValidation: authenticateRequest } : {}),
      ...(r.auth === 'signature' ? { preValidation: verifySignature } : {}),
      preHandler: (r.rateLimits ?? []).map((n) => limiters[n]),
      handler: async (req, reply) => {
        const params = r.params ? parseInput(r.params, req.params, 'params') : undefined;
        const query = r.query ? parseInput(r.query, req.query, 'query') : undefined;
        const body = r.body ? parseInput(r.body, req.body, 'body') : undefined;
        const result = await r.handler({
          req,
          reply,
          params,
          query,
          body,
          user: req.user,
          dom: {
            db: req.db,
            events: services.events,
            now: () => services.now(),
            ...(services.mail ? { mail: services.mail } : {}),
          },
          services,
        });
        if (r.raw) return reply;
        if (r.successStatus === 204) return reply.code(204).send();
        return reply.code(r.successStatus ?? 200).send(result);
      },
    });
  }

  registerProtocolHeader(app);
  const doc = openApiDocument(ROUTES, opts.version);
  app.get('/api/docs', async () => doc);
  app.get('/healthz', async () => ({ ok: true }));
  registerUpdateFeed(app, cfg.updatesDir);
  registerUnsubscribe(app, services.rootDb, () => services.now());
  await registerAdminConsole(app, cfg.consoleDir);
  registerMetricsEndpoint(app, services.metrics, cfg.METRICS_TOKEN);
  app.get('/readyz', async (_req, reply) => {
    const ready = await opts.isReady().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  return app;
}
