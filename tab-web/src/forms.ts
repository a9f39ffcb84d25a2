// What the create and edit forms hold for each record type: the fields, which JSON pointers of the
// API's body each field answers for (so a problem's field error lands at its field), and how a
// record becomes form values and form values become the body the API takes.
import type { CustomField } from '@crm/backend/contract';

export const FORM_TYPES = [
  'person',
  'organization',
  'business_contact',
  'deal',
  'lead',
  'task',
  'activity',
  'note',
] as const;
export type FormType = (typeof FORM_TYPES)[number];
export const isFormType = (type: string | undefined): type is FormType =>
  (FORM_TYPES as readonly string[]).includes(type ?? '');

export type FieldKind =
  | 'text'
  | 'email'
  | 'tel'
  | 'url'
  | 'date'
  | 'datetime'
  | 'number'
  | 'amount'
  | 'select'
  | 'record'
  | 'boolean'
  /** On or off, shown as a switch (an activity's "all day"). */
  | 'switch'
  /** Several lines of text (a note's body, an activity's description). */
  | 'longtext'
  /** One of the organisation's activity types. */
  | 'activityType';

export interface FormField {
  /** The value's key; its label is `form.fields.<name>` (custom fields bring their own labels). */
  name: string;
  kind: FieldKind;
  required?: boolean;
  /** For selects: the values, labelled `form.options.<name>.<value>`; '' is "none". */
  options?: readonly string[];
  /** The first entry of the record's list of email addresses or phone numbers (the others are kept). */
  list?: 'emails' | 'phones';
  /**
   * For record pickers: the type of record picked (any the app has a page for when not given; the
   * value is then `type:id`); its name is kept under `<name>:label`.
   */
  recordType?: 'person' | 'organization';
  /** Set when the record is made, not changed later (a business contact's person, a note's first record). */
  createOnly?: boolean;
  /** The API body's JSON pointers this field answers for (an error under one lands here). */
  pointers: readonly string[];
  /** A custom field's definition. */
  custom?: CustomField;
}

/** Every value as the inputs hold it: text. */
export type Values = Record<string, string>;
type Item = Record<string, unknown>;

export const CURRENCIES = ['EUR', 'CHF', 'USD', 'GBP'] as const;

const field = (name: string, kind: FieldKind, more: Partial<FormField> = {}): FormField => ({
  name,
  kind,
  pointers: [`#/${name}`],
  ...more,
});

export const FORM_FIELDS: Record<FormType, readonly FormField[]> = {
  person: [
    field('title', 'text'),
    field('firstName', 'text'),
    field('lastName', 'text', { required: true }),
    field('email', 'email', { list: 'emails', pointers: ['#/emails'] }),
    field('phone', 'tel', { list: 'phones', pointers: ['#/phones'] }),
    field('birthday', 'date'),
    field('language', 'select', { options: ['', 'de', 'en'] }),
  ],
  organization: [
    field('name', 'text', { required: true }),
    field('email', 'email', { list: 'emails', pointers: ['#/emails'] }),
    field('phone', 'tel', { list: 'phones', pointers: ['#/phones'] }),
    field('website', 'url'),
    field('industry', 'text'),
    field('vatId', 'text'),
    field('employeeCount', 'number'),
  ],
  deal: [
    field('title', 'text', { required: true }),
    field('organizationId', 'record', { recordType: 'organization' }),
    field('personId', 'record', { recordType: 'person' }),
    field('value', 'amount'),
    field('currency', 'select', { options: CURRENCIES }),
    field('expectedCloseDate', 'date'),
  ],
  lead: [
    field('title', 'text'),
    field('companyName', 'text'),
    field('firstName', 'text'),
    field('lastName', 'text'),
    field('email', 'email'),
    field('phone', 'tel'),
    field('position', 'text'),
    field('source', 'text'),
    field('value', 'amount'),
    field('currency', 'select', { options: CURRENCIES }),
  ],
  business_contact: [
    field('personId', 'record', { recordType: 'person', required: true, createOnly: true }),
    field('organizationId', 'record', { recordType: 'organization', required: true, createOnly: true }),
    field('position', 'text'),
    field('department', 'text'),
    field('email', 'email'),
    field('phone', 'tel'),
    field('employeeNumber', 'text'),
    field('isPrimary', 'boolean'),
  ],
  activity: [
    field('typeId', 'activityType', { required: true }),
    field('subject', 'text', { required: true }),
    field('allDay', 'switch'),
    field('startsAt', 'datetime', { required: true }),
    field('durationMinutes', 'number'),
    field('location', 'text'),
    field('link', 'record', { createOnly: true, pointers: ['#/links'] }),
    field('done', 'boolean'),
    field('outcome', 'text'),
    field('description', 'longtext'),
  ],
  note: [
    field('link', 'record', { createOnly: true, required: true, pointers: ['#/links'] }),
    field('body', 'longtext', { required: true, pointers: ['#/body'] }),
  ],
  task: [
    field('title', 'text', { required: true }),
    field('description', 'text'),
    field('priority', 'select', { options: ['low', 'normal', 'high', 'urgent'] }),
    field('dueAt', 'datetime'),
    field('followUpOn', 'date'),
  ],
};

/** Where the API keeps records of a type. */
export const API_PATH: Record<FormType, string> = {
  person: '/v1/persons',
  organization: '/v1/organizations',
  deal: '/v1/deals',
  lead: '/v1/leads',
  task: '/v1/tasks',
  business_contact: '/v1/business-contacts',
  activity: '/v1/activities',
  note: '/v1/notes',
};

/** Person and organization writes warn about likely duplicates (409) unless confirmed. */
export const CHECKS_DUPLICATES: Record<FormType, boolean> = {
  person: true,
  organization: true,
  deal: false,
  lead: false,
  task: false,
  business_contact: false,
  activity: false,
  note: false,
};

/** The records the API tags. */
export const HAS_TAGS: Record<FormType, boolean> = {
  person: true,
  organization: true,
  deal: true,
  lead: true,
  task: false,
  business_contact: false,
  activity: false,
  note: false,
};

/** The record types an organisation gives custom fields. */
export const HAS_CUSTOM_FIELDS: Record<FormType, boolean> = {
  person: true,
  organization: true,
  deal: true,
  lead: true,
  task: true,
  business_contact: true,
  activity: false,
  note: false,
};

export const customFieldName = (key: string) => `customFields.${key}`;

export function customFormFields(definitions: readonly CustomField[]): FormField[] {
  return definitions.map((definition) => ({
    name: customFieldName(definition.key),
    kind: definition.type === 'select' ? 'select' : definition.type === 'number' ? 'number' : 'text',
    required: definition.required,
    options: definition.type === 'select' ? ['', ...definition.options.map((option) => option.value)] : undefined,
    pointers: [`#/customFields/${definition.key}`],
    custom: definition,
  }));
}

const str = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
const firstOf = (list: unknown, key: string): string => str((list as Item[] | undefined)?.[0]?.[key]);

/** A record as the API answers it, as form values. */
export function valuesOf(type: FormType, record: Item | null, fields: readonly FormField[]): Values {
  const values: Values = {};
  for (const { name, kind, custom, list } of fields) {
    if (kind === 'datetime') {
      values[name] = localDateTime(str(record?.[name]));
    } else if (custom) {
      values[name] = str((record?.customFields as Item | undefined)?.[custom.key]);
    } else if (list) {
      values[name] = firstOf(record?.[list], list === 'emails' ? 'address' : 'number');
    } else if (kind === 'boolean' || kind === 'switch') {
      values[name] = record?.[name] === true ? 'true' : 'false';
    } else if (name === 'body' && record && typeof record.body === 'object') {
      // A note's body as it was written (Markdown or HTML).
      values[name] = str((record.body as Item | null)?.body);
    } else if (name === 'link') {
      const first = (record?.links as Item[] | undefined)?.[0];
      values[name] = first ? `${str(first.type)}:${str(first.id)}` : '';
      values['link:label'] = str(first?.title);
    } else if (name === 'typeId') {
      values[name] = str(record?.typeId ?? (record?.type as Item | undefined)?.id);
    } else {
      values[name] = str(record?.[name]);
    }
  }
  if (type === 'deal' || type === 'lead') values.currency ||= 'EUR';
  if (type === 'deal' || type === 'business_contact') {
    values['organizationId:label'] = str(record?.organizationName);
    values['personId:label'] = str(record?.personName);
  }
  if (type === 'activity' && !record) values.durationMinutes ||= '30';
  return values;
}

const DAY_MINUTES = 1440;

/** An all-day activity takes a date, not a time: its start is that day's midnight, in the user's zone. */
export const isAllDay = (type: FormType, values: Values): boolean => type === 'activity' && values.allDay === 'true';

/** Whether the form shows a field now: an all-day activity lasts whole days, so it has no length in minutes. */
export const fieldShown = (type: FormType, field: FormField, values: Values): boolean =>
  !(field.name === 'durationMinutes' && isAllDay(type, values));

/**
 * The values once "all day" is switched on or off: on, the start moves to its day's midnight and
 * the length to whole days (one unless it already was whole days); off, a time of nine o'clock
 * and half an hour.
 */
export function switchAllDay(values: Values, on: boolean): Values {
  const day = (values.startsAt ?? '').slice(0, 10);
  const minutes = Number(values.durationMinutes || '0');
  if (on) {
    const wholeDays = minutes > 0 && minutes % DAY_MINUTES === 0;
    return {
      ...values,
      allDay: 'true',
      startsAt: day ? `${day}T00:00` : '',
      durationMinutes: wholeDays ? String(minutes) : String(DAY_MINUTES),
    };
  }
  return {
    ...values,
    allDay: 'false',
    startsAt: day ? `${day}T09:00` : '',
    durationMinutes: minutes > 0 && minutes < DAY_MINUTES ? String(minutes) : '30',
  };
}

/** An instant as a datetime-local input shows it: the user's own date and time, to the minute. */
function localDateTime(iso: string): string {
  if (iso === '') return '';
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

function customValue(definition: CustomField, text: string): unknown {
  if (text === '') return null;
  if (definition.type === 'number') return Number(text.replace(',', '.'));
  if (definition.type === 'boolean') return text === 'true';
  return text;
}

/**
 * The body to send: on create every filled field; on edit only what the user changed against
 * `base` (what they started from), so a field someone else changed meanwhile is not overwritten.
 * Lists (emails, phones) keep their other entries; only the first is the form's.
 */
export function bodyOf(fields: readonly FormField[], values: Values, base: Values | null, record: Item | null): Item {
  const body: Item = {};
  const customFields: Item = {};
  for (const { name, kind, custom, required, list, createOnly } of fields) {
    const value = (values[name] ?? '').trim();
    if (base && (createOnly || value === (base[name] ?? '').trim())) continue;
    if (!base && value === '' && !required) continue;
    // A box left unticked on a new record: the API's default (a first business contact is primary).
    if (!base && (kind === 'boolean' || kind === 'switch') && value !== 'true') continue;
    if (!base && value === '' && !custom && kind === 'text') {
      // Sent empty, so the API says in its own words why it is needed.
      body[name] = '';
      continue;
    }
    if (custom) {
      customFields[custom.key] = customValue(custom, value);
    } else if (list === 'emails') {
      const others = ((record?.emails as Item[] | undefined) ?? []).slice(1);
      const kind0 = firstOf(record?.emails, 'kind') || 'work';
      body.emails = [...(value ? [{ address: value, kind: kind0 }] : []), ...others];
    } else if (list === 'phones') {
      const others = ((record?.phones as Item[] | undefined) ?? [])
        .slice(1)
        .map((phone) => ({ number: phone.number, kind: phone.kind }));
      const kind0 = firstOf(record?.phones, 'kind') || 'work';
      body.phones = [...(value ? [{ number: value, kind: kind0 }] : []), ...others];
    } else if (name === 'link') {
      const [type, id] = value.split(':');
      body.links = type && id ? [{ type, id }] : [];
    } else if (name === 'body' && kind === 'longtext') {
      // A note keeps the format it was written in; a new one is Markdown.
      const format = str((record?.body as Item | undefined)?.format) || 'markdown';
      body.body = { format, body: values[name] ?? '' };
    } else if (kind === 'boolean' || kind === 'switch') {
      body[name] = value === 'true';
    } else if (kind === 'datetime') {
      body[name] = value === '' ? null : new Date(value).toISOString();
    } else if (kind === 'number') {
      body[name] = value === '' ? null : Number(value);
    } else if (kind === 'amount') {
      body[name] = value === '' ? '0' : value.replace(',', '.');
    } else {
      body[name] = value === '' ? null : value;
    }
  }
  if (Object.keys(customFields).length > 0) {
    body.customFields = { ...((record?.customFields as Item | undefined) ?? {}), ...customFields };
  }
  return body;
}

/** The field a problem's JSON pointer names: the one with the longest pointer that is a prefix of it. */
export function fieldOfPointer(fields: readonly FormField[], pointer: string): string | null {
  let best: { name: string; length: number } | null = null;
  for (const { name, pointers } of fields) {
    for (const candidate of pointers) {
      const matches = pointer === candidate || pointer.startsWith(`${candidate}/`);
      if (matches && (!best || candidate.length > best.length)) best = { name, length: candidate.length };
    }
  }
  return best?.name ?? null;
}
