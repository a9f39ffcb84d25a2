// The schemas' own field messages (written in English beside the rules they explain) in German,
// so a field error reaches a German user in German. zod's built-in messages are already said in
// the request's language (language.ts); these are the ones a schema words itself.
import type { Text } from './language.ts';

const EXACT: Readonly<Record<string, string>> = {
  'a calendar date in ISO 8601, e.g. 2026-12-01': 'ein Kalenderdatum nach ISO 8601, z. B. 2026-12-01',
  'a color as #rrggbb, e.g. #0f6cbd': 'eine Farbe als #rrggbb, z. B. #0f6cbd',
  'a date and time in ISO 8601 with its offset, e.g. 2026-12-01T09:00:00+01:00':
    'Datum und Uhrzeit nach ISO 8601 mit Zeitzonenversatz, z. B. 2026-12-01T09:00:00+01:00',
  'a date as YYYY-MM-DD, e.g. 2026-11-24': 'ein Datum als JJJJ-MM-TT, z. B. 2026-11-24',
  'a date like 1980-04-23': 'ein Datum wie 1980-04-23',
  'a date like 2026-12-31': 'ein Datum wie 2026-12-31',
  'a deal needs a title': 'Ein Deal braucht einen Titel',
  'a decimal amount as a string, e.g. "1250.00"': 'ein Dezimalbetrag als Text, z. B. "1250.00"',
  'a decimal amount as a string, e.g. "1250000.00"': 'ein Dezimalbetrag als Text, z. B. "1250000.00"',
  'a hex color like #0078d4': 'eine Hex-Farbe wie #0078d4',
  'a hex color like #d13438': 'eine Hex-Farbe wie #d13438',
  'a label is needed': 'Eine Beschriftung wird gebraucht',
  'a lead needs a title': 'Ein Lead braucht einen Titel',
  'a lost reason needs a name': 'Ein Verlustgrund braucht einen Namen',
  'a name is needed': 'Ein Name wird gebraucht',
  'a non-negative decimal amount as a string, e.g. "1250.00", at most 14 digits before the point':
    'ein nicht negativer Dezimalbetrag als Text, z. B. "1250.00", höchstens 14 Stellen vor dem Komma',
  'a note is on at least one record': 'Eine Notiz gehört zu mindestens einem Datensatz',
  'a person needs a last name': 'Eine Person braucht einen Nachnamen',
  'a person or an organization is needed': 'Eine Person oder eine Organisation wird gebraucht',
  'a person, an organization or a business contact is needed':
    'Eine Person, eine Organisation oder ein Geschäftskontakt wird gebraucht',
  'a pipeline needs a name': 'Eine Pipeline braucht einen Namen',
  'a pipeline needs at least one stage': 'Eine Pipeline braucht mindestens eine Phase',
  'a record id (UUID)': 'eine Datensatz-ID (UUID)',
  'a saved filter needs a name': 'Ein gespeicherter Filter braucht einen Namen',
  'a select field needs at least one option': 'Ein Auswahlfeld braucht mindestens eine Option',
  'a selection needs a name': 'Eine Selektion braucht einen Namen',
  'a stage needs a name': 'Eine Phase braucht einen Namen',
  'a subject is needed': 'Ein Betreff wird gebraucht',
  'a tag needs a name': 'Ein Schlagwort braucht einen Namen',
  'a task is for a user (assigneeId) or a team (teamId), not both':
    'Eine Aufgabe ist für eine Person (assigneeId) oder ein Team (teamId), nicht für beide',
  'a task needs a title': 'Eine Aufgabe braucht einen Titel',
  'a task template needs a title': 'Eine Aufgabenvorlage braucht einen Titel',
  'a team needs a name': 'Ein Team braucht einen Namen',
  'a title is needed': 'Ein Titel wird gebraucht',
  'a title, a company name or a last name is needed': 'Ein Titel, ein Firmenname oder ein Nachname wird gebraucht',
  'a user needs at least one role': 'Ein Benutzer braucht mindestens eine Rolle',
  'a whole number of days, 0 to 3650': 'eine ganze Zahl von Tagen, 0 bis 3650',
  'a whole number of percent, 0 to 100': 'eine ganze Prozentzahl, 0 bis 100',
  'a win probability in percent, 0 to 100': 'eine Gewinnwahrscheinlichkeit in Prozent, 0 bis 100',
  'an IANA time zone such as Europe/Berlin or UTC': 'eine IANA-Zeitzone wie Europe/Berlin oder UTC',
  'an ISO 3166 country code such as DE, AT or CH': 'ein Ländercode nach ISO 3166 wie DE, AT oder CH',
  'an ISO 4217 currency code such as EUR, CHF or USD': 'ein Währungscode nach ISO 4217 wie EUR, CHF oder USD',
  'an ISO 8601 date and time with offset, e.g. 2026-11-24T09:30:00+01:00':
    'Datum und Uhrzeit nach ISO 8601 mit Zeitzonenversatz, z. B. 2026-11-24T09:30:00+01:00',
  'an ISO 8601 date-time such as 2026-11-24T09:30:00+01:00':
    'Datum und Uhrzeit nach ISO 8601 wie 2026-11-24T09:30:00+01:00',
  'an ISO 8601 duration of up to a year, e.g. PT15M, PT2H or P1D':
    'eine Dauer nach ISO 8601 von höchstens einem Jahr, z. B. PT15M, PT2H oder P1D',
  'an ISO 8601 duration such as PT4H, P2D or P1W': 'eine Dauer nach ISO 8601 wie PT4H, P2D oder P1W',
  'an active stage of the pipeline': 'eine aktive Phase der Pipeline',
  'an active stage of this pipeline': 'eine aktive Phase dieser Pipeline',
  'an address is needed': 'Eine Adresse wird gebraucht',
  'an open stage (not won or lost)': 'eine offene Phase (weder gewonnen noch verloren)',
  'an open stage': 'eine offene Phase',
  'an organization needs a name': 'Eine Organisation braucht einen Namen',
  'an unknown country': 'ein unbekanntes Land',
  'at least one address': 'mindestens eine Adresse',
  'at least one record': 'mindestens ein Datensatz',
  'at most 10 addresses': 'höchstens 10 Adressen',
  'at most 10 days (14400 minutes)': 'höchstens 10 Tage (14400 Minuten)',
  'at most 20 email addresses': 'höchstens 20 E-Mail-Adressen',
  'at most 20 phone numbers': 'höchstens 20 Telefonnummern',
  'at most 50 links': 'höchstens 50 Verknüpfungen',
  'does not match the business contact': 'passt nicht zum Geschäftskontakt',
  'letters, digits, _ and - only': 'nur Buchstaben, Ziffern, _ und -',
  'must be five digits': 'muss aus fünf Ziffern bestehen',
  'not a time zone; use an IANA name such as Europe/Berlin':
    'keine Zeitzone; verwenden Sie einen IANA-Namen wie Europe/Berlin',
  'not a team of your organisation': 'kein Team Ihrer Organisation',
  'not a user of your organisation': 'kein Benutzer Ihrer Organisation',
  'not a valid VAT id; it starts with the country code, e.g. DE123456789 or ATU12345678':
    'keine gültige USt-IdNr.; sie beginnt mit dem Ländercode, z. B. DE123456789 oder ATU12345678',
  'not a valid email address, e.g. anna.mueller@example.de':
    'keine gültige E-Mail-Adresse, z. B. anna.mueller@example.de',
  'not a valid phone number; write it with the area code': 'keine gültige Telefonnummer; schreiben Sie die Vorwahl mit',
  'not a valid phone number; write it with the area code, e.g. 0221 123456 or +41 44 123 45 67':
    'keine gültige Telefonnummer; schreiben Sie die Vorwahl mit, z. B. 0221 123456 oder +41 44 123 45 67',
  'not an active user of your organisation': 'kein aktiver Benutzer Ihrer Organisation',
  'send dueAt (a time) or dueOn (a whole day), not both':
    'Geben Sie dueAt (eine Uhrzeit) oder dueOn (einen ganzen Tag) an, nicht beides',
  'send remindAt (a time) or remindBefore (an offset), not both':
    'Geben Sie remindAt (eine Uhrzeit) oder remindBefore (einen Vorlauf) an, nicht beides',
  'say what to look for': 'Sagen Sie, wonach gesucht werden soll',
  'say why you decline, so the delegator knows what to do':
    'Sagen Sie, warum Sie ablehnen, damit die delegierende Person weiß, was zu tun ist',
  'the absence must end after it begins': 'Die Abwesenheit muss nach ihrem Beginn enden',
};

const PATTERNS: readonly [RegExp, string][] = [
  [/^at most (\d+) characters$/, 'höchstens $1 Zeichen'],
  [/^at least (\d+) characters$/, 'mindestens $1 Zeichen'],
  [/^not a valid postal code for ([A-Z]{2})$/, 'keine gültige Postleitzahl für $1'],
];

function german(message: string): string | undefined {
  const exact = EXACT[message];
  if (exact !== undefined) return exact;
  for (const [pattern, replacement] of PATTERNS) {
    if (pattern.test(message)) return message.replace(pattern, replacement);
  }
  return undefined;
}

/** A field error's detail in every language: a schema's English message gets its German words. */
export function fieldText(detail: string | Text): Text {
  return typeof detail === 'string' ? { en: detail, de: german(detail) ?? detail } : detail;
}
