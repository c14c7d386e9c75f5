/**
 * Pulled rows into the local tables: each batch with its cursor in one transaction (a crash
 * resumes after the last applied batch), pending edits re-applied on top; the per-school
 * checksum the server's is compared with; a school forgotten to be fetched again.
 */
import { ViewChecksum } from '../../../shared/checksum.js';
import { ENTITIES, type NotificationRow } from '../../../shared/entities.js';
import type { PullChange } from '../../../shared/protocol.js';
import type { StoreDatabase } from './database.js';
import { referencedHashes } from './file-tables.js';
import type { Outbox } from './outbox.js';
import type { LocalDB } from './schema.js';
import { SCHOOL_TABLES, TABLES } from './tables.js';
import { CREATED } from './outbox.js';
import { EDIT_TABLES, EDIT_TABLE_NAMES } from '../../../shared/mutators.js';

/** Tables whose rows a device creates (docs/ARCHITECTURE.md, "Rows a device creates"). */
const CREATABLE = new Set<string>(EDIT_TABLE_NAMES.filter((t) => EDIT_TABLES[t].perTeacher));

export interface PullBatch {
  changes: PullChange[];
  cursor: string;
  total: number | null;
  done: number | null;
  /** Set on the batch that settles the pull. */
  checksum: string | null;
}

export interface ApplyResult {
  /** Notifications this device has not announced before (unread, not dismissed). */
  newNotifications: NotificationRow[];
  /** The files (sha256) of resources the batch removed that no other resource or upload refers to. */
  unusedFiles: string[];
}

export class PullApply {
  constructor(
    private readonly d: StoreDatabase,
    private readonly outbox: Outbox,
  ) {}

  /** Whether this device holds anything of a school (rows or a sync state). */
  holdsSchool(schoolId: number): boolean {
    return (
      this.syncState(schoolId) !== undefined ||
      this.d.stmt('select 1 from schools where id = ?').get(schoolId) !== undefined
    );
  }

  syncState(schoolId: number): LocalDB['sync_state'] | undefined {
    return this.d.stmt('select * from sync_state where school_id = ?').get(schoolId) as
      LocalDB['sync_state'] | undefined;
  }

  /** Schools this device holds (has started syncing). */
  schoolIds(): number[] {
    return (
      this.d.stmt('select school_id from sync_state order by school_id').all() as Array<{ school_id: number }>
    ).map((r) => r.school_id);
  }

  /**
   * Applies one pull batch and saves its cursor in the same transaction, so a crash resumes
   * exactly after the last applied batch. Pending edits are re-applied on the fresh rows.
   */
  applyPullBatch(schoolId: number, batch: PullBatch, now: string): ApplyResult {
    const run = this.d.sqlite.transaction((): ApplyResult => {
      // Only pending edits need to know which rows came in (a first sync has none).
      const pending = this.outbox.pendingCount() > 0;
      const upserted = new Set<string>();
      const newNotifications: NotificationRow[] = [];
      const removedFiles: string[] = [];
      for (const c of batch.changes) {
        const t = TABLES[c.entity];
        if (c.op === 'upsert') {
          if (c.entity !== 'school' && (c.row as { school_id: number }).school_id !== schoolId) continue;
          if (c.entity === 'school' && c.row.id !== schoolId) continue;
          this.d.stmt(t.upsert).run(...t.toRow(c.row));
          if (pending) upserted.add(`${t.table}:${c.row.id}`);
          if (c.entity === 'notification') {
            const n = c.row;
            if (!n.is_read && !n.is_dismissed && this.markAnnounced(n.id)) newNotifications.push(n);
          }
        } else {
          if (c.entity === 'school') {
            if (c.id === schoolId) this.d.stmt('delete from schools where id = ?').run(c.id);
          } else {
            if (c.entity === 'resource') {
              const r = this.d
                .stmt('select sha256 from resources where id = ? and school_id = ?')
                .get(c.id, schoolId) as { sha256: string } | undefined;
              if (r) removedFiles.push(r.sha256);
            }
            // Students are keyed by (school, user id); every other row by its id within the school.
            this.d.stmt(`delete from ${t.table} where id = ? and school_id = ?`).run(c.id, schoolId);
          }
          this.d.stmt('delete from base_values where entity = ? and row_id = ?').run(t.table, c.id);
        }
      }
      if (upserted.size > 0) this.outbox.reapplyPending(upserted, now);
      this.d
        .stmt(
          `insert into sync_state (school_id, cursor, checksum, total, done, last_synced_at) values (?, ?, ?, ?, ?, ?)
         on conflict(school_id) do update set cursor = excluded.cursor,
           checksum = coalesce(excluded.checksum, sync_state.checksum), total = excluded.total, done = excluded.done,
           last_synced_at = coalesce(excluded.last_synced_at, sync_state.last_synced_at)`,
        )
        .run(schoolId, batch.cursor, batch.checksum, batch.total, batch.done, batch.checksum ? now : null);
      const used = referencedHashes(this.d, removedFiles);
      return { newNotifications, unusedFiles: [...new Set(removedFiles)].filter((h) => !used.has(h)) };
    });
    return run.immediate();
  }

  /** A notification that arrived on the socket: stored like a pulled row. */
  applyNotification(n: NotificationRow, now: string): ApplyResult {
    const state = this.syncState(n.school_id);
    if (!state) return { newNotifications: [], unusedFiles: [] };
    return this.applyPullBatch(
      n.school_id,
      {
        changes: [{ op: 'upsert', entity: 'notification', row: n }],
        cursor: state.cursor ?? '',
        total: state.total,
        done: state.done,
        checksum: null,
      },
      now,
    );
  }

  /** True the first time a notification is seen on this device. */
  private markAnnounced(id: number): boolean {
    return this.d.stmt('insert or ignore into announced_notifications (id) values (?)').run(id).changes === 1;
  }

  /** The checksum of this device's copy of a school, computed like the server's. */
  localChecksum(schoolId: number): string {
    const sum = new ViewChecksum();
    for (const e of ENTITIES) {
      const t = TABLES[e];
      // A row this device created for an edit still pending is not in the server's view yet.
      const where =
        e === 'school'
          ? 'id = ?'
          : CREATABLE.has(t.table)
            ? `school_id = ? and not exists (select 1 from base_values b where b.entity = '${t.table}'
                 and b.row_id = ${t.table}.id and b.field = '${CREATED}')`
            : 'school_id = ?';
      for (const r of this.d
        .stmt(`select id, version from ${t.table} where ${where}`)
        .iterate(schoolId) as Iterable<{ id: number; version: number }>) {
        sum.add(e, r.id, r.version);
      }
    }
    return sum.digest();
  }

  /** Forgets a school's rows and cursor so the next pull re-fetches its whole view (checksum mismatch). */
  /**
   * Starts a school over (a checksum mismatch, a cursor the server refused): its rows go and come
   * back with a full pull. The notifications already announced stay marked, so the re-fetch does
   * not show them again.
   */
  resetSchool(schoolId: number): void {
    this.d.sqlite
      .transaction(() => {
        const announced = this.d
          .stmt(
            'select a.id from announced_notifications a join notifications n on n.id = a.id where n.school_id = ?',
          )
          .all(schoolId) as Array<{ id: number }>;
        this.deleteSchoolRows(schoolId);
        this.d.stmt('delete from sync_state where school_id = ?').run(schoolId);
        for (const { id } of announced) this.markAnnounced(id);
      })
      .immediate();
  }

  deleteSchoolRows(schoolId: number): void {
    for (const [table, col] of SCHOOL_TABLES) {
      if (table === 'notifications') {
        this.d
          .stmt(
            'delete from announced_notifications where id in (select id from notifications where school_id = ?)',
          )
          .run(schoolId);
      }
      this.d.stmt(`delete from ${table} where ${col} = ?`).run(schoolId);
    }
  }
}
