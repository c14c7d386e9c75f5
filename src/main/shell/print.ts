/**
 * Printing the app's page to PDF (Electron's printToPDF, with the renderer's @media print
 * stylesheet) into a file the teacher picks in a save dialog.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { dialog, type BrowserWindow } from 'electron';
import type { PrintResult } from '../../shared/ipc.js';
import { ShellError } from './errors.js';

/** A file name the save dialog can offer: no path, no characters file systems refuse, ends in .pdf. */
export function pdfFileName(name: string): string {
  const base = name
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .replace(/\.pdf$/i, '')
    .slice(0, 120)
    .trim();
  return `${base || 'lesson-plan'}.pdf`;
}

export async function printWindowToPdf(
  window: BrowserWindow | null,
  fileName: string,
  documentsDir: string,
): Promise<PrintResult> {
  if (!window || window.isDestroyed()) throw new ShellError('no_window', 'the window is not open');
  const choice = await dialog.showSaveDialog(window, {
    defaultPath: path.join(documentsDir, pdfFileName(fileName)),
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
  });
  if (choice.canceled || !choice.filePath) return { outcome: 'cancelled', path: null };
  const pdf = await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
  await fs.writeFile(choice.filePath, pdf);
  return { outcome: 'saved', path: choice.filePath };
}
