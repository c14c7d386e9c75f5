/**
 * Full-text search over everything the teacher has on the device — sessions (title, place, plan,
 * notes, homework), students, files and private notes — offline, through the
 * FTS5 index that migrations/client/0003-lesson-prep.ts keeps with triggers. Matches come back
 * as segments (text, and whether it matched) for the UI to highlight without markup.
 */
import type { SearchHit, SearchKind, TextSegment } from '../../../shared/ipc.js';
import { storeDatabase, type LocalStore } from './local-store.js';
import type { SchoolFilter } from './rows.js';

export interface SearchQuery {
  query: string;
  schoolId: SchoolFilter;
  limit: number;
}

// Marks around a match in highlight() and snippet(): control characters no stored text holds
// in practice, and if one did it would only shift a highlight.
const OPEN = '\u0001';
const CLOSE = '\u0002';

/**
 * The teacher's words as an FTS5 query: each word a quoted prefix, all of them required. Quoting
 * keeps FTS5's own syntax (AND, NEAR, column filters, `"`) out of what a teacher types.
 */
export function ftsQuery(input: string): string | null {
  const words = input.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, 12)
    .map((w) => `"${w}"*`)
    .join(' ');
}

/** A highlighted text as segments. */
export function segments(marked: string): TextSegment[] {
  const out: TextSegment[] = [];
  let hit = false;
  let text = '';
  for (const ch of marked) {
    if (ch === OPEN || ch === CLOSE) {
      if (text) out.push({ text, hit });
      text = '';
      hit = ch === OPEN;
    } else {
      text += ch;
    }
  }
  if (text) out.push({ text, hit });
  return out;
}

interface Row {
  kind: SearchKind;
  row_id: number;
  school_id: number;
  title: string;
  snippet: string;
}

export function search(store: LocalStore, q: SearchQuery): SearchHit[] {
  const match = ftsQuery(q.query);
  if (!match) return [];
  const d = storeDatabase(store);
  const rows = d
    .stmt(
      `select kind, row_id, school_id,
         highlight(search_index, 3, '${OPEN}', '${CLOSE}') as title,
         snippet(search_index, 4, '${OPEN}', '${CLOSE}', '…', 16) as snippet
       from search_index
       where search_index match ? and (? is null or school_id = ?)
       order by rank limit ?`,
    )
    .all(match, q.schoolId, q.schoolId, q.limit) as Row[];
  return rows.map((r) => {
    const context = contextOf(store, r);
    return {
      kind: r.kind,
      id: r.row_id,
      school_id: r.school_id,
      school_name: context.school_name ?? '',
      title: segments(r.title || context.title || ''),
      snippet: segments(r.snippet),
      starts_at: context.starts_at ?? null,
      student_id: context.student_id ?? null,
    };
  });
}

interface Context {
  school_name?: string;
  title?: string;
  starts_at?: string;
  student_id?: number;
}

/** What a hit needs besides the index: its school's name, a session's time, a note's student. */
function contextOf(store: LocalStore, r: Row): Context {
  const d = storeDatabase(store);
  const school = d.stmt('select name from schools where id = ?').get(r.school_id) as
    { name: string } | undefined;
  const base: Context = { school_name: school?.name };
  if (r.kind === 'session') {
    const s = d.stmt('select starts_at from sessions where id = ?').get(r.row_id) as
      { starts_at: string } | undefined;
    return { ...base, starts_at: s?.starts_at };
  }
  if (r.kind === 'student') return { ...base, student_id: r.row_id };
  if (r.kind === 'student_note') {
    const n = d
      .stmt(
        `select n.student_id, st.name from student_notes n
         left join students st on st.school_id = n.school_id and st.id = n.student_id where n.id = ?`,
      )
      .get(r.row_id) as { student_id: number; name: string | null } | undefined;
    return { ...base, student_id: n?.student_id, title: n?.name ?? '' };
  }
  return base;
}
