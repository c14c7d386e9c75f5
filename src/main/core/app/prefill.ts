/**
 * `npm start` hands the app the local server's address (CLASSDESK_SERVER_URL): it prefills the
 * sign-in form until the teacher has signed in somewhere (then the last server used wins).
 */
import type { AppEvent, AuthState } from '../../../shared/ipc.js';

export function prefillServerUrl(state: AuthState, serverUrl: string | null): AuthState {
  if (!serverUrl || state.lastServerUrl) return state;
  return { ...state, lastServerUrl: serverUrl };
}

export function prefillEvent(e: AppEvent, serverUrl: string | null): AppEvent {
  return e.type === 'auth' ? { ...e, state: prefillServerUrl(e.state, serverUrl) } : e;
}

/** The address from the environment, when it is a plain http(s) origin. */
export function serverUrlFromEnv(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}
