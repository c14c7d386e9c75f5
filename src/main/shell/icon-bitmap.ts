/**
 * The Classdesk icon, drawn in code: a teal rounded square with a white "C", optionally with a
 * red badge carrying the unread count. One drawing serves the tray (at runtime, any size, any
 * count) and the packaged app's icons (scripts/make-icons.ts writes build/*.png from it), so no
 * binary asset has to be kept in step with another.
 */

export interface IconOptions {
  /** Text of the badge (digits and '+'); empty for none. */
  badge?: string;
  /** A black glyph on transparency, for macOS template images (the menu bar tints it). */
  template?: boolean;
}

type RGB = readonly [number, number, number];
const TEAL: RGB = [15, 118, 110];
const WHITE: RGB = [255, 255, 255];
const BLACK: RGB = [0, 0, 0];
const RED: RGB = [220, 38, 38];

// 3×5 pixel font: rows top to bottom, 3 bits each (4 = left column).
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '+': [0, 2, 7, 2, 0],
};

function roundedRectInside(
  px: number,
  py: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  r: number,
) {
  const cx = Math.min(Math.max(px, x0 + r), x1 - r);
  const cy = Math.min(Math.max(py, y0 + r), y1 - r);
  const dx = px - cx;
  const dy = py - cy;
  return px >= x0 && px <= x1 && py >= y0 && py <= y1 && dx * dx + dy * dy <= r * r;
}

function insideC(u: number, v: number): boolean {
  const dx = u - 0.5;
  const dy = v - 0.5;
  const d = Math.hypot(dx, dy);
  if (d < 0.17 || d > 0.31) return false;
  // The opening of the C faces right: ±42° around the positive x axis.
  const angle = Math.abs(Math.atan2(dy, dx));
  return angle > (42 * Math.PI) / 180;
}

/** Renders the icon as straight-alpha RGBA, `size` × `size`. */
export function renderIcon(size: number, opts: IconOptions = {}): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const SS = 4; // supersampling per axis
  const margin = opts.template ? 0 : 0.06;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let bg = 0;
      let glyph = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const u = (x + (sx + 0.5) / SS) / size;
          const v = (y + (sy + 0.5) / SS) / size;
          if (!opts.template && roundedRectInside(u, v, margin, margin, 1 - margin, 1 - margin, 0.2)) bg++;
          if (insideC(u, v)) glyph++;
        }
      }
      const n = SS * SS;
      const glyphColor = opts.template ? BLACK : WHITE;
      // Composite the glyph over the background (both with straight alpha).
      const a1 = bg / n;
      const a2 = glyph / n;
      const a = a2 + a1 * (1 - a2);
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) {
        const col = a === 0 ? 0 : (glyphColor[c]! * a2 + TEAL[c]! * a1 * (1 - a2)) / a;
        out[i + c] = Math.round(col);
      }
      out[i + 3] = Math.round(a * 255);
    }
  }
  if (opts.badge) drawBadge(out, size, opts.badge);
  return out;
}

function drawBadge(out: Uint8Array, size: number, text: string): void {
  const chars = [...text].filter((c) => GLYPHS[c]);
  if (chars.length === 0) return;
  const scale = Math.max(1, Math.floor(size / 16));
  const pad = Math.max(1, Math.round(scale * 1.5));
  const textW = (chars.length * 4 - 1) * scale;
  const textH = 5 * scale;
  const h = Math.min(size, textH + 2 * pad);
  const w = Math.min(size, Math.max(h, textW + 2 * pad));
  const x0 = size - w;
  const r = h / 2;
  const SS = 4;
  for (let y = 0; y < h; y++) {
    for (let x = x0; x < size; x++) {
      let cover = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++)
          if (roundedRectInside(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS, x0, 0, size, h, r)) cover++;
      blend(out, size, x, y, RED, cover / (SS * SS));
    }
  }
  const tx = x0 + Math.floor((w - textW) / 2);
  const ty = Math.floor((h - textH) / 2);
  chars.forEach((c, k) => {
    const rows = GLYPHS[c]!;
    for (let row = 0; row < 5; row++)
      for (let col = 0; col < 3; col++) {
        if (!((rows[row]! >> (2 - col)) & 1)) continue;
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++)
            blend(out, size, tx + (k * 4 + col) * scale + dx, ty + row * scale + dy, WHITE, 1);
      }
  });
}

function blend(out: Uint8Array, size: number, x: number, y: number, color: RGB, alpha: number): void {
  if (alpha <= 0 || x < 0 || y < 0 || x >= size || y >= size) return;
  const i = (y * size + x) * 4;
  const a0 = out[i + 3]! / 255;
  const a = alpha + a0 * (1 - alpha);
  for (let c = 0; c < 3; c++) {
    const v = (color[c]! * alpha + out[i + c]! * a0 * (1 - alpha)) / a;
    out[i + c] = Math.round(v);
  }
  out[i + 3] = Math.round(a * 255);
}
