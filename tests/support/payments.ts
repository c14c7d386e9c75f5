/** A payment provider for tests: events sent as raw JSON bytes with their Stripe-style signature. */
import { signBody } from '../../server/http/signed-body.js';
import type { ApiResponse, TestApi } from './api-client.js';
import { TEST_WEBHOOK_SECRET } from './server-fixture.js';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The headers of a signed event: `text` is exactly the body that will be sent. */
export function signedHeaders(
  text: string,
  opts: { secret?: string; t?: number } = {},
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'Classdesk-Signature': signBody(opts.secret ?? TEST_WEBHOOK_SECRET, text, opts.t ?? nowSeconds()),
  };
}

export function sendPayment(
  api: TestApi,
  event: unknown,
  opts: { secret?: string; t?: number; signature?: string; text?: string } = {},
): Promise<ApiResponse> {
  const text = opts.text ?? JSON.stringify(event);
  const headers = signedHeaders(text, opts);
  if (opts.signature) headers['Classdesk-Signature'] = opts.signature;
  return api.request('POST', '/api/webhooks/payments', { raw: text, headers });
}
