// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { emptyPlan } from '../../shared/entities.js';
import type { AuthState, SyncStatus } from './types.js';

const signedOut: AuthState = {
  signedIn: false,
  user: null,
  serverUrl: null,
  lastServerUrl: 'http://school.example:4000',
  lastEmail: null,
  tokenPersisted: false,
};
const signedIn: AuthState = {
  ...signedOut,
  signedIn: true,
  user: { id: 2, email: 'ana@classdesk.test', name: 'Ana' },
  serverUrl: 'http://school.example:4000',
};
const status: SyncStatus = {
  online: true,
  live: true,
  syncing: false,
  lastSyncedAt: null,
  pending: 0,
  attention: 0,
  uploads: 0,
  quarantined: 0,
  notAnswering: false,
  lastError: null,
};
const school = (id: number, name: string) => ({
  id,
  name,
  timezone: 'Europe/Lisbon',
  ready: true,
  last_synced_at: null,
  done: null,
  total: null,
  unread: 0,
  pending_edits: 0,
});
const session = {
  id: 12,
  school_id: 1,
  teacher_id: 2,
  course_id: null,
  title: 'Matemática 7A',
  starts_at: '2025-03-03T09:00:00.000Z',
  ends_at: '2025-03-03T10:00:00.000Z',
  status: 'scheduled' as const,
  location: 'Sala 2',
  lesson_notes: 'old notes',
  ...emptyPlan(),
  version: 1,
  course_name: null,
  student_count: 0,
};

async function boot(auth: AuthState) {
  vi.resetModules();
  location.hash = '';
  localStorage.clear();
  const { installFakeBridge } = await import('./test/fake-bridge.js');
  const { App } = await import('./App.js');
  let schools = [school(1, 'Escola Norte'), school(2, 'Escola Sul')];
  const bridge = installFakeBridge({
    'app:info': () => ({ version: '0.1.0', platform: 'linux', harness: false }),
    'settings:get': () => ({ reminderLeadMinutes: 15, popupTypes: [], language: 'en', storageQuotaMb: 2048 }),
    'update:state': () => ({ state: 'idle', version: null, percent: null, message: null }),
    'auth:state': () => auth,
    'sync:status': () => status,
    'attention:list': () => [],
    'quarantine:list': () => [],
    'schools:list': () => schools,
    'notifications:list': () => ({ rows: [], unread: 2 }),
    'announcements:list': () => [],
    'dashboard:get': ({ schoolId, range }: { schoolId: number | null; range: string }) => ({
      school_id: schoolId,
      range,
      from: '2025-03-03T00:00:00.000Z',
      to: '2025-03-04T00:00:00.000Z',
      sessions: [session],
      counts: { scheduled: 1, completed: 0, cancelled: 0 },
      student_count: 0,
      unread_notifications: 2,
      recent_resources: [],
    }),
    'session:get': () => ({
      session,
      course: null,
      roster: [],
      resources: [],
      homework_due: null,
      previous_plan: null,
    }),
    edit: () => ({ id: 'm1' }),
  } as never);
  render(createElement(App));
  const removeSchool = (id: number) => {
    schools = schools.filter((s) => s.id !== id);
  };
  return { bridge, removeSchool };
}

beforeEach(() => {
  vi.useRealTimers();
});
afterEach(cleanup);

describe('sign in', () => {
  test('the form is prefilled with the last server and explains a missing key store', async () => {
    await boot(signedOut);
    expect(await screen.findByLabelText('Server address')).toHaveProperty(
      'value',
      'http://school.example:4000',
    );
    expect(screen.getByText(/no secure key storage/)).toBeTruthy();
  });

  test('a wrong password reads as such', async () => {
    const { bridge } = await boot(signedOut);
    bridge.on('auth:signIn', () => {
      throw Object.assign(new Error('bad'), { code: 'wrong_credentials' });
    });
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ana@classdesk.test' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password');
  });

  test('an unreachable server names the address', async () => {
    const { bridge } = await boot(signedOut);
    bridge.on('auth:signIn', () => {
      throw Object.assign(new Error('ECONNREFUSED'), { code: 'unreachable' });
    });
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ana@classdesk.test' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      "Can't reach the server at http://school.example:4000",
    );
  });

  test('signing in opens the app frame', async () => {
    const { bridge } = await boot(signedOut);
    bridge.on('auth:signIn', () => signedIn);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ana@classdesk.test' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'classdesk-demo' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('navigation')).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Online'));
  });
});

describe('app frame', () => {
  test('shows sync status, the unread badge and the school switcher', async () => {
    await boot(signedIn);
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Online'));
    expect(await screen.findByLabelText('2 unread notifications')).toBeTruthy();
    const select = screen.getByLabelText('School');
    await waitFor(() =>
      expect(
        within(select)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['All my schools', 'Escola Norte', 'Escola Sul']),
    );
    expect(screen.getByRole('button', { name: 'Needs attention (0)' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBe('page');
  });

  test('a revoked school leaves the switcher, and with one school left the picker gives way to its name', async () => {
    const { bridge, removeSchool } = await boot(signedIn);
    const select = await screen.findByLabelText<HTMLSelectElement>('School');
    await waitFor(() => expect(select.options).toHaveLength(3));
    fireEvent.change(select, { target: { value: '2' } });
    expect(select.value).toBe('2');
    removeSchool(2);
    act(() => bridge.emit({ type: 'revoked', schoolId: 2 }));
    await waitFor(() => expect(screen.queryByLabelText('School')).toBeNull());
    expect(document.querySelector('.school-name')?.textContent).toBe('Escola Norte');
    expect(screen.getByRole('alert').textContent).toContain('Escola Sul was removed from this device');
  });

  test('a navigate event opens the session, and notes save about half a second after typing', async () => {
    const { bridge } = await boot(signedIn);
    await screen.findByRole('navigation');
    act(() => bridge.emit({ type: 'navigate', to: '/sessions/12' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Matemática 7A' })).toBeTruthy();
    const notes = screen.getByLabelText('Lesson notes');
    expect((notes as HTMLTextAreaElement).value).toBe('old notes');
    fireEvent.change(notes, { target: { value: 'new notes' } });
    expect(bridge.calls.some((c) => c.channel === 'edit')).toBe(false);
    await waitFor(
      () =>
        expect(bridge.calls.find((c) => c.channel === 'edit')?.args[0]).toEqual({
          type: 'update_lesson_notes',
          args: { session_id: 12, lesson_notes: 'new notes' },
        }),
      { timeout: 2000 },
    );
    expect(await screen.findByText('Saved on this device')).toBeTruthy();
  });

  test('cancelling a session asks first, then sends the edit', async () => {
    const { bridge } = await boot(signedIn);
    await screen.findByRole('navigation');
    act(() => bridge.emit({ type: 'navigate', to: '/sessions/12' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel session' }));
    expect(bridge.calls.some((c) => c.channel === 'edit')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Confirm', hidden: true }));
    await waitFor(() =>
      expect(bridge.calls.find((c) => c.channel === 'edit')?.args[0]).toEqual({
        type: 'cancel_session',
        args: { session_id: 12 },
      }),
    );
  });
});
