/**
 * The file cache's and the offline uploads' rows (files/file-cache.ts keeps the bytes): which
 * files the coming classes need, what is cached, and uploads waiting for the server.
 */
import type { StoreDatabase } from './database.js';
import type { LocalDB } from './schema.js';

/** Courses an upload is sent with, and the session to attach it to once the server has it. */
export interface UploadLinks {
  course_ids: number[];
  session_id: number | null;
}

/** Meta keys: an upload's links (by upload id), and an uploaded file waiting to be attached (by resource id). */
const LINKS = 'upload_links:';
const ATTACH = 'upload_attach:';

/**
 * The hashes among `hashes` still referenced by some school's resources or by an upload not on
 * the server (pending, refused and awaiting attention, or quarantined for export).
 */
export function referencedHashes(d: StoreDatabase, hashes: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const h of hashes) {
    const used =
      d.stmt('select 1 from resources where sha256 = ? limit 1').get(h) ??
      d.stmt('select 1 from pending_uploads where sha256 = ? limit 1').get(h) ??
      d
        .stmt("select 1 from attention where type = 'upload_resource' and instr(args, ?) > 0 limit 1")
        .get(h) ??
      d.stmt("select 1 from quarantine where type = 'upload_resource' and instr(args, ?) > 0 limit 1").get(h);
    if (used) out.add(h);
  }
  return out;
}

export class FileTables {
  constructor(private readonly d: StoreDatabase) {}

  /** What the file cache needs of a resource to fetch its file. */
  resourceFile(
    id: number,
  ): Pick<LocalDB['resources'], 'id' | 'school_id' | 'sha256' | 'size' | 'scan_status'> | undefined {
    return this.d
      .stmt('select id, school_id, sha256, size, scan_status from resources where id = ?')
      .get(id) as
      Pick<LocalDB['resources'], 'id' | 'school_id' | 'sha256' | 'size' | 'scan_status'> | undefined;
  }

  /**
   * Resources of sessions that are not cancelled and overlap [from, until) — attached to the
   * session (its `resource_ids`) or linked to its course: the files a teacher needs for the
   * coming classes, including one in progress.
   */
  upcomingResources(
    from: string,
    until: string,
  ): Array<Pick<LocalDB['resources'], 'id' | 'school_id' | 'sha256' | 'size' | 'scan_status'>> {
    // Each resource once, ordered by the first session in the window that needs it. Grouping the
    // sessions by course first keeps this a few ms on a 30 000-row store; joining every session
    // to every resource of its school took ~100 ms there, after every sync (sync.bench.ts).
    return this.d
      .stmt(
        `with upcoming as (
         select school_id, course_id, min(starts_at) as first from sessions
         where status != 'cancelled' and starts_at < @until and ends_at > @from and course_id is not null
         group by school_id, course_id),
       attached as (
         select s.school_id, a.value as resource_id, min(s.starts_at) as first
         from sessions s join json_each(s.resource_ids) a
         where s.status != 'cancelled' and s.starts_at < @until and s.ends_at > @from and s.resource_ids != '[]'
         group by s.school_id, a.value),
       needed as (
         select r.id, u.first from resources r
         join json_each(r.course_ids) c
         join upcoming u on u.school_id = r.school_id and u.course_id = c.value
         union all
         select r.id, a.first from attached a join resources r on r.id = a.resource_id and r.school_id = a.school_id)
       select r.id, r.school_id, r.sha256, r.size, r.scan_status
       from needed n join resources r on r.id = n.id
       group by r.id
       order by min(n.first), r.id`,
      )
      .all({ from, until }) as Array<
      Pick<LocalDB['resources'], 'id' | 'school_id' | 'sha256' | 'size' | 'scan_status'>
    >;
  }

  /**
   * Hashes the cache must keep whatever the quota: files of upcoming sessions, and the bytes of
   * uploads not yet on the server (pending, awaiting attention, or quarantined for export).
   */
  pinnedFileHashes(from: string, until: string): Set<string> {
    const out = new Set(this.upcomingResources(from, until).map((r) => r.sha256));
    for (const r of this.d.stmt('select sha256 from pending_uploads').all() as Array<{ sha256: string }>)
      out.add(r.sha256);
    for (const r of this.d
      .stmt(
        "select args from attention where type = 'upload_resource' union all select args from quarantine where type = 'upload_resource'",
      )
      .all() as Array<{ args: string }>) {
      const sha = (JSON.parse(r.args) as { sha256?: unknown }).sha256;
      if (typeof sha === 'string') out.add(sha);
    }
    return out;
  }

  cachedFile(sha256: string): LocalDB['file_cache'] | undefined {
    return this.d.stmt('select * from file_cache where sha256 = ?').get(sha256) as
      LocalDB['file_cache'] | undefined;
  }

  /** Cached files, least recently used first. */
  cachedFiles(): LocalDB['file_cache'][] {
    return this.d
      .stmt('select * from file_cache order by last_access, sha256')
      .all() as LocalDB['file_cache'][];
  }

  recordCachedFile(sha256: string, size: number, now: string): void {
    this.d
      .stmt(
        `insert into file_cache (sha256, size, last_access) values (?, ?, ?)
       on conflict(sha256) do update set size = excluded.size, last_access = excluded.last_access`,
      )
      .run(sha256, size, now);
  }

  touchCachedFile(sha256: string, now: string): void {
    this.d.stmt('update file_cache set last_access = ? where sha256 = ?').run(now, sha256);
  }

  forgetCachedFiles(hashes: string[]): void {
    const del = this.d.stmt('delete from file_cache where sha256 = ?');
    this.d.sqlite.transaction(() => {
      for (const h of hashes) del.run(h);
    })();
  }

  addPendingUpload(u: LocalDB['pending_uploads']): void {
    this.d
      .stmt(
        `insert into pending_uploads (id, school_id, title, description, file_name, sha256, size, created_at, last_error)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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

  /** The ids among `ids` that are not rows of `table` in the school on this device. */
  missingIn(table: 'courses' | 'sessions', schoolId: number, ids: readonly number[]): number[] {
    const held = this.d.stmt(`select 1 from ${table} where id = ? and school_id = ?`);
    return ids.filter((id) => !held.get(id, schoolId));
  }

  /** The files attached to a session of the school, or undefined when the device does not hold it. */
  sessionResourceIds(sessionId: number, schoolId: number): number[] | undefined {
    const row = this.d
      .stmt('select resource_ids from sessions where id = ? and school_id = ?')
      .get(sessionId, schoolId) as { resource_ids: string } | undefined;
    return row ? (JSON.parse(row.resource_ids) as number[]) : undefined;
  }

  /** Where an upload goes once the server has it: its courses (sent with it) and a session to attach it to. */
  setUploadLinks(id: string, links: UploadLinks): void {
    if (links.course_ids.length === 0 && links.session_id === null) return;
    this.d.setMeta(`${LINKS}${id}`, JSON.stringify(links));
  }

  uploadLinks(id: string): UploadLinks {
    const v = this.d.getMeta(`${LINKS}${id}`);
    return v ? (JSON.parse(v) as UploadLinks) : { course_ids: [], session_id: null };
  }

  /** Uploads the server has taken that wait for their resource's row to attach it to a session. */
  uploadsToAttach(): Array<{ resourceId: number; schoolId: number; sessionId: number }> {
    return (
      this.d.stmt(`select key, value from meta where key like '${ATTACH}%' order by key`).all() as Array<{
        key: string;
        value: string;
      }>
    ).map((r) => {
      const v = JSON.parse(r.value) as { school_id: number; session_id: number };
      return {
        resourceId: Number(r.key.slice(ATTACH.length)),
        schoolId: v.school_id,
        sessionId: v.session_id,
      };
    });
  }

  /** The upload is attached to its session (or the session is gone): nothing left to do. */
  attachedUpload(resourceId: number): void {
    this.d.stmt('delete from meta where key = ?').run(`${ATTACH}${resourceId}`);
  }

  pendingUploads(): LocalDB['pending_uploads'][] {
    return this.d
      .stmt('select * from pending_uploads order by created_at, id')
      .all() as LocalDB['pending_uploads'][];
  }

  setPendingUploadError(id: string, message: string | null): void {
    this.d.stmt('update pending_uploads set last_error = ? where id = ?').run(message, id);
  }

  /** A pulled resource that is this upload (same school, bytes and title), if the server has it. */
  resourceMatchingUpload(
    u: Pick<LocalDB['pending_uploads'], 'school_id' | 'sha256' | 'title'>,
  ): number | undefined {
    return (
      this.d
        .stmt('select id from resources where school_id = ? and sha256 = ? and title = ? limit 1')
        .get(u.school_id, u.sha256, u.title) as { id: number } | undefined
    )?.id;
  }

  /**
   * The server has the upload: it arrives as a resource row with the next pull. An upload meant
   * for a session waits (`uploadsToAttach`) for that row, to be attached by an edit.
   */
  completePendingUpload(id: string, resourceId: number | null): void {
    this.d.sqlite
      .transaction(() => {
        const u = this.d.stmt('select school_id from pending_uploads where id = ?').get(id) as
          { school_id: number } | undefined;
        const links = this.uploadLinks(id);
        if (u && resourceId !== null && links.session_id !== null)
          this.d.setMeta(
            `${ATTACH}${resourceId}`,
            JSON.stringify({ school_id: u.school_id, session_id: links.session_id }),
          );
        this.d.stmt('delete from pending_uploads where id = ?').run(id);
        this.d.stmt('delete from meta where key in (?, ?)').run(`upload_attempt:${id}`, `${LINKS}${id}`);
      })
      .immediate();
  }

  /** The server refused the upload: it moves to the attention list (never silently dropped). */
  rejectPendingUpload(id: string, code: string, message: string, now: string): boolean {
    return this.d.sqlite
      .transaction((): boolean => {
        const u = this.d.stmt('select * from pending_uploads where id = ?').get(id) as
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
          ...this.uploadLinks(id),
        };
        this.d
          .stmt(
            'insert or replace into attention (id, school_id, type, args, code, message, conflict, created_at) values (?, ?, ?, ?, ?, ?, null, ?)',
          )
          .run(u.id, u.school_id, 'upload_resource', JSON.stringify(args), code, message, now);
        this.d.stmt('delete from pending_uploads where id = ?').run(id);
        this.d.stmt('delete from meta where key in (?, ?)').run(`upload_attempt:${id}`, `${LINKS}${id}`);
        return true;
      })
      .immediate();
  }

  /** Puts an upload from the attention list back in the queue (the teacher retries it). */
  requeueUpload(attentionId: string, now: string): LocalDB['pending_uploads'] | undefined {
    return this.d.sqlite
      .transaction((): LocalDB['pending_uploads'] | undefined => {
        const row = this.d
          .stmt("select * from attention where id = ? and type = 'upload_resource'")
          .get(attentionId) as LocalDB['attention'] | undefined;
        if (!row) return undefined;
        const a = JSON.parse(row.args) as {
          title: string;
          description: string;
          file_name: string;
          sha256: string;
          size: number;
          course_ids?: number[];
          session_id?: number | null;
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
        this.d.stmt('delete from attention where id = ?').run(attentionId);
        this.addPendingUpload(u);
        this.setUploadLinks(u.id, { course_ids: a.course_ids ?? [], session_id: a.session_id ?? null });
        return u;
      })
      .immediate();
  }
}
