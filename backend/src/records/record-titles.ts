// Readable titles of records ("Jürgen Weiß", "Bäckerei Schmitt GmbH") for items that point at
// them (notes in search hits, notifications about comments): any number of records, one query.
import type { EntityManager } from '@mikro-orm/postgresql';
import { wired } from '../modules/wiring.ts';
import type { RecordRef } from './record-links.ts';
import { pgArray } from './search-index.ts';
import { sqlIn } from './sql.ts';

/** SQL answering `id, title` for the ids in the one parameter `?::uuid[]`, records in the trash left out. */
const TITLES: Readonly<Record<string, string>> = {
  person: `select id, concat_ws(' ', title, first_name, last_name) as title
             from person where id = any(?::uuid[]) and deleted_at is null`,
  organization: 'select id, name as title from organization where id = any(?::uuid[]) and deleted_at is null',
  business_contact: `select bc.id, concat_ws(' ', p.first_name, p.last_name) || ' (' || o.name || ')' as title
                       from business_contact bc join person p on p.id = bc.person_id
                       join organization o on o.id = bc.organization_id
                      where bc.id = any(?::uuid[]) and bc.deleted_at is null`,
};

/** The contacts' titles, and those modules contribute (leads: CrmModule.recordTitles). */
const titleSql = (type: string): string | undefined => TITLES[type] ?? wired().recordTitles.get(type);

export const refKey = (ref: RecordRef) => `${ref.type}:${ref.id}`;

/** Titles by `type:id`; a record that does not exist, is in the trash or has an unknown type is missing. */
export async function recordTitles(em: EntityManager, refs: readonly RecordRef[]): Promise<Map<string, string>> {
  const byType = new Map<string, Set<string>>();
  for (const ref of refs) {
    if (!titleSql(ref.type)) continue;
    byType.set(ref.type, (byType.get(ref.type) ?? new Set()).add(ref.id));
  }
  if (byType.size === 0) return new Map();
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [type, ids] of byType) {
    parts.push(`select ?::text as type, x.id, x.title from (${titleSql(type)}) x`);
    params.push(type, pgArray([...ids]));
  }
  const rows = await sqlIn<{ type: string; id: string; title: string }>(em, parts.join(' union all '), params);
  return new Map(rows.map((row) => [`${row.type}:${row.id}`, row.title]));
}
