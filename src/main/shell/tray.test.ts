import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { TrayState } from './tray-menu.js';

const electron = vi.hoisted(() => {
  class FakeImage {
    reps: Array<{ scaleFactor: number; bytes: number }> = [];
    template = false;
    constructor(
      readonly png: Buffer,
      scaleFactor = 1,
    ) {
      this.reps.push({ scaleFactor, bytes: png.length });
    }
    addRepresentation(o: { scaleFactor: number; buffer: Buffer }) {
      this.reps.push({ scaleFactor: o.scaleFactor, bytes: o.buffer.length });
    }
    setTemplateImage(v: boolean) {
      this.template = v;
    }
  }
  const trays: FakeTray[] = [];
  class FakeTray {
    images: FakeImage[] = [];
    title = '';
    tooltip = '';
    menus: unknown[] = [];
    handlers: Record<string, () => void> = {};
    destroyed = false;
    constructor(image: FakeImage) {
      this.images.push(image);
      trays.push(this);
    }
    on(ev: string, fn: () => void) {
      this.handlers[ev] = fn;
    }
    setImage(i: FakeImage) {
      this.images.push(i);
    }
    setTitle(t: string) {
      this.title = t;
    }
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setContextMenu(m: unknown) {
      this.menus.push(m);
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return {
    trays,
    Tray: FakeTray,
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }) },
    nativeImage: {
      createFromBuffer: (b: Buffer, o?: { scaleFactor?: number }) => new FakeImage(b, o?.scaleFactor ?? 1),
    },
  };
});
vi.mock('electron', () => electron);

const { AppTray } = await import('./tray.js');

const state = (s: Partial<TrayState> = {}): TrayState => ({
  signedIn: true,
  unread: 0,
  status: null,
  lang: 'en',
  timeZone: 'UTC',
  ...s,
});
const actions = () => ({ open: vi.fn(), syncNow: vi.fn(), quit: vi.fn() });

beforeEach(() => {
  electron.trays.length = 0;
});

describe('the tray', () => {
  test('redraws the icon only when the unread count changes', () => {
    const tray = new AppTray('linux', actions(), state());
    const fake = electron.trays[0]!;
    expect(fake.images).toHaveLength(1);
    tray.update(state({ unread: 3 }));
    tray.update(state({ unread: 3 }));
    expect(fake.images).toHaveLength(2);
    tray.update(state({ unread: 0 }));
    expect(fake.images).toHaveLength(3);
    expect(fake.tooltip).toContain('No unread notifications');
  });

  test('rebuilds the menu only when what it shows changes', () => {
    const tray = new AppTray('linux', actions(), state());
    const fake = electron.trays[0]!;
    const before = fake.menus.length;
    tray.update(state());
    expect(fake.menus).toHaveLength(before);
    tray.update(state({ signedIn: false }));
    expect(fake.menus).toHaveLength(before + 1);
  });

  test('on macOS shows a template icon and the count as the title', () => {
    const tray = new AppTray('darwin', actions(), state({ unread: 12 }));
    const fake = electron.trays[0]!;
    expect(fake.images[0]!.template).toBe(true);
    expect(fake.title).toBe('12');
    tray.update(state({ unread: 0 }));
    expect(fake.title).toBe('');
    expect(fake.images).toHaveLength(1);
  });

  test('on Windows carries HiDPI representations', () => {
    new AppTray('win32', actions(), state({ unread: 2 }));
    expect(electron.trays[0]!.images[0]!.reps.map((r) => r.scaleFactor)).toEqual([1, 1.5, 2]);
  });

  test('a click opens the window; destroy is final and safe', () => {
    const a = actions();
    const tray = new AppTray('win32', a, state());
    electron.trays[0]!.handlers.click!();
    expect(a.open).toHaveBeenCalledOnce();
    tray.destroy();
    tray.update(state({ unread: 5 }));
    expect(electron.trays[0]!.images).toHaveLength(1);
  });
});
