// Readable titles of records ("Jürgen Weiß", "Bäckerei Schmitt GmbH") for items that point at
// them (notes in search hits, notifications about comments): any number of records, one query per type.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { wired } from '../modules/wiring.ts';
import type { RecordRef } from './record-links.ts';
import { uuidArray } from './search-index.ts';
import { db } from './sql.ts';

/** The titles of the records with the given ids, records in the trash left out. */
export type RecordTitles = (em: EntityManager, ids: readonly string[]) => Promise<{ id: string; title: string }[]>;

const TITLES: Readonly<Record<string, RecordTitles>> = {
  person: (em, ids) =>
    db(em)
      .selectFrom('person')
      .select((eb) => [
        'id',
        eb.fn<string>('concat_ws', [sql.lit(' '), 'title', 'first_name', 'last_name']).as('title'),
      ])
      .where((eb) => eb('id', '=', eb.fn.any(uuidArray(ids))))
      .where('deleted_at', 'is', null)
      .execute(),
  organization: (em, ids) =>
    db(em)
      .selectFrom('organization')
      .select(['id', 'name as title'])
      .where((eb) => eb('id', '=', eb.fn.any(uuidArray(ids))))
      .where('deleted_at', 'is', null)
      .execute(),
  business_contact: (em, ids) =>
    db(em)
      .selectFrom('business_contact as bc')
      .innerJoin('person as p', 'p.id', 'bc.person_id')
      .innerJoin('organization as o', 'o.id', 'bc.organization_id')
      .select((eb) => [
        'bc.id',
        sql<string>`${eb.fn('concat_ws', [sql.lit(' '), 'p.first_name', 'p.last_name'])} || ' (' || ${eb.ref('o.name')} || ')'`.as(
          'title',
        ),
      ])
      .where((eb) => eb('bc.id', '=', eb.fn.any(uuidArray(ids))))
      .where('bc.deleted_at', 'is', null)
      .execute(),
};

/** The contacts' titles, and those modules contribute (leads: CrmModule.recordTitles). */
const titlesOf = (type: string): RecordTitles | undefined => TITLES[type] ?? wired().recordTitles.get(type);

export const refKey = (ref: RecordRef) => `${ref.type}:${ref.id}`;

/** Titles by `type:id`; a record that does not exist, is in the trash or has an unknown type is missing. */
export async function recordTitles(em: EntityManager, refs: readonly RecordRef[]): Promise<Map<string, string>> {
  const byType = new Map<string, Set<string>>();
  for (const ref of refs) {
    if (!titlesOf(ref.type)) continue;
    byType.set(ref.type, (byType.get(ref.type) ?? new Set()).add(ref.id));
  }
  const titles = new Map<string, string>();
  for (const [type, ids] of byType) {
    const rows = await (titlesOf(type) as RecordTitles)(em, [...ids]);
    for (const row of rows) titles.set(`${type}:${row.id}`, row.title);
  }
  return titles;
}
