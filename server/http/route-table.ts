/**
 * The server's HTTP routes as data: method, path, input schemas, authentication, rate limits
 * and where the route takes a school id from. Fastify registration, the OpenAPI document and
 * the isolation test all read this one table, so a new route cannot miss any of them.
 */
import type { MailChannel } from '../domain/email-jobs.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../db/schema.js';
import type { AuthedUser } from '../domain/auth.js';
import type { DomainContext } from '../domain/context.js';
import type { ChecksumCache } from '../domain/checksum-cache.js';
import type { ServerConfig } from '../config.js';
import type { ServerMetrics } from '../metrics.js';
import type { FileStore } from '../storage/file-store.js';
import type { Scanner } from '../storage/scanner.js';
import type { ScanWorker } from '../domain/scan-jobs.js';
import type { LoginThrottle } from './login-throttle.js';

export type RateLimitName = 'dashboard' | 'notifications' | 'sync' | 'login_address';

/** What an isolation test must vary for this route. */
export type SchoolInput = 'query' | 'params' | 'body' | 'multipart' | 'none';

export interface Services {
  config: ServerConfig;
  files: FileStore;
  scanner: Scanner;
  /** Durable virus-scan jobs (server/domain/scan-jobs.ts). */
  scans: ScanWorker;
  events: DomainContext['events'];
  now(): Date;
  /** Raw database for background work (the request's own is in the handler context). */
  rootDb: Kysely<DB>;
  /** Prometheus metrics (`GET /metrics`). */
  metrics: ServerMetrics;
  /** Scoped-view checksums kept up to date from the change log. */
  checksums: ChecksumCache;
  /** Wrong-password delays per account and address (server/http/login-throttle.ts). */
  loginThrottle: LoginThrottle;
  /** The email channel (server/domain/email-jobs.ts); absent or disabled without SMTP_URL. */
  mail?: MailChannel;
}

export interface HandlerContext<Q, B, P> {
  req: FastifyRequest;
  reply: FastifyReply;
  query: Q;
  body: B;
  params: P;
  /** The authenticated user; routes with `auth: 'none'` get null. */
  user: AuthedUser | null;
  /** Domain context whose database counts the request's queries. */
  dom: DomainContext;
  services: Services;
}

/** A header a response carries (the OpenAPI document lists it; the tests' client requires it). */
export interface ResponseHeader {
  description: string;
  /** Its value's schema (a header is text: numbers are coerced). */
  schema: z.ZodType;
}

export interface RouteDef<
  QS extends z.ZodType = z.ZodType,
  BS extends z.ZodType = z.ZodType,
  PS extends z.ZodType = z.ZodType,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  /**
   * `user`: a bearer token; `none`: anyone; `signature`: a body signed with
   * PAYMENTS_WEBHOOK_SECRET (server/http/signed-body.ts), checked over its raw bytes before
   * they are parsed.
   */
  auth: 'none' | 'user' | 'signature';
  /** Where a school id enters the route (for the isolation matrix). */
  school: SchoolInput;
  /** Whether the route takes an entity id in its path that must belong to the caller's view. */
  entityParam?: string;
  query?: QS;
  body?: BS;
  params?: PS;
  response?: z.ZodType;
  successStatus?: number;
  rateLimits?: RateLimitName[];
  /** A multipart upload: the schema of its text fields (the route parses them with it); the
   * document adds the `file` part. */
  multipart?: z.ZodType;
  /** Optional request headers the handler reads, for the document (a 206 needs a `Range`). */
  headers?: z.ZodType;
  /** Writes raw bytes itself (file download). */
  raw?: boolean;
  /** Statuses the route answers beyond those every route of its kind does (openapi.ts,
   * `responsesOf`), each with what it means; a 2xx among them carries no JSON body (a raw
   * route's carries file bytes). */
  otherResponses?: Record<number, string>;
  /** Error statuses whose body carries more than the error (`{error, …}`), with its schema. */
  errorBodies?: Record<number, z.ZodType>;
  /** Headers the route's answers carry beyond those of its kind (openapi.ts), by status. */
  responseHeaders?: Record<number, Record<string, ResponseHeader>>;
  /** A sync route: a request stating another protocol version is refused (protocol-version.ts). */
  protocolChecked?: boolean;
  handler(ctx: HandlerContext<z.infer<QS>, z.infer<BS>, z.infer<PS>>): Promise<unknown>;
}

/** Keeps each route's schema types tied to its handler while the table holds them all. */
export function route<
  QS extends z.ZodType = z.ZodUndefined,
  BS extends z.ZodType = z.ZodUndefined,
  PS extends z.ZodType = z.ZodUndefined,
>(def: RouteDef<QS, BS, PS>): RouteDef {
  return def;
}
