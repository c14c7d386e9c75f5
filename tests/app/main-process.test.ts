/**
 * The Electron main process wired together (src/main/index.ts), with `electron` replaced by a
 * recording fake and the core controller by a stub: no Electron binary is needed. It checks
 * what only the composition can get wrong — the window's preferences, the IPC sender check,
 * hide-to-tray and a real quit, notifications that navigate, the secret store choice.
 */
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { EVENT_CHANNEL, IPC_CHANNELS, type AppEvent } from '../../src/shared/ipc.js';
import type { NotificationRow } from '../../src/shared/entities.js';

const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-main-'));

const fx = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events');
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const emitter = new EventEmitter();
  const paths: Record<string, string> = {};
  const app = Object.assign(emitter, {
    isPackaged: false,
    paths,
    quits: 0,
    badge: 0,
    setPath(name: string, p: string) {
      this.paths[name] = p;
    },
    getPath(name: string) {
      return this.paths[name] ?? '/nonexistent';
    },
    getAppPath: () => '/nonexistent-app',
    getVersion: () => '9.9.9',
    getLocale: () => 'en-US',
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: () => true,
    whenReady: () => ready,
    setAppUserModelId: vi.fn(),
    setBadgeCount(n: number) {
      this.badge = n;
    },
    quit() {
      this.quits++;
      const e = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      emitter.emit('before-quit', e);
      emitter.emit('will-quit', e);
    },
    exit: vi.fn(),
  });

  class WebContents extends EventEmitter {
    sent: Array<[string, unknown]> = [];
    openHandler: ((d: { url: string }) => unknown) | undefined;
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    setWindowOpenHandler(fn: (d: { url: string }) => unknown) {
      this.openHandler = fn;
    }
  }
  const windows: BrowserWindow[] = [];
  class BrowserWindow extends EventEmitter {
    webContents = new WebContents();
    visible = false;
    loaded: string | undefined;
    constructor(readonly options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
      super();
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static getAllWindows = () => windows;
    isDestroyed = () => false;
    isMinimized = () => false;
    isMaximized = () => false;
    maximize() {}
    restore() {}
    show() {
      this.visible = true;
    }
    hide() {
      this.visible = false;
    }
    focus() {}
    getNormalBounds = () => ({ x: 10, y: 10, width: 1000, height: 700 });
    loadFile(f: string) {
      this.loaded = f;
      return Promise.resolve();
    }
    loadURL(u: string) {
      this.loaded = u;
      return Promise.resolve();
    }
    close() {
      const e = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      this.emit('close', e);
      return e.defaultPrevented;
    }
  }
  const handlers = new Map<string, (e: unknown, ...a: unknown[]) => Promise<unknown>>();
  const session = {
    h: {} as Record<string, (...a: never[]) => unknown>,
    webRequest: { onHeadersReceived: (fn: never) => (session.h.headers = fn) },
    setPermissionRequestHandler: (fn: never) => (session.h.request = fn),
    setPermissionCheckHandler: (fn: never) => (session.h.check = fn),
    setDevicePermissionHandler: (fn: never) => (session.h.device = fn),
    on: (ev: string, fn: never) => (session.h[ev] = fn),
  };
  const trays: Array<{ tooltip: string; destroyed: boolean }> = [];
  const notifications: Array<{ options: unknown; handlers: Record<string, () => void> }> = [];
  const img = () => ({ addRepresentation() {}, setTemplateImage() {} });
  class FakeNotification {
    static isSupported(): boolean {
      return true;
    }
    handlers: Record<string, () => void> = {};
    constructor(readonly options: unknown) {}
    on(ev: string, fn: () => void) {
      this.handlers[ev] = fn;
    }
    show() {
      notifications.push(this);
    }
  }
  return {
    ready: () => readyResolve(),
    app,
    windows,
    handlers,
    session,
    trays,
    notifications,
    electron: {
      app,
      BrowserWindow,
      ipcMain: {
        handle: (c: string, fn: (e: unknown, ...a: unknown[]) => Promise<unknown>) => handlers.set(c, fn),
      },
      session: { defaultSession: session },
      safeStorage: {
        isEncryptionAvailable: () => true,
        getSelectedStorageBackend: () => 'basic_text',
        encryptString: () => {
          throw new Error('must not be called');
        },
        decryptString: () => '',
      },
      screen: {
        getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
        getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
      },
      shell: { openPath: vi.fn(async () => ''), openExternal: vi.fn(async () => undefined) },
      nativeImage: { createFromBuffer: img },
      Menu: { buildFromTemplate: (t: unknown) => t },
      Tray: class {
        tooltip = '';
        destroyed = false;
        constructor() {
          trays.push(this);
        }
        on() {}
        setImage() {}
        setTitle() {}
        setToolTip(t: string) {
          this.tooltip = t;
        }
        setContextMenu() {}
        isDestroyed() {
          return this.destroyed;
        }
        destroy() {
          this.destroyed = true;
        }
      },
      Notification: FakeNotification,
    },
  };
});

const core = vi.hoisted(() => ({
  instances: [] as Array<EventEmitter & { deps: Record<string, unknown>; closed: number }>,
}));

vi.mock('electron', () => fx.electron);
vi.mock('electron-log/main', () => ({
  default: { transports: { file: {}, console: {} }, debug() {}, info() {}, warn() {}, error() {} },
}));
vi.mock('electron-updater', () => ({ default: { autoUpdater: {} } }));
vi.mock('../../src/main/core/app/controller.js', async () => {
  const { EventEmitter } = await import('node:events');
  class AppController extends EventEmitter {
    closed = 0;
    settings = {
      get: () => ({ language: 'system', popupTypes: [], reminderLeadMinutes: 0, storageQuotaMb: 100 }),
    };
    constructor(readonly deps: Record<string, unknown>) {
      super();
      core.instances.push(this);
    }
    authState() {
      return {
        signedIn: false,
        user: null,
        serverUrl: null,
        lastServerUrl: null,
        lastEmail: null,
        tokenPersisted: false,
      };
    }
    async restore() {
      return this.authState();
    }
    device() {
      throw Object.assign(new Error('sign in first'), { code: 'not_signed_in' });
    }
    async close() {
      this.closed++;
    }
  }
  return { AppController, AppError: Error };
});

const rendererPage = pathToFileURL(path.resolve('src/renderer/index.html')).href;
const invoke = (
  channel: string,
  sender: { url: string; main?: boolean; contents?: unknown },
  ...args: unknown[]
) => {
  const win = fx.windows[0]!;
  return fx.handlers.get(channel)!(
    {
      sender: sender.contents ?? win.webContents,
      senderFrame: { url: sender.url, parent: sender.main === false ? {} : null },
    },
    ...args,
  );
};

beforeAll(async () => {
  process.env.CLASSDESK_USER_DATA_DIR = userData;
  delete process.env.ELECTRON_RENDERER_URL;
  await import('../../src/main/index.js');
  fx.app.paths.userData ??= userData;
  fx.ready();
  await vi.waitFor(() => expect(fx.windows).toHaveLength(1));
});
afterAll(() => {
  delete process.env.CLASSDESK_USER_DATA_DIR;
  fs.rmSync(userData, { recursive: true, force: true });
});

describe('the main process', () => {
  test('keeps its data in the chosen userData and turns on the sandbox everywhere', () => {
    expect(fx.app.paths.userData).toBe(path.resolve(userData));
    expect(fx.app.enableSandbox).toHaveBeenCalled();
  });

  test('opens one hardened window on the built renderer', () => {
    const win = fx.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(String(win.options.webPreferences.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.loaded).toBe(path.resolve('src/renderer/index.html'));
    expect(win.webContents.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  test('hardens the session: CSP header, no permissions', () => {
    const cb = vi.fn<(r: { responseHeaders: Record<string, string[]> }) => void>();
    (fx.session.h.headers as (d: unknown, cb: unknown) => void)({ responseHeaders: {} }, cb);
    expect(cb.mock.calls[0]![0].responseHeaders['Content-Security-Policy']![0]).toMatch(
      /script-src 'self'(;|$)/,
    );
    const perm = vi.fn();
    (fx.session.h.request as (w: unknown, p: string, cb: unknown) => void)({}, 'media', perm);
    expect(perm).toHaveBeenCalledWith(false);
  });

  test('registers every channel of the contract, answering only the app’s own top frame', async () => {
    expect([...fx.handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    await expect(invoke('app:info', { url: rendererPage })).resolves.toEqual({
      ok: true,
      value: { version: '9.9.9', platform: process.platform, harness: false },
    });
    const forbidden = { ok: false, error: { code: 'forbidden', message: 'untrusted sender' } };
    await expect(invoke('app:info', { url: 'https://evil.example/' })).resolves.toEqual(forbidden);
    await expect(invoke('app:info', { url: rendererPage, main: false })).resolves.toEqual(forbidden);
    await expect(invoke('app:info', { url: rendererPage, contents: {} })).resolves.toEqual(forbidden);
    await expect(
      invoke('auth:signIn', { url: rendererPage }, { serverUrl: 'ftp://x' }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_args' },
    });
  });

  test('keeps the token in memory only where safeStorage is basic_text', () => {
    const deps = core.instances[0]!.deps;
    expect(deps.tokenPersisted).toBe(false);
    expect(deps.dataDir).toBe(path.resolve(userData));
    expect(fs.existsSync(path.join(userData, 'secrets.json'))).toBe(false);
  });

  test('forwards core events to the window and shows popups natively; a click navigates', () => {
    const win = fx.windows[0]!;
    const controller = core.instances[0]!;
    const e: AppEvent = { type: 'changed', schoolId: 1 };
    controller.emit('event', e);
    expect(win.webContents.sent).toContainEqual([EVENT_CHANNEL, e]);
    const row = {
      type: 'school_announcement',
      title: 'Aula cancelada',
      message: '7A',
      params: {},
      action_url: 'classdesk://sessions/42',
    } as unknown as NotificationRow;
    controller.emit('popup', row, 'Europe/Lisbon');
    const n = fx.notifications.at(-1)!;
    expect(n.options).toMatchObject({ title: 'Aula cancelada', body: '7A' });
    win.hide();
    n.handlers.click!();
    expect(win.visible).toBe(true);
    expect(win.webContents.sent.at(-1)).toEqual([EVENT_CHANNEL, { type: 'navigate', to: '/sessions/42' }]);
  });

  test('shows the sync state in the tray', () => {
    const controller = core.instances[0]!;
    controller.emit('event', {
      type: 'status',
      status: {
        online: false,
        live: false,
        syncing: false,
        lastSyncedAt: null,
        pending: 2,
        attention: 0,
        uploads: 0,
        quarantined: 0,
        notAnswering: false,
        lastError: null,
      },
    });
    expect(fx.trays[0]!.tooltip).toContain('Not signed in');
  });

  test('a second instance brings the window back', () => {
    const win = fx.windows[0]!;
    win.hide();
    fx.app.emit('second-instance');
    expect(win.visible).toBe(true);
  });

  test('closing the window hides it to the tray; Quit really quits after closing the core', async () => {
    const win = fx.windows[0]!;
    win.show();
    expect(win.close()).toBe(true); // prevented
    expect(win.visible).toBe(false);
    fx.app.quit();
    expect(win.close()).toBe(false); // quitting: the window may close
    await vi.waitFor(() => expect(core.instances[0]!.closed).toBe(1));
    await vi.waitFor(() => expect(fx.app.quits).toBe(2)); // the second quit goes through
    expect(fx.trays[0]!.destroyed).toBe(true);
  });
});
