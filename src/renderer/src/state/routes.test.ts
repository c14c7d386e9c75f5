import { describe, expect, test } from 'vitest';
import { navSection, parseRoute, routePath } from './routes.js';

describe('routes', () => {
  test('a navigate event path opens the session page', () => {
    expect(parseRoute('/sessions/12')).toEqual({ name: 'session', id: 12 });
  });

  test("a notification's action URL and a hash both parse", () => {
    expect(parseRoute('classdesk://sessions/5')).toEqual({ name: 'session', id: 5 });
    expect(parseRoute('#/students')).toEqual({ name: 'students' });
    expect(parseRoute('classdesk://announcements/3')).toEqual({ name: 'notifications' });
  });

  test('unknown or malformed paths fall back to a safe screen', () => {
    expect(parseRoute('')).toEqual({ name: 'dashboard' });
    expect(parseRoute('/nowhere')).toEqual({ name: 'dashboard' });
    expect(parseRoute('/sessions/abc')).toEqual({ name: 'sessions' });
    expect(parseRoute('/sessions/-1')).toEqual({ name: 'sessions' });
  });

  test('paths round-trip and a session page lights up Sessions', () => {
    for (const p of ['/dashboard', '/sessions', '/sessions/9', '/settings', '/attention'])
      expect(routePath(parseRoute(p))).toBe(p);
    expect(navSection({ name: 'session', id: 1 })).toBe('sessions');
  });

  test("a session's print pages parse, round-trip and light up Sessions", () => {
    expect(parseRoute('#/sessions/4/print')).toEqual({ name: 'planPrint', id: 4, week: false });
    expect(parseRoute('/sessions/4/print-week')).toEqual({ name: 'planPrint', id: 4, week: true });
    expect(parseRoute('/sessions/4/elsewhere')).toEqual({ name: 'session', id: 4 });
    for (const p of ['/sessions/4/print', '/sessions/4/print-week']) expect(routePath(parseRoute(p))).toBe(p);
    expect(navSection({ name: 'planPrint', id: 4, week: true })).toBe('sessions');
  });
});

describe('student pages', () => {
  test('a student is named by school and id, lights up Students and round-trips', () => {
    expect(parseRoute('#/students/2/31')).toEqual({ name: 'student', schoolId: 2, id: 31 });
    expect(routePath({ name: 'student', schoolId: 2, id: 31 })).toBe('/students/2/31');
    expect(navSection({ name: 'student', schoolId: 2, id: 31 })).toBe('students');
  });

  test('a malformed student path opens the Students list', () => {
    for (const p of ['/students/2', '/students/x/3', '/students/2/0', '/students/2/1.5'])
      expect(parseRoute(p)).toEqual({ name: 'students' });
  });
});
