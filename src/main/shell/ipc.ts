/** Registers every channel of the IPC contract with ipcMain, checking the sender frame first. */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type IpcResponse } from '../../shared/ipc.js';
import { dispatch } from '../core/app/dispatch.js';
import type { IpcHandlers } from '../core/app/handlers.js';

export function registerIpc(
  handlers: IpcHandlers,
  isTrustedSender: (e: IpcMainInvokeEvent) => boolean,
): void {
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, async (event, ...raw: unknown[]): Promise<IpcResponse<unknown>> => {
      if (!isTrustedSender(event))
        return { ok: false, error: { code: 'forbidden', message: 'untrusted sender' } };
      return dispatch(handlers, channel, raw);
    });
  }
}
