/** Installs `window.classdesk`: one function per IPC channel of the contract, nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type ClassdeskApi } from '../shared/ipc.js';

const api = Object.fromEntries(
  IPC_CHANNELS.map((channel) => [channel, (...args: unknown[]) => ipcRenderer.invoke(channel, ...args)]),
) as ClassdeskApi;

contextBridge.exposeInMainWorld('classdesk', api);
