/**
 * The audit log of administrative actions (docs/ARCHITECTURE.md, "Running a school"): who did
 * what to which subject, with the state before and after, written in the action's own write
 * transaction so that an action is recorded exactly when it happened.
 */
import type { WriteContext } from './changes.js';

export interface AuditEntry {
  school_id: number;
  /** The administrator; null for an action of the system (a payment provider's event). */
  actor_id: number | null;
  action: string;
  /** What the action was about, e.g. `import`, `timetable_entry:12`. */
  subject: string;
  before: unknown;
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
