/**
 * A small typed dictionary: every English key must have a Portuguese twin (the compiler checks),
 * `{name}` placeholders, and plural forms chosen by Intl.PluralRules for the active locale.
 */
import { en } from './messages.en.js';
import { pt } from './messages.pt.js';
import type { Message, PluralMessage } from './messages.types.js';

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
/** Languages with a dictionary. */
export type UiLanguage = 'en' | 'pt-PT';

const DICTIONARIES: Record<UiLanguage, Record<MessageKey, Message>> = { en, 'pt-PT': pt };

/**
 * The dictionary and the formatting locale for a language setting. `system` follows the OS
 * (navigator.languages); an explicit English keeps the OS's English variant (en-GB dates).
 */
export function resolveLocale(
  setting: 'system' | 'en' | 'pt-PT',
  systemLanguages: readonly string[],
): { language: UiLanguage; locale: string } {
  const first = systemLanguages[0] ?? 'en';
  if (setting === 'pt-PT') return { language: 'pt-PT', locale: 'pt-PT' };
  if (setting === 'en') {
    const english = systemLanguages.find((l) => l.toLowerCase().startsWith('en'));
    return { language: 'en', locale: english ?? 'en' };
  }
  if (first.toLowerCase().startsWith('pt')) return { language: 'pt-PT', locale: first };
  return { language: 'en', locale: first.toLowerCase().startsWith('en') ? first : 'en' };
}

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function rulesFor(locale: string): Intl.PluralRules {
  let r = pluralRules.get(locale);
  if (!r) {
    r = new Intl.PluralRules(locale);
    pluralRules.set(locale, r);
  }
  return r;
}

export function formatNumber(locale: string, n: number): string {
  let f = numberFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    numberFormats.set(locale, f);
  }
  return f.format(n);
}

/** The plural form for `count`: an explicit `zero` wins at 0, a missing category falls back to `other`. */
export function pluralForm(locale: string, message: PluralMessage, count: number): string {
  if (count === 0 && message.zero !== undefined) return message.zero;
  const category = rulesFor(locale).select(count);
  return message[category] ?? message.other;
}

function interpolate(locale: string, text: string, params: Params | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? formatNumber(locale, v) : v;
  });
}

/** Translates `key`; plural messages need a numeric `count` param. */
export function translate(language: UiLanguage, locale: string, key: MessageKey, params?: Params): string {
  const message = DICTIONARIES[language][key] ?? en[key];
  if (typeof message === 'string') return interpolate(locale, message, params);
  const count = typeof params?.count === 'number' ? params.count : 0;
  return interpolate(locale, pluralForm(locale, message, count), params);
}

export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(language: UiLanguage, locale: string): Translate {
  return (key, params) => translate(language, locale, key, params);
}
