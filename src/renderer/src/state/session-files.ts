/** The files of the open session page: attach the teacher's files, detach them, upload and attach. */
import { create } from 'zustand';
import { call, edit, errorOf } from '../api.js';
import type { ResourceRow } from '../types.js';
import { useSession } from './session.js';

interface SessionFilesStore {
  /** The teacher's files in the session's school (the picker's choices). */
  choices: ResourceRow[] | null;
  error: { code: string; message: string } | null;
  loadChoices(schoolId: number): Promise<void>;
  /** Replaces the files attached to the session; resolves with success. */
  setFiles(sessionId: number, resourceIds: number[]): Promise<boolean>;
}

export const useSessionFiles = create<SessionFilesStore>()((set) => ({
  choices: null,
  error: null,
  async loadChoices(schoolId) {
    try {
      set({ choices: await call('resources:list', { schoolId }), error: null });
    } catch (e) {
      set({ error: errorOf(e) });
    }
  },
  async setFiles(sessionId, resourceIds) {
    try {
      await edit('set_session_resources', { session_id: sessionId, resource_ids: resourceIds });
      set({ error: null });
      // The list joins files to the session's row: read it again.
      await useSession.getState().load(sessionId);
      return true;
    } catch (e) {
      set({ error: errorOf(e) });
      return false;
    }
  },
}));
