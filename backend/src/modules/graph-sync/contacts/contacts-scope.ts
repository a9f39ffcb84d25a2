// Which persons of a user go to Outlook (X5): every person they own, or only those of them with a
// chosen tag, or matching a chosen saved filter of persons (a user setting, GET/PUT
// /api/v1/me/sync/scope). Persons leaving the scope leave the folder, never the CRM.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import { AppError } from '../../../http/errors.ts';
import { filterCondition } from '../../../http/filter-sql.ts';
import type { FilterNode } from '../../../http/filters.ts';
import { noSuch, problem } from '../../../http/problems.ts';
import { type Database, db } from '../../../records/sql.ts';
import { PERSON_FILTER_FIELDS } from '../../contacts/contacts.service.ts';
import { listCustomFields } from '../../custom-fields/custom-fields.service.ts';
import { SavedFilter } from '../../saved-filters/saved-filter.entity.ts';
import { readSetting, writeSetting } from '../../settings/settings.service.ts';
import { Tag } from '../../tags/tag.entity.ts';
import type { ContactsScope } from '../graph-sync.schemas.ts';

export const CONTACTS_SCOPE_SETTING = 'graph-sync.contacts';

const kept = (value: Partial<ContactsScope> | null | undefined): ContactsScope => ({
  tagId: value?.tagId ?? null,
  savedFilterId: value?.savedFilterId ?? null,
});

export async function readContactsScope(
  em: EntityManager,
  userId: string,
): Promise<{ value: ContactsScope; version: number | null }> {
  const stored = await readSetting<Partial<ContactsScope>>(em, userId, CONTACTS_SCOPE_SETTING);
  return { value: kept(stored.value), version: stored.version };
}

/** A saved filter the user may use: their own or the company's (anyone else's private one is not found). */
function usableFilter(em: EntityManager, userId: string, id: string): Promise<SavedFilter | null> {
  return em.findOne(SavedFilter, { $and: [{ id }, { $or: [{ ownerId: null }, { ownerId: userId }] }] });
}

/**
 * Keeps the scope; a tag must be one of the organisation's (another tenant's is not found), a saved
 * filter one of persons the user may use.
 */
export async function writeContactsScope(
  em: EntityManager,
  userId: string,
  scope: Partial<ContactsScope>,
  expectedVersion: number | undefined,
): Promise<{ value: ContactsScope; version: number | null }> {
  const next = kept(scope);
  if (next.tagId && !(await em.findOne(Tag, { id: next.tagId }))) {
    throw problem('not_found', { noSuch: noSuch('tag'), id: next.tagId });
  }
  if (next.savedFilterId) {
    const saved = await usableFilter(em, userId, next.savedFilterId);
    if (!saved) throw problem('no_such_saved_filter', { id: next.savedFilterId });
    if (saved.entityType !== 'person') {
      throw problem(
        'list_filter_type_mismatch',
        { name: saved.name, type: saved.entityType, wanted: 'person' },
        { at: { pointer: '#/savedFilterId' } },
      );
    }
  }
  const stored = await writeSetting(em, userId, CONTACTS_SCOPE_SETTING, next, expectedVersion);
  return { value: kept(stored.value), version: stored.version };
}

/** The ids of the persons with the scope's tag: a subquery for `p.id in (…)`. */
export function taggedPersons(em: EntityManager, tagId: string) {
  return db(em)
    .selectFrom('record_tag as rt')
    .select('rt.record_id')
    .where('rt.record_type', '=', 'person')
    .where('rt.tag_id', '=', tagId);
}

type PersonRow = { r: Database['person'] };

/**
 * The ids of the persons a saved filter finds now: a subquery for `p.id in (…)`. A filter deleted
 * since (or no longer the user's to use, or naming a field removed since) finds no one, so the
 * folder empties rather than filling with every person the user owns.
 */
async function filteredPersons(em: EntityManager, userId: string, savedFilterId: string) {
  const saved = await usableFilter(em, userId, savedFilterId);
  let condition: Expression<SqlBool> = sql<SqlBool>`false`;
  if (saved?.entityType === 'person') {
    const r = expressionBuilder<PersonRow, 'r'>();
    try {
      condition = filterCondition(saved.filter as FilterNode, {
        fields: PERSON_FILTER_FIELDS,
        customFields: await listCustomFields(em, 'person'),
        customFieldsColumn: r.ref('r.custom_fields'),
        recordType: 'person',
        idColumn: r.ref('r.id'),
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return db(em)
    .selectFrom('person as r')
    .select('r.id')
    .where(() => condition);
}

/** The subqueries of person ids a user's scope narrows to (none: every person they own). */
export async function scopeSubqueries(em: EntityManager, userId: string) {
  const scope = (await readContactsScope(em, userId)).value;
  return [
    ...(scope.tagId ? [taggedPersons(em, scope.tagId)] : []),
    ...(scope.savedFilterId ? [await filteredPersons(em, userId, scope.savedFilterId)] : []),
  ];
}
