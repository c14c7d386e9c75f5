/**
 * `GET /metrics` (Prometheus text format). Not an API route: like /healthz and /readyz it is
 * outside the route table, so it is neither in the OpenAPI document nor in the isolation matrix.
 *
 * Who may read it: with METRICS_TOKEN set, whoever sends `Authorization: Bearer <token>` (401
 * without it, 403 with another); without it, loopback addresses only (403 for anyone else).
 * With TRUST_PROXY every believed address of the X-Forwarded-For chain must be loopback too: a
 * request relayed by a local reverse proxy from outside is refused, and so is one whose client
 * wrote `X-Forwarded-For: 127.0.0.1` itself (a proxy that appends leaves the real address in).
 */
import { BlockList, isIP } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, forbidden } from '../domain/errors.js';
import type { ServerMetrics } from '../metrics.js';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export function isLoopback(ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && loopback.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

/** Compares digests, so neither the token's content nor its length shows in the timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function checkAccess(req: FastifyRequest, token: string | undefined): void {
  if (token === undefined) {
    // req.ips (TRUST_PROXY only) is the socket's peer followed by the forwarded addresses.
    const chain = req.ips ?? [req.socket.remoteAddress ?? ''];
    if (!chain.every(isLoopback))
      throw forbidden('metrics are served to loopback addresses only: set METRICS_TOKEN to scrape remotely');
    return;
  }
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) {
    throw new AppError(401, 'unauthorized', 'metrics require the METRICS_TOKEN bearer token', undefined, {
      'WWW-Authenticate': 'Bearer',
    });
  }
  if (!sameSecret(m[1]!, token)) throw forbidden('wrong metrics token');
}

export function registerMetricsEndpoint(
  app: FastifyInstance,
  metrics: ServerMetrics,
  token: string | undefined,
): void {
  app.get('/metrics', async (req, reply) => {
    checkAccess(req, token);
    const text = await metrics.exposition.metrics();
    return reply.header('content-type', metrics.exposition.contentType).send(text);
  });
}
