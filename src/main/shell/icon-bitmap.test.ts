import { inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { renderIcon } from './icon-bitmap.js';
import { crc32, encodePng, PNG_SIGNATURE } from './png.js';

const pixel = (rgba: Uint8Array, size: number, x: number, y: number) =>
  Array.from(rgba.slice((y * size + x) * 4, (y * size + x) * 4 + 4));

describe('the drawn icon', () => {
  test('is a teal square with a white C and transparent corners', () => {
    const size = 64;
    const img = renderIcon(size);
    expect(img).toHaveLength(size * size * 4);
    expect(pixel(img, size, 0, 0)[3]).toBe(0); // corner
    expect(pixel(img, size, 32, 4)).toEqual([15, 118, 110, 255]); // background near the top edge
    expect(pixel(img, size, 32, 17)).toEqual([255, 255, 255, 255]); // the C's ring, top
    expect(pixel(img, size, 32, 32)).toEqual([15, 118, 110, 255]); // inside the C
  });

  test('draws a red badge in the top-right corner only when there is a count', () => {
    const plain = renderIcon(32);
    const badged = renderIcon(32, { badge: '7' });
    const [r, g, b] = pixel(badged, 32, 24, 1);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(80);
    expect(b).toBeLessThan(80);
    expect(pixel(plain, 32, 24, 1)).not.toEqual(pixel(badged, 32, 24, 1));
    // the bottom-left stays the plain icon
    expect(pixel(badged, 32, 4, 28)).toEqual(pixel(plain, 32, 4, 28));
    expect(renderIcon(32, { badge: '99+' })).not.toEqual(renderIcon(32, { badge: '7' }));
  });

  test('template images are black on transparency (macOS tints them)', () => {
    const img = renderIcon(32, { template: true });
    for (let i = 0; i < img.length; i += 4) {
      if (img[i + 3]! > 0) expect([img[i], img[i + 1], img[i + 2]]).toEqual([0, 0, 0]);
    }
    expect(pixel(img, 32, 16, 16)[3]).toBe(0);
  });
});

describe('the PNG encoder', () => {
  test('writes a valid RGBA PNG that inflates back to the pixels', () => {
    const size = 16;
    const rgba = renderIcon(size, { badge: '3' });
    const png = encodePng(rgba, size, size);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(size);
    expect(png.readUInt32BE(20)).toBe(size);
    expect(png[24]).toBe(8);
    expect(png[25]).toBe(6);
    // IHDR's CRC covers its type and data
    expect(png.readUInt32BE(29)).toBe(crc32(png.subarray(12, 29)));
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(raw.length).toBe((size * 4 + 1) * size);
    expect(Array.from(raw.subarray(1, 1 + size * 4))).toEqual(Array.from(rgba.subarray(0, size * 4)));
    expect(png.toString('ascii', png.length - 8, png.length - 4)).toBe('IEND');
  });

  test('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  test('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow();
  });
});
