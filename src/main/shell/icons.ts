/** nativeImages of the drawn icon (icon-bitmap.ts) for the window, the tray and notifications. */
import { nativeImage, type NativeImage } from 'electron';
import { renderIcon, type IconOptions } from './icon-bitmap.js';
import { encodePng } from './png.js';

const png = (size: number, opts?: IconOptions) => encodePng(renderIcon(size, opts), size, size);

export function appIcon(size = 256): NativeImage {
  return nativeImage.createFromBuffer(png(size));
}

/**
 * The tray icon with the unread badge. macOS gets a template image (the menu bar tints it) and
 * shows the count as the tray title instead; Windows a 16 px image with 24/32 px for HiDPI;
 * Linux a 32 px image the desktop scales.
 */
export function trayIcon(platform: NodeJS.Platform, badge: string): NativeImage {
  if (platform === 'darwin') {
    const img = nativeImage.createFromBuffer(png(16, { template: true }), { scaleFactor: 1 });
    img.addRepresentation({ scaleFactor: 2, buffer: png(32, { template: true }) });
    img.setTemplateImage(true);
    return img;
  }
  if (platform === 'win32') {
    const img = nativeImage.createFromBuffer(png(16, { badge }), { scaleFactor: 1 });
    img.addRepresentation({ scaleFactor: 1.5, buffer: png(24, { badge }) });
    img.addRepresentation({ scaleFactor: 2, buffer: png(32, { badge }) });
    return img;
  }
  return nativeImage.createFromBuffer(png(32, { badge }));
}
