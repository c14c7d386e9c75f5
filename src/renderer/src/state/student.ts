/** The open student page: courses, attendance history and the teacher's private note. */
import { create } from 'zustand';
import { newRowId } from '../../../shared/row-id.js';
import { call, edit, errorOf } from '../api.js';
import type { StudentDetail } from '../types.js';

interface StudentStore {
  key: string | null;
  detail: StudentDetail | null;
  notFound: boolean;
  error: { code: string; message: string } | null;
  load(schoolId: number, studentId: number): Promise<void>;
  /** Saves the note (a new note gets an id chosen here, then keeps it); resolves with success. */
  saveNote(body: string): Promise<boolean>;
}

let seq = 0;

export const useStudent = create<StudentStore>()((set, get) => ({
  key: null,
  detail: null,
  notFound: false,
  error: null,
  async load(schoolId, studentId) {
    const mine = ++seq;
    const key = `${schoolId}/${studentId}`;
    if (get().key !== key) set({ key, detail: null, notFound: false, error: null });
    try {
      const detail = await call('student:get', { schoolId, studentId });
      if (mine !== seq) return;
      set({ detail, notFound: detail === null });
    } catch (e) {
      if (mine === seq) set({ error: errorOf(e) });
    }
  },
  async saveNote(body) {
    const d = get().detail;
    if (!d) return false;
    // The first save creates the note with an id this device chooses; later saves reuse it.
    const noteId = d.note?.id ?? newRowId();
    set({ detail: { ...d, note: { id: noteId, body, updated_at: d.note?.updated_at ?? '' } } });
    try {
      await edit('save_student_note', {
        note_id: noteId,
        school_id: d.student.school_id,
        student_id: d.student.id,
        body,
      });
      set({ error: null });
      return true;
    } catch (e) {
      set({ error: errorOf(e), detail: d });
      return false;
    }
  },
}));
