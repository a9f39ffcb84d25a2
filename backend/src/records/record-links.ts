// The one link mechanism: tasks, activities, notes and later mails and documents ("items") point
// at any number of records (persons, organizations, business contacts, deals, leads) through
// `record_link`. Listing what is linked to a record is one index probe on (record_type, record_id).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { problem, recordNouns } from '../http/problems.ts';
import { wired } from '../modules/wiring.ts';
import type { MergeHook } from './merge-hooks.ts';
import type { RecordType } from './record-types.schemas.ts';
import { uuidArray } from './search-index.ts';
import { db } from './sql.ts';

export interface RecordRef {
  type: string;
  id: string;
}

const LINKABLE: Readonly<Record<string, { table: RecordType; label: string }>> = {
  person: { table: 'person', label: 'person' },
  organization: { table: 'organization', label: 'organization' },
  business_contact: { table: 'business_contact', label: 'business contact' },
};

/** The contacts, and the types modules make linkable (deals, leads: CrmModule.linkableTypes). */
export function linkableTypes(): string[] {
  return [...Object.keys(LINKABLE), ...wired().linkableTypes.keys()];
}

/** The table and label of a linkable record type (undefined for an unknown type). */
export function linkableTarget(type: string): { table: RecordType; label: string } | undefined {
  return LINKABLE[type] ?? wired().linkableTypes.get(type);
}

/**
 * Checks that every referenced record exists in the caller's tenant and is not in the trash;
 * a missing one answers 422 with the pointer of the offending link (`#/links/2`).
 */
export async function requireLinkable(
  em: EntityManager,
  links: readonly RecordRef[],
  pointer = '#/links',
): Promise<void> {
  for (const [index, link] of links.entries()) {
    const target = linkableTarget(link.type);
    if (!target) {
      throw problem(
        'unknown_record_type',
        { type: link.type, types: linkableTypes() },
        { at: { pointer: `${pointer}/${index}/type` } },
      );
    }
  }
  const byType = new Map<string, string[]>();
  for (const link of links) byType.set(link.type, [...(byType.get(link.type) ?? []), link.id]);
  for (const [type, ids] of byType) {
    const target = linkableTarget(type) as { table: RecordType; label: string };
    const found = await db(em)
      .selectFrom(target.table)
      .select('id')
      .where((eb) => eb('id', '=', eb.fn.any(uuidArray(ids))))
      .where('deleted_at', 'is', null)
      .execute();
    const present = new Set(found.map((row) => row.id));
    const index = links.findIndex((link) => link.type === type && !present.has(link.id));
    if (index >= 0) {
      throw problem(
        'unknown_link',
        { ...recordNouns(type, target.label), id: links[index]?.id ?? '' },
        { at: { pointer: `${pointer}/${index}/id` } },
      );
    }
  }
}

/** The links without repeats, in their first order. */
export function distinctLinks(links: readonly RecordRef[]): RecordRef[] {
  const seen = new Set<string>();
  return links.filter((link) => !seen.has(`${link.type}:${link.id}`) && seen.add(`${link.type}:${link.id}`));
}

/** Links in one order (type, then id), so that the same set compares equal however it was sent. */
export function sortedLinks(links: readonly RecordRef[]): RecordRef[] {
  return [...links].sort((a, b) => (a.type === b.type ? (a.id < b.id ? -1 : 1) : a.type < b.type ? -1 : 1));
}

/** Replaces an item's links with the given ones (deduplicated). */
export async function setLinks(em: EntityManager, item: RecordRef, links: readonly RecordRef[]): Promise<void> {
  await db(em).deleteFrom('record_link').where('item_type', '=', item.type).where('item_id', '=', item.id).execute();
  await addLinks(em, item, links);
}

export async function addLinks(em: EntityManager, item: RecordRef, links: readonly RecordRef[]): Promise<void> {
  if (links.length === 0) return;
  await db(em)
    .insertInto('record_link')
    .values(
      links.map((link) => ({
        tenant_id: sql<string>`crm_current_tenant()`,
        item_type: item.type,
        item_id: item.id,
        record_type: link.type,
        record_id: link.id,
      })),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

/** The links of many items of one type at once: item id -> its records. */
export async function linksOf(
  em: EntityManager,
  itemType: string,
  itemIds: readonly string[],
): Promise<Map<string, RecordRef[]>> {
  const result = new Map<string, RecordRef[]>(itemIds.map((id) => [id, []]));
  if (itemIds.length === 0) return result;
  const rows = await db(em)
    .selectFrom('record_link')
    .select(['item_id', 'record_type', 'record_id'])
    .where('item_type', '=', itemType)
    .where((eb) => eb('item_id', '=', eb.fn.any(uuidArray(itemIds))))
    .orderBy('created_at')
    .orderBy('record_type')
    .orderBy('record_id')
    .execute();
  for (const row of rows) result.get(row.item_id)?.push({ type: row.record_type, id: row.record_id });
  return result;
}

/** A merge moves every link of the merged record to the survivor (a link both had stays once). */
export const moveRecordLinksOnMerge: MergeHook = async (em, merge) => {
  await db(em)
    .insertInto('record_link')
    .columns(['tenant_id', 'item_type', 'item_id', 'record_type', 'record_id', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('record_link')
        .select((inner) => [
          'tenant_id',
          'item_type',
          'item_id',
          'record_type',
          inner.cast<string>(inner.val(merge.survivorId), 'uuid').as('record_id'),
          'created_at',
        ])
        .where('record_type', '=', merge.type)
        .where('record_id', '=', merge.mergedId),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  await db(em)
    .deleteFrom('record_link')
    .where('record_type', '=', merge.type)
    .where('record_id', '=', merge.mergedId)
    .execute();
};
