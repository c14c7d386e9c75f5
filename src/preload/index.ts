/** Installs `window.classdesk`: one function per channel of the IPC contract, and onEvent. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, IPC_CHANNELS, type AppEvent, type ClassdeskApi } from '../shared/ipc.js';

const api: Record<string, unknown> = Object.fromEntries(
  IPC_CHANNELS.map((channel) => [channel, (...args: unknown[]) => ipcRenderer.invoke(channel, ...args)]),
);
api.onEvent = (listener: (e: AppEvent) => void) => {
  const wrapped = (_e: IpcRendererEvent, payload: AppEvent) => listener(payload);
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
};

contextBridge.exposeInMainWorld('classdesk', api as ClassdeskApi);
