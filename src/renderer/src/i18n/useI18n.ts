/** The active language, translate function and formatters, following the language setting. */
import { useMemo } from 'react';
import { useSettings } from '../state/settings.js';
import { createFormatter, type Formatter } from './format.js';
import { resolveLocale, translator, type Translate, type UiLanguage } from './i18n.js';

export interface I18n {
  t: Translate;
  fmt: Formatter;
  language: UiLanguage;
  locale: string;
}

const systemLanguages = (): readonly string[] =>
  typeof navigator !== 'undefined' && navigator.languages?.length
    ? navigator.languages
    : [typeof navigator !== 'undefined' ? navigator.language : 'en'];

export function useI18n(): I18n {
  const setting = useSettings((s) => s.settings?.language ?? 'system');
  return useMemo(() => {
    const { language, locale } = resolveLocale(setting, systemLanguages());
    return { t: translator(language, locale), fmt: createFormatter(locale), language, locale };
  }, [setting]);
}
