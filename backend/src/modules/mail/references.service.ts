// A record's short reference for mail subjects (E3): "[CRM-P-1234]", a number per tenant handed out
// the first time someone asks, with a letter for the kind of record. Mail filed with such a
// reference in its subject is linked to that record.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { currentTenantId, db, lockTransactionOn } from '../../records/sql.ts';

const LETTERS: Record<string, string> = {
  person: 'P',
  organization: 'O',
  business_contact: 'B',
  deal: 'D',
  lead: 'L',
};

export const referenceLetter = (type: string) => LETTERS[type] ?? type.charAt(0).toUpperCase();
export const formatReference = (type: string, number: number) => `[CRM-${referenceLetter(type)}-${number}]`;

const REFERENCE = /\[CRM-([A-Z])-(\d{1,9})\]/gi;
/** More references than this in one subject are not followed. */
const MAX_REFERENCES = 10;

export interface RecordReference {
  reference: string;
  number: number;
}

/** The record's reference; the first call for a record hands out the tenant's next number. */
export async function referenceOf(em: EntityManager, record: RecordRef): Promise<RecordReference> {
  const find = () =>
    db(em)
      .selectFrom('record_reference')
      .select('number')
      .where('tenant_id', '=', currentTenantId)
      .where('record_type', '=', record.type)
      .where('record_id', '=', record.id)
      .orderBy((eb) => eb('merged_from', 'is not', null))
      .orderBy('number')
      .limit(1)
      .executeTakeFirst();
  let found = await find();
  if (!found) {
    // Two first requests at once must not hand out two numbers.
    await lockTransactionOn(em, `reference:${record.type}:${record.id}`);
    found = await find();
  }
  if (!found) {
    const { last_number: number } = await db(em)
      .insertInto('record_reference_counter')
      .values({ tenant_id: currentTenantId, last_number: 1 })
      .onConflict((conflict) =>
        conflict
          .column('tenant_id')
          .doUpdateSet((eb) => ({ last_number: eb('record_reference_counter.last_number', '+', 1) })),
      )
      .returning('last_number')
      .executeTakeFirstOrThrow();
    await db(em)
      .insertInto('record_reference')
      .values({ tenant_id: currentTenantId, number, record_type: record.type, record_id: record.id })
      .execute();
    found = { number };
  }
  return { reference: formatReference(record.type, found.number), number: found.number };
}

/** The records whose references a subject carries (unknown numbers and wrong letters are ignored). */
/** Whether a subject names a CRM record (`[CRM-D-123]`), without asking the database. */
export function mentionsReference(subject: string): boolean {
  return subject.match(REFERENCE) !== null;
}

export async function recordsReferencedIn(em: EntityManager, subject: string): Promise<RecordRef[]> {
  const wanted = [...subject.matchAll(REFERENCE)]
    .slice(0, MAX_REFERENCES)
    .map((match) => ({ letter: (match[1] as string).toUpperCase(), number: Number(match[2]) }));
  if (wanted.length === 0) return [];
  const numbers = `{${wanted.map((w) => w.number).join(',')}}`;
  const rows = await db(em)
    .selectFrom('record_reference')
    .select(['number', 'record_type', 'record_id'])
    .where('tenant_id', '=', currentTenantId)
    .where((eb) => eb('number', '=', eb.fn.any(sql<number[]>`${numbers}::int[]`)))
    .execute();
  return wanted.flatMap(({ letter, number }) =>
    rows
      .filter((row) => row.number === number && referenceLetter(row.record_type) === letter)
      .map((row) => ({ type: row.record_type, id: row.record_id })),
  );
}

// The merged record's references now lead to the survivor.
export const moveMailReferencesOnMerge: MergeHook = async (em, merge) => {
  await db(em)
    .updateTable('record_reference')
    .set((eb) => ({ record_id: merge.survivorId, merged_from: eb.fn.coalesce('merged_from', 'record_id') }))
    .where('tenant_id', '=', currentTenantId)
    .where('record_type', '=', merge.type)
    .where('record_id', '=', merge.mergedId)
    .execute();
};
