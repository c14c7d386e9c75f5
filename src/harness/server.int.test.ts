import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { IPC_CHANNELS } from '../shared/ipc.js';
import { injectPreload, startHarness, type Harness } from './server.js';
import { IPC_PATH, PRELOAD_PATH, type ServerMessage } from './wire.js';

const INDEX = `<!doctype html>
<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'" />
<script type="module" crossorigin src="./assets/index.js"></script></head><body></body></html>`;

let dir: string;
let harness: Harness;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-harness-'));
  fs.mkdirSync(path.join(dir, 'renderer', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), INDEX);
  fs.writeFileSync(path.join(dir, 'renderer', 'assets', 'index.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  harness = await startHarness({
    serverUrl: 'http://127.0.0.1:4000',
    dataDir: path.join(dir, 'data'),
    rendererDir: path.join(dir, 'renderer'),
  });
});

afterAll(async () => {
  await harness.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A raw HTTP GET (fetch would normalise the path and the Host header away). */
function get(
  pathname: string,
  host = `127.0.0.1:${harness.port}`,
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: harness.port, path: pathname, headers: { host } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function connect(origin = `http://127.0.0.1:${harness.port}`): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${harness.port}${IPC_PATH}`, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function next(ws: WebSocket, kind: ServerMessage['kind']): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData) => {
      const msg = JSON.parse((data as Buffer).toString('utf8')) as ServerMessage;
      if (msg.kind !== kind) return;
      ws.off('message', on);
      resolve(msg);
    };
    ws.on('message', on);
  });
}

describe('browser harness server', () => {
  test('index.html gets the preload before the app module, under the app’s CSP header', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(r.body).toContain(`content="default-src 'self'"`);
    const preload = r.body.indexOf(
      `<script src="${PRELOAD_PATH}" data-channels="${IPC_CHANNELS.join(',')}">`,
    );
    expect(preload).toBeGreaterThan(0);
    expect(preload).toBeLessThan(r.body.indexOf('type="module"'));
    expect((await get(PRELOAD_PATH)).body).toContain('classdesk');
    expect((await get('/assets/index.js')).body).toBe('console.log(1)');
  });

  test('injectPreload falls back to the end of <head> when there is no module script', () => {
    expect(injectPreload('<html><head></head></html>')).toMatch(
      /<script src="[^"]+" data-channels="[^"]+"><\/script>\n<\/head>/,
    );
  });

  test('nothing outside the built renderer is served, and only to its own host name', async () => {
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(400);
    expect((await get('/', 'evil.example:80')).status).toBe(421);
  });

  test('the IPC contract answers over the WebSocket through the shared dispatch', async () => {
    const ws = await connect();
    try {
      const call = async (id: number, channel: string, args: unknown[]) => {
        const answer = next(ws, 'result');
        ws.send(JSON.stringify({ kind: 'call', id, channel, args }));
        return answer;
      };
      expect(await call(1, 'app:info', [])).toMatchObject({
        id: 1,
        response: { ok: true, value: { harness: true } },
      });
      expect(await call(2, 'auth:state', [])).toMatchObject({
        response: {
          ok: true,
          value: { signedIn: false, lastServerUrl: 'http://127.0.0.1:4000', tokenPersisted: true },
        },
      });
      expect(await call(3, 'sessions:list', [{}])).toMatchObject({
        response: { ok: false, error: { code: 'invalid_args' } },
      });
      expect(await call(4, 'nope', [])).toMatchObject({
        response: { ok: false, error: { code: 'unknown_channel' } },
      });
      expect(await call(5, 'schools:list', [])).toMatchObject({
        response: { ok: false, error: { code: 'not_signed_in' } },
      });

      const event = next(ws, 'event');
      harness.controller.emit('event', { type: 'navigate', to: '/sessions/3' });
      expect(await event).toEqual({ kind: 'event', event: { type: 'navigate', to: '/sessions/3' } });
    } finally {
      ws.close();
    }
  });

  test('a page of another origin cannot open the WebSocket', async () => {
    await expect(connect('http://evil.example')).rejects.toThrow(/401|Unexpected server response/);
  });
});
