import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test, vi } from 'vitest';
import type { Session, WebContents } from 'electron';
import { silentLogger } from '../core/ports.js';
import { hardenSession, hardenWebContents } from './security.js';

type Handler = (...a: never[]) => unknown;

function fakeSession() {
  const h: Record<string, Handler> = {};
  const ses = {
    webRequest: { onHeadersReceived: (fn: Handler) => (h.headers = fn) },
    setPermissionRequestHandler: (fn: Handler) => (h.request = fn),
    setPermissionCheckHandler: (fn: Handler) => (h.check = fn),
    setDevicePermissionHandler: (fn: Handler) => (h.device = fn),
    on: (ev: string, fn: Handler) => (h[ev] = fn),
  };
  return { ses: ses as unknown as Session, h };
}

function fakeContents() {
  const h: Record<string, Handler> = {};
  const contents = {
    setWindowOpenHandler: (fn: Handler) => (h.open = fn),
    on: (ev: string, fn: Handler) => (h[ev] = fn),
  };
  return { contents: contents as unknown as WebContents, h };
}

const rendererDir = path.resolve('/app/out/renderer');
const appPage = pathToFileURL(path.join(rendererDir, 'index.html')).href;

describe('the hardened session', () => {
  test('sets the CSP header on every response', () => {
    const { ses, h } = fakeSession();
    hardenSession(ses, "default-src 'none'", silentLogger);
    const callback = vi.fn();
    (h.headers as (d: unknown, cb: unknown) => void)({ responseHeaders: { 'x-a': ['1'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'x-a': ['1'], 'Content-Security-Policy': ["default-src 'none'"] },
    });
  });

  test('grants no permission, answers no check, allows no device and no download', () => {
    const { ses, h } = fakeSession();
    hardenSession(ses, 'x', silentLogger);
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn();
      (h.request as (w: unknown, p: string, cb: unknown) => void)({}, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect((h.check as (w: unknown, p: string) => boolean)({}, permission)).toBe(false);
    }
    expect((h.device as () => boolean)()).toBe(false);
    const download = { preventDefault: vi.fn() };
    (h['will-download'] as (e: unknown) => void)(download);
    expect(download.preventDefault).toHaveBeenCalled();
  });
});

describe('the hardened web contents', () => {
  const setup = () => {
    const { contents, h } = fakeContents();
    hardenWebContents(contents, { rendererDir, devServerUrl: null }, silentLogger);
    return h;
  };
  const event = () => ({ preventDefault: vi.fn() });

  test('denies every window.open, even to the app itself', () => {
    const h = setup();
    expect((h.open as (d: { url: string }) => unknown)({ url: 'https://example.com' })).toEqual({
      action: 'deny',
    });
    expect((h.open as (d: { url: string }) => unknown)({ url: appPage })).toEqual({ action: 'deny' });
  });

  test('refuses navigation and redirects out of the app, allows the app’s own pages', () => {
    const h = setup();
    for (const kind of ['will-navigate', 'will-redirect'] as const) {
      const out = event();
      (h[kind] as (e: unknown, url: string) => void)(out, 'https://evil.example/');
      expect(out.preventDefault).toHaveBeenCalled();
      const inside = event();
      (h[kind] as (e: unknown, url: string) => void)(inside, `${appPage}#/sessions`);
      expect(inside.preventDefault).not.toHaveBeenCalled();
    }
    const frame = { ...event(), url: 'https://evil.example/' };
    (h['will-frame-navigate'] as (e: unknown) => void)(frame);
    expect(frame.preventDefault).toHaveBeenCalled();
  });

  test('refuses webviews', () => {
    const h = setup();
    const e = event();
    (h['will-attach-webview'] as (e: unknown) => void)(e);
    expect(e.preventDefault).toHaveBeenCalled();
  });
});
