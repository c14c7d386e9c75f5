/**
 * The IPC contract between the renderer and the main process: each channel's argument and
 * result schemas, written once. Preload builds `window.classdesk` from it; main validates every
 * call against it and answers `{ ok: true, value } | { ok: false, error }`.
 */
import { z } from 'zod';

export const IPC = {
  'app:info': {
    args: z.tuple([]),
    result: z.object({ version: z.string(), serverUrl: z.string().nullable() }),
  },
} as const;

export type IpcChannel = keyof typeof IPC;
export type IpcArgs<C extends IpcChannel> = z.infer<(typeof IPC)[C]['args']>;
export type IpcResult<C extends IpcChannel> = z.infer<(typeof IPC)[C]['result']>;
export type IpcResponse<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** The object preload installs on `window`. */
export type ClassdeskApi = {
  [C in IpcChannel]: (...args: IpcArgs<C>) => Promise<IpcResponse<IpcResult<C>>>;
};
export const IPC_CHANNELS = Object.keys(IPC) as IpcChannel[];
