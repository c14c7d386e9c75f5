import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  isAllowedNavigation,
  isAppUrl,
  isExternalHttpUrl,
  isOpenablePath,
  isTrustedSender,
  type AppLocation,
} from './navigation.js';

const rendererDir = path.resolve('/opt/Classdesk/resources/app.asar/out/renderer');
const packaged: AppLocation = { rendererDir, devServerUrl: null };
const dev: AppLocation = { rendererDir, devServerUrl: 'http://localhost:5173' };
const page = pathToFileURL(path.join(rendererDir, 'index.html')).href;

describe('the app’s own pages', () => {
  test('are the built renderer’s files, with any hash route', () => {
    expect(isAppUrl(page, packaged)).toBe(true);
    expect(isAppUrl(`${page}#/sessions/4`, packaged)).toBe(true);
    expect(isAppUrl(pathToFileURL(path.join(rendererDir, 'assets', 'index-abc.js')).href, packaged)).toBe(
      true,
    );
  });

  test('exclude every other file, traversal included', () => {
    expect(isAppUrl('file:///etc/passwd', packaged)).toBe(false);
    expect(isAppUrl(pathToFileURL(path.join(rendererDir, '..', 'main', 'index.js')).href, packaged)).toBe(
      false,
    );
    expect(isAppUrl(`${pathToFileURL(rendererDir).href}/../../secrets.json`, packaged)).toBe(false);
    expect(isAppUrl(`${pathToFileURL(rendererDir).href}/%2e%2e/main/index.js`, packaged)).toBe(false);
    expect(isAppUrl(`${pathToFileURL(rendererDir).href}/..%2fmain/index.js`, packaged)).toBe(false);
    expect(isAppUrl(`${pathToFileURL(rendererDir).href}-evil/index.html`, packaged)).toBe(false);
    expect(isAppUrl(pathToFileURL(rendererDir).href, packaged)).toBe(false);
    expect(isAppUrl('file://evil-host/share/index.html', packaged)).toBe(false);
  });

  test('include the dev server only when there is one, by exact origin', () => {
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5173/#/dashboard', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5173/', packaged)).toBe(false);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://localhost.evil.com:5173/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
  });

  test('never include the web, other schemes or garbage', () => {
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:4000/api/me',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      'chrome://gpu',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
      '',
    ]) {
      expect(isAllowedNavigation(url, dev), url).toBe(false);
    }
  });
});

describe('IPC senders', () => {
  test('are trusted only as the app’s top-level page', () => {
    expect(isTrustedSender({ url: page, isMainFrame: true }, packaged)).toBe(true);
    expect(isTrustedSender({ url: page, isMainFrame: false }, packaged)).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', isMainFrame: true }, packaged)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isMainFrame: true }, packaged)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isMainFrame: true }, dev)).toBe(true);
    expect(isTrustedSender(null, packaged)).toBe(false);
  });
});

describe('links for the browser', () => {
  test('are plain http(s) without credentials', () => {
    expect(isExternalHttpUrl('https://classdesk.example/help')).toBe(true);
    expect(isExternalHttpUrl('http://school.example/')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'ms-settings:privacy',
      'https://user:pass@example.com/',
      'https://user@example.com/',
      'mailto:ana@classdesk.test',
      'nonsense',
    ])
      expect(isExternalHttpUrl(url), url).toBe(false);
  });
});

describe('files the OS may open', () => {
  test('are inside the data directory only', () => {
    const data = path.resolve('/home/ana/.config/Classdesk');
    expect(isOpenablePath(path.join(data, 'devices', 'x', 'files', 'ab', 'plan.pdf'), data)).toBe(true);
    expect(isOpenablePath(path.join(data, '..', 'evil.desktop'), data)).toBe(false);
    expect(isOpenablePath(path.resolve('/usr/bin/xterm'), data)).toBe(false);
    expect(isOpenablePath('relative/plan.pdf', data)).toBe(false);
    expect(isOpenablePath(data, data)).toBe(false);
  });
});
