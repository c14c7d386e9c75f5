/**
 * The console's i18n, the app's approach (src/renderer/src/i18n/i18n.ts): a typed dictionary per
 * language (pt-PT must have every English key), `{name}` placeholders, plural forms by
 * Intl.PluralRules, the language from a setting or the browser.
 */
import { createContext, useContext } from 'react';
import { formatNumber, pluralForm, resolveLocale, type UiLanguage } from '../../renderer/src/i18n/i18n.js';
import type { Message } from '../../renderer/src/i18n/messages.types.js';
import { en } from './messages.en.js';
import { pt } from './messages.pt.js';

export type ConsoleKey = keyof typeof en;
export type LanguageSetting = 'system' | 'en' | 'pt-PT';
type Params = Record<string, string | number>;

const DICTIONARIES: Record<UiLanguage, Record<ConsoleKey, Message>> = { en, 'pt-PT': pt };

export interface ConsoleI18n {
  t: (key: ConsoleKey, params?: Params) => string;
  language: UiLanguage;
  locale: string;
  dateTime: (iso: string) => string;
  date: (iso: string) => string;
}

export function consoleI18n(setting: LanguageSetting, systemLanguages: readonly string[]): ConsoleI18n {
  const { language, locale } = resolveLocale(setting, systemLanguages);
  const dict = DICTIONARIES[language];
  const dt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const d = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  return {
    language,
    locale,
    t: (key, params) => {
      const m = dict[key] ?? en[key];
      const text =
        typeof m === 'string'
          ? m
          : pluralForm(locale, m, typeof params?.count === 'number' ? params.count : 0);
      return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const v = params?.[name];
        if (v === undefined) return whole;
        return typeof v === 'number' ? formatNumber(locale, v) : v;
      });
    },
    dateTime: (iso) => dt.format(new Date(iso)),
    date: (iso) => d.format(new Date(iso)),
  };
}

export const I18nContext = createContext<ConsoleI18n>(consoleI18n('en', ['en']));
export const useT = (): ConsoleI18n => useContext(I18nContext);
