// The search document of a record: one row per searchable record, kept current in the same
// transaction as the record. Global search and the duplicate check read it.
import type { EntityManager } from '@mikro-orm/postgresql';

export interface SearchDocument {
  type: string;
  id: string;
  title: string;
  subtitle: string | null;
  /** Folded text for trigram similarity and prefix search. */
  normalized: string;
  /** Kölner Phonetik codes of the name's words. */
  phonetic: string[];
  emails: string[];
  /** E.164 numbers. */
  phones: string[];
  postalCodes: string[];
  vatId: string | null;
  /** Everything else worth finding by full text (folded). */
  body: string;
  /** For owned records (deals): who owns it; search shows it to those who may see the owner's records. */
  ownerId?: string | null;
}

export async function indexRecord(em: EntityManager, doc: SearchDocument): Promise<void> {
  await em.getConnection().execute(
    `insert into search_document
       (tenant_id, record_type, record_id, title, subtitle, normalized, phonetic, emails, phones, postal_codes, vat_id, body, owner_id, updated_at)
     values (crm_current_tenant(), ?, ?, ?, ?, ?, ?::text[], ?::text[], ?::text[], ?::text[], ?,
             setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'C'), ?, now())
     on conflict (record_type, record_id) do update set
       title = excluded.title, subtitle = excluded.subtitle, normalized = excluded.normalized,
       phonetic = excluded.phonetic, emails = excluded.emails, phones = excluded.phones,
       postal_codes = excluded.postal_codes, vat_id = excluded.vat_id, body = excluded.body,
       owner_id = excluded.owner_id, updated_at = now()`,
    [
      doc.type,
      doc.id,
      doc.title,
      doc.subtitle,
      doc.normalized,
      pgArray(doc.phonetic),
      pgArray(doc.emails),
      pgArray(doc.phones),
      pgArray(doc.postalCodes),
      doc.vatId,
      doc.normalized,
      doc.body,
      doc.ownerId ?? null,
    ],
    'run',
    em.getTransactionContext(),
  );
}

export async function unindexRecord(em: EntityManager, type: string, id: string): Promise<void> {
  await em
    .getConnection()
    .execute(
      'delete from search_document where record_type = ? and record_id = ?',
      [type, id],
      'run',
      em.getTransactionContext(),
    );
}

/** A PostgreSQL array literal; the driver layer expands JS arrays into lists. */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
