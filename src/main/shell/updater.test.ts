import { EventEmitter } from 'node:events';
import { describe, expect, test, vi } from 'vitest';
import type { UpdateState } from '../../shared/ipc.js';
import { silentLogger } from '../core/ports.js';
import {
  INITIAL_UPDATE_STATE,
  nextUpdateState,
  updateErrorMessage,
  updateFeedUrl,
  UpdateService,
  updateUnsupportedReason,
  type UpdaterLike,
} from './updater.js';

describe('the update state machine', () => {
  test('walks idle → checking → available → downloading → ready', () => {
    let s = INITIAL_UPDATE_STATE;
    s = nextUpdateState(s, { type: 'checking' });
    expect(s.state).toBe('checking');
    s = nextUpdateState(s, { type: 'available', version: '0.2.0' });
    expect(s).toEqual({ state: 'available', version: '0.2.0', percent: 0, message: null });
    s = nextUpdateState(s, { type: 'progress', percent: 41.666 });
    expect(s).toEqual({ state: 'downloading', version: '0.2.0', percent: 41.7, message: null });
    s = nextUpdateState(s, { type: 'downloaded', version: '0.2.0' });
    expect(s).toEqual({ state: 'ready', version: '0.2.0', percent: 100, message: null });
  });

  test('reports none when the feed has nothing newer, and errors with their message', () => {
    expect(nextUpdateState(INITIAL_UPDATE_STATE, { type: 'not-available' }).state).toBe('none');
    expect(nextUpdateState(INITIAL_UPDATE_STATE, { type: 'error', message: 'offline' })).toEqual({
      state: 'error',
      version: null,
      percent: null,
      message: 'offline',
    });
  });

  test('a downloaded update stays ready whatever a later check says', () => {
    const ready: UpdateState = { state: 'ready', version: '0.2.0', percent: 100, message: null };
    expect(nextUpdateState(ready, { type: 'checking' })).toBe(ready);
    expect(nextUpdateState(ready, { type: 'error', message: 'x' })).toBe(ready);
  });

  test('unsupported is final', () => {
    const u: UpdateState = { state: 'unsupported', version: null, percent: null, message: 'dev' };
    expect(nextUpdateState(u, { type: 'checking' })).toBe(u);
  });
});

describe('the update feed address', () => {
  test('CLASSDESK_UPDATE_URL wins over the signed-in server', () => {
    expect(updateFeedUrl('https://updates.example/classdesk', 'https://school.example')).toBe(
      'https://updates.example/classdesk/',
    );
  });
  test('otherwise /updates/ on the signed-in server', () => {
    expect(updateFeedUrl(undefined, 'https://school.example')).toBe('https://school.example/updates/');
    expect(updateFeedUrl('', 'http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000/updates/');
  });
  test('none while signed out, and never a non-http feed', () => {
    expect(updateFeedUrl(undefined, null)).toBeNull();
    expect(updateFeedUrl('file:///tmp/feed', null)).toBeNull();
    expect(updateFeedUrl('not a url', null)).toBeNull();
  });
});

describe('where updates run', () => {
  test('only in the packaged app on a supported OS', () => {
    expect(updateUnsupportedReason({ isPackaged: false, platform: 'linux', env: {} })).toMatch(/development/);
    expect(updateUnsupportedReason({ isPackaged: true, platform: 'linux', env: {} })).toBeNull();
    expect(updateUnsupportedReason({ isPackaged: true, platform: 'win32', env: {} })).toBeNull();
    expect(updateUnsupportedReason({ isPackaged: true, platform: 'freebsd', env: {} })).toMatch(/freebsd/);
    expect(
      updateUnsupportedReason({
        isPackaged: true,
        platform: 'darwin',
        env: { CLASSDESK_DISABLE_UPDATES: '1' },
      }),
    ).toMatch(/turned off/);
  });

  test('error messages are one short line without tokens', () => {
    const m = updateErrorMessage(new Error(`HttpError: 500\nBearer abc\n${'x'.repeat(500)}`));
    expect(m).toBe('HttpError: 500');
    expect(updateErrorMessage(new Error('word '.repeat(100)))).toHaveLength(200);
  });
});

class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  logger: unknown = null;
  feed: string | null = null;
  checks = 0;
  installs: unknown[][] = [];
  nextCheck: () => Promise<unknown> = async () => null;
  setFeedURL(o: { provider: 'generic'; url: string }) {
    this.feed = o.url;
  }
  checkForUpdates() {
    this.checks++;
    return this.nextCheck();
  }
  quitAndInstall(...a: unknown[]) {
    this.installs.push(a);
  }
}

describe('the update service', () => {
  const setup = () => {
    const fake = new FakeUpdater();
    const states: UpdateState[] = [];
    const beforeInstall = vi.fn();
    const service = new UpdateService({
      updater: () => fake,
      logger: silentLogger,
      onState: (s) => states.push(s),
      beforeInstall,
    });
    return { fake, states, service, beforeInstall };
  };

  test('points the updater at the generic feed and downloads automatically', async () => {
    const { fake, service } = setup();
    await service.check();
    expect(fake.checks).toBe(0); // no feed yet: nothing to check
    service.setFeed('https://school.example/updates/');
    expect(fake.feed).toBe('https://school.example/updates/');
    expect(fake.autoDownload).toBe(true);
    await service.check();
    expect(fake.checks).toBe(1);
  });

  test('publishes each state change, and installs only a downloaded update', async () => {
    const { fake, states, service, beforeInstall } = setup();
    service.setFeed('https://school.example/updates/');
    expect(() => service.install()).toThrow(expect.objectContaining({ code: 'no_update' }));
    fake.emit('checking-for-update');
    fake.emit('update-available', { version: '0.2.0' });
    fake.emit('download-progress', { percent: 50 });
    fake.emit('download-progress', { percent: 50 }); // no change: no event
    fake.emit('update-downloaded', { version: '0.2.0' });
    expect(states.map((s) => s.state)).toEqual(['checking', 'available', 'downloading', 'ready']);
    expect(service.state().state).toBe('ready');
    await service.check();
    expect(fake.checks).toBe(0); // a ready update is not re-checked
    service.install();
    expect(beforeInstall).toHaveBeenCalledOnce();
    expect(fake.installs).toEqual([[false, true]]);
  });

  test('a failed check becomes the error state; a feed with no channel file is just "none"', async () => {
    const { fake, service } = setup();
    service.setFeed('https://school.example/updates/');
    fake.nextCheck = () => Promise.reject(new Error('net::ERR_CONNECTION_REFUSED'));
    await service.check();
    expect(service.state()).toMatchObject({ state: 'error', message: 'net::ERR_CONNECTION_REFUSED' });
    fake.nextCheck = () =>
      Promise.reject(
        Object.assign(new Error('Cannot find channel "latest-linux.yml"'), {
          code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND',
        }),
      );
    await service.check();
    expect(service.state().state).toBe('none');
  });

  test('where unsupported, says why and never touches an updater', async () => {
    const factory = vi.fn();
    const service = new UpdateService({
      updater: null,
      unsupportedReason: 'development build',
      logger: silentLogger,
      onState: () => undefined,
      beforeInstall: () => undefined,
    });
    service.setFeed('https://school.example/updates/');
    await service.check();
    expect(factory).not.toHaveBeenCalled();
    expect(service.state()).toEqual({
      state: 'unsupported',
      version: null,
      percent: null,
      message: 'development build',
    });
    expect(() => service.install()).toThrow(expect.objectContaining({ code: 'no_update' }));
  });
});
