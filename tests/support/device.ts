/** A device (local store + engine) signed in against a test server, in its own temp data dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Device, signIn } from '../../src/main/core/device.js';
import { MemorySecretStore, type Clock } from '../../src/main/core/ports.js';
import type { EngineOptions } from '../../src/main/core/sync/engine.js';
import { until } from './until.js';

export interface TestDevice extends Device {
  dataDir: string;
  userId: number;
}

export async function openTestDevice(
  serverUrl: string,
  email: string,
  opts: {
    dataDir?: string;
    engine?: EngineOptions;
    clock?: Clock;
    files?: { quotaBytes?: number };
    requestTimeoutMs?: number;
    /** Where to sign in, when the device reaches the server another way (through a proxy). */
    loginUrl?: string;
  } = {},
): Promise<TestDevice> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-device-'));
  const { token, user } = await signIn(opts.loginUrl ?? serverUrl, email, 'classdesk-demo');
  const device = await Device.open({
    dataDir,
    serverUrl,
    userId: user.id,
    secrets: new MemorySecretStore(),
    engine: opts.engine,
    clock: opts.clock,
    files: opts.files,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
  await device.setToken(token);
  return Object.assign(device, { dataDir, userId: user.id });
}

/** Starts the device's engine and waits until its socket is live and a sync has finished. */
export async function startLive(device: Device, schools?: number): Promise<void> {
  device.engine.start();
  await until('the device live and synced', async () => {
    await device.engine.idle();
    const s = device.engine.status;
    const held = schools === undefined || device.store.schoolIds().length === schools;
    return s.live && s.lastSyncedAt && !s.syncing && held ? true : undefined;
  });
}
