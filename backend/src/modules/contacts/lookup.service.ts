// Email lookup for Outlook: who owns each address, in one indexed query for all of them.
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../records/search-index.ts';

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

export async function lookupEmails(em: EntityManager, addresses: readonly string[]): Promise<LookupItem[]> {
  const wanted = [...new Set(addresses.map((address) => address.trim().toLowerCase()).filter(Boolean))];
  const rows = await em.getConnection().execute<Owner[]>(
    `with wanted(email) as (select unnest(?::text[]))
     select w.email, 'person' as type, p.id, concat_ws(' ', p.first_name, p.last_name) as name,
            null::uuid as person_id, null::uuid as organization_id, null as person_name, null as organization_name
       from wanted w
       join person p on p.emails @> jsonb_build_array(jsonb_build_object('address', w.email))
      where p.deleted_at is null
     union all
     select w.email, 'organization', o.id, o.name, null, null, null, null
       from wanted w
       join organization o on o.emails @> jsonb_build_array(jsonb_build_object('address', w.email))
      where o.deleted_at is null
     union all
     select w.email, 'business_contact', bc.id, null, p.id, o.id, concat_ws(' ', p.first_name, p.last_name), o.name
       from wanted w
       join business_contact bc on bc.tenant_id = crm_current_tenant() and bc.email = w.email
       join person p on p.id = bc.person_id and p.deleted_at is null
       join organization o on o.id = bc.organization_id and o.deleted_at is null
      where bc.deleted_at is null`,
    [pgArray(wanted)],
    'all',
    em.getTransactionContext(),
  );
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
