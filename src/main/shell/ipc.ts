/** Registers the IPC contract's handlers with ipcMain: arguments validated, sender frame checked. */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import {
  IPC,
  IPC_CHANNELS,
  type IpcArgs,
  type IpcChannel,
  type IpcResponse,
  type IpcResult,
} from '../../shared/ipc.js';

export type IpcHandlers = { [C in IpcChannel]: (...args: IpcArgs<C>) => Promise<IpcResult<C>> };

export function registerIpc(
  handlers: IpcHandlers,
  isTrustedSender: (e: IpcMainInvokeEvent) => boolean,
): void {
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, async (event, ...raw: unknown[]): Promise<IpcResponse<unknown>> => {
      if (!isTrustedSender(event))
        return { ok: false, error: { code: 'forbidden', message: 'untrusted sender' } };
      const args = IPC[channel].args.safeParse(raw);
      if (!args.success)
        return {
          ok: false,
          error: { code: 'invalid_args', message: args.error.issues[0]?.message ?? 'invalid' },
        };
      try {
        const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
        return { ok: true, value: await handler(...(args.data as unknown[])) };
      } catch (e) {
        return { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } };
      }
    });
  }
}
