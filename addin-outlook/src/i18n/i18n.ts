// German or English, chosen by Outlook's display language (German for de-*, English otherwise).
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './de.ts';
import { en } from './en.ts';

export type Language = 'de' | 'en';

export function languageOf(displayLanguage: string | undefined): Language {
  return (displayLanguage ?? '').toLowerCase().startsWith('de') ? 'de' : 'en';
}

export async function initI18n(language: Language): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    resources: { de: { translation: de }, en: { translation: en } },
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = language;
  return i18next;
}
