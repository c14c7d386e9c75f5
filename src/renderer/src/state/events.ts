/** Routes core events to the stores: the one place the renderer listens to the core. */
import { onEvent } from '../api.js';
import type { AppEvent } from '../types.js';
import { useAuth } from './auth.js';
import { useChanges } from './changes.js';
import { useFlags } from './flags.js';
import { useNotifications } from './notifications.js';
import { forgetUserData } from './reset.js';
import { useResources } from './resources.js';
import { useRouter } from './router.js';
import { useSchools } from './schools.js';
import { useSession } from './session.js';
import { useSettings } from './settings.js';
import { useSync } from './sync.js';

/** Loads what a signed-in teacher's frame needs (status, schools, attention). */
export async function loadSignedIn(): Promise<void> {
  await Promise.all([
    useSync.getState().loadStatus(),
    useSync.getState().loadAttention(),
    useSchools.getState().load(),
    useFlags.getState().load(),
  ]);
  useSync.getState().progressFromSchools(useSchools.getState().schools);
}

export function handleEvent(e: AppEvent): void {
  switch (e.type) {
    case 'auth': {
      // The app frame loads its data when it mounts (Shell), whichever of this event and the
      // sign-in call's answer arrives first.
      useAuth.getState().set(e.state);
      if (!e.state.signedIn) forgetUserData();
      return;
    }
    case 'status':
      useSync.getState().setStatus(e.status);
      // Back online: the files asked for while offline come down now.
      if (e.status.online && !e.status.syncing) void useResources.getState().fetchWaiting();
      return;
    case 'progress': {
      const known = useSchools.getState().schools.some((s) => s.id === e.schoolId);
      useSync.getState().onProgress(e);
      // A school's first batch: it joins the switcher.
      if (!known) void useSchools.getState().load();
      return;
    }
    case 'changed':
      if (e.writes) {
        useSession.getState().applyWrites(e.writes);
        useNotifications.getState().applyWrites(e.writes);
        useResources.getState().applyWrites(e.writes);
      }
      useChanges.getState().bump(e.writes !== undefined);
      // A pull may bring new feature flags (the engine announces their change as a change).
      if (!e.writes) void useFlags.getState().load();
      return;
    case 'notification': {
      const popup = useSettings.getState().settings?.popupTypes;
      if (!popup || popup.includes(e.notification.type)) useNotifications.getState().toast(e.notification);
      useChanges.getState().bump();
      return;
    }
    case 'revoked':
      useNotifications.getState().closeSchoolToasts(e.schoolId);
      void useSchools.getState().onRevoked(e.schoolId);
      useChanges.getState().bump();
      return;
    case 'file-progress':
      useResources.getState().onFileProgress(e);
      return;
    case 'upload-progress':
      useResources.getState().onUploadProgress(e);
      return;
    case 'update':
      useSettings.getState().setUpdate(e.update);
      return;
    case 'navigate':
      useRouter.getState().navigate(e.to);
      return;
  }
}

/** Subscribes the stores to the core; returns the unsubscribe function. */
export function connectEvents(): () => void {
  return onEvent(handleEvent);
}
