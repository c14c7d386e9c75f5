/**
 * The sign-in token's home on disk: encrypted with the OS keychain through Electron's
 * safeStorage, stored as base64 in a JSON file in userData. Where the OS offers no real
 * encryption (Linux without a keyring: safeStorage's `basic_text` backend, a hard-coded key),
 * nothing is written: the token stays in memory and the teacher signs in at each start.
 *
 * It takes safeStorage as an interface, so tests hand it a fake.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MemorySecretStore, type Logger, type SecretStore } from '../core/ports.js';

/** The part of Electron's safeStorage this store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which keyring backs the encryption. */
  getSelectedStorageBackend?(): string;
}

/** Whether safeStorage gives real protection here; the reason when it does not. */
export function encryptionProtects(
  safe: SafeStorageLike,
  platform: NodeJS.Platform,
): { ok: true } | { ok: false; reason: string } {
  if (!safe.isEncryptionAvailable()) return { ok: false, reason: 'OS encryption is not available' };
  if (platform === 'linux') {
    const backend = safe.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown')
      return { ok: false, reason: `no keyring (safeStorage backend ${backend})` };
  }
  return { ok: true };
}

const SecretsFile = z.record(z.string(), z.string());

export class SafeStorageSecretStore implements SecretStore {
  constructor(
    private readonly file: string,
    private readonly safe: SafeStorageLike,
    platform: NodeJS.Platform,
  ) {
    const check = encryptionProtects(safe, platform);
    if (!check.ok) throw new Error(`refusing to store secrets on disk: ${check.reason}`);
  }

  private read(): Record<string, string> {
    try {
      const parsed = SecretsFile.safeParse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  private write(values: Record<string, string>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(values), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  async get(key: string): Promise<string | undefined> {
    const stored = this.read()[key];
    if (stored === undefined) return undefined;
    try {
      return this.safe.decryptString(Buffer.from(stored, 'base64'));
    } catch {
      // Keychain changed or entry damaged: the teacher signs in again.
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    const values = this.read();
    values[key] = this.safe.encryptString(value).toString('base64');
    this.write(values);
  }

  async delete(key: string): Promise<void> {
    const values = this.read();
    if (!(key in values)) return;
    delete values[key];
    this.write(values);
  }
}

/** The store the app uses: encrypted on disk where possible, else memory only. */
export function openSecretStore(
  file: string,
  safe: SafeStorageLike,
  platform: NodeJS.Platform,
  logger: Logger,
): { secrets: SecretStore; tokenPersisted: boolean } {
  const check = encryptionProtects(safe, platform);
  if (!check.ok) {
    logger.warn('sign-in will not be remembered across restarts', { reason: check.reason });
    return { secrets: new MemorySecretStore(), tokenPersisted: false };
  }
  return { secrets: new SafeStorageSecretStore(file, safe, platform), tokenPersisted: true };
}
