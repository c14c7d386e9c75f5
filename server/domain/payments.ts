/**
 * Payments that notify (docs/ARCHITECTURE.md, "Running a school"): a payment provider's
 * `payment.succeeded` event, its signature already checked (server/http/signed-body.ts), becomes
 * one `payment_processed` notification for the teacher it names. Each event id is processed
 * exactly once: `payment_events` is keyed by it, and a replay or a concurrent duplicate answers
 * `duplicate` having changed nothing (its transaction is rolled back).
 */
import type { z } from 'zod';
import type { PaymentEventBody } from '../../src/shared/roster-api.js';
import type { WriteContext } from './changes.js';
import { write, type DomainContext } from './context.js';
import { AppError } from './errors.js';
import { createNotifications, expiryFrom, type NewNotification } from './notifications.js';

type PaymentEvent = z.infer<typeof PaymentEventBody>;

/** Thrown inside the write to roll it back when another request processed the event first. */
class AlreadyProcessed extends Error {}

/**
 * The payment's notification: the amount, currency and number of sessions travel as `params`,
 * which each reader renders in its own language (src/shared/notification-text.ts); the server
 * writes no sentence of its own.
 */
export function paymentParams(e: PaymentEvent): Record<string, string | number> {
  return { amount_cents: e.amount_cents, currency: e.currency, sessions: e.session_ids.length };
}

function paymentNotification(e: PaymentEvent, teacherId: number, now: string): NewNotification {
  return {
    school_id: e.school_id,
    user_id: teacherId,
    type: 'payment_processed',
    params: paymentParams(e),
    action_url: e.session_ids.length === 1 ? `classdesk://sessions/${e.session_ids[0]}` : '',
    expires_at: expiryFrom(now),
  };
}

const unknownTeacher = () =>
  new AppError(404, 'not_found', 'no active teacher with this email in this school', 'teacher_email');

async function checkEvent(w: WriteContext, e: PaymentEvent): Promise<number> {
  // An unknown school and a school the teacher is not in answer alike: the answer says nothing
  // of which schools exist (docs/ARCHITECTURE.md, invariant 1).
  const teacher = await w.trx
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select('users.id')
    .where('users.email', '=', e.teacher_email)
    .where('memberships.school_id', '=', e.school_id)
    .where('memberships.role', '=', 'teacher')
    .where('memberships.active', '=', 1)
    .executeTakeFirst();
  if (!teacher) throw unknownTeacher();
  const ids = [...new Set(e.session_ids)];
  if (ids.length > 0) {
    const found = await w.trx
      .selectFrom('class_sessions')
      .select('id')
      .where('id', 'in', ids)
      .where('school_id', '=', e.school_id)
      .where('teacher_id', '=', teacher.id)
      .execute();
    if (found.length !== ids.length)
      throw new AppError(
        404,
        'not_found',
        "a session is not one of this teacher's in this school",
        'session_ids',
      );
  }
  return teacher.id;
}

export async function processPaymentEvent(
  ctx: DomainContext,
  e: PaymentEvent,
): Promise<{ id: string; status: 'processed' | 'duplicate' }> {
  const seen = await ctx.db
    .selectFrom('payment_events')
    .select('id')
    .where('id', '=', e.id)
    .executeTakeFirst();
  if (seen) return { id: e.id, status: 'duplicate' };
  try {
    await write(ctx, async (w) => {
      const teacherId = await checkEvent(w, e);
      const inserted = await w.trx
        .insertInto('payment_events')
        .values({
          id: e.id,
          school_id: e.school_id,
          teacher_id: teacherId,
          amount_cents: e.amount_cents,
          currency: e.currency,
          session_ids: JSON.stringify(e.session_ids),
          notification_id: null,
          received_at: w.now,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      // A concurrent request with the same id committed first.
      if (!inserted) throw new AlreadyProcessed();
      const [n] = await createNotifications(w, ctx, [paymentNotification(e, teacherId, w.now)]);
      await w.trx
        .updateTable('payment_events')
        .set({ notification_id: n!.id })
        .where('id', '=', e.id)
        .execute();
    });
  } catch (err) {
    if (err instanceof AlreadyProcessed) return { id: e.id, status: 'duplicate' };
    throw err;
  }
  return { id: e.id, status: 'processed' };
}
