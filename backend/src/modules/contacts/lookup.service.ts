// Email lookup for Outlook: who owns each address, in one indexed query for all of them.
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, type SqlStatement } from '../../records/search-index.ts';

interface Owner {
  email: string;
  type: 'person' | 'organization' | 'business_contact';
  id: string;
  name: string;
  person_id: string | null;
  organization_id: string | null;
  person_name: string | null;
  organization_name: string | null;
}

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
 * bulk import is.
 */
export function lookupStatement(addresses: readonly string[]): SqlStatement {
  return {
    sql: `select k.value as email, d.record_type as type, d.record_id as id,
                 case when d.record_type = 'person' then concat_ws(' ', rp.first_name, rp.last_name) else d.title end as name,
                 bc.person_id, bc.organization_id,
                 concat_ws(' ', p.first_name, p.last_name) as person_name, o.name as organization_name
            from search_key k
            join search_document d on d.record_type = k.record_type and d.record_id = k.record_id
            left join person rp on d.record_type = 'person' and rp.id = d.record_id
            left join business_contact bc on d.record_type = 'business_contact' and bc.id = d.record_id
            left join person p on p.id = bc.person_id
            left join organization o on o.id = bc.organization_id
           where k.tenant_id = crm_current_tenant() and k.kind = 'email' and k.value = any(?::text[])`,
    params: [pgArray(addresses)],
  };
}

export async function lookupEmails(em: EntityManager, addresses: readonly string[]): Promise<LookupItem[]> {
  const wanted = [...new Set(addresses.map((address) => address.trim().toLowerCase()).filter(Boolean))];
  const statement = lookupStatement(wanted);
  const rows = await em
    .getConnection()
    .execute<Owner[]>(statement.sql, statement.params, 'all', em.getTransactionContext());
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
