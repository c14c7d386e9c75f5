import { describe, expect, test } from 'vitest';
import { en } from './messages.en.js';
import { pt } from './messages.pt.js';
import type { Message } from './messages.types.js';
import { pluralForm, resolveLocale, translate, type MessageKey } from './i18n.js';

const placeholders = (m: Message): string[] => {
  const texts: string[] = typeof m === 'string' ? [m] : Object.values(m).filter((v): v is string => !!v);
  const found = texts.flatMap((s) => s.match(/\{\w+\}/g) ?? []);
  return [...new Set(found)].filter((p) => p !== '{count}').sort();
};

describe('plural rules', () => {
  test('English uses "one" for 1 and "other" for 0 and 2', () => {
    expect(translate('en', 'en', 'common.students', { count: 1 })).toBe('1 student');
    expect(translate('en', 'en', 'common.students', { count: 0 })).toBe('0 students');
    expect(translate('en', 'en', 'common.students', { count: 2 })).toBe('2 students');
  });

  test('European Portuguese treats 0 as plural (unlike Brazilian Portuguese)', () => {
    expect(translate('pt-PT', 'pt-PT', 'common.students', { count: 0 })).toBe('0 alunos');
    expect(translate('pt-PT', 'pt-PT', 'common.students', { count: 1 })).toBe('1 aluno');
    expect(translate('pt-PT', 'pt-PT', 'common.students', { count: 3 })).toBe('3 alunos');
  });

  test('an explicit zero form wins at 0 only', () => {
    expect(translate('en', 'en', 'sync.pending', { count: 0 })).toBe('No edits waiting');
    expect(translate('en', 'en', 'sync.pending', { count: 1 })).toBe('1 edit waiting to sync');
  });

  test('a category the message lacks (Portuguese "many" for a million) falls back to other', () => {
    expect(pluralForm('pt-PT', { one: 'um', other: 'vários' }, 1_000_000)).toBe('vários');
  });

  test('the roster summary and the dashboard counts agree with their numbers ("1 atraso", "5 Concluídas")', () => {
    const summary = (lang: 'en' | 'pt-PT', n: Record<'present' | 'absent' | 'late' | 'unknown', number>) =>
      translate(lang, lang, 'roster.summary', {
        present: translate(lang, lang, 'roster.present', { count: n.present }),
        absent: translate(lang, lang, 'roster.absent', { count: n.absent }),
        late: translate(lang, lang, 'roster.late', { count: n.late }),
        unknown: translate(lang, lang, 'roster.unknown', { count: n.unknown }),
      });
    expect(summary('pt-PT', { present: 1, absent: 1, late: 1, unknown: 0 })).toBe(
      '1 presente, 1 falta, 1 atraso, 0 por marcar',
    );
    expect(summary('pt-PT', { present: 20, absent: 2, late: 3, unknown: 1 })).toBe(
      '20 presentes, 2 faltas, 3 atrasos, 1 por marcar',
    );
    expect(summary('en', { present: 1, absent: 0, late: 2, unknown: 1 })).toBe(
      '1 present, 0 absent, 2 late, 1 not taken',
    );
    expect(translate('pt-PT', 'pt-PT', 'dashboard.stat.completed', { count: 5 })).toBe('Concluídas');
    expect(translate('pt-PT', 'pt-PT', 'dashboard.stat.completed', { count: 1 })).toBe('Concluída');
    expect(translate('pt-PT', 'pt-PT', 'dashboard.stat.cancelled', { count: 0 })).toBe('Canceladas');
    expect(translate('pt-PT', 'pt-PT', 'plan.overTime', { count: 1 })).toBe('Excede a aula em 1 minuto.');
    expect(translate('en', 'en', 'plan.minutes', { count: 45 })).toBe('45 minutes');
  });

  test('counts are formatted in the locale', () => {
    expect(translate('en', 'en', 'common.sessions', { count: 12345 })).toBe('12,345 sessions');
    expect(translate('pt-PT', 'pt-PT', 'common.sessions', { count: 12345 })).toMatch(/^12\s345 aulas$/);
  });
});

describe('dictionaries', () => {
  test('every Portuguese message has the same placeholders as its English original', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(placeholders(pt[key]), key).toEqual(placeholders(en[key]));
    }
  });

  test('plural messages stay plural in both languages', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(typeof pt[key], key).toBe(typeof en[key]);
    }
  });

  test('the names the UI tests rely on stay as they are', () => {
    expect(en['signIn.submit']).toBe('Sign in');
    expect(en['sync.now']).toBe('Sync now');
    expect(translate('en', 'en', 'sync.attention', { count: 2 })).toBe('Needs attention (2)');
    expect(translate('en', 'en', 'nav.unread', { count: 3 })).toBe('3 unread notifications');
    expect(en['notes.label']).toBe('Lesson notes');
  });

  test('unknown placeholders are left visible rather than dropped', () => {
    expect(translate('en', 'en', 'signIn.error.unreachable')).toBe("Can't reach the server at {url}");
  });
});

describe('resolveLocale', () => {
  test('system follows the OS: Portuguese variants get the Portuguese dictionary', () => {
    expect(resolveLocale('system', ['pt-BR', 'en'])).toEqual({ language: 'pt-PT', locale: 'pt-BR' });
    expect(resolveLocale('system', ['en-GB'])).toEqual({ language: 'en', locale: 'en-GB' });
  });

  test('an OS language without a dictionary falls back to English', () => {
    expect(resolveLocale('system', ['de-DE'])).toEqual({ language: 'en', locale: 'en' });
  });

  test('an explicit choice wins over the OS, keeping its English variant for dates', () => {
    expect(resolveLocale('pt-PT', ['en-US'])).toEqual({ language: 'pt-PT', locale: 'pt-PT' });
    expect(resolveLocale('en', ['pt-PT', 'en-GB'])).toEqual({ language: 'en', locale: 'en-GB' });
    expect(resolveLocale('en', ['fr-FR'])).toEqual({ language: 'en', locale: 'en' });
  });
});
