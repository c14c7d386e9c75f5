import { describe, expect, test, vi } from 'vitest';
import type { SyncStatus } from '../../shared/ipc.js';
import { badgeText, syncStateLabel, trayMenuTemplate, trayTooltip, type TrayState } from './tray-menu.js';
import { resolveLang } from './strings.js';

const status = (s: Partial<SyncStatus> = {}): SyncStatus => ({
  online: true,
  live: true,
  syncing: false,
  lastSyncedAt: '2025-03-10T09:30:00.000Z',
  pending: 0,
  attention: 0,
  uploads: 0,
  quarantined: 0,
  notAnswering: false,
  lastError: null,
  ...s,
});
const state = (s: Partial<TrayState> = {}): TrayState => ({
  signedIn: true,
  unread: 0,
  status: status(),
  lang: 'en',
  timeZone: 'Europe/Lisbon',
  ...s,
});

describe('the tray badge', () => {
  test('shows nothing at zero and caps at 99+', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(-3)).toBe('');
    expect(badgeText(7)).toBe('7');
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
    expect(badgeText(Number.NaN)).toBe('');
  });
});

describe('the sync state line', () => {
  test('says the most pressing fact first', () => {
    expect(syncStateLabel(state({ signedIn: false }))).toBe('Not signed in');
    expect(syncStateLabel(state({ status: null }))).toBe('Not synced yet');
    expect(syncStateLabel(state({ status: status({ attention: 2, syncing: true }) }))).toBe(
      '2 changes need attention',
    );
    expect(syncStateLabel(state({ status: status({ syncing: true }) }))).toBe('Syncing…');
    expect(syncStateLabel(state({ status: status({ online: false, pending: 1 }) }))).toBe(
      'Offline — changes are kept on this computer · 1 change waiting to sync',
    );
    expect(syncStateLabel(state({ status: status({ lastError: 'boom' }) }))).toBe(
      'Sync problem — will retry',
    );
    expect(syncStateLabel(state({ status: status({ pending: 3 }) }))).toBe('3 changes waiting to sync');
    expect(syncStateLabel(state())).toBe('Up to date (last sync 09:30)');
    expect(syncStateLabel(state({ status: status({ lastSyncedAt: null }) }))).toBe('Not synced yet');
  });

  test('speaks Portuguese when the app does', () => {
    expect(syncStateLabel(state({ lang: 'pt-PT' }))).toBe('Sincronizado (última vez às 09:30)');
    expect(resolveLang('system', 'pt-BR')).toBe('pt-PT');
    expect(resolveLang('system', 'en-GB')).toBe('en');
    expect(resolveLang('en', 'pt-PT')).toBe('en');
  });
});

describe('the tray menu', () => {
  const actions = () => ({ open: vi.fn(), syncNow: vi.fn(), quit: vi.fn() });

  test('offers open, the sync state (disabled), sync now and quit', () => {
    const a = actions();
    const menu = trayMenuTemplate(state({ unread: 4 }), a);
    expect(menu.map((i) => i.id ?? i.type)).toEqual([
      'open',
      'separator',
      'sync-state',
      'sync-now',
      'separator',
      'quit',
    ]);
    expect(menu.find((i) => i.id === 'open')?.label).toBe('Open Classdesk (4)');
    expect(menu.find((i) => i.id === 'sync-state')).toMatchObject({
      enabled: false,
      label: 'Up to date (last sync 09:30)',
    });
    expect(menu.find((i) => i.id === 'sync-now')?.enabled).toBe(true);
    const click = (id: string) => (menu.find((i) => i.id === id)?.click as (() => void) | undefined)?.();
    click('open');
    click('sync-now');
    click('quit');
    expect(a.open).toHaveBeenCalledOnce();
    expect(a.syncNow).toHaveBeenCalledOnce();
    expect(a.quit).toHaveBeenCalledOnce();
  });

  test('disables sync now while signed out or already syncing', () => {
    expect(
      trayMenuTemplate(state({ signedIn: false }), actions()).find((i) => i.id === 'sync-now')?.enabled,
    ).toBe(false);
    expect(
      trayMenuTemplate(state({ status: status({ syncing: true }) }), actions()).find(
        (i) => i.id === 'sync-now',
      )?.enabled,
    ).toBe(false);
  });

  test('hides the unread count while signed out', () => {
    expect(trayMenuTemplate(state({ signedIn: false, unread: 4 }), actions())[0]?.label).toBe(
      'Open Classdesk',
    );
    expect(trayTooltip(state({ signedIn: false, unread: 4 }))).toBe('Classdesk\nNot signed in');
  });

  test('tooltip names the unread count and the sync state', () => {
    expect(trayTooltip(state({ unread: 1 }))).toBe(
      'Classdesk\n1 unread notification\nUp to date (last sync 09:30)',
    );
    expect(trayTooltip(state({ unread: 0 }))).toBe(
      'Classdesk\nNo unread notifications\nUp to date (last sync 09:30)',
    );
  });
});
