/**
 * The teacher's pending edits: applied to the local tables and queued in one transaction,
 * re-applied over freshly pulled rows, settled with the server's answers (a refused edit is
 * undone and lands in the attention list). Field writes come from the shared mutators
 * (src/shared/mutators.ts) through ./mutations.ts.
 */
import { randomUUID } from 'node:crypto';
import {
  EditRefused,
  fieldWritesOf,
  type AnyMutator,
  mutatorOf,
  type FieldWrite as EditWrite,
  type MutationInput,
  type MutationType,
} from '../../../shared/mutators.js';
import type { MutationResult } from '../../../shared/protocol.js';
import type { StoreDatabase } from './database.js';
import {
  createColumns,
  editColumns,
  fieldWrites,
  localTarget,
  type FieldWrite,
  type LocalTable,
} from './mutations.js';
import { TABLE_OF } from './tables.js';

/** The base_values field marking a row this device created for a pending edit. */
export const CREATED = '__created';
import type { LocalDB } from './schema.js';

export interface OutboxEntry {
  seq: number;
  id: string;
  school_id: number;
  type: MutationType;
  args: unknown;
  created_at: string;
}

export interface SettleResult {
  applied: number;
  rejected: number;
}

export class StoreError extends Error {
  constructor(
    /** `not_found`, `invalid_args`, or the code of a mutator's refusal (e.g. `invalid_transition`). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Outbox {
  constructor(private readonly d: StoreDatabase) {}

  private readField(w: { table: LocalTable; rowId: number; field: string }): unknown {
    const row = this.d.stmt(`select ${w.field} as v from ${w.table} where id = ?`).get(w.rowId) as
      { v: unknown } | undefined;
    return row?.v;
  }

  private writeField(w: FieldWrite): void {
    this.d.stmt(`update ${w.table} set ${w.field} = ? where id = ?`).run(w.value, w.rowId);
  }

  private saveBase(w: FieldWrite, schoolId: number, overwrite: boolean): void {
    const value = JSON.stringify(this.readField(w) ?? null);
    this.d
      .stmt(
        `insert into base_values (entity, row_id, field, school_id, value) values (?, ?, ?, ?, ?)
       on conflict(entity, row_id, field) do ${overwrite ? 'update set value = excluded.value' : 'nothing'}`,
      )
      .run(w.table, w.rowId, w.field, schoolId, value);
  }

  /**
   * Applies an edit to the local tables and appends it to the outbox in one transaction. A
   * versioned edit's base version is the row's current server version. Returns the entry and
   * the field writes it applied, as edits carry them (the UI applies them without a re-read).
   */
  enqueue<T extends MutationType>(
    type: T,
    input: MutationInput<T>,
    now: string,
  ): { entry: OutboxEntry; writes: EditWrite[] } {
    const m = mutatorOf(type);
    const run = this.d.sqlite.transaction((): { entry: OutboxEntry; writes: EditWrite[] } => {
      const rowId = m.rowId(input);
      const select = `select school_id, version, ${[...editColumns(m.table), ...createColumns(m)].join(', ')} from ${m.table} where id = ?`;
      let row = this.d.stmt(select).get(rowId) as
        (Record<string, unknown> & { school_id: number; version: number }) | undefined;
      if (!row && m.create) {
        // A row this device creates: made here at once, and undone if the server refuses it.
        this.checkReferences(m, input);
        const school = m.create.schoolId(input);
        if (!this.d.stmt('select 1 from schools where id = ?').get(school))
          throw new StoreError('not_found', `school ${school} is not on this device`);
        const cols = { id: rowId, school_id: school, ...(m.create.columns?.(input) ?? {}) };
        this.d
          .stmt(
            `insert into ${m.table} (${Object.keys(cols).join(', ')}) values (${Object.keys(cols)
              .map(() => '?')
              .join(', ')})`,
          )
          .run(...Object.values(cols));
        this.d
          .stmt(
            `insert or ignore into base_values (entity, row_id, field, school_id, value) values (?, ?, '${CREATED}', ?, 'null')`,
          )
          .run(m.table, rowId, school);
        row = this.d.stmt(select).get(rowId) as Record<string, unknown> & {
          school_id: number;
          version: number;
        };
      }
      if (!row)
        throw new StoreError('not_found', `${m.table.replace(/s$/, '')} ${rowId} is not on this device`);
      this.checkReferences(m, input);
      const parsed = m.argsSchema.safeParse(m.versioned ? { ...input, base_version: row.version } : input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new StoreError(
          'invalid_args',
          `${issue?.path.join('.') || 'args'}: ${issue?.message ?? 'invalid edit'}`,
        );
      }
      try {
        m.check?.(localTarget(m.table, row, createColumns(m)), parsed.data);
      } catch (e) {
        if (e instanceof EditRefused) throw new StoreError(e.code, e.message);
        throw e;
      }
      for (const w of fieldWrites(type, parsed.data, now)) {
        this.saveBase(w, row.school_id, false);
        this.writeField(w);
      }
      const entry = { id: randomUUID(), school_id: row.school_id, type, args: parsed.data, created_at: now };
      const r = this.d
        .stmt('insert into outbox (id, school_id, type, args, created_at) values (?, ?, ?, ?, ?)')
        .run(entry.id, entry.school_id, entry.type, JSON.stringify(entry.args), entry.created_at);
      return {
        entry: { ...entry, seq: Number(r.lastInsertRowid) },
        writes: fieldWritesOf(type, parsed.data, now),
      };
    });
    return run.immediate();
  }

  pending(limit = 1_000_000): OutboxEntry[] {
    return (
      this.d.stmt('select * from outbox order by seq limit ?').all(limit) as Array<
        Omit<OutboxEntry, 'args'> & { args: string }
      >
    ).map((r) => ({ ...r, args: JSON.parse(r.args) as unknown }));
  }

  pendingCount(): number {
    return (this.d.stmt('select count(*) as n from outbox').get() as { n: number }).n;
  }

  /**
   * Records the server's answers to pushed edits: applied (or a duplicate of an applied one)
   * leaves the outbox; a rejection is undone locally and lands in the attention list.
   */
  settle(results: MutationResult[], now: string): SettleResult {
    const out: SettleResult = { applied: 0, rejected: 0 };
    const run = this.d.sqlite.transaction(() => {
      for (const r of results) {
        const row = this.d.stmt('select * from outbox where id = ?').get(r.id) as
          (Omit<OutboxEntry, 'args'> & { args: string }) | undefined;
        if (!row) continue;
        const entry: OutboxEntry = { ...row, args: JSON.parse(row.args) as unknown };
        const rejected =
          r.status === 'rejected' || (r.status === 'duplicate' && r.original_status === 'rejected');
        this.d.stmt('delete from outbox where id = ?').run(r.id);
        const writes = fieldWrites(entry.type, entry.args, now);
        if (rejected) {
          out.rejected++;
          this.d
            .stmt(
              'insert or replace into attention (id, school_id, type, args, code, message, conflict, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
            )
            .run(
              entry.id,
              entry.school_id,
              entry.type,
              row.args,
              r.code ?? 'rejected',
              r.message ?? 'rejected by the server',
              r.conflict ? JSON.stringify(r.conflict) : null,
              now,
            );
          this.undo(writes, now);
        } else {
          out.applied++;
          for (const w of writes) if (!this.fieldHasPending(w, now)) this.deleteBase(w);
          const created = writes[0] && { ...writes[0], field: CREATED };
          if (created && !this.rowHasPending(created, now)) this.deleteBase(created);
        }
      }
    });
    run.immediate();
    return out;
  }

  /** Refuses an edit naming rows (students, files, courses) this device does not hold in the school. */
  private checkReferences(m: AnyMutator, input: unknown): void {
    const refs = m.references?.(input as never) ?? [];
    if (refs.every((r) => r.ids.length === 0)) return;
    const school = m.create
      ? m.create.schoolId(input as never)
      : (
          this.d.stmt(`select school_id from ${m.table} where id = ?`).get(m.rowId(input as never)) as
            { school_id: number } | undefined
        )?.school_id;
    for (const ref of refs) {
      for (const id of ref.ids) {
        const held = this.d
          .stmt(`select 1 from ${TABLE_OF[ref.entity]} where id = ? and school_id = ?`)
          .get(id, school ?? -1);
        if (!held) throw new StoreError('not_found', `${ref.entity} ${id} is not on this device`);
      }
    }
  }

  private rowHasPending(w: { table: LocalTable; rowId: number }, now: string): boolean {
    return this.pending().some((e) =>
      fieldWrites(e.type, e.args, now).some((x) => x.table === w.table && x.rowId === w.rowId),
    );
  }

  private fieldHasPending(w: FieldWrite, now: string): boolean {
    return this.pending().some((e) =>
      fieldWrites(e.type, e.args, now).some(
        (x) => x.table === w.table && x.rowId === w.rowId && x.field === w.field,
      ),
    );
  }

  private deleteBase(w: FieldWrite): void {
    this.d
      .stmt('delete from base_values where entity = ? and row_id = ? and field = ?')
      .run(w.table, w.rowId, w.field);
  }

  /** Puts the server's value back, then the edits still pending for the same field; a row this
   * device created for the refused edit goes, unless another pending edit still writes it. */
  private undo(writes: FieldWrite[], now: string): void {
    const first = writes[0];
    if (first) {
      const marker = this.d
        .stmt('select 1 from base_values where entity = ? and row_id = ? and field = ?')
        .get(first.table, first.rowId, CREATED);
      if (marker && !this.rowHasPending(first, now)) {
        this.d.stmt(`delete from ${first.table} where id = ?`).run(first.rowId);
        this.d.stmt('delete from base_values where entity = ? and row_id = ?').run(first.table, first.rowId);
        return;
      }
    }
    for (const w of writes) {
      const base = this.d
        .stmt('select value from base_values where entity = ? and row_id = ? and field = ?')
        .get(w.table, w.rowId, w.field) as { value: string } | undefined;
      if (base) this.writeField({ ...w, value: JSON.parse(base.value) as FieldWrite['value'] });
      let still = false;
      for (const e of this.pending()) {
        for (const x of fieldWrites(e.type, e.args, now)) {
          if (x.table === w.table && x.rowId === w.rowId && x.field === w.field) {
            this.writeField(x);
            still = true;
          }
        }
      }
      if (!still) this.deleteBase(w);
    }
  }

  /**
   * The attention list, each entry with `subject`: the title of what the edit was about (the
   * session, the session of an attendance mark, the resource, the notification, the student of a
   * private note, the template) while this device still holds it.
   */
  attention(): Array<LocalDB['attention'] & { subject: string | null }> {
    return this.d
      .stmt(
        `select a.*, coalesce(
         (select title from sessions where id = json_extract(a.args, '$.session_id')),
         (select s.title from enrolments e join sessions s on s.id = e.session_id
           where e.id = json_extract(a.args, '$.enrolment_id')),
         (select title from resources where id = json_extract(a.args, '$.resource_id')),
         (select title from notifications where id = json_extract(a.args, '$.notification_id')),
         (select name from students where id = json_extract(a.args, '$.student_id') and school_id = a.school_id),
         (select name from plan_templates where id = json_extract(a.args, '$.template_id')),
         json_extract(a.args, '$.name')
       ) as subject
       from attention a order by a.created_at, a.id`,
      )
      .all() as Array<LocalDB['attention'] & { subject: string | null }>;
  }

  /** Removes an entry from the attention list (the teacher discarded it, or it was retried). */
  dismissAttention(id: string): LocalDB['attention'] | undefined {
    const row = this.d.stmt('select * from attention where id = ?').get(id) as
      LocalDB['attention'] | undefined;
    if (row) this.d.stmt('delete from attention where id = ?').run(id);
    return row;
  }

  reapplyPending(upserted: Set<string>, now: string): void {
    const seen = new Set<string>();
    for (const entry of this.pending()) {
      for (const w of fieldWrites(entry.type, entry.args, now)) {
        if (!upserted.has(`${w.table}:${w.rowId}`)) continue;
        const key = `${w.table}:${w.rowId}:${w.field}`;
        if (!seen.has(key)) {
          seen.add(key);
          this.saveBase(w, entry.school_id, true);
        }
        this.writeField(w);
      }
    }
  }
}
