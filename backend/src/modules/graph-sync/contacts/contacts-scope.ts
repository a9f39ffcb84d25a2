// Which persons of a user go to Outlook (X5): every person they own, or only those of them with a
// chosen tag (a user setting, GET/PUT /api/v1/me/sync/scope). Persons leaving the scope leave the folder.
import type { EntityManager } from '@mikro-orm/postgresql';
import { noSuch, problem } from '../../../http/problems.ts';
import { db } from '../../../records/sql.ts';
import { readSetting, writeSetting } from '../../settings/settings.service.ts';
import { Tag } from '../../tags/tag.entity.ts';
import type { ContactsScope } from '../graph-sync.schemas.ts';

export const CONTACTS_SCOPE_SETTING = 'graph-sync.contacts';

export async function readContactsScope(
  em: EntityManager,
  userId: string,
): Promise<{ value: ContactsScope; version: number | null }> {
  const stored = await readSetting<ContactsScope>(em, userId, CONTACTS_SCOPE_SETTING);
  return { value: { tagId: stored.value?.tagId ?? null }, version: stored.version };
}

/** Keeps the scope; a tag must be one of the organisation's (another tenant's is not found). */
export async function writeContactsScope(
  em: EntityManager,
  userId: string,
  scope: ContactsScope,
  expectedVersion: number | undefined,
): Promise<{ value: ContactsScope; version: number | null }> {
  if (scope.tagId && !(await em.findOne(Tag, { id: scope.tagId }))) {
    throw problem('not_found', { noSuch: noSuch('tag'), id: scope.tagId });
  }
  const stored = await writeSetting(em, userId, CONTACTS_SCOPE_SETTING, { tagId: scope.tagId }, expectedVersion);
  return { value: { tagId: stored.value?.tagId ?? null }, version: stored.version };
}

/** The ids of the persons with the scope's tag: a subquery for `p.id in (…)`. */
export function taggedPersons(em: EntityManager, tagId: string) {
  return db(em)
    .selectFrom('record_tag as rt')
    .select('rt.record_id')
    .where('rt.record_type', '=', 'person')
    .where('rt.tag_id', '=', tagId);
}
