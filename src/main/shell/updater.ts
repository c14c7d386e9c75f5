/**
 * Updates through electron-updater from a generic feed: the school's sync server serves it at
 * `<server>/updates/` (or CLASSDESK_UPDATE_URL overrides it). States, as the contract's
 * UpdateState: idle → checking → none | available → downloading (percent) → ready (restart to
 * update); error from any step. The state machine is a pure function; the service wires it to
 * an updater given as an interface, so tests drive it with a fake.
 */
import type { UpdateState } from '../../shared/ipc.js';
import type { Logger } from '../core/ports.js';
import { ShellError } from './errors.js';
import { scrub } from '../core/logger.js';

export type UpdaterSignal =
  | { type: 'checking' }
  | { type: 'available'; version: string }
  | { type: 'not-available' }
  | { type: 'progress'; percent: number }
  | { type: 'downloaded'; version: string }
  | { type: 'error'; message: string };

export const INITIAL_UPDATE_STATE: UpdateState = {
  state: 'idle',
  version: null,
  percent: null,
  message: null,
};

export function unsupportedState(reason: string): UpdateState {
  return { state: 'unsupported', version: null, percent: null, message: reason };
}

export function nextUpdateState(prev: UpdateState, s: UpdaterSignal): UpdateState {
  if (prev.state === 'unsupported') return prev;
  // A downloaded update stays ready to install whatever a later check says.
  if (prev.state === 'ready' && s.type !== 'downloaded') return prev;
  switch (s.type) {
    case 'checking':
      return { state: 'checking', version: null, percent: null, message: null };
    case 'available':
      return { state: 'available', version: s.version, percent: 0, message: null };
    case 'not-available':
      return { state: 'none', version: null, percent: null, message: null };
    case 'progress':
      return {
        state: 'downloading',
        version: prev.version,
        percent: Math.min(100, Math.max(0, Math.round(s.percent * 10) / 10)),
        message: null,
      };
    case 'downloaded':
      return { state: 'ready', version: s.version, percent: 100, message: null };
    case 'error':
      return { state: 'error', version: prev.version, percent: null, message: s.message };
  }
}

/** The feed: CLASSDESK_UPDATE_URL when set, else `/updates/` on the signed-in server. */
export function updateFeedUrl(envUrl: string | undefined, serverUrl: string | null): string | null {
  const base = envUrl?.trim() ? envUrl.trim() : serverUrl ? new URL('/updates/', serverUrl).href : null;
  if (!base) return null;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Why updates cannot run here, or null when they can. */
export function updateUnsupportedReason(o: {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
}): string | null {
  if (!o.isPackaged) return 'updates apply to the installed app, not to a development build';
  if (o.env.CLASSDESK_DISABLE_UPDATES) return 'updates are turned off (CLASSDESK_DISABLE_UPDATES)';
  if (o.platform !== 'linux' && o.platform !== 'win32' && o.platform !== 'darwin')
    return `no updater for ${o.platform}`;
  return null;
}

/** A short, safe message for the UI and the log (electron-updater's can carry whole HTTP bodies). */
export function updateErrorMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const first = raw.split('\n')[0] ?? '';
  return scrub(first).slice(0, 200);
}

/** The part of electron-updater's AppUpdater the service uses. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: unknown;
  on(event: 'checking-for-update', l: () => void): unknown;
  on(event: 'update-available' | 'update-not-available', l: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', l: (p: { percent: number }) => void): unknown;
  on(event: 'update-downloaded', l: (e: { version: string }) => void): unknown;
  on(event: 'error', l: (e: Error) => void): unknown;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdateServiceOptions {
  /** Creates the updater on first use; null where updates are unsupported. */
  updater: (() => UpdaterLike) | null;
  unsupportedReason?: string;
  logger: Logger;
  onState(state: UpdateState): void;
  /** Called right before quitting to install (the shell lets the window really close). */
  beforeInstall(): void;
}

export class UpdateService {
  private current: UpdateState;
  private feed: string | null = null;
  private instance: UpdaterLike | undefined;

  constructor(private readonly o: UpdateServiceOptions) {
    this.current = o.updater
      ? INITIAL_UPDATE_STATE
      : unsupportedState(o.unsupportedReason ?? 'updates are not supported here');
  }

  state(): UpdateState {
    return this.current;
  }

  private apply(signal: UpdaterSignal): void {
    const next = nextUpdateState(this.current, signal);
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    if (signal.type !== 'progress')
      this.o.logger.info('update state', { state: next.state, version: next.version });
    this.o.onState(next);
  }

  private get updater(): UpdaterLike | null {
    if (!this.o.updater) return null;
    if (this.instance) return this.instance;
    const u = this.o.updater();
    u.autoDownload = true;
    u.autoInstallOnAppQuit = true;
    u.logger = {
      info: (m: unknown) => this.o.logger.debug('updater', { detail: String(m) }),
      warn: (m: unknown) => this.o.logger.warn('updater', { detail: String(m) }),
      error: (m: unknown) => this.o.logger.warn('updater error', { detail: String(m) }),
    };
    u.on('checking-for-update', () => this.apply({ type: 'checking' }));
    u.on('update-available', (i) => this.apply({ type: 'available', version: i.version }));
    u.on('update-not-available', () => this.apply({ type: 'not-available' }));
    u.on('download-progress', (p) => this.apply({ type: 'progress', percent: p.percent }));
    u.on('update-downloaded', (e) => this.apply({ type: 'downloaded', version: e.version }));
    u.on('error', (e) => this.failed(e));
    this.instance = u;
    return u;
  }

  private failed(e: unknown): void {
    // A server that publishes no updates is not an error the teacher should see.
    if ((e as { code?: unknown }).code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND') {
      this.apply({ type: 'not-available' });
      return;
    }
    this.apply({ type: 'error', message: updateErrorMessage(e) });
  }

  /** Points the updater at a feed (null: none known yet, e.g. signed out with no override). */
  setFeed(url: string | null): void {
    if (url === this.feed) return;
    this.feed = url;
    const u = this.updater;
    if (u && url) u.setFeedURL({ provider: 'generic', url });
  }

  /** Checks the feed (and downloads an update found). A no-op mid-download or when ready. */
  async check(): Promise<void> {
    const u = this.updater;
    if (!u || !this.feed) return;
    if (['checking', 'available', 'downloading', 'ready'].includes(this.current.state)) return;
    try {
      await u.checkForUpdates();
    } catch (e) {
      this.failed(e);
    }
  }

  /** Quits and installs the downloaded update. */
  install(): void {
    const u = this.updater;
    if (!u || this.current.state !== 'ready')
      throw new ShellError('no_update', 'there is no downloaded update to install');
    this.o.logger.info('installing update', { version: this.current.version });
    this.o.beforeInstall();
    u.quitAndInstall(false, true);
  }
}
