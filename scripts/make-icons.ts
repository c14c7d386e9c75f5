/**
 * Writes the packaged app's icons from the one drawing in src/main/shell/icon-bitmap.ts:
 * build/icon.png (512 px; electron-builder derives the .ico, .icns and Linux sizes from it) and
 * build/tray/* (the tray icon as the app draws it at runtime, for documentation and stores).
 * Run with `npm run icons` after changing the drawing; a test checks the files are current.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderIcon, type IconOptions } from '../src/main/shell/icon-bitmap.js';
import { encodePng } from '../src/main/shell/png.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const ICON_FILES: Array<{ file: string; size: number; opts?: IconOptions }> = [
  { file: 'build/icon.png', size: 512 },
  { file: 'build/tray/tray.png', size: 16 },
  { file: 'build/tray/tray@2x.png', size: 32 },
  { file: 'build/tray/trayTemplate.png', size: 16, opts: { template: true } },
  { file: 'build/tray/trayTemplate@2x.png', size: 32, opts: { template: true } },
];

export function iconPng(size: number, opts?: IconOptions): Buffer {
  return encodePng(renderIcon(size, opts), size, size);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const { file, size, opts } of ICON_FILES) {
    const out = path.join(root, file);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, iconPng(size, opts));
    console.log(`wrote ${file} (${size}×${size})`);
  }
}
