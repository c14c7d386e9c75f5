/**
 * The browser harness: the desktop core (AppController) in plain Node, the built renderer over
 * HTTP on 127.0.0.1, and the IPC contract on a same-origin WebSocket answered by the very same
 * handlers the Electron shell registers (createHandlers + dispatch). A browser pointed at it
 * runs the real UI against the real core, so people can click through it and Playwright can test it.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppController } from '../main/core/app/controller.js';
import { dispatch } from '../main/core/app/dispatch.js';
import { createHandlers } from '../main/core/app/handlers.js';
import { MemorySecretStore, silentLogger, systemClock, type Clock, type Logger } from '../main/core/ports.js';
import { contentSecurityPolicy } from '../main/core/app/csp.js';
import { prefillEvent, prefillServerUrl } from '../main/core/app/prefill.js';
import { IPC_CHANNELS, type AppEvent } from '../shared/ipc.js';
import { buildPreload, REPO_ROOT, RENDERER_DIR } from './build.js';
import { harnessPlatform, type HarnessPlatform } from './platform.js';
import {
  CHANNELS_ATTRIBUTE,
  fromWire,
  IPC_PATH,
  PRELOAD_PATH,
  toWire,
  type ClientMessage,
  type ServerMessage,
} from './wire.js';

export interface HarnessOptions {
  /** The sync server the sign-in form is prefilled with (like `npm start` does for the app). */
  serverUrl: string | null;
  /** Where the core keeps its data (local stores, cached files, settings). */
  dataDir: string;
  /** 0 (default) for an ephemeral port. */
  port?: number;
  /** The built renderer (default out/renderer). */
  rendererDir?: string;
  /**
   * What the UI is told about the token. The harness keeps it in memory (MemorySecretStore),
   * which lives as long as the harness process — page reloads stay signed in. Default true, the
   * common desktop case; false shows the "sign in at every start" path.
   */
  tokenPersisted?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** How long a request may wait for the server's answer (default 30 s). */
  requestTimeoutMs?: number;
}

export interface Harness {
  /** The page to open: http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  controller: AppController;
  platform: HarnessPlatform;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** Large enough for an upload at the server's default limit (25 MB), base64-encoded. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** index.html with the harness preload as a same-origin classic script before the app's module. */
export function injectPreload(html: string): string {
  const tag = `<script src="${PRELOAD_PATH}" ${CHANNELS_ATTRIBUTE}="${IPC_CHANNELS.join(',')}"></script>`;
  const module = html.search(/<script\b[^>]*type="module"/);
  if (module >= 0) return `${html.slice(0, module)}${tag}\n    ${html.slice(module)}`;
  const head = html.indexOf('</head>');
  if (head < 0) throw new Error('out/renderer/index.html has neither a module script nor a </head>');
  return `${html.slice(0, head)}${tag}\n${html.slice(head)}`;
}

export async function startHarness(o: HarnessOptions): Promise<Harness> {
  const rendererDir = path.resolve(o.rendererDir ?? RENDERER_DIR);
  const indexFile = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(indexFile))
    throw new Error(`${indexFile} is missing: build the renderer first (npx electron-vite build)`);
  const preloadJs = await buildPreload();
  const logger = o.logger ?? silentLogger;
  fs.mkdirSync(o.dataDir, { recursive: true });

  const controller = new AppController({
    dataDir: o.dataDir,
    secrets: new MemorySecretStore(),
    tokenPersisted: o.tokenPersisted ?? true,
    clock: o.clock ?? systemClock,
    logger,
    requestTimeoutMs: o.requestTimeoutMs,
  });
  const platform = harnessPlatform(packageVersion());
  const handlers = createHandlers(controller, platform);
  // As in the Electron shell: the configured server prefills the sign-in form.
  const authState = handlers['auth:state'];
  const signIn = handlers['auth:signIn'];
  const signOut = handlers['auth:signOut'];
  handlers['auth:state'] = async () => prefillServerUrl(await authState(), o.serverUrl);
  handlers['auth:signIn'] = async (a) => prefillServerUrl(await signIn(a), o.serverUrl);
  handlers['auth:signOut'] = async () => prefillServerUrl(await signOut(), o.serverUrl);

  let port = 0;
  // Only this origin may load the app or drive the core (DNS rebinding, cross-site WebSockets).
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);
  const csp = contentSecurityPolicy(null);

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, {
      'content-type': type,
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(body);
  };

  const httpServer = http.createServer((req, res) => {
    if (!allowedHosts().includes(req.headers.host ?? '')) return send(res, 421, 'text/plain', 'wrong host');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'method not allowed');
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://harness').pathname);
    } catch {
      return send(res, 400, 'text/plain', 'bad path');
    }
    if (pathname === PRELOAD_PATH) return send(res, 200, TYPES['.js']!, preloadJs);
    // The app has no favicon (Electron never asks); answer the browser's request quietly.
    if (pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
    if (pathname === '/' || pathname === '/index.html')
      // Read at every request: a rebuild of the renderer shows on the next reload.
      return send(res, 200, TYPES['.html']!, injectPreload(fs.readFileSync(indexFile, 'utf8')));
    const file = path.resolve(rendererDir, `.${pathname}`);
    if (!file.startsWith(rendererDir + path.sep)) return send(res, 404, 'text/plain', 'not found');
    fs.readFile(file, (err, body) => {
      if (err) return send(res, 404, 'text/plain', 'not found');
      send(res, 200, TYPES[path.extname(file)] ?? 'application/octet-stream', body);
    });
  });

  const wss = new WebSocketServer({
    server: httpServer,
    path: IPC_PATH,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ origin, req }: { origin: string; req: http.IncomingMessage }) =>
      allowedOrigins().includes(origin) && allowedHosts().includes(req.headers.host ?? ''),
  });
  const clients = new Set<WebSocket>();
  const post = (ws: WebSocket, msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data, isBinary) => {
      let msg: ClientMessage;
      try {
        if (isBinary || !Buffer.isBuffer(data)) throw new Error('not a text frame');
        msg = JSON.parse(data.toString('utf8')) as ClientMessage;
        if (msg.kind !== 'call' || typeof msg.id !== 'number' || !Array.isArray(msg.args))
          throw new Error('not a call');
      } catch {
        ws.close(1003, 'not a harness message');
        return;
      }
      void dispatch(handlers, String(msg.channel), fromWire(msg.args) as unknown[]).then((response) =>
        post(ws, { kind: 'result', id: msg.id, response: toWire(response) as typeof response }),
      );
    });
  });
  const onEvent = (e: AppEvent) => {
    const event = toWire(prefillEvent(e, o.serverUrl)) as AppEvent;
    for (const ws of clients) post(ws, { kind: 'event', event });
  };
  controller.on('event', onEvent);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(o.port ?? 0, '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  port = (httpServer.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    controller,
    platform,
    async close() {
      controller.off('event', onEvent);
      for (const ws of clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      httpServer.closeAllConnections();
      await new Promise<void>((r) => httpServer.close(() => r()));
      await controller.close();
    },
  };
}
