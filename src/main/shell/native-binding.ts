/**
 * better-sqlite3's native module for Electron's ABI. In development it is the copy that
 * scripts/electron-native.mjs put in native/electron/ (node_modules keeps Node's build for the
 * tests); a packaged app carries the build electron-builder made for it, found the usual way.
 */
import fs from 'node:fs';
import path from 'node:path';

export function devNativeBindingPath(
  appPath: string,
  electronVersion: string,
  platform: NodeJS.Platform,
  arch: string,
): string {
  return path.join(
    appPath,
    'native',
    'electron',
    `electron-v${electronVersion}-${platform}-${arch}`,
    'better_sqlite3.node',
  );
}

/** The binding to pass to LocalStore.open, or undefined for better-sqlite3's own lookup. */
export function nativeBinding(o: {
  isPackaged: boolean;
  appPath: string;
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
  exists?: (file: string) => boolean;
}): string | undefined {
  if (o.isPackaged) return undefined;
  const file = devNativeBindingPath(o.appPath, o.electronVersion, o.platform, o.arch);
  return (o.exists ?? fs.existsSync)(file) ? file : undefined;
}
