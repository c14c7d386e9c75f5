/**
 * The audit log of admin writes (table `admin_audit`, migration 0006; docs/ARCHITECTURE.md,
 * "Running a school"): who, what, when, and the subject before → after. Written inside the
 * write's own transaction, so a write that rolls back leaves no entry and an entry never misses
 * its write.
 */
import type { WriteContext } from './changes.js';

export interface AuditEntry {
  school_id: number;
  /** The administrator who did it. */
  actor_id: number;
  /** What was done, `<thing>.<verb>` (e.g. `session.update`). */
  action: string;
  /** What it was done to, `<thing>:<id>` (e.g. `session:12`, `import`). */
  subject: string;
  /** The subject's fields before the write (null: it did not exist). */
  before: unknown;
  /** The subject's fields after the write (null: it no longer exists). */
  after: unknown;
}

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

export async function audit(w: WriteContext, e: AuditEntry): Promise<void> {
  await w.trx
    .insertInto('admin_audit')
    .values({
      school_id: e.school_id,
      actor_id: e.actor_id,
      action: e.action,
      subject: e.subject,
      before: json(e.before),
      after: json(e.after),
      created_at: w.now,
    })
    .execute();
}

/** Only the fields a write changed, before and after (an audit entry names what moved). */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a };
}
