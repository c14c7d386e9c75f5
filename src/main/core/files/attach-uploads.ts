/**
 * A file uploaded from a session page ("upload and attach") is attached to that session once the
 * server has it and its row has reached the device: by a `set_session_resources` edit, applied,
 * queued and pushed like any other (docs/ARCHITECTURE.md, "Lesson plans"). Until the row arrives
 * the wish waits in the store (`uploadsToAttach`); a session the device no longer holds drops it.
 */
import type { MutationInput } from '../../../shared/mutators.js';
import type { Logger } from '../ports.js';
import type { LocalStore } from '../store/local-store.js';

/** The most files `set_session_resources` takes (src/shared/mutators.ts). */
const MAX_SESSION_FILES = 50;

export function attachUploads(
  store: LocalStore,
  edit: (args: MutationInput<'set_session_resources'>) => void,
  log: Logger,
): void {
  for (const a of store.uploadsToAttach()) {
    if (!store.resourceFile(a.resourceId)) {
      // Not pulled yet; a school that left the device takes the wish with it.
      if (!store.holdsSchool(a.schoolId)) store.attachedUpload(a.resourceId);
      continue;
    }
    const listed = store.sessionResourceIds(a.sessionId, a.schoolId);
    store.attachedUpload(a.resourceId);
    if (!listed || listed.includes(a.resourceId)) continue;
    // A file the server has since removed cannot be named again (the server would refuse the edit).
    const ids = listed.filter((id) => store.resourceFile(id) !== undefined);
    if (ids.length >= MAX_SESSION_FILES) {
      log.warn('uploaded file not attached: the session has the most files it may have', {
        session: a.sessionId,
        resource: a.resourceId,
      });
      continue;
    }
    try {
      edit({ session_id: a.sessionId, resource_ids: [...ids, a.resourceId] });
      log.info('uploaded file attached to its session', { session: a.sessionId, resource: a.resourceId });
    } catch (e) {
      log.warn('uploaded file not attached to its session', {
        session: a.sessionId,
        resource: a.resourceId,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
}
