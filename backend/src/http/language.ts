// The languages the API answers problems in, and how a request picks one.
import { z } from 'zod';

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A text in every language the API speaks. */
export type Text = Readonly<Record<Language, string>>;

export const textIn = (text: string | Text, language: Language): string =>
  typeof text === 'string' ? text : text[language];

/**
 * German for any `de` or `de-*` the caller prefers (q-values count), English otherwise: English is
 * what a caller gets who did not ask or asked for a language the API does not speak.
 */
export function requestLanguage(ctx: { acceptsLanguages(...languages: string[]): string | false }): Language {
  return ctx.acceptsLanguages('en', 'de') === 'de' ? 'de' : 'en';
}

const germanZodErrors = z.locales.de().localeError;

/**
 * Parse options that make zod word its own messages in the request's language. Passed per parse,
 * never set globally: requests of both languages interleave. A schema's own message stays as written.
 */
export const zodParseOptions = (language: Language) => (language === 'de' ? { error: germanZodErrors } : undefined);
