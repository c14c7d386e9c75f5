/**
 * The desktop app's core controller: who is signed in, their Device (store, engine, files),
 * settings, local class reminders, and one stream of events for the UI. The Electron shell and
 * the browser harness both drive it through the same handler functions (handlers.ts).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AppEvent, AuthState, Settings } from '../../../shared/ipc.js';
import type { NotificationRow } from '../../../shared/entities.js';
import { Device, signIn, SignInError, type DeviceOptions } from '../device.js';
import type { Clock, Logger, SecretStore } from '../ports.js';
import type { OpenOptions } from '../store/local-store.js';
import { schoolTimeZone, sessionsStarting, unreadCount } from '../store/queries.js';
import { HttpTransport } from '../sync/transport.js';
import { SettingsFile } from './settings.js';

const LastSession = z.object({ serverUrl: z.string(), email: z.string(), userId: z.number().int() });
type LastSession = z.infer<typeof LastSession>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ControllerDeps {
  dataDir: string;
  secrets: SecretStore;
  /** Whether `secrets` persists across restarts (false: sign in at every start). */
  tokenPersisted: boolean;
  clock: Clock;
  logger: Logger;
  store?: OpenOptions;
  engine?: DeviceOptions['engine'];
  /** How long a request may wait for the server's answer (default 30 s; DeviceOptions). */
  requestTimeoutMs?: number;
}

export interface ControllerEvents {
  event: [AppEvent];
  /**
   * A notification or a class reminder to show natively (already filtered by settings), with its
   * school's time zone for the times it names.
   */
  popup: [NotificationRow, string | null];
}

export class AppController extends EventEmitter<ControllerEvents> {
  private current: { device: Device; user: AuthState['user']; serverUrl: string } | undefined;
  readonly settings: SettingsFile;
  private reminderTimer: unknown;

  constructor(readonly deps: ControllerDeps) {
    super();
    this.settings = new SettingsFile(path.join(deps.dataDir, 'settings.json'));
  }

  private get lastFile(): string {
    return path.join(this.deps.dataDir, 'last-session.json');
  }

  private last(): LastSession | null {
    try {
      const r = LastSession.safeParse(JSON.parse(fs.readFileSync(this.lastFile, 'utf8')));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  authState(): AuthState {
    const last = this.last();
    return {
      signedIn: this.current !== undefined,
      user: this.current?.user ?? null,
      serverUrl: this.current?.serverUrl ?? null,
      lastServerUrl: last?.serverUrl ?? null,
      lastEmail: last?.email ?? null,
      tokenPersisted: this.deps.tokenPersisted,
    };
  }

  /** The signed-in teacher's device; throws `not_signed_in` otherwise. */
  device(): Device {
    if (!this.current) throw new AppError('not_signed_in', 'sign in first');
    return this.current.device;
  }

  /** At start: reopens the last teacher's device when their token is still in the secret store. */
  /** Unread notifications across the teacher's schools (the tray's badge); 0 when signed out. */
  async unreadCount(): Promise<number> {
    return this.current ? unreadCount(this.current.device.store, null) : 0;
  }

  async restore(): Promise<AuthState> {
    const last = this.last();
    if (!last) return this.authState();
    const device = await this.openDevice(last.serverUrl, last.userId);
    if (!device.hasToken) {
      await device.close();
      return this.authState();
    }
    this.attach(
      device,
      { id: last.userId, email: last.email, name: device.store.getMeta('user_name') ?? last.email },
      last.serverUrl,
    );
    return this.authState();
  }

  private openDevice(serverUrl: string, userId: number): Promise<Device> {
    return Device.open({
      dataDir: this.deps.dataDir,
      serverUrl,
      userId,
      secrets: this.deps.secrets,
      clock: this.deps.clock,
      logger: this.deps.logger,
      store: this.deps.store,
      engine: this.deps.engine,
      requestTimeoutMs: this.deps.requestTimeoutMs,
      files: { quotaBytes: this.settings.get().storageQuotaMb * 1024 * 1024 },
    });
  }

  async signIn(serverUrl: string, email: string, password: string): Promise<AuthState> {
    const origin = new URL(serverUrl).origin;
    let result;
    try {
      result = await signIn(origin, email, password);
    } catch (e) {
      if (e instanceof SignInError) throw new AppError(e.code, e.message);
      throw e;
    }
    // Only teachers use the app: check before anything is written to this device.
    const server = new HttpTransport(origin, () => result.token);
    const me = await server.me().catch(() => ({ memberships: [] }));
    if (!me.memberships.some((m) => m.role === 'teacher')) {
      await server.fetchRaw('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
      throw new AppError('not_a_teacher', 'this account is not a teacher in any school');
    }
    await this.signOutLocal();
    const device = await this.openDevice(origin, result.user.id);
    await device.setToken(result.token);
    device.store.setMeta('user_name', result.user.name);
    fs.mkdirSync(this.deps.dataDir, { recursive: true });
    fs.writeFileSync(
      this.lastFile,
      JSON.stringify({ serverUrl: origin, email: result.user.email, userId: result.user.id }),
    );
    this.attach(device, result.user, origin);
    return this.authState();
  }

  private attach(device: Device, user: NonNullable<AuthState['user']>, serverUrl: string): void {
    this.current = { device, user, serverUrl };
    const emit = (e: AppEvent) => this.emit('event', e);
    device.engine.on('status', (status) => emit({ type: 'status', status }));
    device.engine.on('progress', (p) => emit({ type: 'progress', ...p }));
    device.engine.on('changed', (c) =>
      emit({ type: 'changed', schoolId: c.schoolId, ...(c.writes ? { writes: c.writes } : {}) }),
    );
    device.engine.on('revoked', (r) => emit({ type: 'revoked', schoolId: r.schoolId }));
    device.engine.on('attention', () => emit({ type: 'status', status: device.engine.status }));
    device.engine.on('notification', (n) => {
      emit({ type: 'notification', notification: n });
      const s = this.settings.get();
      // With local reminders on, the server's reminder would pop up twice.
      if (n.type === 'session_reminder' && s.reminderLeadMinutes > 0) return;
      if (s.popupTypes.includes(n.type))
        void schoolTimeZone(device.store, n.school_id)
          .catch(() => null)
          .then((tz) => this.emit('popup', n, tz));
    });
    device.files.on('progress', (p) =>
      emit({ type: 'file-progress', resourceId: p.resourceId, received: p.received, total: p.total }),
    );
    device.files.on('upload-progress', (p) => emit({ type: 'upload-progress', ...p }));
    device.engine.start();
    this.startReminders();
    emit({ type: 'auth', state: this.authState() });
  }

  /** Closes the device without touching the server (switching user, quitting). */
  private async signOutLocal(): Promise<void> {
    const cur = this.current;
    this.current = undefined;
    this.stopReminders();
    if (cur) await cur.device.close();
  }

  async signOut(): Promise<AuthState> {
    const cur = this.current;
    if (cur) await cur.device.signOut();
    await this.signOutLocal();
    const state = this.authState();
    this.emit('event', { type: 'auth', state });
    return state;
  }

  setSettings(patch: Partial<Settings>): Settings {
    return this.settings.set(patch);
  }

  // ---- local class reminders: computed from the local store, so they work offline ------------

  private startReminders(): void {
    this.stopReminders();
    const tick = () => {
      void this.remindDue().catch((e: unknown) =>
        this.deps.logger.warn('reminder check failed', { error: String(e) }),
      );
      this.reminderTimer = this.deps.clock.setTimeout(tick, 30_000);
    };
    tick();
  }

  private stopReminders(): void {
    if (this.reminderTimer !== undefined) this.deps.clock.clearTimeout(this.reminderTimer);
    this.reminderTimer = undefined;
  }

  /** Shows a reminder once per session start time, `reminderLeadMinutes` before it. */
  async remindDue(): Promise<number> {
    const lead = this.settings.get().reminderLeadMinutes;
    if (!this.current || lead <= 0) return 0;
    const store = this.current.device.store;
    const now = this.deps.clock.now();
    const due = await sessionsStarting(store, now, new Date(now.getTime() + lead * 60_000));
    let shown = 0;
    for (const s of due) {
      const key = `reminded:${s.id}:${s.starts_at}`;
      if (store.getMeta(key)) continue;
      store.setMeta(key, now.toISOString());
      const tz = await schoolTimeZone(store, s.school_id);
      this.emit(
        'popup',
        {
          id: -s.id,
          school_id: s.school_id,
          user_id: s.teacher_id,
          type: 'session_reminder',
          title: '',
          message: '',
          params: { session_id: s.id, session_title: s.title, starts_at: s.starts_at, location: s.location },
          action_url: `classdesk://sessions/${s.id}`,
          is_read: false,
          is_dismissed: false,
          read_at: null,
          delivered_via_socket: false,
          created_at: now.toISOString(),
          expires_at: s.starts_at,
          version: 0,
        },
        tz,
      );
      shown++;
    }
    return shown;
  }

  async close(): Promise<void> {
    await this.signOutLocal();
  }
}
