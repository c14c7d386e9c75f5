/**
 * The browser harness's preload: installs the same `window.classdesk` object as the Electron
 * preload (one async function per IPC channel, plus onEvent), backed by a WebSocket to the
 * harness on the page's own origin instead of ipcRenderer. Bundled to one classic script and
 * loaded before the app's module, so the object exists before the app starts.
 *
 * The channel names come from the contract via the script tag (the harness writes them into
 * `data-channels`), so this bundle carries no schemas.
 */
import type { AppEvent, ClassdeskApi, IpcResponse } from '../../shared/ipc.js';
import {
  CHANNELS_ATTRIBUTE,
  fromWire,
  IPC_PATH,
  toWire,
  type ClientMessage,
  type ServerMessage,
} from '../wire.js';

type Resolve = (r: IpcResponse<unknown>) => void;

const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${IPC_PATH}`;
const pending = new Map<number, Resolve>();
const queue: string[] = [];
const listeners = new Set<(e: AppEvent) => void>();
let socket: WebSocket | undefined;
let open = false;
let everOpened = false;
let nextId = 1;
let retryMs = 250;

function connect(): void {
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener('open', () => {
    // The harness restarted: its core starts over, so the page does too.
    if (everOpened) {
      location.reload();
      return;
    }
    everOpened = true;
    open = true;
    retryMs = 250;
    for (const m of queue.splice(0)) ws.send(m);
  });
  ws.addEventListener('message', (m: MessageEvent<string>) => {
    const msg = JSON.parse(m.data) as ServerMessage;
    if (msg.kind === 'result') {
      const resolve = pending.get(msg.id);
      pending.delete(msg.id);
      resolve?.(fromWire(msg.response) as IpcResponse<unknown>);
    } else {
      const event = fromWire(msg.event) as AppEvent;
      for (const l of [...listeners]) {
        try {
          l(event);
        } catch (e) {
          console.error('a classdesk event listener failed', e);
        }
      }
    }
  });
  ws.addEventListener('close', () => {
    open = false;
    socket = undefined;
    const failure = {
      ok: false as const,
      error: { code: 'harness_disconnected', message: 'the Classdesk harness is not reachable' },
    };
    for (const resolve of pending.values()) resolve(failure);
    pending.clear();
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  });
}

function call(channel: string, args: unknown[]): Promise<IpcResponse<unknown>> {
  const id = nextId++;
  const message: ClientMessage = { kind: 'call', id, channel, args: toWire(args) as unknown[] };
  const text = JSON.stringify(message);
  return new Promise((resolve) => {
    pending.set(id, resolve);
    if (open && socket) socket.send(text);
    else queue.push(text);
  });
}

const channels = (document.currentScript?.getAttribute(CHANNELS_ATTRIBUTE) ?? '').split(',').filter(Boolean);
if (channels.length === 0) throw new Error(`the harness preload needs its ${CHANNELS_ATTRIBUTE} attribute`);
const api: Record<string, unknown> = Object.fromEntries(
  channels.map((channel) => [channel, (...args: unknown[]) => call(channel, args)]),
);
api.onEvent = (listener: (e: AppEvent) => void) => {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};

// Like contextBridge.exposeInMainWorld: a frozen object the page cannot replace.
Object.defineProperty(window, 'classdesk', {
  value: Object.freeze(api as ClassdeskApi),
  writable: false,
  configurable: false,
  enumerable: true,
});
connect();
