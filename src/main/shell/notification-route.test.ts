import { describe, expect, test } from 'vitest';
import { notificationContent, NOTIFICATIONS_ROUTE, routeForActionUrl } from './notification-route.js';

describe('where a notification click leads', () => {
  test('a session or an announcement opens its page', () => {
    expect(routeForActionUrl('classdesk://sessions/42')).toBe('/sessions/42');
    expect(routeForActionUrl('classdesk://sessions/42/')).toBe('/sessions/42');
    expect(routeForActionUrl('classdesk://announcements/7')).toBe('/announcements/7');
  });

  test('anything else opens the notifications list', () => {
    for (const url of [
      '',
      'classdesk://sessions/',
      'classdesk://sessions/0',
      'classdesk://sessions/-3',
      'classdesk://sessions/4abc',
      'classdesk://sessions/4/edit',
      'classdesk://sessions/4?x=1',
      'classdesk://sessions/4#frag',
      'classdesk://Sessions/4',
      'classdesk://constructor/4',
      'classdesk://__proto__/4',
      'classdesk://students/4',
      'https://evil.example/sessions/4',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'classdesk://sessions/99999999999999999999',
      'not a url',
    ])
      expect(routeForActionUrl(url), url).toBe(NOTIFICATIONS_ROUTE);
  });
});

describe('what a native notification says', () => {
  const text = (title: string, message: string) =>
    ({ type: 'school_announcement', title, message, params: {} }) as const;
  test('title and message, trimmed and kept short', () => {
    expect(notificationContent(text(' Aula cancelada ', 'Matemática 7A às 10:00'))).toEqual({
      title: 'Aula cancelada',
      body: 'Matemática 7A às 10:00',
    });
    const long = notificationContent(text('x'.repeat(500), 'y'.repeat(1000)));
    expect(long.title).toHaveLength(120);
    expect(long.body).toHaveLength(300);
    expect(long.body.endsWith('…')).toBe(true);
    expect(notificationContent(text('  ', '')).title).toBe('Classdesk');
  });
  test('a cancellation in the app language, at the school time', () => {
    const row = {
      type: 'session_cancelled',
      title: '',
      message: '',
      params: { session_id: 4, session_title: 'Português — 7.º B', starts_at: '2026-07-15T13:30:00.000Z' },
    } as const;
    expect(notificationContent(row, 'pt-PT', 'Europe/Lisbon')).toEqual({
      title: 'Aula cancelada',
      body: 'A aula Português — 7.º B de 15/07/2026, 14:30 foi cancelada.',
    });
    expect(notificationContent(row, 'en', 'Europe/Lisbon').body).toBe(
      'Português — 7.º B on Jul 15, 2026, 02:30 PM was cancelled.',
    );
  });
});
