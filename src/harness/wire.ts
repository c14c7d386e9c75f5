/**
 * The harness's WebSocket messages, shared by the server (Node) and the browser preload. IPC
 * values are structured-clone data in Electron; over JSON the only thing that needs help is
 * binary (resource:upload's bytes), sent as tagged base64 and revived on the other side.
 * Plain TypeScript: runs in Node and in the browser.
 */
import type { AppEvent, IpcResponse } from '../shared/ipc.js';

/** Where the harness answers the IPC contract, on the page's own origin. */
export const IPC_PATH = '/harness/ipc';
/** Where the harness serves its preload script (a same-origin file, so CSP 'self' allows it). */
export const PRELOAD_PATH = '/harness/preload.js';
/** The preload's script-tag attribute listing the contract's channels, comma-separated. */
export const CHANNELS_ATTRIBUTE = 'data-channels';

export type ClientMessage = { kind: 'call'; id: number; channel: string; args: unknown[] };
export type ServerMessage =
  { kind: 'result'; id: number; response: IpcResponse<unknown> } | { kind: 'event'; event: AppEvent };

const BYTES = '__classdesk_bytes__';
const CHUNK = 0x8000;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK)
    s += String.fromCharCode(...bytes.subarray(i, Math.min(i + CHUNK, bytes.length)));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** A JSON-safe copy of `value`: every Uint8Array (Buffer included) becomes a tagged base64 string. */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return { [BYTES]: toBase64(value) };
  if (Array.isArray(value)) return value.map(toWire);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  return value;
}

/** The inverse of `toWire`: tagged base64 strings become Uint8Arrays again. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === BYTES && typeof value[BYTES] === 'string')
      return fromBase64(value[BYTES]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
}
