/**
 * Signed request bodies, the way Stripe signs its webhooks (docs/ARCHITECTURE.md, "Running a
 * school"): header `Classdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<raw body>")>`. The signature is checked over the bytes as received, before they are
 * parsed, with a constant-time comparison; a timestamp more than five minutes away from the
 * server's clock is refused, so a captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../domain/errors.js';

export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function signBody(secret: string, body: Buffer | string, t: number): string {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${mac}`;
}

const refused = (message: string) => new AppError(401, 'bad_signature', message, 'Classdesk-Signature');

/** Throws a 401 naming the header unless `header` signs `body` with `secret` within the tolerance. */
export function verifySignedBody(
  secret: string,
  header: string | string[] | undefined,
  body: Buffer,
  now: Date,
): void {
  if (typeof header !== 'string' || header === '') throw refused('the Classdesk-Signature header is missing');
  let t: number | undefined;
  const given: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) given.push(Buffer.from(value, 'hex'));
  }
  if (t === undefined || given.length === 0)
    throw refused('the Classdesk-Signature header must read t=<unix seconds>,v1=<hex HMAC-SHA256>');
  if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS)
    throw refused('the signature is more than 5 minutes old (or ahead): check the clocks and send again');
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  // Every candidate is compared in full, in constant time.
  let ok = false;
  for (const g of given) ok = timingSafeEqual(g, expected) || ok;
  if (!ok) throw refused('the signature does not match the body');
}
