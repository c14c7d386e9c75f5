/**
 * Where the app's own pages live, and the decisions that follow from it: which URLs the window
 * may navigate to, which frames may call the IPC contract, which links may leave for the browser.
 * Pure functions, so the allowlist is unit-tested rather than trusted.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppLocation {
  /** Directory of the built renderer (out/renderer): pages are file:// URLs inside it. */
  rendererDir: string;
  /** The electron-vite dev server (development only; null in a packaged app). */
  devServerUrl: string | null;
}

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** True for the app's own pages: a file inside the renderer directory, or the dev server. */
export function isAppUrl(raw: string, loc: AppLocation): boolean {
  const url = parse(raw);
  if (!url) return false;
  if (url.protocol === 'file:') {
    if (url.host !== '' && url.host !== 'localhost') return false;
    let file: string;
    try {
      file = fileURLToPath(url);
    } catch {
      return false; // encoded separators and the like
    }
    return isInside(loc.rendererDir, file);
  }
  if (loc.devServerUrl && (url.protocol === 'http:' || url.protocol === 'https:')) {
    const dev = parse(loc.devServerUrl);
    return dev !== null && url.origin === dev.origin;
  }
  return false;
}

/** Navigation (will-navigate, will-redirect, will-frame-navigate) stays inside the app. */
export const isAllowedNavigation = isAppUrl;

/** The IPC contract answers only the app's own top-level page. */
export function isTrustedSender(
  frame: { url: string; isMainFrame: boolean } | null,
  loc: AppLocation,
): boolean {
  return frame !== null && frame.isMainFrame && isAppUrl(frame.url, loc);
}

/** Links the teacher clicked may open in the browser: plain http(s), no embedded credentials. */
export function isExternalHttpUrl(raw: string): boolean {
  const url = parse(raw);
  if (!url) return false;
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === ''
  );
}

/** A path the OS may open for the teacher: only files inside the app's data directory. */
export function isOpenablePath(file: string, dataDir: string): boolean {
  return path.isAbsolute(file) && isInside(dataDir, file);
}
