// The record types others can point at (tags, relations, tasks, notes …): their table and
// a readable title, so cross-cutting features check existence without knowing each module.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../http/principal.ts';
import { noSuch, problem } from '../http/problems.ts';
import { RECORD_TYPES, type RecordType } from './record-types.schemas.ts';
import { pgArray } from './search-index.ts';

export { RECORD_TYPES, type RecordType };

/** Owned types are seen by whom `principal.visibility(type)` allows, matched on the owner column. */
const TABLES: Record<RecordType, { table: string; label: string; ownerColumn?: string }> = {
  person: { table: 'person', label: 'person' },
  organization: { table: 'organization', label: 'organization' },
  business_contact: { table: 'business_contact', label: 'business contact' },
  deal: { table: 'deal', label: 'deal', ownerColumn: 'owner_id' },
  lead: { table: 'lead', label: 'lead', ownerColumn: 'owner_id' },
};

/** SQL condition and parameters limiting an owned type to what the caller may see ('true' for all). */
async function visibleTo(principal: Principal | undefined, type: RecordType): Promise<[string, unknown[]]> {
  const { ownerColumn } = TABLES[type];
  if (!ownerColumn || !principal) return ['true', []];
  const visibility = await principal.visibility(type);
  return visibility.scope === 'all'
    ? ['true', []]
    : [`${ownerColumn} = any(?::uuid[])`, [pgArray(visibility.ownerIds)]];
}

/**
 * Throws 404 unless the record exists in the caller's tenant and is not in the trash, and, for
 * owned types (deals), the principal may see it.
 */
export async function requireRecord(
  em: EntityManager,
  type: RecordType,
  id: string,
  principal?: Principal,
): Promise<void> {
  const { table } = TABLES[type];
  const [visible, params] = await visibleTo(principal, type);
  const rows = await em
    .getConnection()
    .execute(
      `select 1 from ${table} where id = ? and deleted_at is null and ${visible}`,
      [id, ...params],
      'all',
      em.getTransactionContext(),
    );
  if (rows.length === 0) throw problem('not_found_maybe_trashed', { noSuch: noSuch(type), id });
}

/**
 * For owned types: 404 unless the principal may see the record, trashed or not (its history, say).
 * Shared types are everyone's: nothing to check.
 */
export async function requireVisible(
  em: EntityManager,
  principal: Principal,
  type: RecordType,
  id: string,
): Promise<void> {
  const { table, ownerColumn } = TABLES[type];
  if (!ownerColumn) return;
  const [visible, params] = await visibleTo(principal, type);
  const rows = await em
    .getConnection()
    .execute(`select 1 from ${table} where id = ? and ${visible}`, [id, ...params], 'all', em.getTransactionContext());
  if (rows.length === 0) throw problem('not_found', { noSuch: noSuch(type), id });
}
