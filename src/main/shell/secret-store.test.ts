import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { MemorySecretStore, silentLogger } from '../core/ports.js';
import {
  encryptionProtects,
  openSecretStore,
  SafeStorageSecretStore,
  type SafeStorageLike,
} from './secret-store.js';

/** safeStorage stand-in: "encrypts" by reversing the bytes, so the plaintext never appears as such. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(s, 'utf8').reverse(),
    decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
    getSelectedStorageBackend: () => backend,
  };
}

const TOKEN = 'tUj8sZq0WvX3yK5mN7pR9bC2dF4gH6jL1aS3dF5gH7k';
let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-secrets-'));
  file = path.join(dir, 'secrets.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every byte the store left in its directory, as text. */
const everything = () =>
  fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1'))
    .join('\n');

describe('the safeStorage secret store', () => {
  test('writes the token encrypted, never in plaintext, and reads it back', async () => {
    const store = new SafeStorageSecretStore(file, fakeSafeStorage(), 'linux');
    await store.set('token:https://school.example/u1', TOKEN);
    const raw = everything();
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain(Buffer.from(TOKEN).toString('base64'));
    expect(raw).toContain(Buffer.from(TOKEN).reverse().toString('base64'));
    expect(await store.get('token:https://school.example/u1')).toBe(TOKEN);
    // a fresh instance (next start) reads the same file
    expect(
      await new SafeStorageSecretStore(file, fakeSafeStorage(), 'linux').get(
        'token:https://school.example/u1',
      ),
    ).toBe(TOKEN);
  });

  test('keeps the file private to the user', async () => {
    const store = new SafeStorageSecretStore(file, fakeSafeStorage(), 'linux');
    await store.set('k', TOKEN);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  test('forgets a deleted token', async () => {
    const store = new SafeStorageSecretStore(file, fakeSafeStorage(), 'linux');
    await store.set('a', TOKEN);
    await store.set('b', 'other');
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBe('other');
    expect(everything()).not.toContain(Buffer.from(TOKEN).reverse().toString('base64'));
  });

  test('answers nothing (sign in again) for an entry it cannot decrypt or a damaged file', async () => {
    const safe = fakeSafeStorage();
    const store = new SafeStorageSecretStore(
      file,
      {
        ...safe,
        decryptString: () => {
          throw new Error('keychain changed');
        },
      },
      'linux',
    );
    await store.set('k', TOKEN);
    expect(await store.get('k')).toBeUndefined();
    fs.writeFileSync(file, 'garbage');
    expect(await store.get('k')).toBeUndefined();
  });

  test('refuses the basic_text backend (a hard-coded key) and unavailable encryption', () => {
    expect(() => new SafeStorageSecretStore(file, fakeSafeStorage('basic_text'), 'linux')).toThrow(
      /basic_text/,
    );
    expect(
      () => new SafeStorageSecretStore(file, fakeSafeStorage('gnome_libsecret', false), 'darwin'),
    ).toThrow(/not available/);
    expect(encryptionProtects(fakeSafeStorage('kwallet5'), 'linux')).toEqual({ ok: true });
    // the backend is a Linux notion: other systems use the OS keychain
    expect(encryptionProtects(fakeSafeStorage('basic_text'), 'win32')).toEqual({ ok: true });
  });
});

describe('choosing the secret store at start', () => {
  test('with a real keyring: encrypted on disk, token persisted', () => {
    const r = openSecretStore(file, fakeSafeStorage(), 'linux', silentLogger);
    expect(r.tokenPersisted).toBe(true);
    expect(r.secrets).toBeInstanceOf(SafeStorageSecretStore);
  });

  test('with basic_text: memory only, nothing written, the teacher signs in at each start', async () => {
    const warn = vi.fn();
    const r = openSecretStore(file, fakeSafeStorage('basic_text'), 'linux', { ...silentLogger, warn });
    expect(r.tokenPersisted).toBe(false);
    expect(r.secrets).toBeInstanceOf(MemorySecretStore);
    await r.secrets.set('k', TOKEN);
    expect(await r.secrets.get('k')).toBe(TOKEN);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
    expect(JSON.stringify(warn.mock.calls)).not.toContain(TOKEN);
  });
});
