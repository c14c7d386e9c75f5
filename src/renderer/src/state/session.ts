/** The open session page: details, roster, resources, and the edits made from it. */
import { create } from 'zustand';
import { call, edit, errorOf } from '../api.js';
import type { Attendance, EditWrite, MutationInput, MutationType, SessionDetail } from '../types.js';
import { withWrites } from './edit-writes.js';

interface SessionStore {
  id: number | null;
  detail: SessionDetail | null;
  notFound: boolean;
  error: { code: string; message: string } | null;
  load(id: number): Promise<void>;
  /** Shows the field writes of an edit the core has just applied. */
  applyWrites(writes: readonly EditWrite[]): void;
  setAttendance(enrolmentId: number, attendance: Attendance): Promise<void>;
  saveNotes(sessionId: number, notes: string): Promise<boolean>;
  complete(): Promise<void>;
  cancel(): Promise<void>;
}

let seq = 0;

export const useSession = create<SessionStore>()((set, get) => {
  const run = async <T extends MutationType>(type: T, args: MutationInput<T>): Promise<boolean> => {
    try {
      await edit(type, args);
      return true;
    } catch (e) {
      set({ error: errorOf(e) });
      return false;
    }
  };
  return {
    id: null,
    detail: null,
    notFound: false,
    error: null,
    async load(id) {
      const mine = ++seq;
      if (get().id !== id) set({ id, detail: null, notFound: false, error: null });
      try {
        const detail = await call('session:get', { sessionId: id });
        if (mine !== seq) return;
        set({ detail, notFound: detail === null });
      } catch (e) {
        if (mine === seq) set({ error: errorOf(e) });
      }
    },
    applyWrites(writes) {
      const d = get().detail;
      if (!d) return;
      const session = withWrites(d.session, 'sessions', d.session.id, writes);
      const roster = d.roster.map((r) => withWrites(r, 'enrolments', r.enrolment_id, writes));
      if (session !== d.session || roster.some((r, i) => r !== d.roster[i]))
        set({ detail: { ...d, session, roster } });
    },
    async setAttendance(enrolmentId, attendance) {
      await run('set_attendance', { enrolment_id: enrolmentId, attendance });
    },
    async saveNotes(sessionId, notes) {
      return run('update_lesson_notes', { session_id: sessionId, lesson_notes: notes });
    },
    async complete() {
      const d = get().detail;
      if (d) await run('complete_session', { session_id: d.session.id });
    },
    async cancel() {
      const d = get().detail;
      if (d) await run('cancel_session', { session_id: d.session.id });
    },
  };
});
