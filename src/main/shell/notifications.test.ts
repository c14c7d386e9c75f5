import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { NotificationRow } from '../../shared/entities.js';

const electron = vi.hoisted(() => {
  const shown: FakeNotification[] = [];
  class FakeNotification {
    static supported = true;
    static isSupported() {
      return FakeNotification.supported;
    }
    handlers: Record<string, () => void> = {};
    constructor(readonly options: { title: string; body: string }) {}
    on(ev: string, fn: () => void) {
      this.handlers[ev] = fn;
    }
    closed = false;
    show() {
      shown.push(this);
    }
    close() {
      this.closed = true;
    }
  }
  return { shown, Notification: FakeNotification };
});
vi.mock('electron', () => electron);

const { NativeNotifier } = await import('./notifications.js');

const row = (n: Partial<NotificationRow> = {}): NotificationRow => ({
  id: 5,
  school_id: 1,
  user_id: 2,
  type: 'session_cancelled',
  title: 'Aula cancelada',
  message: 'Matemática 7A, 10:00',
  params: {},
  action_url: 'classdesk://sessions/42',
  is_read: false,
  is_dismissed: false,
  read_at: null,
  delivered_via_socket: true,
  created_at: '2025-03-10T09:00:00.000Z',
  expires_at: null,
  version: 1,
  ...n,
});

beforeEach(() => {
  electron.shown.length = 0;
  electron.Notification.supported = true;
});

describe('native notifications', () => {
  test('show the title and message, and a click opens the related page', () => {
    const open = vi.fn();
    new NativeNotifier(open).show(row(), 'pt-PT', 'Europe/Lisbon');
    const n = electron.shown[0]!;
    expect(n.options).toMatchObject({ title: 'Aula cancelada', body: 'Matemática 7A, 10:00' });
    expect(open).not.toHaveBeenCalled();
    n.handlers.click!();
    expect(open).toHaveBeenCalledWith('/sessions/42');
  });

  test('a notification without a known target opens the notifications list', () => {
    const open = vi.fn();
    new NativeNotifier(open).show(row({ action_url: 'https://evil.example/' }), 'en', null);
    electron.shown[0]!.handlers.click!();
    expect(open).toHaveBeenCalledWith('/notifications');
  });

  test('nothing is shown where the OS has no notifications', () => {
    electron.Notification.supported = false;
    new NativeNotifier(vi.fn()).show(row(), 'pt-PT', 'Europe/Lisbon');
    expect(electron.shown).toHaveLength(0);
  });

  test('the pop-ups of a removed school close with it; the other school’s stay', () => {
    const notifier = new NativeNotifier(vi.fn());
    notifier.show(row({ id: 1, school_id: 1 }), 'en', null);
    notifier.show(row({ id: 2, school_id: 2 }), 'en', null);
    notifier.closeSchool(2);
    expect(electron.shown.map((n) => n.closed)).toEqual([false, true]);
  });
});
