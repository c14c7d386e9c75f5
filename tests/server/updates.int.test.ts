/**
 * The desktop app's update feed at /updates/: plain files from UPDATES_DIR (the channel file,
 * installers, blockmaps) and nothing else — no traversal, no dot-files, no other extensions,
 * no symlink out of the directory; 404 for anything missing or refused.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { isUpdateFileName } from '../../server/http/updates.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';

const LATEST =
  'version: 0.2.0\nfiles:\n  - url: Classdesk-0.2.0.AppImage\n    sha512: abc\npath: Classdesk-0.2.0.AppImage\n';
const APPIMAGE = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
const SECRET = 'top-secret: do not serve\n';

/** A raw GET with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(
  port: number,
  rawPath: string,
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let server: TestServer;
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-updates-'));
const feedDir = path.join(outside, 'feed');

beforeAll(async () => {
  fs.mkdirSync(feedDir);
  fs.writeFileSync(path.join(feedDir, 'latest-linux.yml'), LATEST);
  fs.writeFileSync(path.join(feedDir, 'Classdesk-0.2.0.AppImage'), APPIMAGE);
  fs.writeFileSync(path.join(feedDir, 'notes.txt'), 'not a feed file');
  fs.writeFileSync(path.join(feedDir, '.hidden.yml'), SECRET);
  fs.mkdirSync(path.join(feedDir, 'sub.yml'));
  fs.writeFileSync(path.join(outside, 'secret.yml'), SECRET);
  fs.symlinkSync(path.join(outside, 'secret.yml'), path.join(feedDir, 'link.yml'));
  server = await startTestServer('sqlite', { UPDATES_DIR: feedDir });
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(outside, { recursive: true, force: true });
});

describe('the update feed', () => {
  test('serves the channel file as YAML that is always revalidated', async () => {
    const r = await rawGet(server.port, '/updates/latest-linux.yml');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe(LATEST);
    expect(r.headers['content-type']).toMatch(/^text\/yaml/);
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  test('serves an installer byte for byte, and answers HEAD with its size', async () => {
    const r = await rawGet(server.port, '/updates/Classdesk-0.2.0.AppImage');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.body.equals(APPIMAGE)).toBe(true);
    const head = await rawGet(server.port, '/updates/Classdesk-0.2.0.AppImage', 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(APPIMAGE.length);
    expect(head.body.length).toBe(0);
  });

  test.each([
    '/updates/..%2Fsecret.yml',
    '/updates/%2e%2e%2fsecret.yml',
    '/updates/%2E%2E%2Fsecret.yml',
    '/updates/..%5csecret.yml',
    '/updates/../secret.yml',
    '/updates/feed%2F..%2F..%2Fsecret.yml',
    `/updates/${encodeURIComponent(path.join(outside, 'secret.yml'))}`,
    '/updates/link.yml',
    '/updates/.hidden.yml',
  ])('refuses %s with a 404 and never the file outside', async (p) => {
    const r = await rawGet(server.port, p);
    expect(r.status).toBe(404);
    expect(r.body.toString()).not.toContain('top-secret');
  });

  test('answers 404 for a missing file, a directory and a file type that is not published', async () => {
    for (const p of [
      '/updates/latest-mac.yml',
      '/updates/sub.yml',
      '/updates/notes.txt',
      '/updates/',
      '/updates',
    ]) {
      const r = await rawGet(server.port, p);
      expect(r.status, p).toBe(404);
    }
    const missing = await rawGet(server.port, '/updates/latest-mac.yml');
    expect(JSON.parse(missing.body.toString())).toEqual({
      error: { code: 'not_found', message: 'no such update file' },
    });
  });
});

describe('update file names', () => {
  test('accepts what electron-builder publishes', () => {
    for (const n of [
      'latest.yml',
      'latest-linux.yml',
      'latest-mac.yml',
      'Classdesk-0.2.0.AppImage',
      'Classdesk Setup 0.2.0.exe',
      'Classdesk Setup 0.2.0.exe.blockmap',
      'Classdesk-0.2.0.dmg',
      'Classdesk-0.2.0-mac.zip',
      'classdesk_0.2.0_amd64.deb',
    ])
      expect(isUpdateFileName(n), n).toBe(true);
  });

  test('refuses paths, dot-files and other types', () => {
    for (const n of [
      '',
      '.yml',
      '../latest.yml',
      'a/b.yml',
      'a\\b.yml',
      '.env.yml',
      'x..yml',
      'latest.yml\0',
      'notes.txt',
      'app.js',
    ])
      expect(isUpdateFileName(n), n).toBe(false);
  });

  test('UPDATES_DIR defaults to updates/ in the data directory', () => {
    expect(loadConfig({ DATA_DIR: '/srv/classdesk' }).updatesDir).toBe(
      path.resolve('/srv/classdesk/updates'),
    );
    expect(loadConfig({ DATA_DIR: '/srv/classdesk', UPDATES_DIR: '/srv/feed' }).updatesDir).toBe(
      path.resolve('/srv/feed'),
    );
  });
});
