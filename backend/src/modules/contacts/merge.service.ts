// Merging two records of a type (C6): the survivor keeps the chosen field values, everything
// linked to the other moves over, history tells, and the other goes to the trash.
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, problem, thingName } from '../../http/problems.ts';
import { recordHistory } from '../../records/history.ts';
import { runMergeHooks } from '../../records/merge-hooks.ts';
import { indexRecord, unindexRecord } from '../../records/search-index.ts';
import { BusinessContact, type Organization, type Person } from './contact.entity.ts';
import {
  businessContactDocument,
  getOrganization,
  getPerson,
  organizationDocument,
  organizationSnapshot,
  personDocument,
  personSnapshot,
} from './contacts.service.ts';

export const PERSON_MERGE_FIELDS = [
  'title',
  'firstName',
  'lastName',
  'emails',
  'phones',
  'addresses',
  'birthday',
  'language',
  'customFields',
  'ownerId',
] as const;
export const ORGANIZATION_MERGE_FIELDS = [
  'name',
  'emails',
  'phones',
  'addresses',
  'vatId',
  'industry',
  'employeeCount',
  'revenue',
  'website',
  'customFields',
  'ownerId',
] as const;

export type MergeChoice = 'survivor' | 'merged';

export interface MergeInput {
  type: 'person' | 'organization';
  survivorId: string;
  mergedId: string;
  /** Whose value a field keeps; lists (emails, phones, addresses) default to both, the rest to the survivor. */
  take?: Record<string, MergeChoice> | undefined;
}

const LISTS = new Set(['emails', 'phones', 'addresses']);

function unionBy<T>(first: readonly T[], second: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set(first.map(key));
  return [...first, ...second.filter((item) => !seen.has(key(item)) && seen.add(key(item)))];
}

const LIST_KEYS: Record<string, (item: never) => string> = {
  emails: (item: { address: string }) => item.address,
  phones: (item: { e164: string }) => item.e164,
  addresses: (item: unknown) => JSON.stringify(item),
};

type Mergeable = Record<string, unknown>;

function combine(survivor: Mergeable, merged: Mergeable, fields: readonly string[], take: Record<string, MergeChoice>) {
  for (const field of fields) {
    const choice = take[field];
    if (choice === 'merged') {
      survivor[field] = merged[field];
    } else if (choice === undefined && LISTS.has(field)) {
      survivor[field] = unionBy(
        survivor[field] as never[],
        merged[field] as never[],
        LIST_KEYS[field] as (item: never) => string,
      );
    } else if (choice === undefined && field === 'customFields') {
      survivor[field] = { ...(merged[field] as object), ...(survivor[field] as object) };
    } else if (choice === undefined && (survivor[field] === null || survivor[field] === undefined)) {
      // An empty field of the survivor takes the other's value.
      survivor[field] = merged[field];
    }
  }
}

export async function mergeRecords(
  em: EntityManager,
  principal: Principal,
  input: MergeInput,
  expectedVersion: number | undefined,
): Promise<Person | Organization> {
  if (input.survivorId === input.mergedId) {
    throw problem('merge_with_itself', {}, { at: { pointer: '#/mergedId' } });
  }
  const fields = input.type === 'person' ? PERSON_MERGE_FIELDS : ORGANIZATION_MERGE_FIELDS;
  const unknown = Object.keys(input.take ?? {}).filter((field) => !(fields as readonly string[]).includes(field));
  if (unknown.length > 0) {
    throw problem(
      'merge_field_unknown',
      { fields: unknown, thing: thingName(input.type), mergeable: fields },
      { at: unknown.map((field) => ({ pointer: `#/take/${field}` })) },
    );
  }
  const load = input.type === 'person' ? getPerson : getOrganization;
  const [survivor, merged] = [await load(em, input.survivorId), await load(em, input.mergedId)];
  checkVersion(survivor, expectedVersion, named('surviving_record'));
  const snapshot = input.type === 'person' ? personSnapshot : organizationSnapshot;
  const before = snapshot(survivor as Person & Organization);
  combine(survivor as unknown as Mergeable, merged as unknown as Mergeable, fields, input.take ?? {});
  survivor.updatedBy = principal.userId ?? null;

  // Business contacts move over; the survivor keeps its own primary one.
  const link = input.type === 'person' ? 'person' : 'organization';
  const moved = await em.find(BusinessContact, { [link]: merged.id }, { populate: ['person', 'organization'] });
  const survivorHasPrimary =
    input.type === 'person' && (await em.count(BusinessContact, { person: survivor.id, isPrimary: true })) > 0;
  for (const contact of moved) {
    if (input.type === 'person') {
      contact.person = survivor as Person;
      if (survivorHasPrimary) contact.isPrimary = false;
    } else {
      contact.organization = survivor as Organization;
    }
    contact.updatedBy = principal.userId ?? null;
    recordHistory(em, principal, {
      type: 'business_contact',
      id: contact.id,
      action: 'update',
      before: { [`${link}Id`]: merged.id },
      after: { [`${link}Id`]: survivor.id },
    });
  }
  merged.deletedAt = new Date();
  merged.deletedBy = principal.userId ?? null;
  recordHistory(em, principal, {
    type: input.type,
    id: survivor.id,
    action: 'merge',
    before: { ...before, mergedId: merged.id },
    after: snapshot(survivor as Person & Organization),
  });
  recordHistory(em, principal, {
    type: input.type,
    id: merged.id,
    action: 'delete',
    after: { mergedInto: survivor.id },
  });
  // Primary flags first: one primary business contact per person at any moment.
  await em.flush();
  await runMergeHooks(em, {
    type: input.type,
    survivorId: survivor.id,
    mergedId: merged.id,
    mergedBy: principal.userId ?? null,
  });
  await unindexRecord(em, input.type, merged.id);
  await indexRecord(
    em,
    input.type === 'person' ? personDocument(survivor as Person) : organizationDocument(survivor as Organization),
  );
  for (const contact of moved) {
    await indexRecord(em, businessContactDocument(contact, contact.person, contact.organization));
  }
  return survivor;
}
