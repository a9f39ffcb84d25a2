// A record's short reference for mail subjects (E3): "[CRM-P-1234]", a number per tenant handed out
// the first time someone asks, with a letter for the kind of record. Mail filed with such a
// reference in its subject is linked to that record.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { sqlIn } from '../../records/sql.ts';

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
  const find = async () =>
    (
      await sqlIn<{ number: number }>(
        em,
        `select number from record_reference
          where tenant_id = crm_current_tenant() and record_type = ? and record_id = ?
          order by merged_from is not null, number limit 1`,
        [record.type, record.id],
      )
    )[0];
  let found = await find();
  if (!found) {
    // Two first requests at once must not hand out two numbers.
    await sqlIn(em, 'select pg_advisory_xact_lock(hashtextextended(?, 0))', [`reference:${record.type}:${record.id}`]);
    found = await find();
  }
  if (!found) {
    const [counter] = await sqlIn<{ last_number: number }>(
      em,
      `insert into record_reference_counter (tenant_id, last_number) values (crm_current_tenant(), 1)
       on conflict (tenant_id) do update set last_number = record_reference_counter.last_number + 1
       returning last_number`,
    );
    const number = (counter as { last_number: number }).last_number;
    await sqlIn(
      em,
      'insert into record_reference (tenant_id, number, record_type, record_id) values (crm_current_tenant(), ?, ?, ?)',
      [number, record.type, record.id],
    );
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
  const rows = await sqlIn<{ number: number; record_type: string; record_id: string }>(
    em,
    `select number, record_type, record_id from record_reference
      where tenant_id = crm_current_tenant() and number = any(?::int[])`,
    [`{${wanted.map((w) => w.number).join(',')}}`],
  );
  return wanted.flatMap(({ letter, number }) =>
    rows
      .filter((row) => row.number === number && referenceLetter(row.record_type) === letter)
      .map((row) => ({ type: row.record_type, id: row.record_id })),
  );
}

// The merged record's references now lead to the survivor.
export const moveMailReferencesOnMerge: MergeHook = async (em, merge) => {
  await sqlIn(
    em,
    `update record_reference set record_id = ?, merged_from = coalesce(merged_from, record_id)
      where tenant_id = crm_current_tenant() and record_type = ? and record_id = ?`,
    [merge.survivorId, merge.type, merge.mergedId],
  );
};
