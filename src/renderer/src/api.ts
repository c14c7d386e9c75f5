/**
 * The renderer's only door to the world: `window.classdesk` (installed by the preload, or by the
 * browser harness). Every call unwraps `{ ok, value } | { ok, error }` into a value or an ApiError,
 * so stores can use plain async/await. Components never import this module: they use the stores.
 */
import type { MutationInput, MutationType } from '../../shared/mutators.js';
import type {
  AppEvent,
  ClassdeskApi,
  EditRequest,
  IpcArgs,
  IpcChannel,
  IpcResponse,
  IpcResult,
} from '../../shared/ipc.js';

declare global {
  interface Window {
    classdesk: ClassdeskApi;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let bridge: ClassdeskApi | undefined;

/** Replaces the bridge (tests hand in a fake). */
export function setBridge(b: ClassdeskApi | undefined): void {
  bridge = b;
}

function current(): ClassdeskApi {
  const b = bridge ?? (typeof window !== 'undefined' ? window.classdesk : undefined);
  if (!b) throw new ApiError('no_bridge', 'Classdesk core is not available');
  return b;
}

/** Calls one IPC channel; resolves with its value or rejects with an ApiError. */
export async function call<C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResult<C>> {
  let r: IpcResponse<IpcResult<C>>;
  try {
    const fn = current()[channel] as (...a: IpcArgs<C>) => Promise<IpcResponse<IpcResult<C>>>;
    r = await fn(...args);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError('ipc_failed', e instanceof Error ? e.message : String(e));
  }
  if (!r.ok) throw new ApiError(r.error.code, r.error.message);
  return r.value;
}

/**
 * Makes an edit: the core applies it at once and queues it for the server. Its field writes come
 * back in the `changed` event. A wrong argument for the type is a compile error here.
 */
export async function edit<T extends MutationType>(type: T, args: MutationInput<T>): Promise<string> {
  return (await call('edit', { type, args } as EditRequest)).id;
}

/** Subscribes to core events; returns the unsubscribe function. */
export function onEvent(listener: (e: AppEvent) => void): () => void {
  return current().onEvent(listener);
}

/** The code and message of any thrown value, for display. */
export function errorOf(e: unknown): { code: string; message: string } {
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  return { code: 'failed', message: e instanceof Error ? e.message : String(e) };
}
