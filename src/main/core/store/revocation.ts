/**
 * A revoked school leaves the device: its rows, its sync state and the WAL's copy of them go;
 * its pending edits move to the quarantine for export, without any value that came from the
 * server but the school's name and what each edit was about (the class's title and start, a
 * resource's or notification's title), so the teacher can tell where the kept work belongs
 * (docs/ARCHITECTURE.md, "Kept-aside edits"). The export document is built here for the app and
 * the CLI alike.
 */
import type { StoreDatabase } from './database.js';
import { referencedHashes } from './file-tables.js';
import type { PullApply } from './pull-apply.js';
import type { LocalDB } from './schema.js';

/** The document a teacher saves of their quarantined edits (the app's Export and the CLI's). */
export interface QuarantineDocument {
  exported_at: string;
  server: string | null;
  user: { id: number; email: string | null } | null;
  count: number;
  edits: Array<{
    id: string;
    school_id: number;
    school_name: string;
    /** What the edit was about: a class (with `subject_at`, its start), a resource, a notification. */
    subject: string | null;
    subject_at: string | null;
    type: string;
    args: unknown;
    created_at: string;
    quarantined_at: string;
  }>;
}

/**
 * What a pending edit (`e`, a row of outbox or attention) is about, while the school's rows are
 * still there: the session (or the session and student of an attendance mark), the resource, the
 * notification.
 */
const SUBJECT = `coalesce(
  (select title from sessions where id = json_extract(e.args, '$.session_id')),
  (select s.title || ' — ' || u.name from enrolments n join sessions s on s.id = n.session_id
     left join students u on u.id = n.student_id and u.school_id = n.school_id
     where n.id = json_extract(e.args, '$.enrolment_id')),
  (select s.title from enrolments n join sessions s on s.id = n.session_id
     where n.id = json_extract(e.args, '$.enrolment_id')),
  (select title from resources where id = json_extract(e.args, '$.resource_id')),
  (select title from notifications where id = json_extract(e.args, '$.notification_id'))
)`;
const SUBJECT_AT = `coalesce(
  (select starts_at from sessions where id = json_extract(e.args, '$.session_id')),
  (select s.starts_at from enrolments n join sessions s on s.id = n.session_id
     where n.id = json_extract(e.args, '$.enrolment_id'))
)`;

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

export class Revocation {
  constructor(
    private readonly d: StoreDatabase,
    private readonly pulls: PullApply,
  ) {}

  /**
   * Removes every trace of a school from this store after a revocation. The teacher's pending
   * edits for it (and edits awaiting attention) move to the quarantine for export — without any
   * value that came from the server. Returns the sha256 of the school's cached files.
   */
  revokeSchool(schoolId: number, now: string): { fileHashes: string[]; quarantined: number } {
    const run = this.d.sqlite.transaction(() => {
      const school = this.d.stmt('select name from schools where id = ?').get(schoolId) as
        { name: string } | undefined;
      const schoolName = school?.name ?? this.d.getMeta(`school_name:${schoolId}`) ?? `school ${schoolId}`;
      const fileHashes = (
        this.d.stmt('select distinct sha256 from resources where school_id = ?').all(schoolId) as Array<{
          sha256: string;
        }>
      ).map((r) => r.sha256);
      // Pending edits and edits awaiting attention move as they are; files added offline as an
      // upload_resource entry carrying their metadata.
      let quarantined = 0;
      for (const table of ['outbox', 'attention']) {
        quarantined += this.d
          .stmt(
            `insert or replace into quarantine (id, school_id, school_name, subject, subject_at, type, args, created_at, quarantined_at)
           select id, school_id, ?, ${SUBJECT}, ${SUBJECT_AT}, type, args, created_at, ? from ${table} e where school_id = ?`,
          )
          .run(schoolName, now, schoolId).changes;
      }
      const uploads = this.d
        .stmt(
          'select id, title, description, file_name, sha256, size, created_at from pending_uploads where school_id = ?',
        )
        .all(schoolId) as Array<Record<string, string | number>>;
      for (const u of uploads) {
        const links = this.d.getMeta(`upload_links:${String(u.id)}`);
        if (links) Object.assign(u, JSON.parse(links) as object);
        this.d
          .stmt(
            'insert or replace into quarantine (id, school_id, school_name, subject, type, args, created_at, quarantined_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            String(u.id),
            schoolId,
            schoolName,
            String(u.title),
            'upload_resource',
            JSON.stringify(u),
            String(u.created_at),
            now,
          );
        quarantined++;
      }
      this.d.stmt('delete from outbox where school_id = ?').run(schoolId);
      this.d.stmt('delete from attention where school_id = ?').run(schoolId);
      this.d
        .stmt(
          "delete from meta where key in (select 'upload_links:' || id from pending_uploads where school_id = ?)",
        )
        .run(schoolId);
      this.d
        .stmt("delete from meta where key like 'upload_attach:%' and json_extract(value, '$.school_id') = ?")
        .run(schoolId);
      this.d.stmt('delete from pending_uploads where school_id = ?').run(schoolId);
      this.d.stmt('delete from base_values where school_id = ?').run(schoolId);
      this.pulls.deleteSchoolRows(schoolId);
      // The search index's triggers recorded the deletes; merging its segments drops the school's
      // terms from the index itself (secure_delete then zeroes the freed pages).
      this.d.stmt("insert into search_index (search_index) values ('optimize')").run();
      this.d.stmt('delete from sync_state where school_id = ?').run(schoolId);
      this.d
        .stmt('delete from meta where key in (?, ?)')
        .run(`school_name:${schoolId}`, `feature_flags:${schoolId}`);
      return { fileHashes, quarantined };
    });
    const result = run.immediate();
    this.scrub();
    return result;
  }

  /** Moves committed pages into the database file and empties the WAL, so deleted bytes are gone from both. */
  scrub(): void {
    this.d.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Hashes still referenced by some school's resources or an upload not on the server. */
  referencedHashes(hashes: string[]): Set<string> {
    return referencedHashes(this.d, hashes);
  }

  quarantine(): LocalDB['quarantine'][] {
    return this.d
      .stmt('select * from quarantine order by quarantined_at, id')
      .all() as LocalDB['quarantine'][];
  }

  /** Deletes one kept-aside edit (the teacher has copied or exported it). False when there is none. */
  discardQuarantine(id: string): boolean {
    const gone = this.d.stmt('delete from quarantine where id = ?').run(id).changes > 0;
    if (gone) this.scrub();
    return gone;
  }

  /** The quarantined edits as the document the teacher saves (app and CLI alike). */
  quarantineExport(
    now: Date,
    who: { server: string | null; user: { id: number; email: string | null } | null },
  ): QuarantineDocument {
    const edits = this.quarantine().map((q) => ({
      id: q.id,
      school_id: q.school_id,
      school_name: q.school_name,
      subject: q.subject,
      subject_at: q.subject_at,
      type: q.type,
      args: parsed(q.args),
      created_at: q.created_at,
      quarantined_at: q.quarantined_at,
    }));
    return { exported_at: now.toISOString(), ...who, count: edits.length, edits };
  }
}
