/**
 * The Electron main process (the shell): a hardened window and the IPC contract. The desktop
 * core (local store, sync engine) lives in src/main/core and never imports electron.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session, shell } from 'electron';
import { registerIpc } from './shell/ipc.js';
import type { IpcHandlers } from './core/app/handlers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverUrl = process.env.CLASSDESK_SERVER_URL ?? null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (url !== win.webContents.getURL()) e.preventDefault();
  });
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(path.join(here, '../renderer/index.html'));
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    let win = createWindow();
    registerIpc(
      {
        'app:info': async () => ({ version: app.getVersion(), platform: process.platform, harness: false }),
      } as unknown as IpcHandlers,
      (e) => e.senderFrame?.url.startsWith(process.env.ELECTRON_RENDERER_URL ?? 'file://') ?? false,
    );
    app.on('second-instance', () => {
      if (win.isMinimized()) win.restore();
      win.focus();
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
