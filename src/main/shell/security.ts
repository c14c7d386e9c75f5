/**
 * Hardening applied to the session and to every webContents the app creates: the CSP header,
 * no permissions, no downloads, no new windows, no webviews, no navigation outside the app.
 * Electron's security checklist, items 4–15, as code (the BrowserWindow's own preferences are in
 * window.ts).
 */
import type { Session, WebContents } from 'electron';
import type { Logger } from '../core/ports.js';
import { withCsp } from '../core/app/csp.js';
import { isAllowedNavigation, type AppLocation } from './navigation.js';

export function hardenSession(ses: Session, csp: string, logger: Logger): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders, csp) });
  });
  // The app asks the OS for nothing through the web platform: notifications are native, files
  // come from the core. Every request and every check is refused.
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    logger.info('permission request refused', { permission });
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => {
    logger.info('download refused');
    event.preventDefault();
  });
}

export function hardenWebContents(contents: WebContents, loc: AppLocation, logger: Logger): void {
  // window.open and target=_blank never open anything: links leave through 'external:open'.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const guard = (kind: string) => (event: { preventDefault(): void }, url: string) => {
    if (isAllowedNavigation(url, loc)) return;
    event.preventDefault();
    logger.warn('navigation refused', { kind, protocol: safeProtocol(url) });
  };
  contents.on('will-navigate', (event, url) => guard('navigate')(event, url));
  contents.on('will-redirect', (event, url) => guard('redirect')(event, url));
  contents.on('will-frame-navigate', (event) => guard('frame')(event, event.url));
  contents.on('will-attach-webview', (event) => {
    logger.warn('webview refused');
    event.preventDefault();
  });
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return 'invalid';
  }
}
