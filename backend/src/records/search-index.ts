// The search document of a record: one row per searchable record, kept current in the same
// transaction as the record. Global search and the duplicate check read it.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { db } from './sql.ts';

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

/**
 * The search keys of the documents `written` yields (a statement's rows with tenant_id,
 * record_type, record_id, emails, phones): one row per address and number, the B-tree the exact
 * lookups read. Keys a document no longer has go, keys it kept stay, new ones come: deleting all
 * and inserting again in one statement would collide with the rows being deleted.
 */
export const searchKeysOf = (written: string) => `
  stale as (
    delete from search_key k using ${written} w
     where k.record_type = w.record_type and k.record_id = w.record_id
       and not (k.kind = 'email' and k.value = any(w.emails))
       and not (k.kind = 'phone' and k.value = any(w.phones)))
  insert into search_key (tenant_id, kind, value, record_type, record_id)
  select w.tenant_id, 'email', value, w.record_type, w.record_id from ${written} w, unnest(w.emails) as value
  union
  select w.tenant_id, 'phone', value, w.record_type, w.record_id from ${written} w, unnest(w.phones) as value
  on conflict do nothing`;

/**
 * The search documents of records created in this transaction, in one statement for all. A
 * document with addresses, numbers, phonetic codes or postal codes (search keys to write) goes
 * through indexRecord.
 */
export async function indexNewRecords(em: EntityManager, docs: readonly SearchDocument[]): Promise<void> {
  const plain = docs.filter(
    (doc) => doc.emails.length + doc.phones.length + doc.phonetic.length + doc.postalCodes.length === 0,
  );
  for (const doc of docs) if (!plain.includes(doc)) await indexRecord(em, doc);
  if (plain.length === 0) return;
  await db(em)
    .insertInto('search_document')
    .values(
      plain.map((doc) => ({
        tenant_id: sql<string>`crm_current_tenant()`,
        record_type: doc.type,
        record_id: doc.id,
        title: doc.title,
        subtitle: doc.subtitle,
        normalized: doc.normalized,
        vat_id: doc.vatId,
        body: sql<string>`setweight(to_tsvector('simple', ${doc.normalized}), 'A') || setweight(to_tsvector('simple', ${doc.body}), 'C')`,
        owner_id: doc.ownerId ?? null,
        updated_at: new Date(),
      })),
    )
    .execute();
}

export async function indexRecord(em: EntityManager, doc: SearchDocument): Promise<void> {
  await em.getConnection().execute(
    `with written as (
       insert into search_document
         (tenant_id, record_type, record_id, title, subtitle, normalized, phonetic, emails, phones, postal_codes, vat_id, body, owner_id, updated_at)
       values (crm_current_tenant(), ?, ?, ?, ?, ?, ?::text[], ?::text[], ?::text[], ?::text[], ?,
               setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'C'), ?, now())
       on conflict (record_type, record_id) do update set
         title = excluded.title, subtitle = excluded.subtitle, normalized = excluded.normalized,
         phonetic = excluded.phonetic, emails = excluded.emails, phones = excluded.phones,
         postal_codes = excluded.postal_codes, vat_id = excluded.vat_id, body = excluded.body,
         owner_id = excluded.owner_id, updated_at = now()
       returning tenant_id, record_type, record_id, emails, phones),
     ${searchKeysOf('written')}`,
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
  await em.getConnection().execute(
    `with keys as (delete from search_key where record_type = ? and record_id = ?)
     delete from search_document where record_type = ? and record_id = ?`,
    [type, id, type, id],
    'run',
    em.getTransactionContext(),
  );
}

/** A statement with `?` placeholders and its parameters, as services run it and tests explain it. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** A PostgreSQL array literal; the driver layer expands JS arrays into lists. */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

/** Ids as one `uuid[]` bind parameter, for `= any(…)`: one statement shape whatever their number. */
export const uuidArray = (ids: readonly string[]) => sql<string[]>`${pgArray(ids)}::uuid[]`;

/** Texts as one `text[]` bind parameter. */
export const textArray = (values: readonly string[]) => sql<string[]>`${pgArray(values)}::text[]`;
