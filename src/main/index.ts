/**
 * The Electron main process (the shell): it runs the desktop core (AppController) and adapts it
 * to Electron — a hardened window, the IPC contract, the tray, native notifications, updates,
 * safeStorage and logging. Decisions live in small pure modules under ./shell; this file only
 * wires them together. The core (./core) never imports electron.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, safeStorage, session, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import electronLog from 'electron-log/main';
import electronUpdater from 'electron-updater';
import { EVENT_CHANNEL, type AppEvent, type SyncStatus } from '../shared/ipc.js';
import { AppController } from './core/app/controller.js';
import { createHandlers } from './core/app/handlers.js';
import { systemClock } from './core/ports.js';
import { contentSecurityPolicy } from './core/app/csp.js';
import { appIcon } from './shell/icons.js';
import { registerIpc } from './shell/ipc.js';
import { createLogger } from './core/logger.js';
import { nativeBinding } from './shell/native-binding.js';
import { isTrustedSender, type AppLocation } from './shell/navigation.js';
import { NativeNotifier } from './shell/notifications.js';
import { electronPlatform } from './shell/platform.js';
import { prefillEvent, prefillServerUrl, serverUrlFromEnv } from './core/app/prefill.js';
import { openSecretStore } from './shell/secret-store.js';
import { hardenSession, hardenWebContents } from './shell/security.js';
import { resolveLang } from './shell/strings.js';
import { AppTray } from './shell/tray.js';
import type { TrayState } from './shell/tray-menu.js';
import { updateFeedUrl, updateUnsupportedReason, UpdateService, type UpdaterLike } from './shell/updater.js';
import { createMainWindow } from './shell/window.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const UPDATE_CHECK_EVERY_MS = 6 * 60 * 60_000;

// Tests and portable setups can keep the app's data elsewhere.
if (process.env.CLASSDESK_USER_DATA_DIR)
  app.setPath('userData', path.resolve(process.env.CLASSDESK_USER_DATA_DIR));
app.enableSandbox();

electronLog.transports.file.level = 'info';
electronLog.transports.console.level = app.isPackaged ? false : 'debug';
const logger = createLogger(electronLog);

const location: AppLocation = {
  rendererDir: path.join(here, '../renderer'),
  // The dev server only in development: a packaged app loads nothing but its own files.
  devServerUrl: app.isPackaged ? null : (process.env.ELECTRON_RENDERER_URL ?? null),
};
const devServerAddress = serverUrlFromEnv(process.env.CLASSDESK_SERVER_URL);

// Every webContents (the window, and anything a bug might create) gets the same guards.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, location, logger));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(main, (e: unknown) => {
    logger.error('start failed', { error: String(e) });
    app.exit(1);
  });
}

async function main(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId('pt.classdesk.app');
  hardenSession(session.defaultSession, contentSecurityPolicy(location.devServerUrl), logger);

  const dataDir = app.getPath('userData');
  const { secrets, tokenPersisted } = openSecretStore(
    path.join(dataDir, 'secrets.json'),
    safeStorage,
    process.platform,
    logger,
  );
  const binding = nativeBinding({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    electronVersion: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
  });
  const controller = new AppController({
    dataDir,
    secrets,
    tokenPersisted,
    clock: systemClock,
    logger,
    store: binding ? { nativeBinding: binding } : undefined,
  });

  let window: BrowserWindow | null = null;
  let quitting = false;
  const send = (e: AppEvent) => {
    if (window && !window.isDestroyed())
      window.webContents.send(EVENT_CHANNEL, prefillEvent(e, devServerAddress));
  };
  const showWindow = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  // ---- updates -------------------------------------------------------------------------------
  const unsupported = updateUnsupportedReason({
    isPackaged: app.isPackaged,
    platform: process.platform,
    env: process.env,
  });
  const updates = new UpdateService({
    updater: unsupported ? null : (): UpdaterLike => electronUpdater.autoUpdater,
    unsupportedReason: unsupported ?? undefined,
    logger,
    onState: (update) => send({ type: 'update', update }),
    beforeInstall: () => {
      quitting = true;
    },
  });
  const pointUpdates = () =>
    updates.setFeed(updateFeedUrl(process.env.CLASSDESK_UPDATE_URL, controller.authState().serverUrl));

  // ---- IPC -----------------------------------------------------------------------------------
  const platform = electronPlatform({
    version: app.getVersion(),
    platform: process.platform,
    dataDir,
    updates,
    window: () => window,
    documentsDir: app.getPath('documents'),
  });
  const handlers = createHandlers(controller, platform);
  const authState = handlers['auth:state'];
  const signIn = handlers['auth:signIn'];
  const signOut = handlers['auth:signOut'];
  handlers['auth:state'] = async () => prefillServerUrl(await authState(), devServerAddress);
  handlers['auth:signIn'] = async (a) => prefillServerUrl(await signIn(a), devServerAddress);
  handlers['auth:signOut'] = async () => prefillServerUrl(await signOut(), devServerAddress);
  registerIpc(handlers, (e: IpcMainInvokeEvent) => {
    const frame = e.senderFrame;
    const trusted = isTrustedSender(
      frame ? { url: frame.url, isMainFrame: frame.parent === null } : null,
      location,
    );
    return trusted && window !== null && !window.isDestroyed() && e.sender === window.webContents;
  });

  // ---- tray ----------------------------------------------------------------------------------
  let status: SyncStatus | null = null;
  let unread = 0;
  const trayState = (): TrayState => ({
    signedIn: controller.authState().signedIn,
    unread,
    status,
    lang: resolveLang(controller.settings.get().language, app.getLocale()),
    timeZone: platform.timeZone(),
  });
  const tray = new AppTray(
    process.platform,
    {
      open: showWindow,
      syncNow: () => {
        try {
          controller.device().engine.requestSync('requested from the tray');
        } catch {
          // signed out meanwhile: the item is disabled on the next refresh
        }
      },
      quit: () => app.quit(),
    },
    trayState(),
  );
  let unreadTimer: NodeJS.Timeout | undefined;
  const refreshUnread = () => {
    clearTimeout(unreadTimer);
    unreadTimer = setTimeout(() => {
      const count = controller.unreadCount();
      void count
        .catch(() => 0)
        .then((n) => {
          unread = n;
          tray.update(trayState());
          if (process.platform !== 'win32') app.setBadgeCount(n);
        });
    }, 200);
  };

  // ---- core events -----------------------------------------------------------------------------
  const notifier = new NativeNotifier((route) => {
    showWindow();
    send({ type: 'navigate', to: route });
  }, appIcon(128));
  controller.on('popup', (row, timeZone) =>
    notifier.show(row, resolveLang(controller.settings.get().language, app.getLocale()), timeZone),
  );
  controller.on('event', (e) => {
    send(e);
    if (e.type === 'revoked') notifier.closeSchool(e.schoolId);
    if (e.type === 'status') {
      status = e.status;
      tray.update(trayState());
    }
    if (e.type === 'auth') {
      if (!e.state.signedIn) status = null;
      pointUpdates();
      void updates.check();
    }
    if (e.type === 'auth' || e.type === 'changed' || e.type === 'notification' || e.type === 'revoked')
      refreshUnread();
  });

  // ---- window --------------------------------------------------------------------------------
  try {
    await controller.restore();
  } catch (e) {
    logger.error('could not reopen the last session', { error: String(e) });
  }
  window = createMainWindow({
    preload: path.join(here, '../preload/index.cjs'),
    location,
    stateFile: path.join(dataDir, 'window-state.json'),
    icon: appIcon(256),
    devTools: !app.isPackaged,
    logger,
  });
  // Closing the window keeps the app in the tray, so notifications keep arriving; Quit quits.
  window.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    window?.hide();
  });
  refreshUnread();

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    // The app lives on in the tray; quitting goes through before-quit.
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    clearTimeout(unreadTimer);
    clearInterval(updateTimer);
    tray.destroy();
    const timeout = new Promise<void>((r) => setTimeout(r, 5000).unref());
    void Promise.race([controller.close(), timeout])
      .catch((e: unknown) => logger.error('closing the local store failed', { error: String(e) }))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  pointUpdates();
  const firstCheck = setTimeout(() => void updates.check(), 10_000);
  firstCheck.unref();
  const updateTimer = setInterval(() => void updates.check(), UPDATE_CHECK_EVERY_MS);
  updateTimer.unref();
  logger.info('app started', {
    version: app.getVersion(),
    packaged: app.isPackaged,
    tokenPersisted,
    updates: updates.state().state,
  });
}
