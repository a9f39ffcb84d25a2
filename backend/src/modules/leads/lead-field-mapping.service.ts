// The lead field mapping (D5): which lead field fills which field of the person, organization,
// business contact and deal a conversion creates, custom fields included. An organisation keeps
// its own mapping; until it saves one, a default maps the obvious (and same-named custom fields).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { FieldIssue } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Text } from '../../http/language.ts';
import type { Principal } from '../../http/principal.ts';
import { named, problem } from '../../http/problems.ts';
import { recordHistory } from '../../records/history.ts';
import { db, jsonb } from '../../records/sql.ts';
import type { CustomFieldView } from '../custom-fields/custom-fields.schemas.ts';
import { listCustomFields } from '../custom-fields/custom-fields.service.ts';
import type { FieldMappingEntry, FieldMappingView } from './leads.schemas.ts';

/** What a field holds, for what may fill what. */
export type FieldKind =
  | 'text'
  | 'email'
  | 'phone'
  | 'country'
  | 'amount'
  | 'currency'
  | 'number'
  | 'boolean'
  | 'date'
  | 'select';

export const LEAD_FIELD_KINDS: Record<string, FieldKind> = {
  title: 'text',
  firstName: 'text',
  lastName: 'text',
  email: 'email',
  phone: 'phone',
  position: 'text',
  companyName: 'text',
  website: 'text',
  industry: 'text',
  street: 'text',
  postalCode: 'text',
  city: 'text',
  country: 'country',
  source: 'text',
  value: 'amount',
  currency: 'currency',
};

export const TARGETS = ['person', 'organization', 'businessContact', 'deal'] as const;
export type Target = (typeof TARGETS)[number];

/** Built-in fields a conversion fills, by target; custom fields come from the definitions. */
export const TARGET_FIELD_KINDS: Record<Target, Record<string, FieldKind>> = {
  person: {
    firstName: 'text',
    lastName: 'text',
    email: 'email',
    phone: 'phone',
    street: 'text',
    postalCode: 'text',
    city: 'text',
    country: 'country',
  },
  organization: {
    name: 'text',
    website: 'text',
    industry: 'text',
    email: 'email',
    phone: 'phone',
    street: 'text',
    postalCode: 'text',
    city: 'text',
    country: 'country',
  },
  businessContact: { email: 'email', phone: 'phone', position: 'text', department: 'text' },
  deal: { title: 'text', value: 'amount', currency: 'currency' },
};

/** Custom field entity type of each target. */
const CUSTOM_FIELD_TYPE: Partial<Record<Target, string>> = {
  person: 'person',
  organization: 'organization',
  deal: 'deal',
};

export const DEFAULT_MAPPINGS: readonly FieldMappingEntry[] = [
  { from: 'firstName', to: 'person.firstName' },
  { from: 'lastName', to: 'person.lastName' },
  { from: 'email', to: 'person.email' },
  { from: 'phone', to: 'person.phone' },
  { from: 'email', to: 'businessContact.email' },
  { from: 'phone', to: 'businessContact.phone' },
  { from: 'position', to: 'businessContact.position' },
  { from: 'companyName', to: 'organization.name' },
  { from: 'website', to: 'organization.website' },
  { from: 'industry', to: 'organization.industry' },
  { from: 'street', to: 'organization.street' },
  { from: 'postalCode', to: 'organization.postalCode' },
  { from: 'city', to: 'organization.city' },
  { from: 'country', to: 'organization.country' },
  { from: 'title', to: 'deal.title' },
  { from: 'value', to: 'deal.value' },
  { from: 'currency', to: 'deal.currency' },
];

/** The custom fields of leads and of every target, read once. */
export interface FieldCatalog {
  lead: CustomFieldView[];
  targets: Record<Target, CustomFieldView[]>;
}

export async function fieldCatalog(em: EntityManager): Promise<FieldCatalog> {
  const all = await listCustomFields(em);
  const of = (entityType: string | undefined) =>
    entityType ? all.filter((field) => field.entityType === entityType) : [];
  return {
    lead: of('lead'),
    targets: {
      person: of(CUSTOM_FIELD_TYPE.person),
      organization: of(CUSTOM_FIELD_TYPE.organization),
      businessContact: [],
      deal: of(CUSTOM_FIELD_TYPE.deal),
    },
  };
}

export interface FieldRef {
  custom: CustomFieldView | null;
  /** Built-in name or custom field key. */
  name: string;
  kind: FieldKind;
}

export function leadField(catalog: FieldCatalog, from: string): FieldRef | null {
  if (from.startsWith('customFields.')) {
    const key = from.slice('customFields.'.length);
    const custom = catalog.lead.find((field) => field.key === key);
    return custom ? { custom, name: key, kind: custom.type } : null;
  }
  const kind = LEAD_FIELD_KINDS[from];
  return kind ? { custom: null, name: from, kind } : null;
}

export function targetField(catalog: FieldCatalog, to: string): (FieldRef & { target: Target }) | null {
  const dot = to.indexOf('.');
  const target = to.slice(0, dot) as Target;
  if (dot < 0 || !TARGETS.includes(target)) return null;
  const field = to.slice(dot + 1);
  if (field.startsWith('customFields.')) {
    const key = field.slice('customFields.'.length);
    const custom = catalog.targets[target].find((candidate) => candidate.key === key);
    return custom ? { target, custom, name: key, kind: custom.type } : null;
  }
  const kind = TARGET_FIELD_KINDS[target][field];
  return kind ? { target, custom: null, name: field, kind } : null;
}

const TEXTUAL = new Set<FieldKind>(['text', 'email', 'phone', 'country', 'select', 'currency']);

/** Why the source cannot fill the target, or null when it can. */
export function mismatch(source: FieldRef, target: FieldRef): Text | null {
  if (source.kind === target.kind) {
    if (source.kind !== 'select') return null;
    const allowed = new Set(target.custom?.options.map((option) => option.value));
    const missing = (source.custom?.options ?? []).filter((option) => !allowed.has(option.value));
    const lacking = missing.map((option) => `"${option.value}"`).join(', ');
    return missing.length === 0
      ? null
      : { en: `the target's choices lack ${lacking}`, de: `der Auswahl des Zielfelds fehlt ${lacking}` };
  }
  if (target.kind === 'text' && TEXTUAL.has(source.kind)) return null;
  if (target.kind === 'number' && source.kind === 'amount') return null;
  if (target.kind === 'amount' && source.kind === 'number') return null;
  return {
    en: `a ${source.kind} field cannot fill a ${target.kind} field`,
    de: `ein Feld vom Typ ${source.kind} kann kein Feld vom Typ ${target.kind} füllen`,
  };
}

function catalogFields(catalog: FieldCatalog): Pick<FieldMappingView, 'leadFields' | 'targetFields'> {
  return {
    leadFields: [
      ...Object.entries(LEAD_FIELD_KINDS).map(([field, type]) => ({ field, type })),
      ...catalog.lead.map((field) => ({ field: `customFields.${field.key}`, type: field.type })),
    ],
    targetFields: TARGETS.flatMap((target) => [
      ...Object.entries(TARGET_FIELD_KINDS[target]).map(([field, type]) => ({ field: `${target}.${field}`, type })),
      ...catalog.targets[target].map((field) => ({ field: `${target}.customFields.${field.key}`, type: field.type })),
    ]),
  };
}

/** The default: the obvious built-in fields, and each lead custom field into the same-named one of a target. */
function defaultMappings(catalog: FieldCatalog): FieldMappingEntry[] {
  const mappings = [...DEFAULT_MAPPINGS];
  for (const field of catalog.lead) {
    const source = leadField(catalog, `customFields.${field.key}`) as FieldRef;
    for (const target of ['deal', 'organization', 'person'] as const) {
      const to = `${target}.customFields.${field.key}`;
      const candidate = targetField(catalog, to);
      if (candidate && mismatch(source, candidate) === null) {
        mappings.push({ from: `customFields.${field.key}`, to });
        break;
      }
    }
  }
  return mappings;
}

/** The organisation's mapping row, if it saved one; row-level security leaves only its own. */
function selectMapping(em: EntityManager) {
  return db(em)
    .selectFrom('lead_field_mapping')
    .select((eb) => [eb.ref('mappings').$castTo<FieldMappingEntry[]>().as('mappings'), 'version']);
}

export async function getFieldMapping(em: EntityManager, catalog?: FieldCatalog): Promise<FieldMappingView> {
  const fields = catalog ?? (await fieldCatalog(em));
  const row = await selectMapping(em).executeTakeFirst();
  return {
    mappings: row ? row.mappings : defaultMappings(fields),
    isDefault: !row,
    version: row?.version ?? 0,
    ...catalogFields(fields),
  };
}

/** Each entry checked against both sides' fields; every problem named by its pointer. */
export function mappingProblems(catalog: FieldCatalog, mappings: readonly FieldMappingEntry[]): FieldIssue[] {
  const errors: FieldIssue[] = [];
  const targets = new Map<string, number>();
  for (const [index, entry] of mappings.entries()) {
    const source = leadField(catalog, entry.from);
    const target = targetField(catalog, entry.to);
    if (!source) {
      errors.push({
        in: 'body',
        pointer: `#/mappings/${index}/from`,
        detail: {
          en: `leads have no field "${entry.from}" (any more); GET /api/v1/lead-field-mapping lists leadFields`,
          de: `Leads haben (inzwischen) kein Feld „${entry.from}“; GET /api/v1/lead-field-mapping listet sie unter leadFields auf`,
        },
      });
    }
    if (!target) {
      errors.push({
        in: 'body',
        pointer: `#/mappings/${index}/to`,
        detail: {
          en: `there is no target field "${entry.to}" (any more); GET /api/v1/lead-field-mapping lists targetFields`,
          de: `es gibt (inzwischen) kein Zielfeld „${entry.to}“; GET /api/v1/lead-field-mapping listet sie unter targetFields auf`,
        },
      });
    }
    const taken = targets.get(entry.to);
    if (taken !== undefined) {
      errors.push({
        in: 'body',
        pointer: `#/mappings/${index}/to`,
        detail: {
          en: `mapping ${taken} fills ${entry.to} already; a field is filled from one lead field`,
          de: `Zuordnung ${taken} füllt ${entry.to} bereits; ein Feld wird aus genau einem Lead-Feld gefüllt`,
        },
      });
    }
    targets.set(entry.to, index);
    const unfit = source && target ? mismatch(source, target) : null;
    if (unfit) errors.push({ in: 'body', pointer: `#/mappings/${index}/to`, detail: unfit });
  }
  return errors;
}

export async function saveFieldMapping(
  em: EntityManager,
  principal: Principal,
  mappings: readonly FieldMappingEntry[],
  expectedVersion: number | undefined,
): Promise<FieldMappingView> {
  const catalog = await fieldCatalog(em);
  const current = await selectMapping(em).forUpdate().executeTakeFirst();
  checkVersion({ version: current?.version ?? 0 }, expectedVersion, named('lead_field_mapping'));
  const errors = mappingProblems(catalog, mappings);
  if (errors.length > 0) {
    const [first] = errors;
    throw errors.length === 1 && first
      ? problem('invalid_field_mapping', { field: first.pointer.slice(2), message: first.detail }, { errors })
      : problem('invalid_field_mapping_many', { count: errors.length }, { errors });
  }
  const before = current?.mappings ?? (await getFieldMapping(em, catalog)).mappings;
  await db(em)
    .insertInto('lead_field_mapping')
    .values({
      tenant_id: sql<string>`crm_current_tenant()`,
      mappings: jsonb([...mappings]),
      version: 1,
      created_by: principal.userId ?? null,
      updated_by: principal.userId ?? null,
    })
    .onConflict((conflict) =>
      conflict.column('tenant_id').doUpdateSet((eb) => ({
        mappings: eb.ref('excluded.mappings'),
        version: eb('lead_field_mapping.version', '+', 1),
        updated_at: sql<Date>`now()`,
        updated_by: eb.ref('excluded.updated_by'),
      })),
    )
    .execute();

  recordHistory(em, principal, {
    type: 'lead_field_mapping',
    id: principal.tenantId,
    action: 'update',
    before: { mappings: before },
    after: { mappings },
  });
  await em.flush();
  return getFieldMapping(em, catalog);
}
