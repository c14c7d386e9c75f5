import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { writeTransaction, type WriteContext } from './changes.js';
import type { MailChannel } from './email-jobs.js';
import type { DomainEvents } from './events.js';

/** What every domain operation needs: the database (per request), the event sink and a clock. */
export interface DomainContext {
  db: Kysely<DB>;
  events: DomainEvents;
  now(): Date;
  /** The email channel (absent or disabled: notifications queue no email). */
  mail?: MailChannel;
}

/** A write transaction whose logged changes are announced (pokes) once it has committed. */
export async function write<T>(ctx: DomainContext, fn: (w: WriteContext) => Promise<T>): Promise<T> {
  const r = await writeTransaction(ctx.db, fn, ctx.now());
  if (r.changes.length > 0) ctx.events.changed(r.changes, r.lastSeq);
  return r.value;
}
