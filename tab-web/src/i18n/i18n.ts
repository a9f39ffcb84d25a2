// German or English: the user's own choice when they made one (kept in this browser), otherwise
// the host's or the browser's language (German for de-*, English otherwise).
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { boardDe } from './board.de.ts';
import { boardEn } from './board.en.ts';
import { calendarDe } from './calendar.de.ts';
import { calendarEn } from './calendar.en.ts';
import { commentsDe } from './comments.de.ts';
import { commentsEn } from './comments.en.ts';
import { dashboardsDe } from './dashboards.de.ts';
import { dashboardsEn } from './dashboards.en.ts';
import { de } from './de.ts';
import { documentsDe } from './documents.de.ts';
import { documentsEn } from './documents.en.ts';
import { en } from './en.ts';
import { mailDe } from './mail.de.ts';
import { mailEn } from './mail.en.ts';
import { recordPageDe } from './recordPage.de.ts';
import { recordPageEn } from './recordPage.en.ts';
import { reportsDe } from './reports.de.ts';
import { reportsEn } from './reports.en.ts';
import { trashDe } from './trash.de.ts';
import { trashEn } from './trash.en.ts';

export type Language = 'de' | 'en';
const CHOSEN = 'crm.app.language';

export function languageOf(tag: string | undefined): Language {
  return (tag ?? '').toLowerCase().startsWith('de') ? 'de' : 'en';
}

export function chosenLanguage(): Language | null {
  const stored = localStorage.getItem(CHOSEN);
  return stored === 'de' || stored === 'en' ? stored : null;
}

export async function initI18n(hostLocale?: string): Promise<typeof i18next> {
  const language = chosenLanguage() ?? languageOf(hostLocale ?? navigator.language);
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    resources: {
      de: {
        translation: {
          ...de,
          board: boardDe,
          calendar: calendarDe,
          dashboards: dashboardsDe,
          reports: reportsDe,
          mail: mailDe,
          trash: trashDe,
          documents: documentsDe,
          comments: commentsDe,
          recordPage: recordPageDe,
        },
      },
      en: {
        translation: {
          ...en,
          board: boardEn,
          calendar: calendarEn,
          dashboards: dashboardsEn,
          reports: reportsEn,
          mail: mailEn,
          trash: trashEn,
          documents: documentsEn,
          comments: commentsEn,
          recordPage: recordPageEn,
        },
      },
    },
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = language;
  return i18next;
}

/** The user switches the language: kept for next time. */
export async function chooseLanguage(language: Language): Promise<void> {
  localStorage.setItem(CHOSEN, language);
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
