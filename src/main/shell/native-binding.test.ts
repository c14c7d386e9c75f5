import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { nativeBinding } from './native-binding.js';
import { prefillEvent, prefillServerUrl, serverUrlFromEnv } from '../core/app/prefill.js';
import type { AuthState } from '../../shared/ipc.js';

describe('better-sqlite3 for Electron', () => {
  const base = { appPath: '/repo', electronVersion: '39.8.10', platform: 'linux' as const, arch: 'x64' };
  const expected = path.join(
    '/repo',
    'native',
    'electron',
    'electron-v39.8.10-linux-x64',
    'better_sqlite3.node',
  );

  test('in development, the native/electron build when scripts/electron-native.mjs made it', () => {
    expect(nativeBinding({ ...base, isPackaged: false, exists: (f) => f === expected })).toBe(expected);
    expect(nativeBinding({ ...base, isPackaged: false, exists: () => false })).toBeUndefined();
  });

  test('packaged, electron-builder’s own build (the default lookup)', () => {
    expect(nativeBinding({ ...base, isPackaged: true, exists: () => true })).toBeUndefined();
  });
});

describe('the server address from npm start', () => {
  const auth = (lastServerUrl: string | null): AuthState => ({
    signedIn: false,
    user: null,
    serverUrl: null,
    lastServerUrl,
    lastEmail: null,
    tokenPersisted: true,
  });

  test('prefills the sign-in form until a server was used', () => {
    expect(prefillServerUrl(auth(null), 'http://127.0.0.1:4000').lastServerUrl).toBe('http://127.0.0.1:4000');
    expect(prefillServerUrl(auth('https://school.example'), 'http://127.0.0.1:4000').lastServerUrl).toBe(
      'https://school.example',
    );
    expect(prefillServerUrl(auth(null), null).lastServerUrl).toBeNull();
    expect(prefillEvent({ type: 'auth', state: auth(null) }, 'http://x:1')).toMatchObject({
      state: { lastServerUrl: 'http://x:1' },
    });
    expect(prefillEvent({ type: 'changed', schoolId: 1 }, 'http://x:1')).toEqual({
      type: 'changed',
      schoolId: 1,
    });
  });

  test('accepts only an http(s) origin', () => {
    expect(serverUrlFromEnv('http://127.0.0.1:4000/some/path')).toBe('http://127.0.0.1:4000');
    expect(serverUrlFromEnv('file:///x')).toBeNull();
    expect(serverUrlFromEnv('nope')).toBeNull();
    expect(serverUrlFromEnv(undefined)).toBeNull();
  });
});
