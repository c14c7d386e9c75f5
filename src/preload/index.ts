/** Installs `window.classdesk`: one function per channel of the IPC contract, and onEvent. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, IPC_CHANNELS, type AppEvent } from '../shared/ipc.js';

const api: Record<string, unknown> = Object.fromEntries(
  IPC_CHANNELS.map((channel) => [channel, (...args: unknown[]) => ipcRenderer.invoke(channel, ...args)]),
);
api.onEvent = (listener: (e: AppEvent) => void) => {
  const wrapped = (_e: IpcRendererEvent, payload: AppEvent) => listener(payload);
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
};

// The renderer sees it as ClassdeskApi (src/shared/ipc.ts): one function per channel, and onEvent.
contextBridge.exposeInMainWorld('classdesk', api);
