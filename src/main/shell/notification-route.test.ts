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
  test('title and message, trimmed and kept short', () => {
    expect(notificationContent({ title: ' Aula cancelada ', message: 'Matemática 7A às 10:00' })).toEqual({
      title: 'Aula cancelada',
      body: 'Matemática 7A às 10:00',
    });
    const long = notificationContent({ title: 'x'.repeat(500), message: 'y'.repeat(1000) });
    expect(long.title).toHaveLength(120);
    expect(long.body).toHaveLength(300);
    expect(long.body.endsWith('…')).toBe(true);
    expect(notificationContent({ title: '  ', message: '' }).title).toBe('Classdesk');
  });
});
