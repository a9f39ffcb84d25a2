// The record types others can point at (tags, relations, tasks, notes …): their table and
// a readable title, so cross-cutting features check existence without knowing each module.
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../http/errors.ts';

export const RECORD_TYPES = ['person', 'organization', 'business_contact'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

const TABLES: Record<RecordType, { table: string; label: string }> = {
  person: { table: 'person', label: 'person' },
  organization: { table: 'organization', label: 'organization' },
  business_contact: { table: 'business_contact', label: 'business contact' },
};

/** Throws 404 unless the record exists in the caller's tenant and is not in the trash. */
export async function requireRecord(em: EntityManager, type: RecordType, id: string): Promise<void> {
  const { table, label } = TABLES[type];
  const rows = await em
    .getConnection()
    .execute(`select 1 from ${table} where id = ? and deleted_at is null`, [id], 'all', em.getTransactionContext());
  if (rows.length === 0) throw notFound(`There is no ${label} ${id} in your organisation (it may be in the trash).`);
}
