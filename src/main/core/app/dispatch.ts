/**
 * Validates one IPC call against the contract and runs its handler: the single entry point
 * for ipcMain (Electron) and the harness's WebSocket. Errors become `{ ok: false, error }`
 * with a code and a message a person can read; nothing else leaks.
 */
import { IPC, type IpcChannel, type IpcResponse } from '../../../shared/ipc.js';
import type { IpcHandlers } from './handlers.js';

const CODED = (e: unknown): e is Error & { code: string } =>
  e instanceof Error && typeof (e as { code?: unknown }).code === 'string';

export async function dispatch(
  handlers: IpcHandlers,
  channel: string,
  raw: unknown[],
): Promise<IpcResponse<unknown>> {
  if (!Object.hasOwn(IPC, channel))
    return { ok: false, error: { code: 'unknown_channel', message: `no such channel ${channel}` } };
  const c = channel as IpcChannel;
  const args = IPC[c].args.safeParse(raw);
  if (!args.success) {
    const issue = args.error.issues[0];
    return {
      ok: false,
      error: {
        code: 'invalid_args',
        message: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      },
    };
  }
  try {
    const handler = handlers[c] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, value: await handler(...(args.data as unknown[])) };
  } catch (e) {
    if (CODED(e)) return { ok: false, error: { code: e.code, message: e.message } };
    return { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } };
  }
}
