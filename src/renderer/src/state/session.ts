/** The open session page: details, roster, resources, and the edits made from it. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { Attendance, SessionDetail } from '../types.js';
import { withAttendance, withStatus } from './session-logic.js';

interface SessionStore {
  id: number | null;
  detail: SessionDetail | null;
  notFound: boolean;
  error: { code: string; message: string } | null;
  load(id: number): Promise<void>;
  setAttendance(enrolmentId: number, attendance: Attendance): Promise<void>;
  saveNotes(sessionId: number, notes: string): Promise<boolean>;
  complete(): Promise<void>;
  cancel(): Promise<void>;
}

let seq = 0;

export const useSession = create<SessionStore>()((set, get) => {
  const edit = async (type: string, args: Record<string, unknown>): Promise<boolean> => {
    try {
      await call('edit', { type, args });
      return true;
    } catch (e) {
      set({ error: errorOf(e) });
      const id = get().id;
      if (id !== null) await get().load(id);
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
    async setAttendance(enrolmentId, attendance) {
      const d = get().detail;
      if (d) set({ detail: withAttendance(d, enrolmentId, attendance) });
      await edit('set_attendance', { enrolment_id: enrolmentId, attendance });
    },
    async saveNotes(sessionId, notes) {
      return edit('update_lesson_notes', { session_id: sessionId, lesson_notes: notes });
    },
    async complete() {
      const d = get().detail;
      if (!d) return;
      set({ detail: withStatus(d, 'completed') });
      await edit('complete_session', { session_id: d.session.id });
    },
    async cancel() {
      const d = get().detail;
      if (!d) return;
      set({ detail: withStatus(d, 'cancelled') });
      await edit('cancel_session', { session_id: d.session.id });
    },
  };
});
