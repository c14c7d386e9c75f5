/** Who is signed in, and the sign-in form's outcome. */
import { create } from 'zustand';
import { call, errorOf } from '../api.js';
import type { AuthState } from '../types.js';
import { useRouter } from './router.js';

export interface SignInForm {
  serverUrl: string;
  email: string;
  password: string;
}

interface AuthStore {
  state: AuthState | null;
  busy: boolean;
  error: { code: string; message: string; serverUrl?: string } | null;
  /** The core could not be reached at all (no preload, harness down). */
  fatal: string | null;
  load(): Promise<void>;
  set(state: AuthState): void;
  signIn(form: SignInForm): Promise<boolean>;
  signOut(): Promise<void>;
  clearError(): void;
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4000';

export const useAuth = create<AuthStore>()((set) => ({
  state: null,
  busy: false,
  error: null,
  fatal: null,
  async load() {
    try {
      set({ state: await call('auth:state'), fatal: null });
    } catch (e) {
      set({ fatal: errorOf(e).message });
    }
  },
  set(state) {
    set({ state });
  },
  async signIn(form) {
    set({ busy: true, error: null });
    // A sign-in opens on the Dashboard, never on the page the last session ended on (Settings,
    // where Sign out is, or a page of another teacher's). Before the call: the core's `auth`
    // event may show the app frame before the call's answer arrives.
    useRouter.getState().navigate({ name: 'dashboard' });
    try {
      const state = await call('auth:signIn', form);
      set({ state, busy: false });
      return true;
    } catch (e) {
      set({ busy: false, error: { ...errorOf(e), serverUrl: form.serverUrl } });
      return false;
    }
  },
  async signOut() {
    set({ busy: true });
    try {
      set({ state: await call('auth:signOut'), busy: false, error: null });
    } catch (e) {
      set({ busy: false, error: errorOf(e) });
    }
  },
  clearError() {
    set({ error: null });
  },
}));
