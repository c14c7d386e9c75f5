/** The harness side of the handlers' Platform: nothing reaches the OS, everything is recorded. */
import type { Platform } from '../main/core/app/handlers.js';
import type { UpdateState } from '../shared/ipc.js';

export interface HarnessPlatform extends Platform {
  /** Files the UI asked to open with the OS (resource:open), in order. */
  readonly openedPaths: string[];
  /** Links the UI asked to open in the browser (external:open), in order. */
  readonly openedUrls: string[];
  /** PDF file names the UI asked to print to (print:pdf), in order: Chromium prints the page. */
  readonly printedPdfs: string[];
}

const UNSUPPORTED: UpdateState = {
  state: 'unsupported',
  version: null,
  percent: null,
  message: 'updates are not available in the browser harness',
};

export function harnessPlatform(version: string): HarnessPlatform {
  const openedPaths: string[] = [];
  const openedUrls: string[] = [];
  const printedPdfs: string[] = [];
  return {
    version,
    platform: process.platform,
    harness: true,
    openedPaths,
    openedUrls,
    printedPdfs,
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    async openPath(file) {
      openedPaths.push(file);
    },
    async openExternal(url) {
      openedUrls.push(url);
    },
    updateState: () => UNSUPPORTED,
    async installUpdate() {},
    async printToPdf(fileName) {
      printedPdfs.push(fileName);
      return { outcome: 'browser', path: null };
    },
  };
}
