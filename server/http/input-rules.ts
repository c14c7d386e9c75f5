/**
 * The HTTP layer's input rules (docs/ARCHITECTURE.md, "Input rules") for what reaches the server
 * before a route's zod schema does: how JSON bodies are decoded, and the app's error shape
 * `{error:{code,message,field?}}` for the errors Fastify and Node raise themselves (malformed or
 * over-long URL, unparsable request, wrong method, media type, body).
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body is kept as raw bytes for its signature to be checked before it is parsed. */
    signedBody?: boolean;
  }
}

type ErrorBody = { error: { code: string; message: string; field?: string } };
const body = (code: string, message: string, field?: string): ErrorBody => ({
  error: { code, message, ...(field ? { field } : {}) },
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The `charset` parameter of a Content-Type header, lower-cased, or null without one. */
export function charsetOf(contentType: string | undefined): string | null {
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2] ?? '').trim().toLowerCase() : null;
}

/**
 * JSON bodies are UTF-8 (RFC 8259 §8.1): another declared charset is a 415, and bytes that are
 * not UTF-8 are a 400 rather than text silently holding U+FFFD. The JSON itself is parsed by
 * Fastify's own parser (prototype-poisoning checks included). No other body type is parsed:
 * uploads are multipart (@fastify/multipart), anything else answers 415.
 */
export function registerJsonBodies(
  app: FastifyInstance,
): (req: FastifyRequest, raw: Buffer) => Promise<unknown> {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const decode = (req: FastifyRequest, raw: Buffer): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let text: string;
      try {
        text = utf8.decode(raw);
      } catch {
        reject(new AppError(400, 'invalid_input', 'the body is not valid UTF-8', 'body'));
        return;
      }
      void parseJson(req, text, (err, value) => (err ? reject(err) : resolve(value)));
    });
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    // No route here: the answer is 404 or 405 (notFoundOrWrongMethod), whatever the body says.
    if (req.routeOptions.url === undefined) {
      done(null, undefined);
      return;
    }
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      done(
        new AppError(
          415,
          'unsupported_media_type',
          `JSON bodies must be UTF-8: charset "${charset}" is not accepted`,
          'content-type',
        ),
        undefined,
      );
      return;
    }
    // A signed body is parsed once its signature is checked (`parseSignedJson`).
    if (req.routeOptions.config.signedBody) {
      done(null, raw);
      return;
    }
    decode(req, raw as Buffer).then(
      (value) => done(null, value),
      (err: Error) => done(err, undefined),
    );
  });
  return decode;
}

/**
 * The app's answer for a Fastify error a route did not raise, or null for an unexpected one
 * (a 500 the caller logs).
 */
export function frameworkErrorBody(err: FastifyError): { status: number; body: ErrorBody } | null {
  const status = err.statusCode ?? 500;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return {
        status: 413,
        body: body('too_large', 'the request or file is larger than this server accepts'),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: body(
          'unsupported_media_type',
          'send the body as application/json (uploads as multipart/form-data)',
          'content-type',
        ),
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: body('invalid_input', 'the body is not valid JSON', 'body') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: body('invalid_input', 'the body is empty but its content type says JSON', 'body'),
      };
    case 'FST_ERR_BAD_URL':
      return { status: 400, body: body('bad_request', 'the URL is not valid (a malformed %-escape)') };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        body: body('uri_too_long', 'a part of the URL is longer than this server accepts'),
      };
  }
  if (status === 413)
    return { status, body: body('too_large', 'the request is larger than this server accepts') };
  if (status >= 400 && status < 500) {
    const field = err.code?.startsWith('FST_ERR_CTP_') ? 'body' : undefined;
    return { status, body: body('bad_request', err.message, field) };
  }
  return null;
}

/** Fastify's `frameworkErrors`: errors raised while routing (bad URL, over-long parameter). */
export function onFrameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const known = frameworkErrorBody(err);
  if (!known) req.log.error({ err }, 'unhandled error');
  void reply
    .code(known?.status ?? 500)
    .send(known?.body ?? body('internal', 'the server could not complete this request'));
}

/**
 * Fastify's `clientErrorHandler`: Node could not parse the request at all (an unknown method,
 * a malformed request line, headers or URL over Node's header size limit, a timeout). Written
 * on the socket, which is then closed, as Fastify's default does, but in the app's shape.
 */
export function onClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let payload = body('bad_request', 'the request is not valid HTTP/1.1');
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    payload = body('timeout', 'the request took too long to arrive');
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    payload = body('too_large', "the request's URL or headers are larger than this server accepts");
  }
  const json = JSON.stringify(payload);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Not-found handler: a path the server has under other methods answers 405 with `Allow`
 * listing them (RFC 9110 §15.5.6); any other path 404.
 */
export function notFoundOrWrongMethod(app: FastifyInstance) {
  return (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    const allow = METHODS.filter((method) => method !== req.method && app.findRoute({ method, url: path }));
    if (allow.length > 0) {
      return reply
        .code(405)
        .header('Allow', allow.join(', '))
        .send(body('method_not_allowed', `${req.method} is not allowed here: use ${allow.join(', ')}`));
    }
    return reply.code(404).send(body('not_found', 'no such route'));
  };
}
