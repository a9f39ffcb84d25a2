// The one link mechanism: tasks, activities, notes and later mails and documents ("items") point
// at any number of records (persons, organizations, business contacts, deals, leads) through
// `record_link`. Listing what is linked to a record is one index probe on (record_type, record_id).
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../http/errors.ts';
import { wired } from '../modules/wiring.ts';
import type { MergeHook } from './merge-hooks.ts';
import { pgArray } from './search-index.ts';
import { sqlIn } from './sql.ts';

export interface RecordRef {
  type: string;
  id: string;
}

const LINKABLE: Readonly<Record<string, { table: string; label: string }>> = {
  person: { table: 'person', label: 'person' },
  organization: { table: 'organization', label: 'organization' },
  business_contact: { table: 'business_contact', label: 'business contact' },
};

/** The contacts, and the types modules make linkable (deals, leads: CrmModule.linkableTypes). */
export function linkableTypes(): string[] {
  return [...Object.keys(LINKABLE), ...wired().linkableTypes.keys()];
}

/** The table and label of a linkable record type (undefined for an unknown type). */
export function linkableTarget(type: string): { table: string; label: string } | undefined {
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
      throw new AppError({
        status: 400,
        code: 'validation_failed',
        title: 'Unknown record type',
        detail: `Records of type "${link.type}" cannot be linked; use one of ${linkableTypes().join(', ')}.`,
        errors: [{ in: 'body', pointer: `${pointer}/${index}/type`, detail: 'unknown record type' }],
      });
    }
  }
  const byType = new Map<string, string[]>();
  for (const link of links) byType.set(link.type, [...(byType.get(link.type) ?? []), link.id]);
  for (const [type, ids] of byType) {
    const target = linkableTarget(type) as { table: string; label: string };
    const found = await sqlIn<{ id: string }>(
      em,
      `select id from ${target.table} where id = any(?::uuid[]) and deleted_at is null`,
      [pgArray(ids)],
    );
    const present = new Set(found.map((row) => row.id));
    const index = links.findIndex((link) => link.type === type && !present.has(link.id));
    if (index >= 0) {
      throw new AppError({
        status: 422,
        code: 'unknown_link',
        title: `Unknown ${target.label}`,
        detail: `There is no ${target.label} ${links[index]?.id} in your organisation, or it is in the trash.`,
        errors: [{ in: 'body', pointer: `${pointer}/${index}/id`, detail: `no such ${target.label}` }],
      });
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
  await sqlIn(em, 'delete from record_link where item_type = ? and item_id = ?', [item.type, item.id]);
  await addLinks(em, item, links);
}

export async function addLinks(em: EntityManager, item: RecordRef, links: readonly RecordRef[]): Promise<void> {
  if (links.length === 0) return;
  await sqlIn(
    em,
    `insert into record_link (tenant_id, item_type, item_id, record_type, record_id)
     select crm_current_tenant(), ?, ?::uuid, l.type, l.id
       from unnest(?::text[], ?::uuid[]) as l(type, id)
     on conflict do nothing`,
    [item.type, item.id, pgArray(links.map((link) => link.type)), pgArray(links.map((link) => link.id))],
  );
}

/** The links of many items of one type at once: item id -> its records. */
export async function linksOf(
  em: EntityManager,
  itemType: string,
  itemIds: readonly string[],
): Promise<Map<string, RecordRef[]>> {
  const result = new Map<string, RecordRef[]>(itemIds.map((id) => [id, []]));
  if (itemIds.length === 0) return result;
  const rows = await sqlIn<{ item_id: string; record_type: string; record_id: string }>(
    em,
    `select item_id, record_type, record_id from record_link
      where item_type = ? and item_id = any(?::uuid[]) order by created_at, record_type, record_id`,
    [itemType, pgArray([...itemIds])],
  );
  for (const row of rows) result.get(row.item_id)?.push({ type: row.record_type, id: row.record_id });
  return result;
}

/** A merge moves every link of the merged record to the survivor (a link both had stays once). */
export const moveRecordLinksOnMerge: MergeHook = async (em, merge) => {
  await sqlIn(
    em,
    `insert into record_link (tenant_id, item_type, item_id, record_type, record_id, created_at)
     select tenant_id, item_type, item_id, record_type, ?, created_at from record_link
      where record_type = ? and record_id = ?
     on conflict do nothing`,
    [merge.survivorId, merge.type, merge.mergedId],
  );
  await sqlIn(em, 'delete from record_link where record_type = ? and record_id = ?', [merge.type, merge.mergedId]);
};
