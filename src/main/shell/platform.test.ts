import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, test, vi } from 'vitest';

const shell = vi.hoisted(() => ({ openPath: vi.fn(), openExternal: vi.fn() }));
const dialog = vi.hoisted(() => ({ showSaveDialog: vi.fn() }));
vi.mock('electron', () => ({ shell, dialog }));

const { electronPlatform } = await import('./platform.js');
const { UpdateService } = await import('./updater.js');
const { silentLogger } = await import('../core/ports.js');

const dataDir = path.resolve('/home/ana/.config/Classdesk');
const updates = new UpdateService({
  updater: null,
  unsupportedReason: 'development build',
  logger: silentLogger,
  onState: () => undefined,
  beforeInstall: () => undefined,
});
const printed = Buffer.from('%PDF-1.4 plan');
const webContents = { printToPDF: vi.fn() };
const fakeWindow = { isDestroyed: () => false, webContents };
let openWindow: typeof fakeWindow | null = fakeWindow;
const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-pdf-'));
const platform = electronPlatform({
  version: '1.2.3',
  platform: 'linux',
  dataDir,
  updates,
  window: () => openWindow as never,
  documentsDir,
});

beforeEach(() => {
  shell.openPath.mockReset().mockResolvedValue('');
  shell.openExternal.mockReset().mockResolvedValue(undefined);
  dialog.showSaveDialog.mockReset();
  webContents.printToPDF.mockReset().mockResolvedValue(printed);
  openWindow = fakeWindow;
});

describe('the Electron platform', () => {
  test('opens a cached file of the app with the OS', async () => {
    const file = path.join(dataDir, 'devices', 'd1', 'files', 'ab', 'plan.pdf');
    await platform.openPath(file);
    expect(shell.openPath).toHaveBeenCalledWith(file);
  });

  test('refuses to open a file outside the app’s data', async () => {
    await expect(platform.openPath('/usr/bin/xterm')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(platform.openPath(path.join(dataDir, '..', 'evil.desktop'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(shell.openPath).not.toHaveBeenCalled();
  });

  test('reports a file the OS could not open', async () => {
    shell.openPath.mockResolvedValue('No application is associated');
    await expect(platform.openPath(path.join(dataDir, 'x.pdf'))).rejects.toMatchObject({
      code: 'open_failed',
    });
  });

  test('opens only http(s) links in the browser', async () => {
    await platform.openExternal('https://classdesk.example/help');
    expect(shell.openExternal).toHaveBeenCalledWith('https://classdesk.example/help');
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://u:p@example.com',
    ]) {
      await expect(platform.openExternal(url), url).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  test('answers the updater’s state and refuses to install without an update', async () => {
    expect(platform.updateState()).toMatchObject({ state: 'unsupported', message: 'development build' });
    await expect(platform.installUpdate()).rejects.toMatchObject({ code: 'no_update' });
    expect(platform.harness).toBe(false);
    expect(platform.version).toBe('1.2.3');
    expect(platform.timeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  test('prints the window to the PDF file the teacher picked, offering a safe file name', async () => {
    const target = path.join(documentsDir, 'chosen.pdf');
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: target });
    expect(await platform.printToPdf('Plano: 7.º A / frações')).toEqual({ outcome: 'saved', path: target });
    const [, options] = dialog.showSaveDialog.mock.calls[0] as [unknown, { defaultPath: string }];
    expect(options.defaultPath).toBe(path.join(documentsDir, 'Plano 7.º A frações.pdf'));
    expect(fs.readFileSync(target)).toEqual(printed);
  });

  test('writes nothing when the save dialog is cancelled, and refuses without a window', async () => {
    dialog.showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' });
    expect(await platform.printToPdf('plan')).toEqual({ outcome: 'cancelled', path: null });
    expect(webContents.printToPDF).not.toHaveBeenCalled();
    openWindow = null;
    await expect(platform.printToPdf('plan')).rejects.toMatchObject({ code: 'no_window' });
  });
});
