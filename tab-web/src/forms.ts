// What the create and edit forms hold for each record type: the fields, which JSON pointers of the
// API's body each field answers for (so a problem's field error lands at its field), and how a
// record becomes form values and form values become the body the API takes.
import type { CustomField } from '@crm/backend/contract';

export const FORM_TYPES = ['person', 'organization', 'deal', 'lead', 'task'] as const;
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
  | 'record';

export interface FormField {
  /** The value's key; its label is `form.fields.<name>` (custom fields bring their own labels). */
  name: string;
  kind: FieldKind;
  required?: boolean;
  /** For selects: the values, labelled `form.options.<name>.<value>`; '' is "none". */
  options?: readonly string[];
  /** The first entry of the record's list of email addresses or phone numbers (the others are kept). */
  list?: 'emails' | 'phones';
  /** For record pickers: the type of record picked; its name is kept under `<name>:label`. */
  recordType?: 'person' | 'organization';
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
};

/** Person and organization writes warn about likely duplicates (409) unless confirmed. */
export const CHECKS_DUPLICATES: Record<FormType, boolean> = {
  person: true,
  organization: true,
  deal: false,
  lead: false,
  task: false,
};

/** Tasks carry no tags (the API tags the other records). */
export const HAS_TAGS: Record<FormType, boolean> = {
  person: true,
  organization: true,
  deal: true,
  lead: true,
  task: false,
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
    } else {
      values[name] = str(record?.[name]);
    }
  }
  if (type === 'deal' || type === 'lead') values.currency ||= 'EUR';
  if (type === 'deal') {
    values['organizationId:label'] = str(record?.organizationName);
    values['personId:label'] = str(record?.personName);
  }
  return values;
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
  for (const { name, kind, custom, required, list } of fields) {
    const value = (values[name] ?? '').trim();
    if (base && value === (base[name] ?? '').trim()) continue;
    if (!base && value === '' && !required) continue;
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
