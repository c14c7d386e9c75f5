/**
 * HTTP bodies of running a school: the payment provider's webhook, the OneRoster import and the
 * weekly timetable (docs/ARCHITECTURE.md, "Running a school").
 */
import { z } from 'zod';
import { Email } from './api.js';
import { Id } from './entities.js';

/** The header a payment provider signs its events with (Stripe's scheme). */
export const PAYMENTS_SIGNATURE_HEADER = 'Classdesk-Signature';

export const PaymentEventBody = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'expected 1 to 200 characters of A-Z a-z 0-9 _ . : -'),
  type: z.literal('payment.succeeded'),
  school_id: Id,
  teacher_email: Email,
  amount_cents: z.number().int().min(1).max(100_000_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code in capitals, e.g. EUR'),
  session_ids: z.array(Id).max(500).default([]),
});
export const PaymentEventHeaders = z.object({
  [PAYMENTS_SIGNATURE_HEADER]: z.string().meta({
    description:
      't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with PAYMENTS_WEBHOOK_SECRET>; at most 5 minutes old',
  }),
});
export const PaymentEventResponse = z.object({
  id: z.string(),
  /** `duplicate`: this event id was processed before; nothing changed. */
  status: z.enum(['processed', 'duplicate']),
});

export const ImportQuery = z.strictObject({
  dry_run: z.enum(['true', 'false']).default('false').meta({
    description: 'true: answer what would change and the rows in error, changing nothing',
  }),
});
/** The upload has no text fields: only `file` parts (the CSV files, or one zip). */
export const ImportUploadFields = z.strictObject({});

const ImportCounts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  deactivated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.number().int(),
});
export const ImportRowError = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  column: z.string().nullable(),
  message: z.string(),
});
export const ImportReport = z.object({
  dry_run: z.boolean(),
  applied: z.boolean(),
  users: ImportCounts,
  courses: ImportCounts,
  enrolments: ImportCounts,
  errors: z.array(ImportRowError),
  error_count: z.number().int(),
});
export const ImportFailure = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
  report: ImportReport,
});
export type ImportReport = z.infer<typeof ImportReport>;
export type ImportRowError = z.infer<typeof ImportRowError>;
