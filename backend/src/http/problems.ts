// The catalogue of every problem the API answers with: status, wire code, and title and detail in
// German and English. Throw sites name a problem and give its parameters; the error handler
// renders it in the request's language.
import { AppError, type FieldError, type FieldIssue } from './errors.ts';
import { LANGUAGES, type Language, type Text } from './language.ts';

interface Definition {
  status: number;
  /** The code on the wire when several problems share one (every kind of `not_found`); else the key. */
  code?: string;
  title: Text;
  /** `{name}` marks a parameter; both languages use the same ones. */
  detail: Text;
  /** The short text beside the field the problem points at (`at`). */
  field?: Text;
}

/** What a parameter takes: a list is joined with ", ", a text in both languages gives the request's. */
export type ProblemValue = string | number | readonly (string | number)[] | Text;

// A brace holding a space or a quote is literal JSON in a text, not a parameter.
type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? (Name extends `${string}${' ' | '"'}${string}` ? never : Name) | Placeholders<Rest>
  : never;

type TextsOf<D> = D extends { field: Text }
  ? D['field'][Language] | (D extends Definition ? D['title'][Language] | D['detail'][Language] : never)
  : D extends Definition
    ? D['title'][Language] | D['detail'][Language]
    : never;

/** Nouns as problem texts use them: English, German after "kein" and German with its article. */
interface Noun {
  en: string;
  /** "keine Person", "keinen Deal", "kein Dokument". */
  none: string;
  /** "die Person", "der Deal", "das Dokument". */
  the: string;
}

const nouns = {
  person: { en: 'person', none: 'keine Person', the: 'die Person' },
  organization: { en: 'organization', none: 'keine Organisation', the: 'die Organisation' },
  business_contact: { en: 'business contact', none: 'keinen Geschäftskontakt', the: 'der Geschäftskontakt' },
  deal: { en: 'deal', none: 'keinen Deal', the: 'der Deal' },
  lead: { en: 'lead', none: 'keinen Lead', the: 'der Lead' },
  task: { en: 'task', none: 'keine Aufgabe', the: 'die Aufgabe' },
  activity: { en: 'activity', none: 'keine Aktivität', the: 'die Aktivität' },
  activity_type: { en: 'activity type', none: 'keinen Aktivitätstyp', the: 'der Aktivitätstyp' },
  note: { en: 'note', none: 'keine Notiz', the: 'die Notiz' },
  comment: { en: 'comment', none: 'keinen Kommentar', the: 'der Kommentar' },
  document: { en: 'document', none: 'kein Dokument', the: 'das Dokument' },
  mail: { en: 'mail', none: 'keine E-Mail', the: 'die E-Mail' },
  mail_filing: { en: 'filing', none: 'keine Ablage', the: 'die Ablage' },
  filed_mail: { en: 'filed mail', none: 'keine abgelegte E-Mail', the: 'die abgelegte E-Mail' },
  user: { en: 'user', none: 'keinen Benutzer', the: 'der Benutzer' },
  shared_mailbox: { en: 'shared mailbox', none: 'kein freigegebenes Postfach', the: 'das freigegebene Postfach' },
  team: { en: 'team', none: 'kein Team', the: 'das Team' },
  pipeline: { en: 'pipeline', none: 'keine Pipeline', the: 'die Pipeline' },
  lost_reason: { en: 'lost reason', none: 'keinen Verlustgrund', the: 'der Verlustgrund' },
  saved_filter: { en: 'saved filter', none: 'keinen gespeicherten Filter', the: 'der gespeicherte Filter' },
  mail_template: { en: 'mail template', none: 'keine E-Mail-Vorlage', the: 'die E-Mail-Vorlage' },
  dashboard: { en: 'dashboard', none: 'kein Dashboard', the: 'das Dashboard' },
  task_template: { en: 'task template', none: 'keine Aufgabenvorlage', the: 'die Aufgabenvorlage' },
  prospect_selection: { en: 'prospect selection', none: 'keine Zielkundenauswahl', the: 'die Zielkundenauswahl' },
  absence: { en: 'absence', none: 'keine Abwesenheit', the: 'die Abwesenheit' },
  relation_type: { en: 'relation type', none: 'keinen Beziehungstyp', the: 'der Beziehungstyp' },
  relation: { en: 'relation', none: 'keine Beziehung', the: 'die Beziehung' },
  custom_field: { en: 'custom field', none: 'kein eigenes Feld', the: 'das eigene Feld' },
  tag: { en: 'tag', none: 'kein Schlagwort', the: 'das Schlagwort' },
  notification: { en: 'notification', none: 'keine Benachrichtigung', the: 'die Benachrichtigung' },
  record_person: { en: 'person or colleague', none: 'niemanden', the: 'die Person' },
  lead_field_mapping: { en: 'lead field mapping', none: 'keine Lead-Feldzuordnung', the: 'die Lead-Feldzuordnung' },
  surviving_record: {
    en: 'surviving record',
    none: 'keinen verbleibenden Datensatz',
    the: 'der verbleibende Datensatz',
  },
} as const satisfies Record<string, Noun>;

export type Thing = keyof typeof nouns;

/** "person" / "keine Person": the thing after "There is no" and "Es gibt". */
export const noSuch = (thing: Thing): Text => ({ en: nouns[thing].en, de: nouns[thing].none });

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "Deal Großauftrag" / "Der Deal „Großauftrag“", or "The note" / "Die Notiz" without a name. */
export const named = (thing: Thing, name?: string): Text =>
  name === undefined
    ? { en: `The ${nouns[thing].en}`, de: capitalize(nouns[thing].the) }
    : { en: `${capitalize(nouns[thing].en)} ${name}`, de: `${capitalize(nouns[thing].the)} „${name}“` };

/** "person" / "keine Person" and "person" / "Person" for a record type; a type without a noun keeps its label. */
export function recordNouns(type: string, label = type): { noSuch: Text; thing: Text } {
  if (type in nouns) return { noSuch: noSuch(type as Thing), thing: thingName(type as Thing) };
  return { noSuch: { en: label, de: label }, thing: { en: label, de: label } };
}

/** A thing's name alone: "person" / "Person". */
export const thingName = (thing: Thing): Text => ({
  en: nouns[thing].en,
  de: capitalize(nouns[thing].the.split(' ').slice(1).join(' ')),
});

// Keeps the literal texts, whose `{parameters}` type the parameters of each problem.
const t = <const En extends string, const De extends string>(en: En, de: De) => ({ en, de });

/** What a cursor was issued for. */
export const cursorScope = {
  list: t('list', 'diese Liste'),
  stage: t('stage', 'diese Phase'),
  listAndOrder: t('list and order', 'diese Liste und Sortierung'),
} as const;

/** The part a user would play on a record or task. */
export const userRoles = {
  owner: t('owner', 'Verantwortliche(r)'),
  assignee: t('assignee', 'Zuständige(r)'),
  delegate: t('delegate', 'Vertretung der Aufgabe'),
  substitute: t('substitute', 'Vertretung'),
} as const;
export type UserRole = keyof typeof userRoles;

/** Why an access token is refused, after "The access token" / "Das Zugriffstoken". */
export const tokenProblems = {
  malformed: t('is not a well-formed JWT', 'ist kein wohlgeformtes JWT'),
  noTenant: t('has no valid tenant id (tid)', 'hat keine gültige Mandanten-ID (tid)'),
  notV2: t('must be a v2.0 token', 'muss ein v2.0-Token sein'),
  expired: t('has expired; get a new one', 'ist abgelaufen; holen Sie ein neues'),
  notYetValid: t('is not valid yet', 'ist noch nicht gültig'),
  audience: t('was not issued for this API (audience)', 'wurde nicht für diese API ausgestellt (audience)'),
  issuer: t(
    'was not issued by the expected authority for its tenant (issuer)',
    'wurde nicht von der erwarteten Stelle seines Mandanten ausgestellt (issuer)',
  ),
  algorithm: t('must be signed with RS256', 'muss mit RS256 signiert sein'),
  unknownKey: t('is signed with an unknown key', 'ist mit einem unbekannten Schlüssel signiert'),
  signature: t('signature is invalid', 'hat eine ungültige Signatur'),
  invalid: t('is not valid', 'ist nicht gültig'),
} as const;

/** What only the author (or an administrator) may do to a note or comment. */
export const authorActions = {
  change: t('change', 'ändern'),
  delete: t('delete', 'löschen'),
  restore: t('restore', 'wiederherstellen'),
} as const;

/** Texts a problem is made of rather than problems themselves: the details of single fields. */
const fieldTexts = {
  body_required: t('A JSON request body is required.', 'Die Anfrage braucht einen JSON-Body.'),
  already_taken: t('already taken', 'bereits vergeben'),
} as const satisfies Record<string, Text>;

/** A field's detail from the catalogue, in every language. */
export const problemText = (key: keyof typeof fieldTexts): Text => fieldTexts[key];

const catalogue = {
  // ---- requests the API cannot read --------------------------------------------------------
  validation_failed: {
    status: 400,
    title: t('The request is not valid', 'Die Anfrage ist nicht gültig'),
    detail: t('{field}: {message}', '{field}: {message}'),
  },
  validation_failed_many: {
    status: 400,
    code: 'validation_failed',
    title: t('The request is not valid', 'Die Anfrage ist nicht gültig'),
    detail: t(
      '{count} values are not valid; see errors for each one.',
      '{count} Angaben sind nicht gültig; die einzelnen Fehler stehen unter errors.',
    ),
  },
  malformed_json: {
    status: 400,
    title: t('The request body is not valid JSON', 'Der Body der Anfrage ist kein gültiges JSON'),
    detail: t(
      'The request body could not be parsed as JSON. Check for trailing commas, unquoted keys or a truncated body.',
      'Der Body der Anfrage ließ sich nicht als JSON lesen. Prüfen Sie ihn auf überzählige Kommas, Schlüssel ohne Anführungszeichen oder einen abgeschnittenen Body.',
    ),
  },
  bad_request: {
    status: 400,
    title: t('Bad request', 'Ungültige Anfrage'),
    detail: t('{message}', '{message}'),
  },
  bad_request_unexplained: {
    status: 400,
    code: 'bad_request',
    title: t('Bad request', 'Ungültige Anfrage'),
    detail: t('The request could not be understood.', 'Die Anfrage war nicht verständlich.'),
  },
  payload_too_large: {
    status: 413,
    title: t('The request body is too large', 'Der Body der Anfrage ist zu groß'),
    detail: t(
      'The request body exceeds the limit of {limit}. Send less data, or split it into several requests.',
      'Der Body der Anfrage ist größer als die Grenze von {limit}. Senden Sie weniger Daten oder teilen Sie sie auf mehrere Anfragen auf.',
    ),
  },
  unsupported_media_type: {
    status: 415,
    title: t('Unsupported media type', 'Nicht unterstützter Medientyp'),
    detail: t(
      'This endpoint accepts application/json only; send the body as JSON with Content-Type: application/json.',
      'Hier wird nur application/json angenommen; senden Sie den Body als JSON mit Content-Type: application/json.',
    ),
  },
  unsupported_media_type_of_route: {
    status: 415,
    code: 'unsupported_media_type',
    title: t('Unsupported media type', 'Nicht unterstützter Medientyp'),
    detail: t(
      '{operation} accepts application/json only, not {received}; send the body as JSON with Content-Type: application/json.',
      '{operation} nimmt nur application/json an, nicht {received}; senden Sie den Body als JSON mit Content-Type: application/json.',
    ),
  },
  unsupported_media_type_explained: {
    status: 415,
    code: 'unsupported_media_type',
    title: t('Unsupported media type', 'Nicht unterstützter Medientyp'),
    detail: t('{message}', '{message}'),
  },
  method_not_allowed: {
    status: 405,
    title: t('Method not allowed', 'Methode nicht erlaubt'),
    detail: t(
      '{method} is not allowed on {path}; use {allowed}.',
      '{method} ist auf {path} nicht erlaubt; verwenden Sie {allowed}.',
    ),
  },
  method_not_allowed_here: {
    status: 405,
    code: 'method_not_allowed',
    title: t('Method not allowed', 'Methode nicht erlaubt'),
    detail: t(
      '{method} is not allowed on {path}; use another method.',
      '{method} ist auf {path} nicht erlaubt; verwenden Sie eine andere Methode.',
    ),
  },
  not_implemented: {
    status: 501,
    title: t('Method not implemented', 'Methode nicht umgesetzt'),
    detail: t(
      'The HTTP method {method} is not supported by this API.',
      'Die HTTP-Methode {method} wird von dieser API nicht unterstützt.',
    ),
  },
  http_error: {
    status: 400,
    title: t('Request failed', 'Anfrage fehlgeschlagen'),
    detail: t('{message}', '{message}'),
  },
  route_not_found: {
    status: 404,
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'There is no {method} {path}; the API is described at /api/openapi.json.',
      'Es gibt kein {method} {path}; die API ist unter /api/openapi.json beschrieben.',
    ),
  },
  internal_error: {
    status: 500,
    title: t('Internal server error', 'Interner Serverfehler'),
    detail: t(
      'Something went wrong on our side. It has been logged; quote request id {requestId} when you report it.',
      'Bei uns ist etwas schiefgegangen. Der Fehler wurde protokolliert; nennen Sie die Anfrage-ID {requestId}, wenn Sie ihn melden.',
    ),
  },
  invalid_cursor: {
    status: 400,
    title: t('The cursor is not valid', 'Der Cursor ist nicht gültig'),
    detail: t(
      'The cursor is not one this API issued for this {list}; start again without a cursor.',
      'Diesen Cursor hat die API nicht für {list} ausgegeben; beginnen Sie erneut ohne Cursor.',
    ),
    field: t('not a cursor of this {list}', 'kein Cursor für {list}'),
  },
  invalid_if_match: {
    status: 400,
    title: t('If-Match is not valid', 'If-Match ist nicht gültig'),
    detail: t(
      'If-Match must be the ETag of the record as received, for example "3".',
      'If-Match muss das ETag des Datensatzes sein, wie Sie es erhalten haben, zum Beispiel "3".',
    ),
    field: t('not an ETag of this API', 'kein ETag dieser API'),
  },

  // ---- who calls -----------------------------------------------------------------------------
  unauthenticated: {
    status: 401,
    title: t('Not signed in', 'Nicht angemeldet'),
    detail: t(
      'Sign in first: send an access token for this API as "Authorization: Bearer <token>".',
      'Melden Sie sich zuerst an: Senden Sie ein Zugriffstoken für diese API als "Authorization: Bearer <token>".',
    ),
  },
  authorization_malformed: {
    status: 401,
    code: 'invalid_request',
    title: t('Not signed in', 'Nicht angemeldet'),
    detail: t(
      'The Authorization header must have the form "Bearer <access token>".',
      'Der Authorization-Header muss die Form "Bearer <Zugriffstoken>" haben.',
    ),
  },
  invalid_token: {
    status: 401,
    title: t('Not signed in', 'Nicht angemeldet'),
    detail: t('The access token {reason}.', 'Das Zugriffstoken {reason}.'),
  },
  insufficient_scope: {
    status: 401,
    title: t('The access token lacks the needed permission', 'Dem Zugriffstoken fehlt die nötige Berechtigung'),
    detail: t(
      'The access token must carry the delegated scope {scope}.',
      'Das Zugriffstoken muss den delegierten Bereich {scope} tragen.',
    ),
  },
  app_role_missing: {
    status: 401,
    code: 'insufficient_scope',
    title: t('The access token lacks the needed permission', 'Dem Zugriffstoken fehlt die nötige Berechtigung'),
    detail: t(
      'An application token must carry the app role {role}.',
      'Ein Anwendungstoken muss die App-Rolle {role} tragen.',
    ),
  },
  database_busy: {
    status: 503,
    title: t('Busy right now', 'Gerade ausgelastet'),
    detail: t(
      'The CRM is too busy to answer this request right now; nothing was changed. Try again in a few seconds.',
      'Das CRM ist gerade zu ausgelastet, um diese Anfrage zu beantworten; es wurde nichts geändert. Versuchen Sie es in einigen Sekunden erneut.',
    ),
  },
  changed_meanwhile: {
    status: 409,
    title: t('Changed at the same moment', 'Gleichzeitig geändert'),
    detail: t(
      'Someone else changed the same data while this request was being handled; nothing was saved. Load it again and repeat your change.',
      'Jemand anderes hat dieselben Daten geändert, während diese Anfrage bearbeitet wurde; es wurde nichts gespeichert. Laden Sie neu und wiederholen Sie Ihre Änderung.',
    ),
  },
  sync_not_connected: {
    status: 409,
    title: t('Mailbox not connected', 'Postfach nicht verbunden'),
    detail: t(
      'Your mailbox does not sync with the CRM yet: connect it first (PUT /api/v1/me/sync with enabled true), or ask your CRM administrator.',
      'Ihr Postfach wird noch nicht mit dem CRM abgeglichen: verbinden Sie es zuerst (PUT /api/v1/me/sync mit enabled true) oder fragen Sie Ihren CRM-Administrator.',
    ),
  },
  graph_access_revoked: {
    status: 403,
    title: t('Access to the mailbox was withdrawn', 'Der Zugriff auf das Postfach wurde entzogen'),
    detail: t(
      'Microsoft 365 no longer lets the CRM read this mailbox (the consent was revoked or the app registration changed). The sync waits until an administrator grants access again; then choose "Sync now".',
      'Microsoft 365 lässt das CRM dieses Postfach nicht mehr lesen (die Zustimmung wurde widerrufen oder die App-Registrierung geändert). Der Abgleich ruht, bis ein Administrator den Zugriff wieder erteilt; wählen Sie dann „Jetzt abgleichen“.',
    ),
  },
  graph_mailbox_denied: {
    status: 403,
    title: t('The CRM may not read this mailbox', 'Das CRM darf dieses Postfach nicht lesen'),
    detail: t(
      'Microsoft 365 refuses the CRM access to this mailbox: it is outside the application access policy of your organisation. Ask your Exchange administrator to add it to the policy; the next sync tries again.',
      'Microsoft 365 verweigert dem CRM den Zugriff auf dieses Postfach: es liegt außerhalb der Anwendungszugriffsrichtlinie Ihrer Organisation. Bitten Sie Ihren Exchange-Administrator, es in die Richtlinie aufzunehmen; der nächste Abgleich versucht es erneut.',
    ),
  },
  graph_unavailable: {
    status: 503,
    title: t('Microsoft 365 is not answering', 'Microsoft 365 antwortet nicht'),
    detail: t(
      'Microsoft 365 was busy or unreachable during the last sync; it is tried again automatically.',
      'Microsoft 365 war beim letzten Abgleich ausgelastet oder nicht erreichbar; es wird automatisch erneut versucht.',
    ),
  },
  graph_budget_exhausted: {
    status: 429,
    title: t('Sync paused for a few minutes', 'Abgleich für einige Minuten angehalten'),
    detail: t(
      'This mailbox used its share of Microsoft 365 requests for the last 10 minutes; the sync goes on by itself when the share is free again.',
      'Dieses Postfach hat sein Kontingent an Microsoft-365-Anfragen der letzten 10 Minuten aufgebraucht; der Abgleich geht von selbst weiter, sobald es wieder frei ist.',
    ),
  },
  graph_sync_failed: {
    status: 500,
    title: t('The sync failed', 'Der Abgleich ist fehlgeschlagen'),
    detail: t(
      'The last sync with Outlook failed unexpectedly; it is tried again automatically. If this stays, tell your CRM administrator.',
      'Der letzte Abgleich mit Outlook ist unerwartet fehlgeschlagen; er wird automatisch wiederholt. Bleibt das so, informieren Sie Ihren CRM-Administrator.',
    ),
  },
  meeting_attachment_too_large: {
    status: 413,
    title: t('A meeting attachment was not stored', 'Ein Besprechungsanhang wurde nicht gespeichert'),
    detail: t(
      'A file attached to a meeting in Outlook is larger than the limit for documents, so it is not among the documents of the meeting’s contacts. The rest of the calendar was synced; share the file as a link instead.',
      'Eine an eine Besprechung in Outlook angehängte Datei ist größer als die Grenze für Dokumente und steht darum nicht bei den Dokumenten der Kontakte der Besprechung. Der übrige Kalender wurde abgeglichen; teilen Sie die Datei stattdessen als Link.',
    ),
  },
  meeting_attachment_refused: {
    status: 415,
    title: t('A meeting attachment was not stored', 'Ein Besprechungsanhang wurde nicht gespeichert'),
    detail: t(
      'A file attached to a meeting in Outlook is of a kind the CRM does not keep as a document. The rest of the calendar was synced.',
      'Eine an eine Besprechung in Outlook angehängte Datei ist von einer Art, die das CRM nicht als Dokument aufbewahrt. Der übrige Kalender wurde abgeglichen.',
    ),
  },
  graph_notification_refused: {
    status: 403,
    code: 'forbidden',
    title: t('Notification refused', 'Benachrichtigung abgelehnt'),
    detail: t(
      'No subscription of the CRM matches this change notification and its clientState; nothing was done.',
      'Zu dieser Änderungsbenachrichtigung und ihrem clientState gehört kein Abonnement des CRM; es wurde nichts getan.',
    ),
  },
  identity_platform_unavailable: {
    status: 503,
    title: t('Sign-in cannot be checked right now', 'Die Anmeldung lässt sich gerade nicht prüfen'),
    detail: t(
      'The signing keys of the identity platform could not be fetched. Try again in a minute.',
      'Die Signaturschlüssel der Identitätsplattform ließen sich nicht abrufen. Versuchen Sie es in einer Minute erneut.',
    ),
  },
  user_needed: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'This needs a signed-in user, not an application.',
      'Dafür muss ein Benutzer angemeldet sein, keine Anwendung.',
    ),
  },
  role_needed: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'This needs the CRM role {roles}; ask your CRM administrator.',
      'Dafür brauchen Sie die CRM-Rolle {roles}; wenden Sie sich an Ihren CRM-Administrator.',
    ),
  },
  admin_empties_trash: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'Only a CRM administrator can empty {things} from the trash.',
      'Nur ein CRM-Administrator kann {things} endgültig aus dem Papierkorb löschen.',
    ),
  },
  only_author: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'Only the author of a {thing} or a CRM administrator may {action} it.',
      'Nur wer {thing} geschrieben hat, oder ein CRM-Administrator darf {thing} {action}.',
    ),
  },
  account_deactivated: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'Your CRM account has been deactivated; ask your CRM administrator.',
      'Ihr CRM-Konto wurde deaktiviert; wenden Sie sich an Ihren CRM-Administrator.',
    ),
  },

  // ---- front ends --------------------------------------------------------------------------------
  no_such_front_end_file: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t('{frontEnd} has no file at {path}.', '{frontEnd} hat keine Datei unter {path}.'),
  },
  front_end_not_built: {
    status: 503,
    title: t('Not built yet', 'Noch nicht gebaut'),
    detail: t(
      '{frontEnd} has not been built on this server: run `{command}`, then reload.',
      '{frontEnd} wurde auf diesem Server noch nicht gebaut: führen Sie `{command}` aus und laden Sie dann neu.',
    ),
  },

  // ---- records -------------------------------------------------------------------------------
  not_found: {
    status: 404,
    title: t('Not found', 'Nicht gefunden'),
    detail: t('There is no {noSuch} {id} in your organisation.', 'In Ihrer Organisation gibt es {noSuch} {id}.'),
  },
  report_not_found: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'There is no report {name}; the reports are {names}.',
      'Es gibt keinen Bericht {name}; die Berichte sind {names}.',
    ),
  },
  report_filter_not_applicable: {
    status: 400,
    title: t('Filter not applicable', 'Filter nicht anwendbar'),
    detail: t(
      'The report {name} cannot be filtered by {filter}; it takes {filters}.',
      'Der Bericht {name} lässt sich nicht nach {filter} filtern; er nimmt {filters}.',
    ),
    field: t('not a filter of this report', 'kein Filter dieses Berichts'),
  },
  not_found_maybe_trashed: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'There is no {noSuch} {id} in your organisation (it may be in the trash).',
      'In Ihrer Organisation gibt es {noSuch} {id} (vielleicht liegt der Datensatz im Papierkorb).',
    ),
  },
  not_visible: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'There is no {noSuch} {id} in your organisation that you may see.',
      'Unter den Datensätzen Ihrer Organisation, die Sie sehen dürfen, gibt es {noSuch} {id}.',
    ),
  },
  not_visible_maybe_trashed: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'There is no {noSuch} {id} in your organisation that you may see (it may be in the trash).',
      'Unter den Datensätzen Ihrer Organisation, die Sie sehen dürfen, gibt es {noSuch} {id} (vielleicht liegt der Datensatz im Papierkorb).',
    ),
  },
  not_in_trash: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t('There is no {noSuch} {id} in the trash.', 'Im Papierkorb liegt {noSuch} {id}.'),
  },
  stale_version: {
    status: 412,
    title: t('The record was changed meanwhile', 'Der Datensatz wurde inzwischen geändert'),
    detail: t(
      '{what} was changed by someone else (now version {current}, you sent {sent}). Reload it and apply your change again.',
      '{what} wurde inzwischen von jemand anderem geändert (jetzt Version {current}, Sie haben Version {sent} gesendet). Laden Sie neu und nehmen Sie Ihre Änderung noch einmal vor.',
    ),
  },
  duplicate_shared_mailbox: {
    status: 409,
    title: t('This mailbox is filed already', 'Dieses Postfach wird schon abgelegt'),
    detail: t(
      'The shared mailbox {address} is already filed through Graph.',
      'Das freigegebene Postfach {address} wird schon über Graph abgelegt.',
    ),
    field: t('already named', 'bereits eingetragen'),
  },
  duplicate_tag_name: {
    status: 409,
    title: t('A tag with this name exists', 'Ein Schlagwort mit diesem Namen gibt es schon'),
    detail: t(
      'There is already a tag named "{name}". Use it, or choose another name.',
      'Es gibt schon ein Schlagwort „{name}“. Verwenden Sie es oder wählen Sie einen anderen Namen.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },

  // ---- users and teams -----------------------------------------------------------------------
  unknown_user: {
    status: 422,
    title: t('Unknown {role}', 'Unbekannte(r) {role}'),
    detail: t(
      'There is no user {id} in your organisation to be the {role}.',
      'In Ihrer Organisation gibt es keinen Benutzer {id}, der {role} sein könnte.',
    ),
    field: t('not a user of your organisation', 'kein Benutzer Ihrer Organisation'),
  },
  user_deactivated: {
    status: 422,
    code: 'unknown_user',
    title: t('The {role} is deactivated', '{role}: Benutzer ist deaktiviert'),
    detail: t(
      'User {id} has been deactivated and cannot be the {role}; choose an active colleague.',
      'Benutzer {id} ist deaktiviert und kann nicht {role} sein; wählen Sie eine aktive Kollegin oder einen aktiven Kollegen.',
    ),
    field: t('deactivated user', 'deaktivierter Benutzer'),
  },
  unknown_team: {
    status: 422,
    title: t('Unknown team', 'Unbekanntes Team'),
    detail: t('There is no team {id} in your organisation.', 'In Ihrer Organisation gibt es kein Team {id}.'),
    field: t('not a team of your organisation', 'kein Team Ihrer Organisation'),
  },
  unknown_users: {
    status: 422,
    code: 'unknown_user',
    title: t('Unknown user', 'Unbekannter Benutzer'),
    detail: t('There is no user {ids} in your organisation.', 'In Ihrer Organisation gibt es keinen Benutzer {ids}.'),
    field: t('unknown user {ids}', 'unbekannter Benutzer {ids}'),
  },
  duplicate_team_name: {
    status: 409,
    title: t('A team with this name exists', 'Ein Team mit diesem Namen gibt es schon'),
    detail: t(
      'There is already a team named "{name}". Choose another name.',
      'Es gibt schon ein Team „{name}“. Wählen Sie einen anderen Namen.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },
  last_admin: {
    status: 409,
    title: t('The last administrator cannot be removed', 'Der letzte Administrator kann nicht entfernt werden'),
    detail: t(
      '{name} is the only active CRM administrator. Make someone else an administrator first.',
      '{name} ist der einzige aktive CRM-Administrator. Machen Sie zuerst jemand anderen zum Administrator.',
    ),
  },
  cannot_deactivate_self: {
    status: 409,
    title: t('You cannot deactivate yourself', 'Sie können sich nicht selbst deaktivieren'),
    detail: t(
      'Ask another administrator to deactivate your account.',
      'Bitten Sie einen anderen Administrator, Ihr Konto zu deaktivieren.',
    ),
  },
  tenant_not_set_up: {
    status: 403,
    title: t('Your organisation has not set up the CRM', 'Ihre Organisation hat das CRM noch nicht eingerichtet'),
    detail: t(
      'Your organisation has not set up the CRM yet. Ask a Microsoft 365 administrator of your organisation to sign in to the CRM once, or to grant admin consent.',
      'Ihre Organisation hat das CRM noch nicht eingerichtet. Bitten Sie einen Microsoft-365-Administrator Ihrer Organisation, sich einmal im CRM anzumelden oder die Administratorzustimmung zu erteilen.',
    ),
  },

  // ---- tasks ---------------------------------------------------------------------------------
  stale_task: {
    status: 412,
    code: 'stale_version',
    title: t('The record was changed meanwhile', 'Der Datensatz wurde inzwischen geändert'),
    detail: t(
      'Task "{title}" was changed by someone else while you saved. Reload it and apply your change again.',
      'Die Aufgabe „{title}“ wurde beim Speichern von jemand anderem geändert. Laden Sie neu und nehmen Sie Ihre Änderung noch einmal vor.',
    ),
  },
  unknown_task: {
    status: 422,
    title: t('Unknown task', 'Unbekannte Aufgabe'),
    detail: t(
      'There is no task {id} in your organisation that you may see, or it is in the trash.',
      'Unter den Aufgaben, die Sie sehen dürfen, gibt es keine Aufgabe {id}, oder sie liegt im Papierkorb.',
    ),
    field: t('no such task', 'keine solche Aufgabe'),
  },
  reminder_needs_due_date: {
    status: 422,
    title: t('A reminder offset needs a due date', 'Eine Erinnerungsvorlaufzeit braucht ein Fälligkeitsdatum'),
    detail: t(
      'remindBefore counts back from the due date; give the task a dueAt or dueOn, or send remindAt instead.',
      'remindBefore zählt vom Fälligkeitsdatum zurück; geben Sie der Aufgabe ein dueAt oder dueOn, oder senden Sie stattdessen remindAt.',
    ),
    field: t('the task has no due date', 'die Aufgabe hat kein Fälligkeitsdatum'),
  },
  open_prerequisite: {
    status: 409,
    code: 'open_prerequisites',
    title: t('The task waits for other tasks', 'Die Aufgabe wartet auf andere Aufgaben'),
    detail: t(
      '"{title}" cannot be done while it waits for {open}. Finish or cancel that task first, or remove the dependency.',
      '„{title}“ kann nicht erledigt werden, solange sie auf {open} wartet. Erledigen oder stornieren Sie diese Aufgabe zuerst, oder entfernen Sie die Abhängigkeit.',
    ),
  },
  open_prerequisites: {
    status: 409,
    title: t('The task waits for other tasks', 'Die Aufgabe wartet auf andere Aufgaben'),
    detail: t(
      '"{title}" cannot be done while it waits for {open}. Finish or cancel those tasks first, or remove the dependency.',
      '„{title}“ kann nicht erledigt werden, solange sie auf {open} wartet. Erledigen oder stornieren Sie diese Aufgaben zuerst, oder entfernen Sie die Abhängigkeit.',
    ),
  },
  dependency_cycle: {
    status: 422,
    title: t('The tasks would wait for each other', 'Die Aufgaben würden aufeinander warten'),
    detail: t(
      '{circle}: tasks waiting in a circle could never be done. Leave out one of these dependencies.',
      '{circle}: Aufgaben, die im Kreis aufeinander warten, könnten nie erledigt werden. Lassen Sie eine dieser Abhängigkeiten weg.',
    ),
    field: t('closes a circle of dependencies', 'schließt einen Kreis von Abhängigkeiten'),
  },
  dependency_not_found: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'Task "{title}" does not wait for task {id}.',
      'Die Aufgabe „{title}“ wartet nicht auf die Aufgabe {id}.',
    ),
  },
  move_to_itself: {
    status: 422,
    title: t('A task cannot move next to itself', 'Eine Aufgabe kann nicht neben sich selbst rücken'),
    detail: t(
      'Name another task to put this one before or after.',
      'Nennen Sie eine andere Aufgabe, vor oder hinter die diese rücken soll.',
    ),
    field: t('the task itself', 'die Aufgabe selbst'),
  },
  task_closed: {
    status: 409,
    title: t('The task is closed', 'Die Aufgabe ist abgeschlossen'),
    detail: t(
      '"{title}" is {status}; reopen it before delegating it.',
      '„{title}“ ist {status}; öffnen Sie die Aufgabe wieder, bevor Sie sie delegieren.',
    ),
  },
  delegation_pending: {
    status: 409,
    title: t('The task waits for an answer', 'Die Aufgabe wartet auf eine Antwort'),
    detail: t(
      '"{title}" is already delegated and waits for the delegate to accept or decline.',
      '„{title}“ ist bereits delegiert und wartet darauf, dass die Person sie annimmt oder ablehnt.',
    ),
  },
  delegate_is_self: {
    status: 422,
    code: 'invalid_delegate',
    title: t('Cannot delegate to this user', 'An diesen Benutzer kann nicht delegiert werden'),
    detail: t('You cannot delegate a task to yourself.', 'Sie können eine Aufgabe nicht an sich selbst delegieren.'),
    field: t('You cannot delegate a task to yourself.', 'Sie können eine Aufgabe nicht an sich selbst delegieren.'),
  },
  delegate_is_assignee: {
    status: 422,
    code: 'invalid_delegate',
    title: t('Cannot delegate to this user', 'An diesen Benutzer kann nicht delegiert werden'),
    detail: t('The task is already assigned to this user.', 'Die Aufgabe ist diesem Benutzer bereits zugewiesen.'),
    field: t('The task is already assigned to this user.', 'Die Aufgabe ist diesem Benutzer bereits zugewiesen.'),
  },
  no_pending_delegation: {
    status: 409,
    title: t('Nothing to answer', 'Nichts zu beantworten'),
    detail: t(
      '"{title}" does not wait for an answer to a delegation.',
      '„{title}“ wartet auf keine Antwort zu einer Delegation.',
    ),
  },
  only_delegate_answers: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'Only the user "{title}" was delegated to can accept or decline it.',
      'Nur wer „{title}“ delegiert bekommen hat, kann die Aufgabe annehmen oder ablehnen.',
    ),
  },
  substitute_is_self: {
    status: 422,
    title: t('Nobody can substitute for themselves', 'Niemand kann sich selbst vertreten'),
    detail: t(
      'Choose a colleague as substitute; your tasks go to them while you are away.',
      'Wählen Sie eine Kollegin oder einen Kollegen als Vertretung; Ihre Aufgaben gehen während Ihrer Abwesenheit an sie oder ihn.',
    ),
    field: t('the absent user themself', 'die abwesende Person selbst'),
  },
  absence_overlaps: {
    status: 409,
    title: t('Overlaps another absence', 'Überschneidet sich mit einer anderen Abwesenheit'),
    detail: t(
      'An absence from {from} to {to} overlaps this one; change that one instead.',
      'Eine Abwesenheit von {from} bis {to} überschneidet sich mit dieser; ändern Sie stattdessen jene.',
    ),
  },
  absence_over: {
    status: 409,
    title: t('You are back already', 'Sie sind bereits zurück'),
    detail: t(
      'This absence has been ended by returning; record a new absence instead.',
      'Diese Abwesenheit wurde mit Ihrer Rückkehr beendet; tragen Sie stattdessen eine neue Abwesenheit ein.',
    ),
  },
  absence_begun: {
    status: 409,
    title: t('The absence has begun', 'Die Abwesenheit hat begonnen'),
    detail: t(
      'An absence that has begun keeps its start; change its end, or return from it.',
      'Eine begonnene Abwesenheit behält ihren Beginn; ändern Sie ihr Ende oder melden Sie sich zurück.',
    ),
    field: t('cannot change once begun', 'nach Beginn nicht mehr änderbar'),
  },
  absence_ends_before_start: {
    status: 422,
    title: t('The absence would end before it begins', 'Die Abwesenheit würde enden, bevor sie beginnt'),
    detail: t(
      'The absence begins {startsAt}; its end must be later.',
      'Die Abwesenheit beginnt {startsAt}; ihr Ende muss später liegen.',
    ),
    field: t('end before start', 'Ende vor Beginn'),
  },
  absence_under_way: {
    status: 409,
    title: t('The absence is under way', 'Die Abwesenheit läuft bereits'),
    detail: t(
      'Return from it instead (POST …/return), choosing whether your open tasks come back to you.',
      'Melden Sie sich stattdessen zurück (POST …/return) und wählen Sie, ob Ihre offenen Aufgaben zu Ihnen zurückkommen.',
    ),
  },
  absence_not_begun: {
    status: 409,
    title: t('The absence has not begun', 'Die Abwesenheit hat noch nicht begonnen'),
    detail: t(
      'You cannot return from an absence that has not begun; delete it instead.',
      'Von einer Abwesenheit, die noch nicht begonnen hat, können Sie sich nicht zurückmelden; löschen Sie sie stattdessen.',
    ),
  },

  // ---- contacts, relations and links ---------------------------------------------------------
  linked_record_in_trash: {
    status: 409,
    title: t('Restore the person or organization first', 'Stellen Sie zuerst die Person oder Organisation wieder her'),
    detail: t(
      'This business contact joins a person or organization that is in the trash; restore that one first.',
      'Dieser Geschäftskontakt verbindet eine Person oder Organisation, die im Papierkorb liegt; stellen Sie diese zuerst wieder her.',
    ),
  },
  merge_with_itself: {
    status: 409,
    title: t(
      'A record cannot be merged with itself',
      'Ein Datensatz kann nicht mit sich selbst zusammengeführt werden',
    ),
    detail: t(
      'survivorId and mergedId name the same record; pick the duplicate to merge into it.',
      'survivorId und mergedId nennen denselben Datensatz; wählen Sie die Dublette, die darin aufgehen soll.',
    ),
    field: t('the same as survivorId', 'dasselbe wie survivorId'),
  },
  merge_field_unknown: {
    status: 400,
    code: 'validation_failed',
    title: t('The request is not valid', 'Die Anfrage ist nicht gültig'),
    detail: t(
      'Cannot choose {fields}: a {thing} merges {mergeable}.',
      '{fields} lässt sich nicht wählen: Bei {thing} werden {mergeable} zusammengeführt.',
    ),
    field: t('not a field of this type', 'kein Feld dieses Typs'),
  },
  likely_duplicate: {
    status: 409,
    title: t('This may already exist', 'Das gibt es vielleicht schon'),
    detail: t(
      '{title} looks like the same {thing} ({reasons}). Open it instead, or save anyway with ?confirm=duplicate.',
      '{title} scheint dieselbe {thing} zu sein ({reasons}). Öffnen Sie diesen Datensatz oder speichern Sie trotzdem mit ?confirm=duplicate.',
    ),
  },
  duplicate_relation_type: {
    status: 409,
    title: t('A relation type with this name exists', 'Einen Beziehungstyp mit diesem Namen gibt es schon'),
    detail: t(
      'There is already a relation type "{name}". Use it, or choose another name.',
      'Es gibt schon einen Beziehungstyp „{name}“. Verwenden Sie ihn oder wählen Sie einen anderen Namen.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },
  unknown_relation_type: {
    status: 422,
    title: t('Unknown relation type', 'Unbekannter Beziehungstyp'),
    detail: t(
      'There is no active relation type {id}; GET /api/v1/relation-types lists them.',
      'Es gibt keinen aktiven Beziehungstyp {id}; GET /api/v1/relation-types listet sie auf.',
    ),
    field: t('no such active relation type', 'kein solcher aktiver Beziehungstyp'),
  },
  relation_to_itself: {
    status: 409,
    title: t('A record cannot be related to itself', 'Ein Datensatz kann keine Beziehung zu sich selbst haben'),
    detail: t('from and to name the same record.', 'from und to nennen denselben Datensatz.'),
    field: t('the same record as from', 'derselbe Datensatz wie from'),
  },
  duplicate_relation: {
    status: 409,
    title: t('This relation exists', 'Diese Beziehung gibt es schon'),
    detail: t(
      'These two records are already related as "{type}".',
      'Diese beiden Datensätze stehen bereits in der Beziehung „{type}“.',
    ),
  },
  unknown_record_type: {
    status: 400,
    code: 'validation_failed',
    title: t('Unknown record type', 'Unbekannter Datensatztyp'),
    detail: t(
      'Records of type "{type}" cannot be linked; use one of {types}.',
      'Datensätze vom Typ „{type}“ lassen sich nicht verknüpfen; verwenden Sie einen dieser Typen: {types}.',
    ),
    field: t('unknown record type', 'unbekannter Datensatztyp'),
  },

  // ---- prospect selections -------------------------------------------------------------------
  prospector_needed: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      '{what} needs the CRM role admin, sales manager or inside sales; ask your CRM administrator.',
      '{what} braucht die CRM-Rolle Administrator, Vertriebsleitung oder Innendienst; wenden Sie sich an Ihren CRM-Administrator.',
    ),
  },
  saved_filter_type_mismatch: {
    status: 422,
    title: t('The saved filter is for another list', 'Der gespeicherte Filter gehört zu einer anderen Liste'),
    detail: t(
      'Saved filter "{name}" filters {type} records; a prospect selection takes a saved filter of organizations.',
      'Der gespeicherte Filter „{name}“ filtert Datensätze vom Typ {type}; eine Zielkundenauswahl nimmt einen gespeicherten Filter für Organisationen.',
    ),
    field: t('a saved filter of organizations', 'ein gespeicherter Filter für Organisationen'),
  },
  unknown_saved_filter: {
    status: 422,
    title: t('Unknown saved filter', 'Unbekannter gespeicherter Filter'),
    detail: t(
      "There is no saved filter {id} of yours or your company's; GET /api/v1/saved-filters?entityType=organization lists them.",
      'Es gibt keinen gespeicherten Filter {id} von Ihnen oder Ihrem Unternehmen; GET /api/v1/saved-filters?entityType=organization listet sie auf.',
    ),
    field: t('a saved filter of organizations', 'ein gespeicherter Filter für Organisationen'),
  },
  duplicate_prospect_selection: {
    status: 409,
    title: t('A selection with this name exists', 'Eine Auswahl mit diesem Namen gibt es schon'),
    detail: t(
      'There is already a prospect selection "{name}"; choose another name.',
      'Es gibt schon eine Zielkundenauswahl „{name}“; wählen Sie einen anderen Namen.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },
  prospect_filter_deleted: {
    status: 422,
    code: 'prospect_selection_outdated',
    title: t('The selection no longer fits', 'Die Auswahl passt nicht mehr'),
    detail: t(
      'Selection "{name}" uses saved filter {filterId}, which was deleted. Edit the selection (PATCH /api/v1/prospect-selections/{id}).',
      'Die Auswahl „{name}“ verwendet den gespeicherten Filter {filterId}, der gelöscht wurde. Bearbeiten Sie die Auswahl (PATCH /api/v1/prospect-selections/{id}).',
    ),
  },
  prospect_fields_gone: {
    status: 422,
    code: 'prospect_selection_outdated',
    title: t('The selection no longer fits', 'Die Auswahl passt nicht mehr'),
    detail: t(
      'Selection "{name}" filters by what organizations do not have any more: {problems}. Edit the selection (PATCH /api/v1/prospect-selections/{id}).',
      'Die Auswahl „{name}“ filtert nach etwas, das Organisationen nicht mehr haben: {problems}. Bearbeiten Sie die Auswahl (PATCH /api/v1/prospect-selections/{id}).',
    ),
  },

  // ---- documents and mail --------------------------------------------------------------------
  document_too_large: {
    status: 413,
    title: t('The file is too large', 'Die Datei ist zu groß'),
    detail: t(
      '{what} is larger than the limit of {limit} for documents; nothing was stored. Compress it or share it as a link instead.',
      '{what} ist größer als die Grenze von {limit} für Dokumente; es wurde nichts gespeichert. Komprimieren Sie die Datei oder teilen Sie sie stattdessen als Link.',
    ),
    field: t('larger than {limit}', 'größer als {limit}'),
  },
  invalid_upload: {
    status: 400,
    title: t('The upload is not valid', 'Der Upload ist nicht gültig'),
    detail: t('{message}', '{message}'),
    field: t('{message}', '{message}'),
  },
  upload_not_multipart: {
    status: 415,
    code: 'unsupported_media_type',
    title: t('Unsupported media type', 'Nicht unterstützter Medientyp'),
    detail: t(
      'Upload the file as multipart/form-data in a part named "file", not as {received}.',
      'Laden Sie die Datei als multipart/form-data in einem Teil namens "file" hoch, nicht als {received}.',
    ),
  },
  file_type_refused: {
    status: 415,
    title: t('This kind of file is not accepted', 'Diese Art von Datei wird nicht angenommen'),
    detail: t(
      '"{name}" is not accepted: {reason}. Programs and scripts cannot be stored in the CRM; send documents, images or archives of them instead.',
      '„{name}“ wird nicht angenommen: {reason}. Programme und Skripte lassen sich im CRM nicht ablegen; senden Sie stattdessen Dokumente, Bilder oder Archive davon.',
    ),
    field: t('{reason}', '{reason}'),
  },
  empty_file: {
    status: 422,
    title: t('The file is empty', 'Die Datei ist leer'),
    detail: t(
      '"{name}" has no content (0 bytes); choose the file again.',
      '„{name}“ hat keinen Inhalt (0 Bytes); wählen Sie die Datei noch einmal aus.',
    ),
    field: t('empty file', 'leere Datei'),
  },
  content_type_mismatch: {
    status: 422,
    title: t('The file is not what it claims to be', 'Die Datei ist nicht, was sie vorgibt'),
    detail: t(
      '"{name}" is declared as {declared}, but its content {shown}. Check that it is the right file, or send it as application/octet-stream.',
      '„{name}“ ist als {declared} angegeben, aber ihr Inhalt {shown}. Prüfen Sie, ob es die richtige Datei ist, oder senden Sie sie als application/octet-stream.',
    ),
    field: t('declared {declared}, content {shown}', 'angegeben {declared}, Inhalt {shown}'),
  },
  cloud_document: {
    status: 409,
    title: t('This document is stored in the cloud', 'Dieses Dokument liegt in der Cloud'),
    detail: t(
      '"{name}" is a link to a file elsewhere, not stored in the CRM; open {url} instead.',
      '„{name}“ ist ein Link auf eine Datei an anderer Stelle und nicht im CRM abgelegt; öffnen Sie stattdessen {url}.',
    ),
  },
  no_such_document_version: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'Document "{name}" has no version {number}; it has versions 1 to {latest}.',
      'Das Dokument „{name}“ hat keine Version {number}; es hat die Versionen 1 bis {latest}.',
    ),
  },
  only_adder_or_manager: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'Only whoever {did} this {thing}, a sales manager or an administrator can {action}.',
      'Nur wer {thing} {did} hat, die Vertriebsleitung oder ein Administrator kann {action}.',
    ),
  },
  unknown_visible_link: {
    status: 422,
    code: 'unknown_link',
    title: t('Unknown {thing}', '{thing} unbekannt'),
    detail: t(
      'There is no {noSuch} {id} in your organisation that you may see.',
      'Unter den Datensätzen Ihrer Organisation, die Sie sehen dürfen, gibt es {noSuch} {id}.',
    ),
    field: t('no such {thing}', '{thing} nicht gefunden'),
  },
  mail_not_sent: {
    status: 422,
    title: t('A draft cannot be filed', 'Ein Entwurf kann nicht abgelegt werden'),
    detail: t(
      'This mail has no internet message id yet: it is a draft. Send it (or save it) first and file the sent mail; to link a draft, use POST /api/v1/mail-links.',
      'Diese E-Mail hat noch keine Internet-Message-ID: Sie ist ein Entwurf. Senden (oder speichern) Sie sie zuerst und legen Sie die gesendete E-Mail ab; um einen Entwurf zu verknüpfen, verwenden Sie POST /api/v1/mail-links.',
    ),
    field: t('missing: the mail is a draft', 'fehlt: die E-Mail ist ein Entwurf'),
  },
  no_links: {
    status: 422,
    title: t('Say where to file the mail', 'Geben Sie an, wo die E-Mail abgelegt wird'),
    detail: t(
      'Name at least one record in links (a person, organization, business contact, deal or lead); the subject carries no CRM reference and no links were remembered for this mail.',
      'Nennen Sie in links mindestens einen Datensatz (Person, Organisation, Geschäftskontakt, Deal oder Lead); der Betreff enthält keinen CRM-Bezug und für diese E-Mail wurden keine Verknüpfungen vorgemerkt.',
    ),
    field: t('at least one record', 'mindestens ein Datensatz'),
  },
  mail_body_too_large: {
    status: 413,
    title: t('The mail body is too large', 'Der Text der E-Mail ist zu groß'),
    detail: t(
      'The mail body is larger than the limit of {limit}; nothing was filed.',
      'Der Text der E-Mail ist größer als die Grenze von {limit}; es wurde nichts abgelegt.',
    ),
    field: t('larger than {limit}', 'größer als {limit}'),
  },
  invalid_base64: {
    status: 400,
    code: 'validation_failed',
    title: t('The request is not valid', 'Die Anfrage ist nicht gültig'),
    detail: t(
      'attachments/{index}/contentBase64: the content of "{name}" is not valid base64.',
      'attachments/{index}/contentBase64: Der Inhalt von „{name}“ ist kein gültiges Base64.',
    ),
    field: t('not base64', 'kein Base64'),
  },
  no_pending_links: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'No links are remembered for the draft {id}.',
      'Für den Entwurf {id} sind keine Verknüpfungen vorgemerkt.',
    ),
  },

  // ---- activities, notes and comments --------------------------------------------------------
  duplicate_activity_type: {
    status: 409,
    title: t('An activity type with this name exists', 'Einen Aktivitätstyp mit diesem Namen gibt es schon'),
    detail: t(
      'There is already an activity type "{name}"; choose another name or change that type.',
      'Es gibt schon einen Aktivitätstyp „{name}“; wählen Sie einen anderen Namen oder ändern Sie diesen Typ.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },
  unknown_activity_type: {
    status: 422,
    title: t('Unknown activity type', 'Unbekannter Aktivitätstyp'),
    detail: t(
      'There is no active activity type {id} in your organisation; GET /api/v1/activity-types lists them.',
      'In Ihrer Organisation gibt es keinen aktiven Aktivitätstyp {id}; GET /api/v1/activity-types listet sie auf.',
    ),
    field: t('no such active activity type', 'kein solcher aktiver Aktivitätstyp'),
  },
  unknown_active_user: {
    status: 422,
    code: 'unknown_user',
    title: t('Unknown {role}', 'Unbekannte(r) {role}'),
    detail: t(
      'There is no active user {id} in your organisation to be the {role}.',
      'In Ihrer Organisation gibt es keinen aktiven Benutzer {id}, der {role} sein könnte.',
    ),
    field: t('not an active user of your organisation', 'kein aktiver Benutzer Ihrer Organisation'),
  },
  no_call_type: {
    status: 409,
    title: t('Calls cannot be logged', 'Anrufe lassen sich nicht erfassen'),
    detail: t(
      'Your organisation has no activity type for calls; ask your CRM administrator to set up the CRM again.',
      'Ihre Organisation hat keinen Aktivitätstyp für Anrufe; bitten Sie Ihren CRM-Administrator, das CRM erneut einzurichten.',
    ),
  },
  note_needs_record: {
    status: 400,
    code: 'validation_failed',
    title: t('A note belongs to a record', 'Eine Notiz gehört zu einem Datensatz'),
    detail: t(
      'Say which record the note is on: links needs at least one { type, id }.',
      'Geben Sie an, zu welchem Datensatz die Notiz gehört: links braucht mindestens ein { type, id }.',
    ),
    field: t('at least one record', 'mindestens ein Datensatz'),
  },
  unknown_activity: {
    status: 422,
    title: t('Unknown activity', 'Unbekannte Aktivität'),
    detail: t(
      'There is no activity {id} in your organisation that you may see, or it is in the trash.',
      'Unter den Aktivitäten, die Sie sehen dürfen, gibt es keine Aktivität {id}, oder sie liegt im Papierkorb.',
    ),
    field: t('no such activity', 'keine solche Aktivität'),
  },
  note_too_large: {
    status: 413,
    title: t('The note is too large', 'Die Notiz ist zu groß'),
    detail: t(
      'A note may have at most {kb} kB of text ({limit} bytes); this one has {bytes} bytes. Split it into several notes.',
      'Eine Notiz darf höchstens {kb} kB Text haben ({limit} Bytes); diese hat {bytes} Bytes. Teilen Sie sie auf mehrere Notizen auf.',
    ),
    field: t('at most {limit} bytes', 'höchstens {limit} Bytes'),
  },
  note_empty: {
    status: 400,
    title: t('The note is empty', 'Die Notiz ist leer'),
    detail: t('The note is empty; write some text.', 'Die Notiz ist leer; schreiben Sie etwas Text.'),
    field: t('empty', 'leer'),
  },
  note_empty_after_sanitizing: {
    status: 400,
    title: t('The note is empty', 'Die Notiz ist leer'),
    detail: t(
      'The note has nothing left after removing unsafe HTML (scripts, styles, frames, event handlers); write some text.',
      'Nach dem Entfernen unsicheren HTMLs (Skripte, Styles, Frames, Event-Handler) bleibt von der Notiz nichts übrig; schreiben Sie etwas Text.',
    ),
    field: t('nothing left after removing unsafe HTML', 'nach dem Entfernen unsicheren HTMLs bleibt nichts übrig'),
  },
  too_many_mentions: {
    status: 422,
    title: t('Too many mentions', 'Zu viele Erwähnungen'),
    detail: t(
      'A comment may mention at most {max} colleagues; this one mentions {count}.',
      'Ein Kommentar darf höchstens {max} Kolleginnen und Kollegen erwähnen; dieser erwähnt {count}.',
    ),
    field: t('at most {max} mentions', 'höchstens {max} Erwähnungen'),
  },
  unknown_mention: {
    status: 422,
    title: t('Unknown colleague mentioned', 'Unbekannte Person erwähnt'),
    detail: t(
      'The comment mentions {ids}, who are not active users of your organisation; remove the mention or pick a colleague from the list.',
      'Der Kommentar erwähnt {ids}, die keine aktiven Benutzer Ihrer Organisation sind; entfernen Sie die Erwähnung oder wählen Sie eine Kollegin oder einen Kollegen aus der Liste.',
    ),
  },

  // ---- dashboards ----------------------------------------------------------------------------
  no_such_dashboard: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      "There is no dashboard {id} of yours or your company's.",
      'Es gibt kein Dashboard {id} von Ihnen oder Ihrem Unternehmen.',
    ),
  },
  company_dashboard_needs_admin: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      "Only a CRM administrator changes the company's dashboard; create a dashboard of your own instead.",
      'Nur ein CRM-Administrator ändert das Dashboard des Unternehmens; legen Sie stattdessen ein eigenes Dashboard an.',
    ),
  },
  publish_foreign_dashboard: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      "An administrator publishes one of their own dashboards; dashboard {id} is a colleague's.",
      'Ein Administrator veröffentlicht eines seiner eigenen Dashboards; das Dashboard {id} gehört einer Kollegin oder einem Kollegen.',
    ),
  },
  unknown_widget_pipeline: {
    status: 422,
    code: 'unknown_pipeline',
    title: t('Unknown pipeline', 'Unbekannte Pipeline'),
    detail: t(
      'There is no deal pipeline {id} in your organisation; GET /api/v1/pipelines?kind=deal lists them.',
      'In Ihrer Organisation gibt es keine Deal-Pipeline {id}; GET /api/v1/pipelines?kind=deal listet sie auf.',
    ),
    field: t('Unknown pipeline', 'Unbekannte Pipeline'),
  },

  // ---- saved filters -------------------------------------------------------------------------
  duplicate_saved_filter: {
    status: 409,
    title: t('A saved filter with this name exists', 'Einen gespeicherten Filter mit diesem Namen gibt es schon'),
    detail: t(
      'There is already a saved filter "{name}" here; choose another name.',
      'Hier gibt es schon einen gespeicherten Filter „{name}“; wählen Sie einen anderen Namen.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },
  company_filter_needs_admin: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      "Only a CRM administrator keeps the company's saved filters; save it for yourself (scope private).",
      'Nur ein CRM-Administrator pflegt die gespeicherten Filter des Unternehmens; speichern Sie ihn für sich selbst (scope private).',
    ),
  },
  no_such_saved_filter: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      "There is no saved filter {id} of yours or your company's.",
      'Es gibt keinen gespeicherten Filter {id} von Ihnen oder Ihrem Unternehmen.',
    ),
  },
  unknown_list_filter: {
    status: 422,
    code: 'unknown_saved_filter',
    title: t('Unknown saved filter', 'Unbekannter gespeicherter Filter'),
    detail: t(
      "There is no saved filter {id} of yours or your company's; GET /api/v1/saved-filters lists them.",
      'Es gibt keinen gespeicherten Filter {id} von Ihnen oder Ihrem Unternehmen; GET /api/v1/saved-filters listet sie auf.',
    ),
    field: t('Unknown saved filter', 'Unbekannter gespeicherter Filter'),
  },
  list_filter_type_mismatch: {
    status: 422,
    code: 'saved_filter_type_mismatch',
    title: t('The saved filter is for another list', 'Der gespeicherte Filter gehört zu einer anderen Liste'),
    detail: t(
      'Saved filter "{name}" filters {type} records, not {wanted} records.',
      'Der gespeicherte Filter „{name}“ filtert Datensätze vom Typ {type}, nicht vom Typ {wanted}.',
    ),
    field: t('The saved filter is for another list', 'Der gespeicherte Filter gehört zu einer anderen Liste'),
  },
  saved_filter_field_removed: {
    status: 422,
    code: 'saved_filter_outdated',
    title: t(
      'The saved filter names a removed custom field',
      'Der gespeicherte Filter nennt ein entferntes eigenes Feld',
    ),
    detail: t(
      'Saved filter "{name}" filters by the custom field(s) {keys}, which no longer exist. Edit the filter (PATCH /api/v1/saved-filters/{id}) or define the field again.',
      'Der gespeicherte Filter „{name}“ filtert nach den eigenen Feldern {keys}, die es nicht mehr gibt. Bearbeiten Sie den Filter (PATCH /api/v1/saved-filters/{id}) oder legen Sie das Feld erneut an.',
    ),
    field: t(
      'The saved filter names a removed custom field',
      'Der gespeicherte Filter nennt ein entferntes eigenes Feld',
    ),
  },
  saved_filter_field_unknown: {
    status: 422,
    code: 'saved_filter_outdated',
    title: t('The saved filter names an unknown field', 'Der gespeicherte Filter nennt ein unbekanntes Feld'),
    detail: t(
      'Saved filter "{name}" filters by {fields}, which {type} records do not have (any more). Edit the filter (PATCH /api/v1/saved-filters/{id}).',
      'Der gespeicherte Filter „{name}“ filtert nach {fields}, die Datensätze vom Typ {type} (inzwischen) nicht haben. Bearbeiten Sie den Filter (PATCH /api/v1/saved-filters/{id}).',
    ),
    field: t('The saved filter names an unknown field', 'Der gespeicherte Filter nennt ein unbekanntes Feld'),
  },

  // ---- people on records, timeline, custom fields --------------------------------------------
  unknown_colleague: {
    status: 422,
    code: 'unknown_user',
    title: t('Unknown colleague', 'Unbekannte Kollegin oder unbekannter Kollege'),
    detail: t(
      'There is no active user {id} in your organisation.',
      'In Ihrer Organisation gibt es keinen aktiven Benutzer {id}.',
    ),
    field: t('no such user', 'kein solcher Benutzer'),
  },
  already_on_record: {
    status: 409,
    title: t('Already on this record', 'Bereits an diesem Datensatz'),
    detail: t(
      'This person or colleague is already on the record; change their role instead.',
      'Diese Person oder Kollegin bzw. dieser Kollege ist bereits am Datensatz; ändern Sie stattdessen die Rolle.',
    ),
  },
  absence_not_found: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t('There is no absence {id} of this user.', 'Dieser Benutzer hat keine Abwesenheit {id}.'),
  },
  no_such_notification: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t('You have no notification {id}.', 'Sie haben keine Benachrichtigung {id}.'),
  },
  range_backwards: {
    status: 400,
    code: 'validation_failed',
    title: t('The range is backwards', 'Der Zeitraum ist verkehrt herum'),
    detail: t(
      'to ({to}) is before from ({from}); swap them.',
      'to ({to}) liegt vor from ({from}); tauschen Sie die beiden.',
    ),
    field: t('before from', 'vor from'),
  },
  range_too_long: {
    status: 400,
    code: 'validation_failed',
    title: t('The range is too long', 'Der Zeitraum ist zu lang'),
    detail: t(
      'A timeline covers at most {max} days; {from} to {to} are {days}. Ask for a shorter range.',
      'Eine Zeitleiste umfasst höchstens {max} Tage; {from} bis {to} sind {days}. Fragen Sie einen kürzeren Zeitraum ab.',
    ),
    field: t('at most {max} days after from', 'höchstens {max} Tage nach from'),
  },
  duplicate_custom_field: {
    status: 409,
    title: t('This key is taken', 'Dieser Schlüssel ist vergeben'),
    detail: t(
      'There is already a custom field "{key}" for {entityType}; choose another key.',
      'Für {entityType} gibt es schon ein eigenes Feld „{key}“; wählen Sie einen anderen Schlüssel.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },

  // ---- setup, readiness and the bot endpoint -------------------------------------------------
  consent_missing: {
    status: 403,
    title: t('Admin consent is missing', 'Die Administratorzustimmung fehlt'),
    detail: t(
      'The CRM could not act for your organisation: an administrator has not granted admin consent (or withdrew it). Grant consent and try again.',
      'Das CRM konnte nicht für Ihre Organisation handeln: Ein Administrator hat die Administratorzustimmung nicht erteilt (oder widerrufen). Erteilen Sie die Zustimmung und versuchen Sie es erneut.',
    ),
  },
  consent_declined: {
    status: 403,
    title: t('Admin consent was not granted', 'Die Administratorzustimmung wurde nicht erteilt'),
    detail: t('The organisation was not set up: {reason}.', 'Die Organisation wurde nicht eingerichtet: {reason}.'),
  },
  consent_tenant_missing: {
    status: 400,
    code: 'validation_failed',
    title: t('The request is not valid', 'Die Anfrage ist nicht gültig'),
    detail: t(
      'The identity platform did not name the tenant; start again from the consent URL.',
      'Die Identitätsplattform hat den Mandanten nicht genannt; beginnen Sie erneut mit der Zustimmungs-URL.',
    ),
    field: t('a tenant id is required', 'eine Mandanten-ID ist nötig'),
  },
  not_ready: {
    status: 503,
    title: t('Not ready', 'Nicht bereit'),
    detail: t('Not ready: {problems}.', 'Nicht bereit: {problems}.'),
  },
  bot_channel_unauthenticated: {
    status: 401,
    title: t('Not from the Bot Framework', 'Nicht vom Bot Framework'),
    detail: t(
      '{path} takes activities only with a valid channel token (Authorization: Bearer <JWT> issued for this bot).',
      '{path} nimmt Aktivitäten nur mit einem gültigen Kanal-Token an (Authorization: Bearer <JWT>, für diesen Bot ausgestellt).',
    ),
  },
  bot_activity_missing: {
    status: 400,
    title: t('No activity', 'Keine Aktivität'),
    detail: t(
      'Send the activity as a JSON body (Content-Type: application/json).',
      'Senden Sie die Aktivität als JSON-Body (Content-Type: application/json).',
    ),
  },

  // ---- pipelines and stages ------------------------------------------------------------------
  duplicate_pipeline_name: {
    status: 409,
    title: t('A pipeline with this name exists', 'Eine Pipeline mit diesem Namen gibt es schon'),
    detail: t(
      'There is already a pipeline named "{name}" of this kind. Choose another name.',
      'Es gibt schon eine Pipeline dieser Art mit dem Namen „{name}“. Wählen Sie einen anderen Namen.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },
  duplicate_stage_name: {
    status: 409,
    title: t('A stage with this name exists', 'Eine Phase mit diesem Namen gibt es schon'),
    detail: t(
      'The pipeline already has a stage named "{name}". Choose another name.',
      'Die Pipeline hat schon eine Phase „{name}“. Wählen Sie einen anderen Namen.',
    ),
    field: t('already taken in this pipeline', 'in dieser Pipeline bereits vergeben'),
  },
  too_many_stages: {
    status: 409,
    title: t('The pipeline has 30 stages', 'Die Pipeline hat 30 Phasen'),
    detail: t(
      'A pipeline has at most 30 stages; archive one first.',
      'Eine Pipeline hat höchstens 30 Phasen; archivieren Sie zuerst eine.',
    ),
  },
  no_such_stage: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'Pipeline {pipeline} has no active stage {id}.',
      'Die Pipeline „{pipeline}“ hat keine aktive Phase {id}.',
    ),
  },
  stage_holds_deals_outcome: {
    status: 409,
    code: 'stage_not_empty',
    title: t('The stage holds deals', 'Die Phase enthält Deals'),
    detail: t(
      'Stage {stage} holds {count} deal(s), whose status follows the stage; move them elsewhere before making it {outcome}.',
      'Die Phase „{stage}“ enthält {count} Deal(s), deren Status der Phase folgt; verschieben Sie sie in eine andere Phase, bevor Sie sie zu {outcome} machen.',
    ),
    field: t('cannot change while the stage holds deals', 'nicht änderbar, solange die Phase Deals enthält'),
  },
  stage_holds_deals: {
    status: 409,
    code: 'stage_not_empty',
    title: t('The stage holds deals', 'Die Phase enthält Deals'),
    detail: t(
      'Stage {stage} holds {count} deal(s){trashed}. Send moveDealsTo with the stage that takes them over.',
      'Die Phase „{stage}“ enthält {count} Deal(s){trashed}. Senden Sie moveDealsTo mit der Phase, die sie übernimmt.',
    ),
    field: t('needed while the stage holds deals', 'nötig, solange die Phase Deals enthält'),
  },
  last_open_stage: {
    status: 409,
    title: t('The last open stage', 'Die letzte offene Phase'),
    detail: t(
      "{stage} is the pipeline's only stage a deal can be open in; add another first.",
      '„{stage}“ ist die einzige Phase der Pipeline, in der ein Deal offen sein kann; legen Sie zuerst eine weitere an.',
    ),
  },
  stage_order_mismatch: {
    status: 422,
    title: t('Not the stages of this pipeline', 'Nicht die Phasen dieser Pipeline'),
    detail: t(
      'Send every active stage of the pipeline once, in the new order.{missing}{unknown}',
      'Senden Sie jede aktive Phase der Pipeline genau einmal, in der neuen Reihenfolge.{missing}{unknown}',
    ),
    field: t('every active stage once', 'jede aktive Phase genau einmal'),
  },
  invalid_stage: {
    status: 422,
    title: t('Not a stage to move the deals to', 'Keine Phase, in die die Deals verschoben werden können'),
    detail: t(
      'moveDealsTo must be another active stage of pipeline {pipeline} that is {kind}.',
      'moveDealsTo muss eine andere aktive Phase der Pipeline „{pipeline}“ sein, und zwar {kind}.',
    ),
    field: t(
      'another active stage of this pipeline, of the same outcome',
      'eine andere aktive Phase dieser Pipeline mit demselben Ausgang',
    ),
  },
  unknown_stage: {
    status: 422,
    title: t('Unknown stage', 'Unbekannte Phase'),
    detail: t(
      'There is no active stage {id} in your organisation; GET /api/v1/pipelines?kind={kind} lists the stages.',
      'In Ihrer Organisation gibt es keine aktive Phase {id}; GET /api/v1/pipelines?kind={kind} listet die Phasen auf.',
    ),
    field: t('no such active stage', 'keine solche aktive Phase'),
  },
  stage_not_in_pipeline: {
    status: 422,
    title: t('The stage is not in the pipeline', 'Die Phase gehört nicht zur Pipeline'),
    detail: t(
      'Stage {stage} belongs to {belongs}, not to {wanted}; send a stage of {its}.',
      'Die Phase „{stage}“ gehört zu {belongs}, nicht zu {wanted}; senden Sie eine Phase {its}.',
    ),
    field: t('a stage of {its}', 'eine Phase {its}'),
  },
  stage_not_on_board: {
    status: 422,
    code: 'stage_not_in_pipeline',
    title: t('The stage is not in the pipeline', 'Die Phase gehört nicht zur Pipeline'),
    detail: t(
      'Pipeline {pipeline} has no active stage {id}.',
      'Die Pipeline „{pipeline}“ hat keine aktive Phase {id}.',
    ),
    field: t('an active stage of the pipeline', 'eine aktive Phase der Pipeline'),
  },
  card_stage_not_in_pipeline: {
    status: 422,
    code: 'stage_not_in_pipeline',
    title: t("Not a stage of the {thing}'s pipeline", 'Keine Phase der Pipeline des {thing}s'),
    detail: t(
      'A card moves within its pipeline: {id} is not an active stage of pipeline {pipeline}. To move the {thing} to another pipeline, PATCH it with pipelineId and stageId.',
      'Eine Karte bleibt in ihrer Pipeline: {id} ist keine aktive Phase der Pipeline {pipeline}. Um den {thing} in eine andere Pipeline zu verschieben, ändern Sie ihn per PATCH mit pipelineId und stageId.',
    ),
    field: t("an active stage of the {thing}'s pipeline", 'eine aktive Phase der Pipeline des {thing}s'),
  },
  unknown_pipeline: {
    status: 422,
    title: t('Unknown pipeline', 'Unbekannte Pipeline'),
    detail: t(
      'There is no pipeline {id} for {things} in your organisation; GET /api/v1/pipelines?kind={kind} lists them.',
      'In Ihrer Organisation gibt es keine Pipeline {id} für {things}; GET /api/v1/pipelines?kind={kind} listet sie auf.',
    ),
    field: t('no such pipeline', 'keine solche Pipeline'),
  },
  no_pipeline_yet: {
    status: 422,
    code: 'unknown_pipeline',
    title: t('Unknown pipeline', 'Unbekannte Pipeline'),
    detail: t(
      'Your organisation has no pipeline for {things} yet; an administrator creates one with POST /api/v1/pipelines.',
      'Ihre Organisation hat noch keine Pipeline für {things}; ein Administrator legt eine mit POST /api/v1/pipelines an.',
    ),
    field: t('no such pipeline', 'keine solche Pipeline'),
  },
  too_many_templates: {
    status: 409,
    title: t('The stage has 50 task templates', 'Die Phase hat 50 Aufgabenvorlagen'),
    detail: t(
      'Stage {stage} has 50 task templates, the most a stage may have; remove one first.',
      'Die Phase „{stage}“ hat 50 Aufgabenvorlagen, mehr darf eine Phase nicht haben; entfernen Sie zuerst eine.',
    ),
  },
  no_such_task_template: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'Stage {stage} of pipeline {pipeline} has no task template {id}.',
      'Die Phase {stage} der Pipeline {pipeline} hat keine Aufgabenvorlage {id}.',
    ),
  },
  no_such_stage_of_pipeline: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      'Pipeline {pipeline} has no active stage {id} in your organisation.',
      'Die Pipeline {pipeline} hat in Ihrer Organisation keine aktive Phase {id}.',
    ),
  },

  not_a_deal_pipeline: {
    status: 422,
    title: t('Task templates are for deal stages', 'Aufgabenvorlagen gibt es nur für Deal-Phasen'),
    detail: t(
      'Stage {stage} belongs to a lead pipeline; task templates make tasks for deals entering a stage of a deal pipeline.',
      'Die Phase „{stage}“ gehört zu einer Lead-Pipeline; Aufgabenvorlagen legen Aufgaben für Deals an, die in eine Phase einer Deal-Pipeline kommen.',
    ),
    field: t('a stage of a deal pipeline', 'eine Phase einer Deal-Pipeline'),
  },
  template_needs_user: {
    status: 422,
    code: 'invalid_template',
    title: t('The rule user needs a user', 'Die Regel user braucht einen Benutzer'),
    detail: t('Send userId with the rule user.', 'Senden Sie userId mit der Regel user.'),
    field: t('required for the rule user', 'nötig für die Regel user'),
  },
  template_needs_team: {
    status: 422,
    code: 'invalid_template',
    title: t('The rule team needs a team', 'Die Regel team braucht ein Team'),
    detail: t('Send teamId with the rule team.', 'Senden Sie teamId mit der Regel team.'),
    field: t('required for the rule team', 'nötig für die Regel team'),
  },
  template_rule_mismatch: {
    status: 422,
    code: 'invalid_template',
    title: t('The user or team does not fit the rule', 'Benutzer oder Team passen nicht zur Regel'),
    detail: t(
      'The rule {rule} takes no {field}; clear it (null) or change the rule.',
      'Die Regel {rule} nimmt kein {field}; leeren Sie es (null) oder ändern Sie die Regel.',
    ),
    field: t('not for the rule {rule}', 'nicht für die Regel {rule}'),
  },
  automation_stage_unknown: {
    status: 422,
    code: 'unknown_stage',
    title: t('Not a stage of the pipeline', 'Keine Phase der Pipeline'),
    detail: t(
      '{id} is not an active stage of pipeline {pipeline}.',
      '{id} ist keine aktive Phase der Pipeline {pipeline}.',
    ),
    field: t('an active stage of this pipeline', 'eine aktive Phase dieser Pipeline'),
  },

  // ---- deals and the board -------------------------------------------------------------------
  unknown_contact: {
    status: 422,
    title: t('Unknown {thing}', '{thing} unbekannt'),
    detail: t(
      'There is no {noSuch} {id} in your organisation, or it is in the trash.',
      'In Ihrer Organisation gibt es {noSuch} {id}, oder der Datensatz liegt im Papierkorb.',
    ),
    field: t('no such {thing}', '{thing} nicht gefunden'),
  },
  business_contact_mismatch: {
    status: 422,
    title: t('The business contact joins someone else', 'Der Geschäftskontakt gehört zu jemand anderem'),
    detail: t(
      'Business contact {id} joins {thing} {joined}, not {sent}; leave {field} out or send the matching one.',
      'Der Geschäftskontakt {id} verbindet {thing} {joined}, nicht {sent}; lassen Sie {field} weg oder senden Sie den passenden Wert.',
    ),
    field: t('does not match the business contact', 'passt nicht zum Geschäftskontakt'),
  },
  contact_required: {
    status: 422,
    title: t('A deal needs a contact', 'Ein Deal braucht einen Kontakt'),
    detail: t(
      'A deal needs a person, an organization or a business contact: send personId, organizationId or businessContactId.',
      'Ein Deal braucht eine Person, eine Organisation oder einen Geschäftskontakt: Senden Sie personId, organizationId oder businessContactId.',
    ),
    field: t(
      'a person, an organization or a business contact is needed',
      'eine Person, eine Organisation oder ein Geschäftskontakt ist nötig',
    ),
  },
  owner_out_of_reach: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'You may give {things} only to yourself or, as a sales manager, to the members of your teams; ask your manager to hand it over.',
      'Sie dürfen {things} nur sich selbst oder, als Vertriebsleitung, den Mitgliedern Ihrer Teams zuweisen; bitten Sie Ihre Vertriebsleitung, den Datensatz zu übergeben.',
    ),
  },
  unknown_owner: {
    status: 422,
    code: 'unknown_user',
    title: t('Unknown owner', 'Unbekannte(r) Verantwortliche(r)'),
    detail: t(
      'There is no active user {id} in your organisation to own this {thing}.',
      'In Ihrer Organisation gibt es keinen aktiven Benutzer {id}, der für {thing} verantwortlich sein könnte.',
    ),
    field: t('not an active user of your organisation', 'kein aktiver Benutzer Ihrer Organisation'),
  },
  status_contradicts_stage: {
    status: 422,
    title: t('The status contradicts the stage', 'Der Status widerspricht der Phase'),
    detail: t(
      'Stage {stage} is a {outcome} stage: a {thing} in it is {outcome}. Send status {status}, or another stage.',
      'Die Phase „{stage}“ ist eine Endphase: Jeder {thing} darin ist {outcome}. Senden Sie den Status {status} oder eine andere Phase.',
    ),
    field: t('{outcome} in this stage', 'in dieser Phase {outcome}'),
  },
  not_lost: {
    status: 422,
    title: t('Only lost {things} have a lost reason', 'Nur verlorene {things} haben einen Verlustgrund'),
    detail: t(
      'lostReasonId and lostNote belong to lost {things}; send status lost with them, or leave them out.',
      'lostReasonId und lostNote gehören zu verlorenen {things}; senden Sie den Status lost mit ihnen oder lassen Sie sie weg.',
    ),
    field: t('only for lost {things}', 'nur für verlorene {things}'),
  },
  lost_reason_required: {
    status: 422,
    title: t('A lost {thing} needs a reason', 'Ein verlorener {thing} braucht einen Grund'),
    detail: t(
      'Say why the {thing} was lost: send lostReasonId, an active {thing} lost reason from GET /api/v1/lost-reasons?objectType={objectType}&active=true.',
      'Sagen Sie, warum der {thing} verloren ging: Senden Sie lostReasonId, einen aktiven Verlustgrund aus GET /api/v1/lost-reasons?objectType={objectType}&active=true.',
    ),
    field: t('required for a lost {thing}', 'nötig für einen verlorenen {thing}'),
  },
  invalid_neighbour_self: {
    status: 422,
    code: 'invalid_neighbour',
    title: t('A card cannot be its own neighbour', 'Eine Karte kann nicht neben sich selbst liegen'),
    detail: t('Name another card as afterId or beforeId.', 'Nennen Sie eine andere Karte als afterId oder beforeId.'),
    field: t('the card itself', 'die Karte selbst'),
  },
  invalid_neighbour: {
    status: 422,
    title: t('Not a card of the stage', 'Keine Karte der Phase'),
    detail: t(
      '{id} is not an open {thing} you may see in the target stage; name a card of that column, or send position.',
      '{id} ist kein offener {thing} in der Zielphase, den Sie sehen dürfen; nennen Sie eine Karte dieser Spalte oder senden Sie position.',
    ),
    field: t('not a card of the target stage', 'keine Karte der Zielphase'),
  },

  // ---- lost reasons --------------------------------------------------------------------------
  duplicate_lost_reason: {
    status: 409,
    title: t('A lost reason with this name exists', 'Einen Verlustgrund mit diesem Namen gibt es schon'),
    detail: t(
      'There is already a {kind} lost reason "{name}"; use it, or choose another name.',
      'Es gibt schon einen Verlustgrund „{name}“ für {kind}; verwenden Sie ihn oder wählen Sie einen anderen Namen.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },
  lost_reason_in_use: {
    status: 409,
    title: t('The lost reason is in use', 'Der Verlustgrund wird verwendet'),
    detail: t(
      '{count} record(s) were lost for "{name}"; retire it with active: false instead of deleting it.',
      '{count} Datensätze gingen aus dem Grund „{name}“ verloren; setzen Sie ihn mit active: false außer Kraft, statt ihn zu löschen.',
    ),
  },
  lost_reason_other_type: {
    status: 422,
    code: 'invalid_lost_reason',
    title: t('Not a lost reason to choose', 'Kein wählbarer Verlustgrund'),
    detail: t(
      '"{name}" is a lost reason for {actual}, not for {wanted}; choose one from GET /api/v1/lost-reasons?objectType={objectType}&active=true.',
      '„{name}“ ist ein Verlustgrund für {actual}, nicht für {wanted}; wählen Sie einen aus GET /api/v1/lost-reasons?objectType={objectType}&active=true.',
    ),
    field: t('an active {kind} lost reason', 'ein aktiver Verlustgrund für {kind}'),
  },
  lost_reason_retired: {
    status: 422,
    code: 'invalid_lost_reason',
    title: t('Not a lost reason to choose', 'Kein wählbarer Verlustgrund'),
    detail: t(
      '"{name}" is retired; choose an active lost reason from GET /api/v1/lost-reasons?objectType={objectType}&active=true.',
      '„{name}“ ist außer Kraft; wählen Sie einen aktiven Verlustgrund aus GET /api/v1/lost-reasons?objectType={objectType}&active=true.',
    ),
    field: t('an active {kind} lost reason', 'ein aktiver Verlustgrund für {kind}'),
  },
  unknown_lost_reason: {
    status: 422,
    code: 'invalid_lost_reason',
    title: t('Not a lost reason to choose', 'Kein wählbarer Verlustgrund'),
    detail: t(
      'There is no lost reason {id} in your organisation; choose one from GET /api/v1/lost-reasons?objectType={objectType}&active=true.',
      'In Ihrer Organisation gibt es keinen Verlustgrund {id}; wählen Sie einen aus GET /api/v1/lost-reasons?objectType={objectType}&active=true.',
    ),
    field: t('an active {kind} lost reason', 'ein aktiver Verlustgrund für {kind}'),
  },

  // ---- leads ---------------------------------------------------------------------------------
  lead_converted: {
    status: 409,
    title: t('The lead is converted', 'Der Lead ist umgewandelt'),
    detail: t(
      'Lead {title} was converted{on} and is read-only now; change the person, organization or deal it became.',
      'Der Lead „{title}“ wurde{on} umgewandelt und kann nicht mehr geändert werden; ändern Sie stattdessen die Person, die Organisation oder den Deal, die daraus wurden.',
    ),
  },
  lead_already_converted: {
    status: 409,
    title: t('The lead is converted already', 'Der Lead ist bereits umgewandelt'),
    detail: t(
      'Lead {title} was converted already; it became {became}.',
      'Der Lead „{title}“ wurde bereits umgewandelt; daraus wurde {became}.',
    ),
  },
  lead_lost: {
    status: 409,
    title: t('The lead is lost', 'Der Lead ist verloren'),
    detail: t(
      'Lead {title} is marked lost; reopen it (PATCH status open) before converting it.',
      'Der Lead „{title}“ ist als verloren markiert; öffnen Sie ihn wieder (PATCH status open), bevor Sie ihn umwandeln.',
    ),
  },
  nothing_to_convert: {
    status: 422,
    title: t('The lead becomes nothing', 'Aus dem Lead wird nichts'),
    detail: t(
      'Say what the lead becomes: person and/or organization, each { "create": true } or { "existingId": … }. The lead has neither a last name nor a company name to create them from.',
      'Geben Sie an, was aus dem Lead wird: person und/oder organization, jeweils { "create": true } oder { "existingId": … }. Der Lead hat weder einen Nachnamen noch einen Firmennamen, aus dem sie sich anlegen ließen.',
    ),
    field: t('a person or an organization is needed', 'eine Person oder eine Organisation ist nötig'),
  },
  lead_likely_duplicate: {
    status: 409,
    code: 'likely_duplicate',
    title: t('This may already exist', 'Das gibt es vielleicht schon'),
    detail: t(
      '{title} looks like the same {thing} as the lead\'s. Link it instead ({link}), or convert anyway with "confirm": "duplicate".',
      '{title} scheint dieselbe {thing} wie im Lead zu sein. Verknüpfen Sie stattdessen diesen Datensatz ({link}) oder wandeln Sie trotzdem um mit "confirm": "duplicate".',
    ),
  },
  unknown_link: {
    status: 422,
    title: t('Unknown {thing}', '{thing} unbekannt'),
    detail: t(
      'There is no {noSuch} {id} in your organisation, or it is in the trash.',
      'In Ihrer Organisation gibt es {noSuch} {id}, oder der Datensatz liegt im Papierkorb.',
    ),
    field: t('no such {thing}', '{thing} nicht gefunden'),
  },
  lead_field_mapping_outdated: {
    status: 422,
    title: t(
      'The lead field mapping names fields that are gone',
      'Die Lead-Feldzuordnung nennt Felder, die es nicht mehr gibt',
    ),
    detail: t(
      "The organisation's lead field mapping no longer fits its fields ({problems}). An administrator fixes it with PUT /api/v1/lead-field-mapping.",
      'Die Lead-Feldzuordnung Ihrer Organisation passt nicht mehr zu ihren Feldern ({problems}). Ein Administrator korrigiert sie mit PUT /api/v1/lead-field-mapping.',
    ),
  },
  invalid_field_mapping: {
    status: 422,
    title: t('The mapping does not fit the fields', 'Die Zuordnung passt nicht zu den Feldern'),
    detail: t('{field}: {message}', '{field}: {message}'),
  },
  invalid_field_mapping_many: {
    status: 422,
    code: 'invalid_field_mapping',
    title: t('The mapping does not fit the fields', 'Die Zuordnung passt nicht zu den Feldern'),
    detail: t(
      '{count} mappings do not fit; see errors for each one.',
      '{count} Zuordnungen passen nicht; die einzelnen Fehler stehen unter errors.',
    ),
  },
  lead_owner_out_of_reach: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      'You may give leads only to yourself or, as a sales manager, to the members of your teams; inside sales hands leads out.',
      'Sie dürfen Leads nur sich selbst oder, als Vertriebsleitung, den Mitgliedern Ihrer Teams zuweisen; Leads verteilt der Innendienst.',
    ),
  },
  convert_instead: {
    status: 422,
    title: t('Leads reach a won stage by conversion', 'Leads erreichen eine Gewonnen-Phase durch Umwandlung'),
    detail: t(
      'Stage {stage} is for converted leads: convert the lead with POST /api/v1/leads/{id}/convert, which creates or links its person, organization and deal.',
      'Die Phase „{stage}“ ist für umgewandelte Leads: Wandeln Sie den Lead mit POST /api/v1/leads/{id}/convert um; das legt Person, Organisation und Deal an oder verknüpft sie.',
    ),
    field: t('convert the lead instead', 'wandeln Sie stattdessen den Lead um'),
  },
  title_required: {
    status: 422,
    title: t('A lead needs a title', 'Ein Lead braucht einen Titel'),
    detail: t(
      'Give the lead a title, or at least a company name or a last name to call it by.',
      'Geben Sie dem Lead einen Titel oder zumindest einen Firmennamen oder Nachnamen, unter dem er geführt wird.',
    ),
    field: t(
      'a title, a company name or a last name is needed',
      'ein Titel, ein Firmenname oder ein Nachname ist nötig',
    ),
  },
  conversion_failed: {
    status: 422,
    title: t('{what} could not be made from the lead', '{what} ließ sich aus dem Lead nicht anlegen'),
    detail: t(
      '{what} could not be made from the lead: {reason} Fix the lead, the field mapping (GET /api/v1/lead-field-mapping) or what you sent; nothing was converted.',
      '{what} ließ sich aus dem Lead nicht anlegen: {reason} Korrigieren Sie den Lead, die Feldzuordnung (GET /api/v1/lead-field-mapping) oder Ihre Angaben; es wurde nichts umgewandelt.',
    ),
  },
  duplicate_mail_template: {
    status: 409,
    title: t('A mail template with this name exists', 'Eine E-Mail-Vorlage mit diesem Namen gibt es schon'),
    detail: t(
      'There is already a mail template "{name}" here; choose another name.',
      'Hier gibt es schon eine E-Mail-Vorlage „{name}“; wählen Sie einen anderen Namen.',
    ),
    field: t('already taken', 'bereits vergeben'),
  },
  company_template_needs_admin: {
    status: 403,
    code: 'forbidden',
    title: t('Not allowed', 'Nicht erlaubt'),
    detail: t(
      "Only a CRM administrator keeps the company's mail templates; save it for yourself (scope private).",
      'Nur ein CRM-Administrator pflegt die E-Mail-Vorlagen des Unternehmens; speichern Sie sie für sich selbst (scope private).',
    ),
  },
  no_such_mail_template: {
    status: 404,
    code: 'not_found',
    title: t('Not found', 'Nicht gefunden'),
    detail: t(
      "There is no mail template {id} of yours or your company's.",
      'Es gibt keine E-Mail-Vorlage {id} von Ihnen oder Ihrem Unternehmen.',
    ),
    field: t('no such template', 'keine solche Vorlage'),
  },
  mail_without_recipients: {
    status: 422,
    title: t('The mail has no recipient', 'Die E-Mail hat keinen Empfänger'),
    detail: t(
      'Name at least one recipient in to, cc or bcc; nothing was sent.',
      'Geben Sie mindestens einen Empfänger in to, cc oder bcc an; es wurde nichts gesendet.',
    ),
    field: t('at least one recipient', 'mindestens ein Empfänger'),
  },
  mail_bad_address: {
    status: 422,
    title: t('Not an e-mail address', 'Keine E-Mail-Adresse'),
    detail: t(
      '"{address}" is not an e-mail address (name@example.com); nothing was sent.',
      '„{address}“ ist keine E-Mail-Adresse (name@example.com); es wurde nichts gesendet.',
    ),
    field: t('not an e-mail address', 'keine E-Mail-Adresse'),
  },
  mail_send_no_graph_access: {
    status: 409,
    title: t('The CRM cannot send mail for you', 'Das CRM kann für Sie keine E-Mails senden'),
    detail: t(
      'Sending needs your Microsoft 365 mailbox and the permission Mail.Send: {reason} Connect your mailbox on your profile page ("Postfach verbinden") or ask an administrator to grant the CRM Mail.Send; nothing was sent.',
      'Zum Senden braucht das CRM Ihr Microsoft-365-Postfach und die Berechtigung Mail.Send: {reason} Verbinden Sie Ihr Postfach auf Ihrer Profilseite („Postfach verbinden“) oder bitten Sie einen Administrator, dem CRM Mail.Send zu erteilen; es wurde nichts gesendet.',
    ),
  },
  mail_send_refused: {
    status: 502,
    title: t('Microsoft 365 did not send the mail', 'Microsoft 365 hat die E-Mail nicht gesendet'),
    detail: t(
      'Microsoft 365 refused the mail ({code}: {message}); nothing was sent or filed. Check the recipients and try again.',
      'Microsoft 365 hat die E-Mail abgelehnt ({code}: {message}); es wurde nichts gesendet oder abgelegt. Prüfen Sie die Empfänger und versuchen Sie es erneut.',
    ),
  },
  mail_send_throttled: {
    status: 503,
    title: t('Microsoft 365 is busy', 'Microsoft 365 ist ausgelastet'),
    detail: t(
      'Microsoft 365 asks to wait {seconds} seconds before the next mail; nothing was sent. Try again then.',
      'Microsoft 365 bittet, {seconds} Sekunden bis zur nächsten E-Mail zu warten; es wurde nichts gesendet. Versuchen Sie es dann erneut.',
    ),
  },
  mail_filing_graph_unreachable: {
    status: 409,
    title: t('The CRM cannot fetch this mail', 'Das CRM kann diese E-Mail nicht abrufen'),
    detail: t(
      'The CRM cannot reach the mailbox {mailbox} through Microsoft 365: {reason} Upload the mail from the add-in instead; it is filed once either way.',
      'Das CRM erreicht das Postfach {mailbox} nicht über Microsoft 365: {reason} Laden Sie die E-Mail stattdessen aus dem Add-in hoch; sie wird so oder so nur einmal abgelegt.',
    ),
  },
  mail_filing_message_gone: {
    status: 404,
    title: t('The mail is no longer in the mailbox', 'Die E-Mail ist nicht mehr im Postfach'),
    detail: t(
      'Microsoft 365 no longer has this mail in {mailbox} (moved or deleted); nothing was filed.',
      'Microsoft 365 hat diese E-Mail nicht mehr in {mailbox} (verschoben oder gelöscht); es wurde nichts abgelegt.',
    ),
  },
  mail_filing_key_reused: {
    status: 409,
    title: t('This filing key names another mail', 'Dieser Ablageschlüssel nennt eine andere E-Mail'),
    detail: t(
      'The idempotency key {key} was used for another mail; use a new key for each mail.',
      'Der Idempotenzschlüssel {key} wurde für eine andere E-Mail verwendet; verwenden Sie für jede E-Mail einen neuen Schlüssel.',
    ),
  },
} as const satisfies Record<string, Definition>;

export type ProblemKey = keyof typeof catalogue;

export type ProblemParams<K extends ProblemKey> = {
  readonly [Name in Placeholders<TextsOf<(typeof catalogue)[K]>>]: ProblemValue;
};

/** Where a problem points: the field its `field` text is shown beside. */
export interface ProblemAt {
  in?: FieldError['in'];
  pointer: string;
}

export interface ProblemOptions {
  /** The field (or fields) the problem's `field` text is shown beside; `in` defaults to body. */
  at?: ProblemAt | readonly ProblemAt[];
  /** Field errors worded elsewhere (zod, a nested problem). */
  errors?: FieldIssue[];
  /** Overrides the catalogue's status where one problem has two (a conversion refused 403 or 422). */
  status?: number;
  /** Overrides the wire code where it carries the status (`http_429` passed through from Koa). */
  code?: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

type ProblemArgs<K extends ProblemKey> = [keyof ProblemParams<K>] extends [never]
  ? [params?: Record<string, never>, options?: ProblemOptions]
  : [params: ProblemParams<K>, options?: ProblemOptions];

const PARAMETER = /\{(\w+)\}/g;

const shown = (value: ProblemValue, language: Language): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number'
      ? String(value)
      : isList(value)
        ? value.join(', ')
        : value[language];

const isList = (value: ProblemValue): value is readonly (string | number)[] => Array.isArray(value);

/** Fills a template's parameters; exported for the catalogue's own test. */
export function renderTemplate(template: string, params: Readonly<Record<string, ProblemValue>>, language: Language) {
  return template.replace(PARAMETER, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : shown(value, language);
  });
}

const rendered = (text: Text, params: Readonly<Record<string, ProblemValue>>): Text => ({
  en: renderTemplate(text.en, params, 'en'),
  de: renderTemplate(text.de, params, 'de'),
});

/** The problem `key` of the catalogue with its parameters, ready to throw. */
export function problem<K extends ProblemKey>(key: K, ...[params, options]: ProblemArgs<K>): AppError {
  const definition: Definition = catalogue[key];
  const values: Readonly<Record<string, ProblemValue>> = params ?? {};
  const at = options?.at === undefined ? [] : Array.isArray(options.at) ? options.at : [options.at as ProblemAt];
  const field = definition.field;
  const pointed: FieldIssue[] = field
    ? at.map((place: ProblemAt) => ({
        in: place.in ?? 'body',
        pointer: place.pointer,
        detail: rendered(field, values),
      }))
    : [];
  const errors = [...pointed, ...(options?.errors ?? [])];
  return new AppError({
    status: options?.status ?? definition.status,
    code: options?.code ?? definition.code ?? key,
    title: rendered(definition.title, values),
    detail: rendered(definition.detail, values),
    ...(errors.length > 0 ? { errors } : {}),
    ...(options?.headers ? { headers: options.headers } : {}),
    ...(options?.extensions ? { extensions: options.extensions } : {}),
    ...(options?.cause !== undefined ? { cause: options.cause } : {}),
  });
}

/** The catalogue as data, for its test: every entry in every language. */
export const problemCatalogue: Readonly<Record<string, Definition>> = catalogue;
export const problemFieldTexts: Readonly<Record<string, Text>> = fieldTexts;
export { LANGUAGES };
