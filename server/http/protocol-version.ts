/**
 * The sync protocol's version on the wire (src/shared/protocol.ts, PROTOCOL_HEADER): every answer
 * says which version this server speaks, and a push or pull that states another version is
 * refused with 426 and a code saying which side to update, before anything is read or written.
 * A request that states no version (a script, curl) is taken as the current one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/shared/protocol.js';
import { AppError } from '../domain/errors.js';

export function registerProtocolHeader(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    void reply.header(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    return payload;
  });
}

/** For the sync routes: refuses a request whose stated protocol version is not this server's. */
export async function requireProtocolVersion(req: FastifyRequest): Promise<void> {
  const raw = req.headers[PROTOCOL_HEADER];
  if (raw === undefined) return;
  const stated = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isInteger(stated) || stated < 1)
    throw new AppError(
      400,
      'invalid_input',
      `${PROTOCOL_HEADER} must be a positive integer`,
      PROTOCOL_HEADER,
    );
  if (stated < PROTOCOL_VERSION)
    throw new AppError(
      426,
      'app_outdated',
      `This version of Classdesk is too old for this server (sync protocol ${stated}; the server speaks ${PROTOCOL_VERSION}): update the app.`,
    );
  if (stated > PROTOCOL_VERSION)
    throw new AppError(
      426,
      'server_outdated',
      `This server is older than the app (sync protocol ${PROTOCOL_VERSION}; the app speaks ${stated}): ask your school to update the Classdesk server.`,
    );
}
