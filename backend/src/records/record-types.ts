// The record types others can point at (tags, relations, tasks, notes …): their table and
// a readable title, so cross-cutting features check existence without knowing each module.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { Principal } from '../http/principal.ts';
import { noSuch, problem } from '../http/problems.ts';
import { RECORD_TYPES, type RecordType } from './record-types.schemas.ts';
import { uuidArray } from './search-index.ts';
import { db } from './sql.ts';

export { RECORD_TYPES, type RecordType };

/** Owned types (tables with `owner_id`) are seen by whom `principal.visibility(type)` allows. */
const TABLES: Record<RecordType, { table: RecordType; label: string; owned?: 'deal' | 'lead' }> = {
  person: { table: 'person', label: 'person' },
  organization: { table: 'organization', label: 'organization' },
  business_contact: { table: 'business_contact', label: 'business contact' },
  deal: { table: 'deal', label: 'deal', owned: 'deal' },
  lead: { table: 'lead', label: 'lead', owned: 'lead' },
};

/** `select 1` from the type's table by id, limited to what the caller may see of an owned type. */
async function visibleRow(em: EntityManager, principal: Principal | undefined, type: RecordType, id: string) {
  const { table, owned } = TABLES[type];
  const visibility = owned && principal ? await principal.visibility(type) : undefined;
  if (owned && visibility && visibility.scope !== 'all') {
    const ownerIds = uuidArray(visibility.ownerIds);
    return db(em)
      .selectFrom(owned)
      .select(sql<number>`1`.as('one'))
      .where('id', '=', id)
      .where((eb) => eb('owner_id', '=', eb.fn.any(ownerIds)));
  }
  return db(em).selectFrom(table).select(sql<number>`1`.as('one')).where('id', '=', id);
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
  const row = await (await visibleRow(em, principal, type, id)).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw problem('not_found_maybe_trashed', { noSuch: noSuch(type), id });
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
  if (!TABLES[type].owned) return;
  const row = await (await visibleRow(em, principal, type, id)).executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch(type), id });
}
