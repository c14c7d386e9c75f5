/** A scripted `window.classdesk` for component tests: records calls, answers from handlers. */
import type { AppEvent, ClassdeskApi, IpcChannel, IpcResponse } from '../../../shared/ipc.js';
import { setBridge } from '../api.js';

type Handler = (...args: unknown[]) => unknown;

export interface FakeBridge {
  calls: Array<{ channel: IpcChannel; args: unknown[] }>;
  emit(e: AppEvent): void;
  /** Answers `channel` with `handler`'s value, or an error when it throws `{ code, message }`. */
  on(channel: IpcChannel, handler: Handler): void;
}

export function installFakeBridge(handlers: Partial<Record<IpcChannel, Handler>> = {}): FakeBridge {
  const listeners = new Set<(e: AppEvent) => void>();
  const table = new Map<string, Handler>(Object.entries(handlers));
  const calls: FakeBridge['calls'] = [];
  const api = new Proxy({} as ClassdeskApi, {
    get(_t, prop: string) {
      if (prop === 'onEvent')
        return (l: (e: AppEvent) => void) => {
          listeners.add(l);
          return () => listeners.delete(l);
        };
      return async (...args: unknown[]): Promise<IpcResponse<unknown>> => {
        calls.push({ channel: prop as IpcChannel, args });
        const h = table.get(prop);
        if (!h) return { ok: false, error: { code: 'not_faked', message: `${prop} is not faked` } };
        try {
          return { ok: true, value: await h(...args) };
        } catch (e) {
          const err = e as { code?: string; message?: string };
          return { ok: false, error: { code: err.code ?? 'failed', message: err.message ?? String(e) } };
        }
      };
    },
  });
  setBridge(api);
  return {
    calls,
    emit: (e) => listeners.forEach((l) => l(e)),
    on: (channel, handler) => table.set(channel, handler),
  };
}
