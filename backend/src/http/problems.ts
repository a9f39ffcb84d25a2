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
  filed_mail: { en: 'filed mail', none: 'keine abgelegte E-Mail', the: 'die abgelegte E-Mail' },
  user: { en: 'user', none: 'keinen Benutzer', the: 'der Benutzer' },
  team: { en: 'team', none: 'kein Team', the: 'das Team' },
  pipeline: { en: 'pipeline', none: 'keine Pipeline', the: 'die Pipeline' },
  lost_reason: { en: 'lost reason', none: 'keinen Verlustgrund', the: 'der Verlustgrund' },
  saved_filter: { en: 'saved filter', none: 'keinen gespeicherten Filter', the: 'der gespeicherte Filter' },
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

  // ---- leads ---------------------------------------------------------------------------------
  conversion_failed: {
    status: 422,
    title: t('{what} could not be made from the lead', '{what} ließ sich aus dem Lead nicht anlegen'),
    detail: t(
      '{what} could not be made from the lead: {reason} Fix the lead, the field mapping (GET /api/v1/lead-field-mapping) or what you sent; nothing was converted.',
      '{what} ließ sich aus dem Lead nicht anlegen: {reason} Korrigieren Sie den Lead, die Feldzuordnung (GET /api/v1/lead-field-mapping) oder Ihre Angaben; es wurde nichts umgewandelt.',
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
