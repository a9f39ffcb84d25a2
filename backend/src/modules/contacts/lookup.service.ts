// Email lookup for Outlook: who owns each address, in one indexed query for all of them.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Kysely, sql } from 'kysely';
import { compileOnly, type Database, statementShapes } from '../../records/sql.ts';

export interface LookupItem {
  email: string;
  persons: { id: string; name: string }[];
  organizations: { id: string; name: string }[];
  businessContacts: {
    id: string;
    personId: string;
    organizationId: string;
    personName: string;
    organizationName: string;
  }[];
}

/**
 * Who owns each of these (folded) addresses: one B-tree probe per address in the tenant's
 * search keys (trashed records have none), whatever the number of contacts and however fresh a
 * bulk import is. The names come from the records by their primary keys: nothing else is read,
 * so no statistics can lead the plan astray.
 */
export function lookupQuery(kysely: Kysely<Database>, addresses: readonly string[]) {
  return kysely
    .selectFrom('search_key as k')
    .leftJoin('person as rp', (join) => join.on('k.record_type', '=', 'person').onRef('rp.id', '=', 'k.record_id'))
    .leftJoin('organization as ro', (join) =>
      join.on('k.record_type', '=', 'organization').onRef('ro.id', '=', 'k.record_id'),
    )
    .leftJoin('business_contact as bc', (join) =>
      join.on('k.record_type', '=', 'business_contact').onRef('bc.id', '=', 'k.record_id'),
    )
    .leftJoin('person as p', 'p.id', 'bc.person_id')
    .leftJoin('organization as o', 'o.id', 'bc.organization_id')
    .select(({ ref }) => [
      'k.value as email',
      'k.record_type as type',
      'k.record_id as id',
      sql<string>`case when ${ref('k.record_type')} = 'person' then concat_ws(' ', ${ref('rp.first_name')}, ${ref('rp.last_name')}) else ${ref('ro.name')} end`.as(
        'name',
      ),
      'bc.person_id',
      'bc.organization_id',
      sql<string>`concat_ws(' ', ${ref('p.first_name')}, ${ref('p.last_name')})`.as('person_name'),
      'o.name as organization_name',
    ])
    .where('k.tenant_id', '=', (eb) => eb.fn<string>('crm_current_tenant'))
    .where('k.kind', '=', 'email')
    .where('k.value', '=', sql<string>`any(${addresses}::text[])`);
}

/** The lookup, compiled once and prepared: the pane runs it for every mail it opens. */
const lookupRows = statementShapes(['addresses'], (values: { addresses: readonly string[] }) =>
  lookupQuery(compileOnly, values.addresses),
);

export async function lookupEmails(em: EntityManager, addresses: readonly string[]): Promise<LookupItem[]> {
  const wanted = [...new Set(addresses.map((address) => address.trim().toLowerCase()).filter(Boolean))];
  const rows = await lookupRows(em, 'by address', { addresses: wanted });
  return wanted.map((email) => {
    const mine = rows.filter((row) => row.email === email);
    return {
      email,
      persons: mine.filter((row) => row.type === 'person').map((row) => ({ id: row.id, name: row.name })),
      organizations: mine.filter((row) => row.type === 'organization').map((row) => ({ id: row.id, name: row.name })),
      businessContacts: mine
        .filter((row) => row.type === 'business_contact')
        .map((row) => ({
          id: row.id,
          personId: row.person_id as string,
          organizationId: row.organization_id as string,
          personName: row.person_name ?? '',
          organizationName: row.organization_name ?? '',
        })),
    };
  });
}
