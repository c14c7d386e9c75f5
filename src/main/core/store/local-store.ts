/**
 * The device's local store: one SQLite database per signed-in user and server. It holds the
 * scoped view of each school as last pulled, with the teacher's pending edits applied on top,
 * the sync state, the outbox, the "needs attention" list and the quarantine of a revoked
 * school's pending edits.
 *
 * Writes are synchronous better-sqlite3 transactions (atomic, and the hot path of a sync);
 * reads for the UI go through Kysely (`queries.ts`). `secure_delete` is on, so deleted rows are
 * overwritten in the file, and revocation truncates the WAL: nothing of a revoked school stays
 * in the database's bytes.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ViewChecksum } from '../../../shared/checksum.js';
import { ENTITIES, type Entity, type EntityRow, type NotificationRow } from '../../../shared/entities.js';
import { ENTITY_COLUMNS } from '../../../shared/entity-columns.js';
import {
  EditRefused,
  fieldWritesOf,
  mutatorOf,
  type FieldWrite as EditWrite,
  type MutationInput,
  type MutationType,
} from '../../../shared/mutators.js';
import type { MutationResult, PullChange } from '../../../shared/protocol.js';
import { clientMigrations } from '../../../../migrations/client/index.js';
import { runMigrations } from '../../../../migrations/run.js';
import { editColumns, fieldWrites, localTarget, type FieldWrite, type LocalTable } from './mutations.js';
import type { LocalDB } from './schema.js';
import { keepingStatements } from '../../../shared/sqlite-statements.js';

export interface OpenOptions {
  /** Path of better-sqlite3's native module built for this runtime (Electron); default: Node's. */
  nativeBinding?: string;
}

export interface OutboxEntry {
  seq: number;
  id: string;
  school_id: number;
  type: MutationType;
  args: unknown;
  created_at: string;
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

interface TableSpec {
  table: string;
  columns: string[];
  /** The upsert of a pulled row (built once: the statement cache is keyed by this string). */
  upsert: string;
  toRow(r: EntityRow[Entity]): unknown[];
}

/** The device table holding each entity. */
export const TABLE_OF: Record<Entity, string> = {
  school: 'schools',
  course: 'courses',
  student: 'students',
  session: 'sessions',
  enrolment: 'enrolments',
  resource: 'resources',
  announcement: 'announcements',
  notification: 'notifications',
};

/** A field as SQLite stores it: flags as 0/1, lists as JSON text. */
const toColumn = (v: unknown): unknown =>
  typeof v === 'boolean' ? (v ? 1 : 0) : Array.isArray(v) ? JSON.stringify(v) : v;

const TABLES = Object.fromEntries(
  ENTITIES.map((e): [Entity, TableSpec] => {
    const columns: string[] = ENTITY_COLUMNS[e];
    const table = TABLE_OF[e];
    return [
      e,
      {
        table,
        columns,
        upsert: `insert or replace into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
        toRow: (r) => columns.map((c) => toColumn((r as Record<string, unknown>)[c])),
      },
    ];
  }),
) as Record<Entity, TableSpec>;

/** Tables holding a school's rows, with the column naming the school. */
const SCHOOL_TABLES: Array<[string, string]> = ENTITIES.map((e) => [
  TABLE_OF[e],
  e === 'school' ? 'id' : 'school_id',
]);

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
}

export interface SettleResult {
  applied: number;
  rejected: number;
}

export class LocalStore {
  readonly db: Kysely<LocalDB>;
  private readonly stmts = new Map<string, SQLite.Statement>();

  private constructor(
    readonly sqlite: SQLite.Database,
    readonly file: string,
  ) {
    this.db = new Kysely<LocalDB>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }) });
  }

  static async open(file: string, opts: OpenOptions = {}): Promise<LocalStore> {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new SQLite(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('busy_timeout = 5000');
    const store = new LocalStore(sqlite, file);
    await runMigrations(store.db, clientMigrations);
    if (!store.getMeta('client_id')) store.setMeta('client_id', randomUUID());
    return store;
  }

  private stmt(sql: string): SQLite.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  getMeta(key: string): string | undefined {
    return (this.stmt('select value from meta where key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt(
      'insert into meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value',
    ).run(key, value);
  }

  /** This device's id in push requests (stable for the life of the store). */
  get clientId(): string {
    return this.getMeta('client_id')!;
  }

  // ---- sync state ----------------------------------------------------------------------

  syncState(schoolId: number): LocalDB['sync_state'] | undefined {
    return this.stmt('select * from sync_state where school_id = ?').get(schoolId) as
      LocalDB['sync_state'] | undefined;
  }

  /** Schools this device holds (has started syncing). */
  schoolIds(): number[] {
    return (
      this.stmt('select school_id from sync_state order by school_id').all() as Array<{ school_id: number }>
    ).map((r) => r.school_id);
  }

  /**
   * Applies one pull batch and saves its cursor in the same transaction, so a crash resumes
   * exactly after the last applied batch. Pending edits are re-applied on the fresh rows.
   */
  applyPullBatch(schoolId: number, batch: PullBatch, now: string): ApplyResult {
    const run = this.sqlite.transaction((): ApplyResult => {
      // Only pending edits need to know which rows came in (a first sync has none).
      const pending = this.pendingCount() > 0;
      const upserted = new Set<string>();
      const newNotifications: NotificationRow[] = [];
      for (const c of batch.changes) {
        const t = TABLES[c.entity];
        if (c.op === 'upsert') {
          if (c.entity !== 'school' && (c.row as { school_id: number }).school_id !== schoolId) continue;
          if (c.entity === 'school' && c.row.id !== schoolId) continue;
          this.stmt(t.upsert).run(...t.toRow(c.row));
          if (pending) upserted.add(`${t.table}:${c.row.id}`);
          if (c.entity === 'notification') {
            const n = c.row;
            if (!n.is_read && !n.is_dismissed && this.markAnnounced(n.id)) newNotifications.push(n);
          }
        } else {
          if (c.entity === 'school') {
            if (c.id === schoolId) this.stmt('delete from schools where id = ?').run(c.id);
          } else {
            // Students are keyed by (school, user id); every other row by its id within the school.
            this.stmt(`delete from ${t.table} where id = ? and school_id = ?`).run(c.id, schoolId);
          }
          this.stmt('delete from base_values where entity = ? and row_id = ?').run(t.table, c.id);
        }
      }
      if (upserted.size > 0) this.reapplyPending(upserted, now);
      this.stmt(
        `insert into sync_state (school_id, cursor, checksum, total, done, last_synced_at) values (?, ?, ?, ?, ?, ?)
         on conflict(school_id) do update set cursor = excluded.cursor,
           checksum = coalesce(excluded.checksum, sync_state.checksum), total = excluded.total, done = excluded.done,
           last_synced_at = coalesce(excluded.last_synced_at, sync_state.last_synced_at)`,
      ).run(schoolId, batch.cursor, batch.checksum, batch.total, batch.done, batch.checksum ? now : null);
      return { newNotifications };
    });
    return run.immediate();
  }

  /** A notification that arrived on the socket: stored like a pulled row. */
  applyNotification(n: NotificationRow, now: string): ApplyResult {
    const state = this.syncState(n.school_id);
    if (!state) return { newNotifications: [] };
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
    return this.stmt('insert or ignore into announced_notifications (id) values (?)').run(id).changes === 1;
  }

  private reapplyPending(upserted: Set<string>, now: string): void {
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

  private readField(w: { table: LocalTable; rowId: number; field: string }): unknown {
    const row = this.stmt(`select ${w.field} as v from ${w.table} where id = ?`).get(w.rowId) as
      { v: unknown } | undefined;
    return row?.v;
  }

  private writeField(w: FieldWrite): void {
    this.stmt(`update ${w.table} set ${w.field} = ? where id = ?`).run(w.value, w.rowId);
  }

  private saveBase(w: FieldWrite, schoolId: number, overwrite: boolean): void {
    const value = JSON.stringify(this.readField(w) ?? null);
    this.stmt(
      `insert into base_values (entity, row_id, field, school_id, value) values (?, ?, ?, ?, ?)
       on conflict(entity, row_id, field) do ${overwrite ? 'update set value = excluded.value' : 'nothing'}`,
    ).run(w.table, w.rowId, w.field, schoolId, value);
  }

  // ---- offline edits -------------------------------------------------------------------

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
    const run = this.sqlite.transaction((): { entry: OutboxEntry; writes: EditWrite[] } => {
      const rowId = m.rowId(input);
      const row = this.stmt(
        `select school_id, version, ${editColumns(m.table).join(', ')} from ${m.table} where id = ?`,
      ).get(rowId) as (Record<string, unknown> & { school_id: number; version: number }) | undefined;
      if (!row)
        throw new StoreError('not_found', `${m.table.replace(/s$/, '')} ${rowId} is not on this device`);
      const parsed = m.argsSchema.safeParse(m.versioned ? { ...input, base_version: row.version } : input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new StoreError(
          'invalid_args',
          `${issue?.path.join('.') || 'args'}: ${issue?.message ?? 'invalid edit'}`,
        );
      }
      try {
        m.check?.(localTarget(m.table, row), parsed.data);
      } catch (e) {
        if (e instanceof EditRefused) throw new StoreError(e.code, e.message);
        throw e;
      }
      for (const w of fieldWrites(type, parsed.data, now)) {
        this.saveBase(w, row.school_id, false);
        this.writeField(w);
      }
      const entry = { id: randomUUID(), school_id: row.school_id, type, args: parsed.data, created_at: now };
      const r = this.stmt(
        'insert into outbox (id, school_id, type, args, created_at) values (?, ?, ?, ?, ?)',
      ).run(entry.id, entry.school_id, entry.type, JSON.stringify(entry.args), entry.created_at);
      return {
        entry: { ...entry, seq: Number(r.lastInsertRowid) },
        writes: fieldWritesOf(type, parsed.data, now),
      };
    });
    return run.immediate();
  }

  pending(limit = 1_000_000): OutboxEntry[] {
    return (
      this.stmt('select * from outbox order by seq limit ?').all(limit) as Array<
        Omit<OutboxEntry, 'args'> & { args: string }
      >
    ).map((r) => ({ ...r, args: JSON.parse(r.args) as unknown }));
  }

  pendingCount(): number {
    return (this.stmt('select count(*) as n from outbox').get() as { n: number }).n;
  }

  /**
   * Records the server's answers to pushed edits: applied (or a duplicate of an applied one)
   * leaves the outbox; a rejection is undone locally and lands in the attention list.
   */
  settle(results: MutationResult[], now: string): SettleResult {
    const out: SettleResult = { applied: 0, rejected: 0 };
    const run = this.sqlite.transaction(() => {
      for (const r of results) {
        const row = this.stmt('select * from outbox where id = ?').get(r.id) as
          (Omit<OutboxEntry, 'args'> & { args: string }) | undefined;
        if (!row) continue;
        const entry: OutboxEntry = { ...row, args: JSON.parse(row.args) as unknown };
        const rejected =
          r.status === 'rejected' || (r.status === 'duplicate' && r.original_status === 'rejected');
        this.stmt('delete from outbox where id = ?').run(r.id);
        const writes = fieldWrites(entry.type, entry.args, now);
        if (rejected) {
          out.rejected++;
          this.stmt(
            'insert or replace into attention (id, school_id, type, args, code, message, conflict, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
          ).run(
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
        }
      }
    });
    run.immediate();
    return out;
  }

  private fieldHasPending(w: FieldWrite, now: string): boolean {
    return this.pending().some((e) =>
      fieldWrites(e.type, e.args, now).some(
        (x) => x.table === w.table && x.rowId === w.rowId && x.field === w.field,
      ),
    );
  }

  private deleteBase(w: FieldWrite): void {
    this.stmt('delete from base_values where entity = ? and row_id = ? and field = ?').run(
      w.table,
      w.rowId,
      w.field,
    );
  }

  /** Puts the server's value back, then the edits still pending for the same field. */
  private undo(writes: FieldWrite[], now: string): void {
    for (const w of writes) {
      const base = this.stmt(
        'select value from base_values where entity = ? and row_id = ? and field = ?',
      ).get(w.table, w.rowId, w.field) as { value: string } | undefined;
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
   * session, the session of an attendance mark, the resource, the notification) while this
   * device still holds it.
   */
  attention(): Array<LocalDB['attention'] & { subject: string | null }> {
    return this.stmt(
      `select a.*, coalesce(
         (select title from sessions where id = json_extract(a.args, '$.session_id')),
         (select s.title from enrolments e join sessions s on s.id = e.session_id
           where e.id = json_extract(a.args, '$.enrolment_id')),
         (select title from resources where id = json_extract(a.args, '$.resource_id')),
         (select title from notifications where id = json_extract(a.args, '$.notification_id'))
       ) as subject
       from attention a order by a.created_at, a.id`,
    ).all() as Array<LocalDB['attention'] & { subject: string | null }>;
  }

  /** Removes an entry from the attention list (the teacher discarded it, or it was retried). */
  dismissAttention(id: string): LocalDB['attention'] | undefined {
    const row = this.stmt('select * from attention where id = ?').get(id) as LocalDB['attention'] | undefined;
    if (row) this.stmt('delete from attention where id = ?').run(id);
    return row;
  }

  // ---- convergence ---------------------------------------------------------------------

  /** The checksum of this device's copy of a school, computed like the server's. */
  localChecksum(schoolId: number): string {
    const sum = new ViewChecksum();
    for (const e of ENTITIES) {
      const t = TABLES[e];
      const where = e === 'school' ? 'id = ?' : 'school_id = ?';
      for (const r of this.stmt(`select id, version from ${t.table} where ${where}`).iterate(
        schoolId,
      ) as Iterable<{ id: number; version: number }>) {
        sum.add(e, r.id, r.version);
      }
    }
    return sum.digest();
  }

  /** Forgets a school's rows and cursor so the next pull re-fetches its whole view (checksum mismatch). */
  resetSchool(schoolId: number): void {
    this.sqlite
      .transaction(() => {
        this.deleteSchoolRows(schoolId);
        this.stmt('delete from sync_state where school_id = ?').run(schoolId);
      })
      .immediate();
  }

  private deleteSchoolRows(schoolId: number): void {
    for (const [table, col] of SCHOOL_TABLES) {
      if (table === 'notifications') {
        this.stmt(
          'delete from announced_notifications where id in (select id from notifications where school_id = ?)',
        ).run(schoolId);
      }
      this.stmt(`delete from ${table} where ${col} = ?`).run(schoolId);
    }
  }

  /**
   * Removes every trace of a school from this store after a revocation. The teacher's pending
   * edits for it (and edits awaiting attention) move to the quarantine for export — without any
   * value that came from the server. Returns the sha256 of the school's cached files.
   */
  revokeSchool(schoolId: number, now: string): { fileHashes: string[]; quarantined: number } {
    const run = this.sqlite.transaction(() => {
      const school = this.stmt('select name from schools where id = ?').get(schoolId) as
        { name: string } | undefined;
      const schoolName = school?.name ?? this.getMeta(`school_name:${schoolId}`) ?? `school ${schoolId}`;
      const fileHashes = (
        this.stmt('select distinct sha256 from resources where school_id = ?').all(schoolId) as Array<{
          sha256: string;
        }>
      ).map((r) => r.sha256);
      // Pending edits and edits awaiting attention move as they are; files added offline as an
      // upload_resource entry carrying their metadata.
      let quarantined = 0;
      for (const table of ['outbox', 'attention']) {
        quarantined += this.stmt(
          `insert or replace into quarantine (id, school_id, school_name, type, args, created_at, quarantined_at)
           select id, school_id, ?, type, args, created_at, ? from ${table} where school_id = ?`,
        ).run(schoolName, now, schoolId).changes;
      }
      const uploads = this.stmt(
        'select id, title, description, file_name, sha256, size, created_at from pending_uploads where school_id = ?',
      ).all(schoolId) as Array<Record<string, string | number>>;
      for (const u of uploads) {
        this.stmt(
          'insert or replace into quarantine (id, school_id, school_name, type, args, created_at, quarantined_at) values (?, ?, ?, ?, ?, ?, ?)',
        ).run(
          String(u.id),
          schoolId,
          schoolName,
          'upload_resource',
          JSON.stringify(u),
          String(u.created_at),
          now,
        );
        quarantined++;
      }
      this.stmt('delete from outbox where school_id = ?').run(schoolId);
      this.stmt('delete from attention where school_id = ?').run(schoolId);
      this.stmt('delete from pending_uploads where school_id = ?').run(schoolId);
      this.stmt('delete from base_values where school_id = ?').run(schoolId);
      this.deleteSchoolRows(schoolId);
      this.stmt('delete from sync_state where school_id = ?').run(schoolId);
      this.stmt('delete from meta where key = ?').run(`school_name:${schoolId}`);
      return { fileHashes, quarantined };
    });
    const result = run.immediate();
    this.scrub();
    return result;
  }

  /** Moves committed pages into the database file and empties the WAL, so deleted bytes are gone from both. */
  scrub(): void {
    this.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Hashes still referenced by some school's resources or a pending upload. */
  referencedHashes(hashes: string[]): Set<string> {
    const out = new Set<string>();
    for (const h of hashes) {
      const used =
        this.stmt('select 1 from resources where sha256 = ? limit 1').get(h) ??
        this.stmt('select 1 from pending_uploads where sha256 = ? limit 1').get(h) ??
        this.stmt("select 1 from quarantine where type = 'upload_resource' and args like ? limit 1").get(
          `%${h}%`,
        );
      if (used) out.add(h);
    }
    return out;
  }

  // ---- file cache and offline uploads (files/file-cache.ts) -----------------------------

  /** What the file cache needs of a resource to fetch its file. */
  resourceFile(
    id: number,
  ): Pick<LocalDB['resources'], 'id' | 'school_id' | 'sha256' | 'size' | 'scan_status'> | undefined {
    return this.stmt('select id, school_id, sha256, size, scan_status from resources where id = ?').get(
      id,
    ) as Pick<LocalDB['resources'], 'id' | 'school_id' | 'sha256' | 'size' | 'scan_status'> | undefined;
  }

  /**
   * Resources linked (through their courses) to sessions that are not cancelled and overlap
   * [from, until): the files a teacher needs for the coming classes, including one in progress.
   */
  upcomingResources(
    from: string,
    until: string,
  ): Array<Pick<LocalDB['resources'], 'id' | 'school_id' | 'sha256' | 'size' | 'scan_status'>> {
    // Each resource once, ordered by its course's first session in the window. Grouping the
    // sessions by course first keeps this a few ms on a 30 000-row store; joining every session
    // to every resource of its school took ~100 ms there, after every sync (sync.bench.ts).
    return this.stmt(
      `with upcoming as (
         select school_id, course_id, min(starts_at) as first from sessions
         where status != 'cancelled' and starts_at < ? and ends_at > ? and course_id is not null
         group by school_id, course_id)
       select r.id, r.school_id, r.sha256, r.size, r.scan_status
       from resources r
       join json_each(r.course_ids) c
       join upcoming u on u.school_id = r.school_id and u.course_id = c.value
       group by r.id
       order by min(u.first), r.id`,
    ).all(until, from) as Array<
      Pick<LocalDB['resources'], 'id' | 'school_id' | 'sha256' | 'size' | 'scan_status'>
    >;
  }

  /**
   * Hashes the cache must keep whatever the quota: files of upcoming sessions, and the bytes of
   * uploads not yet on the server (pending, awaiting attention, or quarantined for export).
   */
  pinnedFileHashes(from: string, until: string): Set<string> {
    const out = new Set(this.upcomingResources(from, until).map((r) => r.sha256));
    for (const r of this.stmt('select sha256 from pending_uploads').all() as Array<{ sha256: string }>)
      out.add(r.sha256);
    for (const r of this.stmt(
      "select args from attention where type = 'upload_resource' union all select args from quarantine where type = 'upload_resource'",
    ).all() as Array<{ args: string }>) {
      const sha = (JSON.parse(r.args) as { sha256?: unknown }).sha256;
      if (typeof sha === 'string') out.add(sha);
    }
    return out;
  }

  cachedFile(sha256: string): LocalDB['file_cache'] | undefined {
    return this.stmt('select * from file_cache where sha256 = ?').get(sha256) as
      LocalDB['file_cache'] | undefined;
  }

  /** Cached files, least recently used first. */
  cachedFiles(): LocalDB['file_cache'][] {
    return this.stmt(
      'select * from file_cache order by last_access, sha256',
    ).all() as LocalDB['file_cache'][];
  }

  recordCachedFile(sha256: string, size: number, now: string): void {
    this.stmt(
      `insert into file_cache (sha256, size, last_access) values (?, ?, ?)
       on conflict(sha256) do update set size = excluded.size, last_access = excluded.last_access`,
    ).run(sha256, size, now);
  }

  touchCachedFile(sha256: string, now: string): void {
    this.stmt('update file_cache set last_access = ? where sha256 = ?').run(now, sha256);
  }

  forgetCachedFiles(hashes: string[]): void {
    const del = this.stmt('delete from file_cache where sha256 = ?');
    this.sqlite.transaction(() => {
      for (const h of hashes) del.run(h);
    })();
  }

  addPendingUpload(u: LocalDB['pending_uploads']): void {
    this.stmt(
      `insert into pending_uploads (id, school_id, title, description, file_name, sha256, size, created_at, last_error)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      u.id,
      u.school_id,
      u.title,
      u.description,
      u.file_name,
      u.sha256,
      u.size,
      u.created_at,
      u.last_error,
    );
  }

  pendingUploads(): LocalDB['pending_uploads'][] {
    return this.stmt(
      'select * from pending_uploads order by created_at, id',
    ).all() as LocalDB['pending_uploads'][];
  }

  setPendingUploadError(id: string, message: string | null): void {
    this.stmt('update pending_uploads set last_error = ? where id = ?').run(message, id);
  }

  /** A pulled resource that is this upload (same school, bytes and title), if the server has it. */
  resourceMatchingUpload(
    u: Pick<LocalDB['pending_uploads'], 'school_id' | 'sha256' | 'title'>,
  ): number | undefined {
    return (
      this.stmt('select id from resources where school_id = ? and sha256 = ? and title = ? limit 1').get(
        u.school_id,
        u.sha256,
        u.title,
      ) as { id: number } | undefined
    )?.id;
  }

  /** The server has the upload: it arrives as a resource row with the next pull. */
  completePendingUpload(id: string): void {
    this.sqlite
      .transaction(() => {
        this.stmt('delete from pending_uploads where id = ?').run(id);
        this.stmt('delete from meta where key = ?').run(`upload_attempt:${id}`);
      })
      .immediate();
  }

  /** The server refused the upload: it moves to the attention list (never silently dropped). */
  rejectPendingUpload(id: string, code: string, message: string, now: string): boolean {
    return this.sqlite
      .transaction((): boolean => {
        const u = this.stmt('select * from pending_uploads where id = ?').get(id) as
          LocalDB['pending_uploads'] | undefined;
        if (!u) return false;
        const args = {
          school_id: u.school_id,
          title: u.title,
          description: u.description,
          file_name: u.file_name,
          sha256: u.sha256,
          size: u.size,
          queued_at: u.created_at,
        };
        this.stmt(
          'insert or replace into attention (id, school_id, type, args, code, message, conflict, created_at) values (?, ?, ?, ?, ?, ?, null, ?)',
        ).run(u.id, u.school_id, 'upload_resource', JSON.stringify(args), code, message, now);
        this.stmt('delete from pending_uploads where id = ?').run(id);
        this.stmt('delete from meta where key = ?').run(`upload_attempt:${id}`);
        return true;
      })
      .immediate();
  }

  /** Puts an upload from the attention list back in the queue (the teacher retries it). */
  requeueUpload(attentionId: string, now: string): LocalDB['pending_uploads'] | undefined {
    return this.sqlite
      .transaction((): LocalDB['pending_uploads'] | undefined => {
        const row = this.stmt("select * from attention where id = ? and type = 'upload_resource'").get(
          attentionId,
        ) as LocalDB['attention'] | undefined;
        if (!row) return undefined;
        const a = JSON.parse(row.args) as {
          title: string;
          description: string;
          file_name: string;
          sha256: string;
          size: number;
        };
        const u: LocalDB['pending_uploads'] = {
          id: row.id,
          school_id: row.school_id,
          title: a.title,
          description: a.description,
          file_name: a.file_name,
          sha256: a.sha256,
          size: a.size,
          created_at: now,
          last_error: null,
        };
        this.stmt('delete from attention where id = ?').run(attentionId);
        this.addPendingUpload(u);
        return u;
      })
      .immediate();
  }

  quarantine(): LocalDB['quarantine'][] {
    return this.stmt('select * from quarantine order by quarantined_at, id').all() as LocalDB['quarantine'][];
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
