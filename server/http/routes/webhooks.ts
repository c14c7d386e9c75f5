import {
  PaymentEventBody,
  PaymentEventHeaders,
  PaymentEventResponse,
} from '../../../src/shared/roster-api.js';
import { processPaymentEvent } from '../../domain/payments.js';
import { route } from '../route-table.js';

export const webhookRoutes = [
  route({
    method: 'POST',
    url: '/api/webhooks/payments',
    summary:
      "A payment provider's `payment.succeeded` event, signed (header Classdesk-Signature): the teacher is notified once per event id",
    tag: 'webhooks',
    auth: 'signature',
    school: 'body',
    headers: PaymentEventHeaders,
    body: PaymentEventBody,
    response: PaymentEventResponse,
    otherResponses: {
      401: 'bad_signature: the signature is missing, malformed, does not match the body, or is more than 5 minutes old',
      404: 'not_found: no such school, no active teacher with this email in it, or a session not theirs',
      503: 'not_configured: PAYMENTS_WEBHOOK_SECRET is not set on this server',
    },
    handler: ({ body, dom }) => processPaymentEvent(dom, body),
  }),
];
