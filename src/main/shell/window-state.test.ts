import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  clampToDisplays,
  DEFAULT_WINDOW_STATE,
  readWindowState,
  writeWindowState,
  type Rect,
} from './window-state.js';

const laptop: Rect = { x: 0, y: 0, width: 1440, height: 876 };
const rightMonitor: Rect = { x: 1440, y: 0, width: 2560, height: 1400 };

describe('clamping the saved window to the displays', () => {
  test('keeps a window that fits where it was', () => {
    const s = { x: 100, y: 50, width: 1200, height: 800, maximized: false };
    expect(clampToDisplays(s, [laptop])).toEqual(s);
  });

  test('forgets the position on a monitor that is gone, and fits the primary display', () => {
    const s = { x: 2000, y: 100, width: 2000, height: 1200, maximized: true };
    expect(clampToDisplays(s, [laptop])).toEqual({ width: 1440, height: 876, maximized: true });
  });

  test('keeps a window on the second monitor when it is still attached', () => {
    const s = { x: 2000, y: 100, width: 2000, height: 1200, maximized: false };
    expect(clampToDisplays(s, [laptop, rightMonitor])).toEqual(s);
  });

  test('pulls a window hanging off an edge fully onto its display', () => {
    expect(
      clampToDisplays({ x: 1000, y: 600, width: 1000, height: 700, maximized: false }, [laptop]),
    ).toEqual({
      x: 440,
      y: 176,
      width: 1000,
      height: 700,
      maximized: false,
    });
    expect(
      clampToDisplays({ x: -300, y: -20, width: 900, height: 600, maximized: false }, [laptop]),
    ).toMatchObject({
      x: 0,
      y: 0,
    });
  });

  test('treats a barely visible sliver as off-screen', () => {
    const s = { x: 1400, y: 0, width: 900, height: 600, maximized: false };
    expect(clampToDisplays(s, [laptop])).toEqual({ width: 900, height: 600, maximized: false });
  });

  test('never makes a window smaller than usable, unless the display is', () => {
    expect(clampToDisplays({ width: 200, height: 100, maximized: false }, [laptop])).toEqual({
      width: 800,
      height: 560,
      maximized: false,
    });
    const tiny: Rect = { x: 0, y: 0, width: 640, height: 480 };
    expect(clampToDisplays({ width: 1200, height: 800, maximized: false }, [tiny])).toEqual({
      width: 640,
      height: 480,
      maximized: false,
    });
  });

  test('leaves the state alone when no display is known', () => {
    expect(clampToDisplays(DEFAULT_WINDOW_STATE, [])).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('the window state file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const file = () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-window-'));
    return path.join(dir, 'nested', 'window-state.json');
  };

  test('round-trips a state, rounding fractional pixels', () => {
    const f = file();
    writeWindowState(f, { x: 10.4, y: 20.6, width: 1000.2, height: 700.7, maximized: true });
    expect(readWindowState(f)).toEqual({ x: 10, y: 21, width: 1000, height: 701, maximized: true });
  });

  test('falls back to the default for a missing, corrupt or invalid file', () => {
    const f = file();
    expect(readWindowState(f)).toEqual(DEFAULT_WINDOW_STATE);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, '{ not json');
    expect(readWindowState(f)).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(f, JSON.stringify({ width: 'wide', height: 700, maximized: false }));
    expect(readWindowState(f)).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(f, JSON.stringify({ x: 1e9, y: 0, width: 900, height: 700, maximized: false }));
    expect(readWindowState(f)).toEqual(DEFAULT_WINDOW_STATE);
  });
});
