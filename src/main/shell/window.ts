/** The main window: hardened preferences, remembered bounds, loaded from the app's own pages. */
import path from 'node:path';
import { BrowserWindow, screen, type NativeImage } from 'electron';
import type { Logger } from '../core/ports.js';
import type { AppLocation } from './navigation.js';
import {
  clampToDisplays,
  MIN_HEIGHT,
  MIN_WIDTH,
  readWindowState,
  writeWindowState,
  type Rect,
} from './window-state.js';

export interface MainWindowOptions {
  preload: string;
  location: AppLocation;
  stateFile: string;
  icon: NativeImage;
  devTools: boolean;
  logger: Logger;
}

function workAreas(): Rect[] {
  const primary = screen.getPrimaryDisplay();
  const others = screen.getAllDisplays().filter((d) => d.id !== primary.id);
  return [primary, ...others].map((d) => d.workArea);
}

export function createMainWindow(o: MainWindowOptions): BrowserWindow {
  const saved = clampToDisplays(readWindowState(o.stateFile), workAreas());
  const win = new BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    width: saved.width,
    height: saved.height,
    minWidth: Math.min(MIN_WIDTH, saved.width),
    minHeight: Math.min(MIN_HEIGHT, saved.height),
    show: false,
    title: 'Classdesk',
    icon: o.icon,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click must not open links in new windows (Electron security checklist).
      disableBlinkFeatures: 'Auxclick',
      devTools: o.devTools,
    },
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (win.isDestroyed()) return;
    try {
      writeWindowState(o.stateFile, { ...win.getNormalBounds(), maximized: win.isMaximized() });
    } catch (e) {
      o.logger.warn('window state not saved', { error: String(e) });
    }
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);
  win.on('close', () => {
    clearTimeout(timer);
    save();
  });

  if (o.location.devServerUrl) void win.loadURL(o.location.devServerUrl);
  else void win.loadFile(path.join(o.location.rendererDir, 'index.html'));
  return win;
}
