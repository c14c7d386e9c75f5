/** The Electron side of the handlers' Platform: opening files and links, and updates. */
import { shell, type BrowserWindow } from 'electron';
import type { Platform } from '../core/app/handlers.js';
import { ShellError } from './errors.js';
import { isExternalHttpUrl, isOpenablePath } from './navigation.js';
import { printWindowToPdf } from './print.js';
import type { UpdateService } from './updater.js';

export interface ElectronPlatformOptions {
  version: string;
  platform: NodeJS.Platform;
  /** Only files under this directory (the app's data) are handed to the OS. */
  dataDir: string;
  updates: UpdateService;
  /** The app's window, whose page print:pdf prints. */
  window(): BrowserWindow | null;
  /** Where the save dialog of a PDF starts. */
  documentsDir: string;
}

export function electronPlatform(o: ElectronPlatformOptions): Platform {
  return {
    version: o.version,
    platform: o.platform,
    harness: false,
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    async openPath(file) {
      if (!isOpenablePath(file, o.dataDir))
        throw new ShellError('forbidden', 'only files of this app can be opened');
      const failure = await shell.openPath(file);
      if (failure) throw new ShellError('open_failed', `the file could not be opened: ${failure}`);
    },
    async openExternal(url) {
      // The renderer calls this only for a link the teacher clicked ('external:open').
      if (!isExternalHttpUrl(url)) throw new ShellError('forbidden', 'only web links can be opened');
      await shell.openExternal(url);
    },
    updateState: () => o.updates.state(),
    async installUpdate() {
      o.updates.install();
    },
    printToPdf: (fileName) => printWindowToPdf(o.window(), fileName, o.documentsDir),
  };
}
