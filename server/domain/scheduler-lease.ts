/**
 * A lease in the database that lets one server process at a time run a kind of scheduled work.
 * The holder renews it every round; a holder that crashes stops renewing, and once its lease has
 * expired the next process to ask takes it over. One atomic upsert on SQLite and PostgreSQL alike:
 * its conflict branch only updates the row for the holder itself or for an expired lease
 * (PostgreSQL locks the conflicting row and re-checks the condition, so two processes asking at
 * once cannot both win).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

const RELEASED = new Date(0).toISOString();

/** Identifies this process in the lease table (host and pid help an operator; the suffix makes it unique). */
export function leaseHolderId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export class Lease {
  /** Whether the last `acquire` took or renewed the lease. */
  held = false;

  constructor(
    private readonly db: Kysely<DB>,
    readonly name: string,
    readonly holder: string,
    readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}

  /** Takes the lease, or renews it when this process holds it; true when this process now holds it. */
  async acquire(): Promise<boolean> {
    const now = this.now();
    const row = await this.db
      .insertInto('scheduler_lease')
      .values({
        name: this.name,
        holder: this.holder,
        expires_at: new Date(now.getTime() + this.ttlMs).toISOString(),
        renewed_at: now.toISOString(),
      })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            expires_at: eb.ref('excluded.expires_at'),
            renewed_at: eb.ref('excluded.renewed_at'),
          }))
          .where((eb) =>
            eb.or([
              eb('scheduler_lease.holder', '=', this.holder),
              eb('scheduler_lease.expires_at', '<=', now.toISOString()),
            ]),
          ),
      )
      .returning('holder')
      .executeTakeFirst();
    this.held = row?.holder === this.holder;
    return this.held;
  }

  /** Gives the lease up (on shutdown), so another process need not wait for it to expire. */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.db
      .updateTable('scheduler_lease')
      .set({ expires_at: RELEASED })
      .where('name', '=', this.name)
      .where('holder', '=', this.holder)
      .execute();
  }
}
