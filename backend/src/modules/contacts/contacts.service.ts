// Persons, organizations and business contacts: create, change, trash, restore, purge, list,
// each change with its history and search document in the same transaction.
import type { EntityDictionary, EntityManager, EntityName } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { filterCondition } from '../../http/filter-sql.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import { cappedTotal, fieldSort } from '../../http/list-sql.ts';
import { offsetCursor, windowStart } from '../../http/list-window.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem, thingName } from '../../http/problems.ts';
import { TRASH_FILTER } from '../../http/tenancy.ts';
import { type ErasureServices, runErasureHooks } from '../../records/erasure-hooks.ts';
import { recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { indexRecord, type SearchDocument, unindexRecord } from '../../records/search-index.ts';
import { type Database, db } from '../../records/sql.ts';
import type { TrashSource } from '../../records/trash.ts';
import { applyCustomFields, listCustomFields } from '../custom-fields/custom-fields.service.ts';
import { checkRequiredFields } from '../custom-fields/required-fields.service.ts';
import { Tenant } from '../identity/tenant.entity.ts';
import { User } from '../identity/user.entity.ts';
import type { TagView } from '../tags/tags.service.ts';
import {
  type AddressValue,
  BusinessContact,
  type EmailValue,
  Organization,
  Person,
  type PhoneValue,
} from './contact.entity.ts';
import type {
  BusinessContactView,
  CreateBusinessContact,
  CreateOrganization,
  CreatePerson,
  OrganizationView,
  PersonView,
  UpdateBusinessContact,
  UpdateOrganization,
  UpdatePerson,
} from './contacts.schemas.ts';
import { guardAgainstDuplicates, organizationDraft, personDraft } from './duplicates.service.ts';
import { foldText, normalizeCompanyName, normalizePersonName, phoneticCodes } from './matching.ts';

export type ContactType = 'person' | 'organization' | 'business_contact';

// ---- views, snapshots and search documents ---------------------------------------------

export const personName = (person: Pick<Person, 'title' | 'firstName' | 'lastName'>) =>
  [person.title, person.firstName, person.lastName].filter(Boolean).join(' ');

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

type PersonFields = Pick<
  Person,
  'title' | 'firstName' | 'lastName' | 'emails' | 'phones' | 'addresses' | 'birthday' | 'language' | 'ownerId'
> & { customFields?: Record<string, unknown> };
type OrganizationFields = Pick<
  Organization,
  | 'name'
  | 'emails'
  | 'phones'
  | 'addresses'
  | 'vatId'
  | 'industry'
  | 'employeeCount'
  | 'revenue'
  | 'website'
  | 'ownerId'
> & { customFields?: Record<string, unknown> };

export function personSnapshot(person: PersonFields): Snapshot {
  return {
    title: person.title ?? null,
    firstName: person.firstName ?? null,
    lastName: person.lastName,
    emails: person.emails,
    phones: person.phones,
    addresses: person.addresses,
    birthday: person.birthday ?? null,
    language: person.language ?? null,
    customFields: person.customFields ?? {},
    ownerId: person.ownerId ?? null,
  };
}

type AuditFields = 'version' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy' | 'deletedAt';

/** Version and who/when of a record, as every view shows them. */
function auditView(record: Pick<Person, AuditFields>): Pick<PersonView, AuditFields> {
  return {
    version: record.version,
    createdAt: record.createdAt.toISOString(),
    createdBy: record.createdBy ?? null,
    updatedAt: record.updatedAt.toISOString(),
    updatedBy: record.updatedBy ?? null,
    deletedAt: iso(record.deletedAt),
  };
}

export function personView(person: Person, tags: TagView[] = []): PersonView {
  return {
    id: person.id,
    ...(personSnapshot(person) as Omit<PersonView, 'id' | 'tags' | AuditFields>),
    tags,
    ...auditView(person),
  };
}

export function organizationSnapshot(organization: OrganizationFields): Snapshot {
  return {
    name: organization.name,
    emails: organization.emails,
    phones: organization.phones,
    addresses: organization.addresses,
    vatId: organization.vatId ?? null,
    industry: organization.industry ?? null,
    employeeCount: organization.employeeCount ?? null,
    revenue: organization.revenue ?? null,
    website: organization.website ?? null,
    customFields: organization.customFields ?? {},
    ownerId: organization.ownerId ?? null,
  };
}

export function organizationView(organization: Organization, tags: TagView[] = []): OrganizationView {
  return {
    id: organization.id,
    ...(organizationSnapshot(organization) as Omit<OrganizationView, 'id' | 'tags' | AuditFields>),
    tags,
    ...auditView(organization),
  };
}

export function businessContactSnapshot(
  contact: Pick<BusinessContact, 'email' | 'phone' | 'position' | 'department' | 'employeeNumber' | 'isPrimary'> & {
    person: { id: string };
    organization: { id: string };
  },
): Snapshot {
  return {
    personId: contact.person.id,
    organizationId: contact.organization.id,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
    position: contact.position ?? null,
    department: contact.department ?? null,
    employeeNumber: contact.employeeNumber ?? null,
    isPrimary: contact.isPrimary,
  };
}

export function businessContactView(contact: BusinessContact): BusinessContactView {
  return {
    id: contact.id,
    personId: contact.person.id,
    organizationId: contact.organization.id,
    personName: personName(contact.person),
    organizationName: contact.organization.name,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
    phoneE164: contact.phoneE164 ?? null,
    position: contact.position ?? null,
    department: contact.department ?? null,
    employeeNumber: contact.employeeNumber ?? null,
    isPrimary: contact.isPrimary,
    version: contact.version,
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
    deletedAt: iso(contact.deletedAt),
  };
}

const cities = (addresses: readonly AddressValue[]) => addresses.flatMap((address) => address.city ?? []);

export function personDocument(person: PersonFields & { id: string }): SearchDocument {
  const draft = personDraft(person);
  return {
    type: 'person',
    id: person.id,
    title: personName(person),
    subtitle: person.emails[0]?.address ?? cities(person.addresses)[0] ?? null,
    normalized: draft.normalized,
    phonetic: draft.phonetic,
    emails: draft.emails,
    phones: draft.phones,
    postalCodes: draft.postalCodes,
    vatId: null,
    body: foldText([...draft.emails, ...cities(person.addresses)].join(' ')),
  };
}

export function organizationDocument(organization: OrganizationFields & { id: string }): SearchDocument {
  const draft = organizationDraft(organization);
  return {
    type: 'organization',
    id: organization.id,
    title: organization.name,
    subtitle: cities(organization.addresses)[0] ?? organization.industry ?? null,
    normalized: draft.normalized,
    phonetic: draft.phonetic,
    emails: draft.emails,
    phones: draft.phones,
    postalCodes: draft.postalCodes,
    vatId: draft.vatId,
    body: foldText(
      [
        organization.name,
        organization.industry ?? '',
        organization.website ?? '',
        ...cities(organization.addresses),
      ].join(' '),
    ),
  };
}

export function businessContactDocument(
  contact: Pick<BusinessContact, 'id' | 'email' | 'phoneE164' | 'position' | 'department'>,
  person: Pick<Person, 'title' | 'firstName' | 'lastName'>,
  organization: Pick<Organization, 'name'>,
): SearchDocument {
  return {
    type: 'business_contact',
    id: contact.id,
    title: `${personName(person)} (${organization.name})`,
    subtitle: [contact.position, contact.email].filter(Boolean).join(' · ') || null,
    normalized:
      `${normalizePersonName(person.firstName, person.lastName)} ${normalizeCompanyName(organization.name)}`.trim(),
    phonetic: phoneticCodes(`${person.firstName ?? ''} ${person.lastName}`, 'person'),
    emails: contact.email ? [contact.email] : [],
    phones: contact.phoneE164 ? [contact.phoneE164] : [],
    postalCodes: [],
    vatId: null,
    body: foldText([contact.position ?? '', contact.department ?? '', organization.name].join(' ')),
  };
}

// ---- shared rules -------------------------------------------------------------------------

function missing(type: ContactType, id: string): AppError {
  return problem('not_found_maybe_trashed', { noSuch: noSuch(type), id });
}

async function checkOwner(em: EntityManager, ownerId: string | null | undefined): Promise<void> {
  if (!ownerId) return;
  const owner = await em.findOne(User, { id: ownerId, active: true });
  if (!owner) {
    throw problem(
      'unknown_owner',
      { id: ownerId, thing: { en: 'record', de: 'diesen Datensatz' } },
      { at: { pointer: '#/ownerId' } },
    );
  }
}

const byUser = (principal: Principal) => principal.userId ?? null;

function phonesFrom(input: { number: string; e164: string; kind: PhoneValue['kind'] }[] | undefined): PhoneValue[] {
  return (input ?? []).map((phone) => ({ number: phone.number, e164: phone.e164, kind: phone.kind }));
}

type AddressInput = Omit<AddressValue, 'street' | 'postalCode' | 'city'> &
  Partial<Record<'street' | 'postalCode' | 'city', string | null>>;

function addressesFrom(input: AddressInput[] | undefined): AddressValue[] {
  return (input ?? []).map((address) => ({
    kind: address.kind,
    street: address.street ?? null,
    postalCode: address.postalCode ?? null,
    city: address.city ?? null,
    country: address.country,
  }));
}

export function uniqueEmails(emails: EmailValue[] | undefined): EmailValue[] {
  const seen = new Set<string>();
  return (emails ?? []).filter((email) => !seen.has(email.address) && seen.add(email.address));
}

// ---- persons ------------------------------------------------------------------------------

export async function getPerson(em: EntityManager, id: string, options: { trashed?: boolean } = {}): Promise<Person> {
  const person = await em.findOne(Person, { id }, options.trashed ? { filters: { [TRASH_FILTER]: false } } : {});
  if (!person) throw missing('person', id);
  return person;
}

export async function createPerson(
  em: EntityManager,
  principal: Principal,
  input: CreatePerson,
  options: { confirmed: boolean },
): Promise<Person> {
  await checkOwner(em, input.ownerId);
  const values = {
    title: input.title ?? null,
    firstName: input.firstName ?? null,
    lastName: input.lastName,
    emails: uniqueEmails(input.emails),
    phones: phonesFrom(input.phones),
    addresses: addressesFrom(input.addresses),
    birthday: input.birthday ?? null,
    language: input.language ?? null,
    customFields: await applyCustomFields(em, 'person', {}, input.customFields),
    ownerId: input.ownerId === undefined ? byUser(principal) : input.ownerId,
  };
  await checkRequiredFields(em, 'person', values);
  await guardAgainstDuplicates(em, personDraft(values), options);
  const person = em.create(Person, {
    ...values,
    tenant: em.getReference(Tenant, principal.tenantId),
    createdBy: byUser(principal),
    updatedBy: byUser(principal),
  });
  recordHistory(em, principal, { type: 'person', id: person.id, action: 'create', after: personSnapshot(person) });
  await em.flush();
  await indexRecord(em, personDocument(person));
  return person;
}

export async function updatePerson(
  em: EntityManager,
  principal: Principal,
  id: string,
  patch: UpdatePerson,
  options: { expectedVersion: number | undefined; confirmed: boolean },
): Promise<Person> {
  const person = await getPerson(em, id);
  checkVersion(person, options.expectedVersion, named('person', personName(person)));
  const before = personSnapshot(person);
  if (patch.ownerId !== undefined) await checkOwner(em, patch.ownerId);
  if (patch.title !== undefined) person.title = patch.title;
  if (patch.firstName !== undefined) person.firstName = patch.firstName;
  if (patch.lastName !== undefined) person.lastName = patch.lastName;
  if (patch.emails !== undefined) person.emails = uniqueEmails(patch.emails);
  if (patch.phones !== undefined) person.phones = phonesFrom(patch.phones);
  if (patch.addresses !== undefined) person.addresses = addressesFrom(patch.addresses);
  if (patch.birthday !== undefined) person.birthday = patch.birthday;
  if (patch.language !== undefined) person.language = patch.language;
  if (patch.customFields !== undefined) {
    person.customFields = await applyCustomFields(em, 'person', person.customFields, patch.customFields);
  }
  if (patch.ownerId !== undefined) person.ownerId = patch.ownerId;
  const after = personSnapshot(person);
  if (unchanged(before, after)) return person;
  await checkRequiredFields(em, 'person', after);
  const identityChanged = ['firstName', 'lastName', 'emails', 'phones'].some(
    (field) => !unchanged({ value: before[field] }, { value: after[field] }),
  );
  if (identityChanged) await guardAgainstDuplicates(em, personDraft(person), { ...options, excludeIds: [person.id] });
  person.updatedBy = byUser(principal);
  recordHistory(em, principal, { type: 'person', id: person.id, action: 'update', before, after });
  await em.flush();
  await indexRecord(em, personDocument(person));
  await reindexBusinessContacts(em, { person: person.id });
  return person;
}

// ---- organizations ------------------------------------------------------------------------

export async function getOrganization(
  em: EntityManager,
  id: string,
  options: { trashed?: boolean } = {},
): Promise<Organization> {
  const organization = await em.findOne(
    Organization,
    { id },
    options.trashed ? { filters: { [TRASH_FILTER]: false } } : {},
  );
  if (!organization) throw missing('organization', id);
  return organization;
}

export async function createOrganization(
  em: EntityManager,
  principal: Principal,
  input: CreateOrganization,
  options: { confirmed: boolean },
): Promise<Organization> {
  await checkOwner(em, input.ownerId);
  const values = {
    name: input.name,
    emails: uniqueEmails(input.emails),
    phones: phonesFrom(input.phones),
    addresses: addressesFrom(input.addresses),
    vatId: input.vatId ?? null,
    industry: input.industry ?? null,
    employeeCount: input.employeeCount ?? null,
    revenue: input.revenue ?? null,
    website: input.website ?? null,
    customFields: await applyCustomFields(em, 'organization', {}, input.customFields),
    ownerId: input.ownerId === undefined ? byUser(principal) : input.ownerId,
  };
  await checkRequiredFields(em, 'organization', values);
  await guardAgainstDuplicates(em, organizationDraft(values), options);
  const organization = em.create(Organization, {
    ...values,
    tenant: em.getReference(Tenant, principal.tenantId),
    createdBy: byUser(principal),
    updatedBy: byUser(principal),
  });
  recordHistory(em, principal, {
    type: 'organization',
    id: organization.id,
    action: 'create',
    after: organizationSnapshot(organization),
  });
  await em.flush();
  await indexRecord(em, organizationDocument(organization));
  return organization;
}

export async function updateOrganization(
  em: EntityManager,
  principal: Principal,
  id: string,
  patch: UpdateOrganization,
  options: { expectedVersion: number | undefined; confirmed: boolean },
): Promise<Organization> {
  const organization = await getOrganization(em, id);
  checkVersion(organization, options.expectedVersion, named('organization', organization.name));
  const before = organizationSnapshot(organization);
  if (patch.ownerId !== undefined) await checkOwner(em, patch.ownerId);
  if (patch.name !== undefined) organization.name = patch.name;
  if (patch.emails !== undefined) organization.emails = uniqueEmails(patch.emails);
  if (patch.phones !== undefined) organization.phones = phonesFrom(patch.phones);
  if (patch.addresses !== undefined) organization.addresses = addressesFrom(patch.addresses);
  if (patch.vatId !== undefined) organization.vatId = patch.vatId;
  if (patch.industry !== undefined) organization.industry = patch.industry;
  if (patch.employeeCount !== undefined) organization.employeeCount = patch.employeeCount;
  if (patch.revenue !== undefined) organization.revenue = patch.revenue;
  if (patch.website !== undefined) organization.website = patch.website;
  if (patch.customFields !== undefined) {
    organization.customFields = await applyCustomFields(
      em,
      'organization',
      organization.customFields,
      patch.customFields,
    );
  }
  if (patch.ownerId !== undefined) organization.ownerId = patch.ownerId;
  const after = organizationSnapshot(organization);
  if (unchanged(before, after)) return organization;
  await checkRequiredFields(em, 'organization', after);
  const identityChanged = ['name', 'emails', 'phones', 'vatId'].some(
    (field) => !unchanged({ value: before[field] }, { value: after[field] }),
  );
  if (identityChanged) {
    await guardAgainstDuplicates(em, organizationDraft(organization), { ...options, excludeIds: [organization.id] });
  }
  organization.updatedBy = byUser(principal);
  recordHistory(em, principal, { type: 'organization', id: organization.id, action: 'update', before, after });
  await em.flush();
  await indexRecord(em, organizationDocument(organization));
  await reindexBusinessContacts(em, { organization: organization.id });
  return organization;
}

// ---- business contacts --------------------------------------------------------------------

export async function getBusinessContact(
  em: EntityManager,
  id: string,
  options: { trashed?: boolean } = {},
): Promise<BusinessContact> {
  const contact = await em.findOne(
    BusinessContact,
    { id },
    { populate: ['person', 'organization'], ...(options.trashed ? { filters: { [TRASH_FILTER]: false } } : {}) },
  );
  if (!contact) throw missing('business_contact', id);
  return contact;
}

function unknownLink(field: 'personId' | 'organizationId', id: string): AppError {
  const what = field === 'personId' ? 'person' : 'organization';
  return problem(
    'unknown_link',
    { thing: thingName(what), noSuch: noSuch(what), id },
    { at: { pointer: `#/${field}` } },
  );
}

export async function createBusinessContact(
  em: EntityManager,
  principal: Principal,
  input: CreateBusinessContact,
): Promise<BusinessContact> {
  const [person, organization] = await Promise.all([
    em.findOne(Person, { id: input.personId }),
    em.findOne(Organization, { id: input.organizationId }),
  ]);
  if (!person) throw unknownLink('personId', input.personId);
  if (!organization) throw unknownLink('organizationId', input.organizationId);
  await lockPrimaryChoice(em, person.id);
  const others = await em.count(BusinessContact, { person: person.id });
  const isPrimary = input.isPrimary ?? others === 0;
  if (isPrimary) await clearPrimary(em, person.id);
  const contact = em.create(BusinessContact, {
    tenant: em.getReference(Tenant, principal.tenantId),
    person,
    organization,
    email: input.email ?? null,
    phone: input.phone?.number ?? null,
    phoneE164: input.phone?.e164 ?? null,
    position: input.position ?? null,
    department: input.department ?? null,
    employeeNumber: input.employeeNumber ?? null,
    isPrimary,
    createdBy: byUser(principal),
    updatedBy: byUser(principal),
  });
  recordHistory(em, principal, {
    type: 'business_contact',
    id: contact.id,
    action: 'create',
    after: businessContactSnapshot(contact),
  });
  await em.flush();
  await indexRecord(em, businessContactDocument(contact, contact.person, contact.organization));
  return contact;
}

/**
 * Business contacts of one person are added and made primary one request at a time: two added at
 * once would each see none and both become the primary (the unique index would answer a 500).
 */
async function lockPrimaryChoice(em: EntityManager, personId: string): Promise<void> {
  await db(em).selectFrom('person').select('id').where('id', '=', personId).forNoKeyUpdate().execute();
}

async function clearPrimary(em: EntityManager, personId: string): Promise<void> {
  const primaries = await em.find(BusinessContact, { person: personId, isPrimary: true });
  for (const primary of primaries) primary.isPrimary = false;
  // Before the new primary is inserted: the unique index allows one primary per person.
  await em.flush();
}

export async function updateBusinessContact(
  em: EntityManager,
  principal: Principal,
  id: string,
  patch: UpdateBusinessContact,
  expectedVersion: number | undefined,
): Promise<BusinessContact> {
  const contact = await getBusinessContact(em, id);
  checkVersion(contact, expectedVersion, named('business_contact'));
  const before = businessContactSnapshot(contact);
  if (patch.email !== undefined) contact.email = patch.email;
  if (patch.phone !== undefined) {
    contact.phone = patch.phone?.number ?? null;
    contact.phoneE164 = patch.phone?.e164 ?? null;
  }
  if (patch.position !== undefined) contact.position = patch.position;
  if (patch.department !== undefined) contact.department = patch.department;
  if (patch.employeeNumber !== undefined) contact.employeeNumber = patch.employeeNumber;
  if (patch.isPrimary === true && !contact.isPrimary) {
    await lockPrimaryChoice(em, contact.person.id);
    await clearPrimary(em, contact.person.id);
    contact.isPrimary = true;
  } else if (patch.isPrimary === false) {
    contact.isPrimary = false;
  }
  const after = businessContactSnapshot(contact);
  if (unchanged(before, after)) return contact;
  contact.updatedBy = byUser(principal);
  recordHistory(em, principal, { type: 'business_contact', id: contact.id, action: 'update', before, after });
  await em.flush();
  await indexRecord(em, businessContactDocument(contact, contact.person, contact.organization));
  return contact;
}

async function reindexBusinessContacts(
  em: EntityManager,
  where: { person: string } | { organization: string },
): Promise<void> {
  const contacts = await em.find(BusinessContact, where, { populate: ['person', 'organization'] });
  for (const contact of contacts)
    await indexRecord(em, businessContactDocument(contact, contact.person, contact.organization));
}

export async function listBusinessContacts(
  em: EntityManager,
  options: {
    personId?: string | undefined;
    organizationId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: BusinessContact[]; nextCursor: string | null }> {
  const after = decodeCursor(options.cursor, 1) as [string] | undefined;
  const items = await em.find(
    BusinessContact,
    {
      ...(options.personId ? { person: options.personId } : {}),
      ...(options.organizationId ? { organization: options.organizationId } : {}),
      ...(after ? { id: { $gt: after[0] } } : {}),
      // A business contact whose person or organization is in the trash is hidden with it.
      person: { deletedAt: null, ...(options.personId ? { id: options.personId } : {}) },
      organization: { deletedAt: null, ...(options.organizationId ? { id: options.organizationId } : {}) },
    },
    { populate: ['person', 'organization'], orderBy: { id: 'asc' }, limit: options.limit + 1 },
  );
  return page(items, options.limit, (last) => [last.id]);
}

// ---- lists --------------------------------------------------------------------------------

function page<T>(items: T[], limit: number, key: (last: T) => unknown[]): { items: T[]; nextCursor: string | null } {
  const hasMore = items.length > limit;
  const shown = hasMore ? items.slice(0, limit) : items;
  const last = shown.at(-1);
  return { items: shown, nextCursor: hasMore && last !== undefined ? encodeCursor(key(last)) : null };
}

// Both lists read one table under the alias r; the column references are checked against it.
type ContactDataColumns = 'emails' | 'phones' | 'addresses';
const person = expressionBuilder<{ r: Database['person'] }, 'r'>();
const organization = expressionBuilder<{ r: Database['organization'] }, 'r'>();

/** The contact data both tables keep as JSON arrays, searchable as text. */
function contactDataFields(): Record<string, FilterField> {
  const r = expressionBuilder<
    { r: Pick<Database['person'], ContactDataColumns> & Pick<Database['organization'], ContactDataColumns> },
    'r'
  >();
  const joined = (column: Expression<unknown>, key: string) =>
    sql`(select string_agg(x->>${sql.lit(key)}, ' ') from jsonb_array_elements(${column}) x)`;
  return {
    email: { sql: joined(r.ref('r.emails'), 'address'), type: 'text' },
    phone: { sql: joined(r.ref('r.phones'), 'number'), type: 'text' },
    city: { sql: joined(r.ref('r.addresses'), 'city'), type: 'text' },
    postalCode: { sql: sql`(${r.ref('r.addresses')}->0->>'postalCode')`, type: 'text' },
  };
}

export const PERSON_FILTER_FIELDS: Record<string, FilterField> = {
  title: { sql: person.ref('r.title'), type: 'text' },
  firstName: { sql: person.ref('r.first_name'), type: 'text' },
  lastName: { sql: person.ref('r.last_name'), type: 'text' },
  birthday: { sql: person.ref('r.birthday'), type: 'date' },
  language: { sql: person.ref('r.language'), type: 'text' },
  ownerId: { sql: person.ref('r.owner_id'), type: 'uuid' },
  createdAt: { sql: person.ref('r.created_at'), type: 'datetime' },
  updatedAt: { sql: person.ref('r.updated_at'), type: 'datetime' },
  ...contactDataFields(),
};

export const ORGANIZATION_FILTER_FIELDS: Record<string, FilterField> = {
  name: { sql: organization.ref('r.name'), type: 'text' },
  vatId: { sql: organization.ref('r.vat_id'), type: 'text' },
  industry: { sql: organization.ref('r.industry'), type: 'text' },
  employeeCount: { sql: organization.ref('r.employee_count'), type: 'number' },
  revenue: { sql: organization.ref('r.revenue'), type: 'number' },
  website: { sql: organization.ref('r.website'), type: 'text' },
  ownerId: { sql: organization.ref('r.owner_id'), type: 'uuid' },
  createdAt: { sql: organization.ref('r.created_at'), type: 'datetime' },
  updatedAt: { sql: organization.ref('r.updated_at'), type: 'datetime' },
  ...contactDataFields(),
  country: { sql: sql`(${organization.ref('r.addresses')}->0->>'country')`, type: 'text' },
};

export interface ListOptions {
  limit: number;
  cursor?: string | undefined;
  /** name, -updatedAt (keyset cursors), or a field of the list (offset cursors). */
  sort: string;
  filter?: FilterNode | undefined;
  offset?: number | undefined;
  count?: boolean;
}

/** The columns the list statement itself names, which person and organization both have. */
type ListedColumns = 'id' | 'tenant_id' | 'deleted_at' | 'updated_at' | 'custom_fields';
type Listed = { r: Pick<Database['person'], ListedColumns> };
// A compile error here when the organization table stops having a column the statement names.
const organizationIsListed: Pick<Database['organization'], ListedColumns> extends Listed['r'] ? true : never = true;
void organizationIsListed;

interface ListShape {
  table: 'person' | 'organization';
  recordType: 'person' | 'organization';
  fields: Record<string, FilterField>;
  /** The name order's key, and its keys from a row. */
  nameKey: Expression<unknown>[];
  nameKeyOf: (row: Record<string, unknown>) => unknown[];
}

const PERSON_LIST: ListShape = {
  table: 'person',
  recordType: 'person',
  fields: PERSON_FILTER_FIELDS,
  nameKey: [sql`lower(${person.ref('r.last_name')})`, sql`lower(coalesce(${person.ref('r.first_name')}, ''))`],
  nameKeyOf: (row) => [String(row.last_name).toLowerCase(), String(row.first_name ?? '').toLowerCase()],
};

const ORGANIZATION_LIST: ListShape = {
  table: 'organization',
  recordType: 'organization',
  fields: ORGANIZATION_FILTER_FIELDS,
  nameKey: [sql`lower(${organization.ref('r.name')})`],
  nameKeyOf: (row) => [String(row.name).toLowerCase()],
};

const isoTime = (value: unknown) => new Date(value as string | Date).toISOString();

/** One page of a list in one statement: filter tree, order by name, change or any field, keyset cursor or offset. */
async function listRows(em: EntityManager, shape: ListShape, options: ListOptions) {
  const keyset = options.sort === 'name' || options.sort === '-updatedAt';
  const customFields = options.filter || !keyset ? await listCustomFields(em, shape.recordType) : [];
  const r = expressionBuilder<Listed, 'r'>();
  const condition = options.filter
    ? filterCondition(options.filter, {
        fields: shape.fields,
        customFields,
        customFieldsColumn: r.ref('r.custom_fields'),
        recordType: shape.recordType,
        idColumn: r.ref('r.id'),
      })
    : undefined;
  const matching = (db(em).selectFrom(`${shape.table} as r`) as unknown as SelectQueryBuilder<Listed, 'r', object>)
    .where('r.tenant_id', '=', (eb) => eb.fn<string>('crm_current_tenant'))
    .where('r.deleted_at', 'is', null)
    .$if(condition !== undefined, (q) => q.where(() => condition as Expression<SqlBool>));
  const total = options.count ? await cappedTotal(em, matching.select('r.id')) : {};
  const byName = options.sort === 'name';
  const keyColumns = byName ? [...shape.nameKey, r.ref('r.id')] : [r.ref('r.updated_at'), r.ref('r.id')];
  let page = matching.selectAll('r');
  let skip = 0;
  if (keyset) {
    const direction = byName ? sql`asc` : sql`desc`;
    page = page.orderBy(sql.join(keyColumns.map((column) => sql`${column} ${direction}`)));
    const after = options.offset === undefined ? decodeCursor(options.cursor, keyColumns.length) : undefined;
    if (after) {
      page = page.where(() => sql<SqlBool>`(${sql.join(keyColumns)}) ${byName ? sql`>` : sql`<`} (${sql.join(after)})`);
    }
    skip = options.offset ?? 0;
  } else {
    page = page.orderBy(
      sql.join(
        fieldSort(options.sort, {
          fields: shape.fields,
          idColumn: r.ref('r.id'),
          customFields,
          customFieldsColumn: r.ref('r.custom_fields'),
        }),
      ),
    );
    skip = windowStart(options);
  }
  const rows: Record<string, unknown>[] = await page
    .limit(options.limit + 1)
    .offset(skip)
    .execute();
  const hasMore = rows.length > options.limit;
  const shown = hasMore ? rows.slice(0, options.limit) : rows;
  const last = shown.at(-1);
  const nextCursor =
    hasMore && last
      ? keyset
        ? encodeCursor(byName ? [...shape.nameKeyOf(last), last.id] : [isoTime(last.updated_at), last.id])
        : offsetCursor(skip + shown.length)
      : null;
  return { rows: shown, nextCursor, ...total };
}

type Page<T> = { items: T[]; nextCursor: string | null; total?: number; totalCapped?: boolean };

/**
 * A page's rows as entities only to be shown: mapped outside the request's unit of work, which
 * would otherwise hold them to the end of the request and compare each with its snapshot at commit.
 */
function shown<T extends object>(em: EntityManager, entity: EntityName<T>, rows: Record<string, unknown>[]): T[] {
  const reader = em.fork({ keepTransactionContext: true });
  const entities = rows.map((row) => reader.map(entity, row as EntityDictionary<T>));
  reader.clear();
  return entities;
}

export async function listPersons(em: EntityManager, options: ListOptions): Promise<Page<Person>> {
  const { rows, ...rest } = await listRows(em, PERSON_LIST, options);
  return { items: shown(em, Person, rows), ...rest };
}

export async function listOrganizations(em: EntityManager, options: ListOptions): Promise<Page<Organization>> {
  const { rows, ...rest } = await listRows(em, ORGANIZATION_LIST, options);
  return { items: shown(em, Organization, rows), ...rest };
}

// ---- trash (G4) ---------------------------------------------------------------------------

type Trashable = Person | Organization | BusinessContact;

async function findAny(em: EntityManager, type: ContactType, id: string): Promise<Trashable | null> {
  const options = { filters: { [TRASH_FILTER]: false } };
  if (type === 'person') return em.findOne(Person, { id }, options);
  if (type === 'organization') return em.findOne(Organization, { id }, options);
  return em.findOne(BusinessContact, { id }, { ...options, populate: ['person', 'organization'] });
}

function snapshotOf(type: ContactType, record: Trashable): Snapshot {
  if (type === 'person') return personSnapshot(record as Person);
  if (type === 'organization') return organizationSnapshot(record as Organization);
  return businessContactSnapshot(record as BusinessContact);
}

function documentOf(type: ContactType, record: Trashable): SearchDocument {
  if (type === 'person') return personDocument(record as Person);
  if (type === 'organization') return organizationDocument(record as Organization);
  const contact = record as BusinessContact;
  return businessContactDocument(contact, contact.person, contact.organization);
}

/**
 * Moves a record to the trash. The business contacts of a person or organization go with it,
 * stamped with the same time, so that restoring brings exactly those back.
 */
export async function trashRecord(
  em: EntityManager,
  principal: Principal,
  type: ContactType,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const record = await findAny(em, type, id);
  if (!record || record.deletedAt) throw missing(type, id);
  checkVersion(record, expectedVersion, named(type));
  const now = new Date();
  const followers =
    type === 'business_contact'
      ? []
      : await em.find(BusinessContact, type === 'person' ? { person: id } : { organization: id });
  for (const target of [record, ...followers]) {
    target.deletedAt = now;
    target.deletedBy = byUser(principal);
  }
  recordHistory(em, principal, { type, id, action: 'delete', before: snapshotOf(type, record) });
  for (const follower of followers) {
    recordHistory(em, principal, { type: 'business_contact', id: follower.id, action: 'delete' });
  }
  await em.flush();
  await unindexRecord(em, type, id);
  for (const follower of followers) await unindexRecord(em, 'business_contact', follower.id);
}

export async function restoreRecord(
  em: EntityManager,
  principal: Principal,
  type: ContactType,
  id: string,
): Promise<Trashable> {
  const record = await findAny(em, type, id);
  if (!record?.deletedAt) throw problem('not_in_trash', { noSuch: noSuch(type), id });
  if (record instanceof BusinessContact && (record.person.deletedAt || record.organization.deletedAt)) {
    throw problem('linked_record_in_trash');
  }
  const trashedAt = record.deletedAt.getTime();
  const followers =
    type === 'business_contact'
      ? []
      : (
          await em.find(BusinessContact, type === 'person' ? { person: id } : { organization: id }, {
            filters: { [TRASH_FILTER]: false },
            populate: ['person', 'organization'],
          })
        ).filter((follower) => follower.deletedAt?.getTime() === trashedAt);
  record.deletedAt = null;
  record.deletedBy = null;
  const restored: BusinessContact[] = [];
  for (const follower of followers) {
    const otherSide = type === 'person' ? follower.organization : follower.person;
    if (otherSide.deletedAt) continue; // still hidden with its other side
    follower.deletedAt = null;
    follower.deletedBy = null;
    restored.push(follower);
    recordHistory(em, principal, { type: 'business_contact', id: follower.id, action: 'restore' });
  }
  recordHistory(em, principal, { type, id, action: 'restore', after: snapshotOf(type, record) });
  await em.flush();
  await indexRecord(em, documentOf(type, record));
  for (const follower of restored)
    await indexRecord(em, businessContactDocument(follower, follower.person, follower.organization));
  return record;
}

/**
 * Deletes a trashed record for good (admins only). A person deleted for good is erased under GDPR:
 * the other modules' erasure hooks take what they hold only for her and anonymise the rest.
 */
export async function purgeRecord(
  em: EntityManager,
  principal: Principal,
  services: ErasureServices,
  type: ContactType,
  id: string,
): Promise<void> {
  if (!principal.roles.has('admin'))
    throw problem('admin_empties_trash', { things: { en: 'records', de: 'Datensätze' } });
  const record = await findAny(em, type, id);
  if (!record?.deletedAt) throw problem('not_in_trash', { noSuch: noSuch(type), id });
  if (record instanceof Person) {
    const contacts = await em.find(BusinessContact, { person: id }, { filters: { [TRASH_FILTER]: false } });
    const addresses = [...record.emails.map((email) => email.address), ...contacts.map((contact) => contact.email)];
    await runErasureHooks(em, {
      type: 'person',
      id,
      addresses: [...new Set(addresses.flatMap((address) => (address ? [address.trim().toLowerCase()] : [])))],
      erasedBy: principal,
      ...services,
    });
  }
  em.remove(record);
  await em.flush();
  await unindexRecord(em, type, id);
}

export interface TrashItem {
  type: ContactType | 'deal';
  id: string;
  title: string;
  deletedAt: string;
  deletedBy: string | null;
}

export async function listTrash(
  em: EntityManager,
  options: { limit: number; cursor?: string | undefined },
  others: readonly TrashSource[] = [],
): Promise<{ items: TrashItem[]; nextCursor: string | null }> {
  const after = decodeCursor(options.cursor, 2) as [string, string] | undefined;
  const trashed = db(em)
    .selectFrom('person')
    .select([
      sql<string>`'person'`.as('type'),
      'id',
      sql<string>`concat_ws(' ', title, first_name, last_name)`.as('title'),
      sql<Date>`deleted_at`.as('deleted_at'),
      'deleted_by',
    ])
    .where('deleted_at', 'is not', null)
    .unionAll((eb) =>
      eb
        .selectFrom('organization')
        .select([
          sql<string>`'organization'`.as('type'),
          'id',
          'name as title',
          sql<Date>`deleted_at`.as('deleted_at'),
          'deleted_by',
        ])
        .where('deleted_at', 'is not', null),
    )
    .unionAll((eb) =>
      eb
        .selectFrom('business_contact as bc')
        .innerJoin('person as p', 'p.id', 'bc.person_id')
        .innerJoin('organization as o', 'o.id', 'bc.organization_id')
        .select([
          sql<string>`'business_contact'`.as('type'),
          'bc.id',
          sql<string>`concat_ws(' ', p.first_name, p.last_name) || ' (' || o.name || ')'`.as('title'),
          sql<Date>`bc.deleted_at`.as('deleted_at'),
          'bc.deleted_by',
        ])
        .where('bc.deleted_at', 'is not', null)
        .where('p.deleted_at', 'is', null)
        .where('o.deleted_at', 'is', null),
    );
  const rows = await db(em)
    .selectFrom(others.reduce<typeof trashed>((all, other) => all.unionAll(other), trashed).as('trash'))
    .selectAll()
    .$if(after !== undefined, (q) =>
      q.where(({ eb, refTuple, tuple }) =>
        eb(
          refTuple('deleted_at', 'id'),
          '<',
          tuple(sql<Date>`${after?.[0]}::timestamptz`, sql<string>`${after?.[1]}::uuid`),
        ),
      ),
    )
    .orderBy('deleted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.map((row) => ({
    type: row.type as TrashItem['type'],
    id: row.id,
    title: row.title,
    deletedAt: new Date(row.deleted_at).toISOString(),
    deletedBy: row.deleted_by,
  }));
  return page(items, options.limit, (last) => [last.deletedAt, last.id]);
}
