/**
 * The main window's remembered bounds: a small JSON file in userData, validated on read, and
 * clamped to the displays present now (a monitor unplugged since last time must not leave the
 * window off-screen).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const MIN_WIDTH = 800;
export const MIN_HEIGHT = 560;

const Coord = z.number().int().min(-100_000).max(100_000);
export const WindowState = z.object({
  x: Coord.optional(),
  y: Coord.optional(),
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };

function overlap(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x;
  const height = Math.min(a.y + a.height, b.y + b.height) - y;
  return { x, y, width: Math.max(0, width), height: Math.max(0, height) };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), Math.max(lo, hi));

/**
 * Fits the saved state to the work areas of the displays now attached (the first one is the
 * primary). A window that no longer overlaps a display enough to be grabbed loses its position
 * (the OS centres it on the primary display); one that does is moved fully onto its display.
 */
export function clampToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  const primary = workAreas[0];
  if (!primary) return { ...state };
  const fitSize = (area: Rect) => ({
    width: clamp(state.width, Math.min(MIN_WIDTH, area.width), area.width),
    height: clamp(state.height, Math.min(MIN_HEIGHT, area.height), area.height),
  });
  if (state.x === undefined || state.y === undefined) {
    return { ...fitSize(primary), maximized: state.maximized };
  }
  const rect: Rect = { x: state.x, y: state.y, width: state.width, height: state.height };
  let best: { area: Rect; visible: Rect } | undefined;
  for (const area of workAreas) {
    const visible = overlap(rect, area);
    if (!best || visible.width * visible.height > best.visible.width * best.visible.height)
      best = { area, visible };
  }
  // At least a grabbable strip of the window must be on a display.
  if (!best || best.visible.width < 100 || best.visible.height < 50) {
    return { ...fitSize(primary), maximized: state.maximized };
  }
  const { area } = best;
  const size = fitSize(area);
  return {
    x: clamp(state.x, area.x, area.x + area.width - size.width),
    y: clamp(state.y, area.y, area.y + area.height - size.height),
    ...size,
    maximized: state.maximized,
  };
}

/** The saved state, or the default when the file is missing, unreadable or invalid. */
export function readWindowState(file: string): WindowState {
  try {
    const parsed = WindowState.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : { ...DEFAULT_WINDOW_STATE };
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  const valid = WindowState.parse({
    ...state,
    ...(state.x !== undefined ? { x: Math.round(state.x) } : {}),
    ...(state.y !== undefined ? { y: Math.round(state.y) } : {}),
    width: Math.round(state.width),
    height: Math.round(state.height),
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(valid));
  fs.renameSync(tmp, file);
}
