// The search document of a record: one row per searchable record, kept current in the same
// transaction as the record. Global search and the duplicate check read it.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { currentTenantId, db } from './sql.ts';

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
        body: searchBody(doc),
        owner_id: doc.ownerId ?? null,
        updated_at: new Date(),
      })),
    )
    .execute();
}

/** The search_document's tsvector: the normalized name weighs more than the rest of the text. */
const searchBody = (doc: SearchDocument) =>
  sql<string>`setweight(to_tsvector('simple', ${doc.normalized}), 'A') || setweight(to_tsvector('simple', ${doc.body}), 'C')`;

/** Writes a record's search document and its search keys (searchKeysOf, typed), in one statement. */
export async function indexRecord(em: EntityManager, doc: SearchDocument): Promise<void> {
  await db(em)
    .with('written', (qb) =>
      qb
        .insertInto('search_document')
        .values({
          tenant_id: currentTenantId,
          record_type: doc.type,
          record_id: doc.id,
          title: doc.title,
          subtitle: doc.subtitle,
          normalized: doc.normalized,
          phonetic: textArray(doc.phonetic),
          emails: textArray(doc.emails),
          phones: textArray(doc.phones),
          postal_codes: textArray(doc.postalCodes),
          vat_id: doc.vatId,
          body: searchBody(doc),
          owner_id: doc.ownerId ?? null,
          updated_at: sql<Date>`now()`,
        })
        .onConflict((conflict) =>
          conflict.columns(['tenant_id', 'record_type', 'record_id']).doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            subtitle: eb.ref('excluded.subtitle'),
            normalized: eb.ref('excluded.normalized'),
            phonetic: eb.ref('excluded.phonetic'),
            emails: eb.ref('excluded.emails'),
            phones: eb.ref('excluded.phones'),
            postal_codes: eb.ref('excluded.postal_codes'),
            vat_id: eb.ref('excluded.vat_id'),
            body: eb.ref('excluded.body'),
            owner_id: eb.ref('excluded.owner_id'),
            updated_at: sql<Date>`now()`,
          })),
        )
        .returning(['tenant_id', 'record_type', 'record_id', 'emails', 'phones']),
    )
    // Keys the document no longer has go; kept ones stay (a delete-all-and-insert in one statement
    // would collide with the rows being deleted).
    .with('stale', (qb) =>
      qb
        .deleteFrom('search_key as k')
        .using('written as w')
        .whereRef('k.record_type', '=', 'w.record_type')
        .whereRef('k.record_id', '=', 'w.record_id')
        .where((eb) => eb.not(eb.and([eb('k.kind', '=', 'email'), eb('k.value', '=', eb.fn.any('w.emails'))])))
        .where((eb) => eb.not(eb.and([eb('k.kind', '=', 'phone'), eb('k.value', '=', eb.fn.any('w.phones'))]))),
    )
    .insertInto('search_key')
    .columns(['tenant_id', 'kind', 'value', 'record_type', 'record_id'])
    .expression((eb) =>
      eb
        .selectFrom('written as w')
        .select((row) => [
          'w.tenant_id',
          sql.lit('email').as('kind'),
          row.fn<string>('unnest', ['w.emails']).as('value'),
          'w.record_type',
          'w.record_id',
        ])
        .union(
          eb
            .selectFrom('written as w')
            .select((row) => [
              'w.tenant_id',
              sql.lit('phone').as('kind'),
              row.fn<string>('unnest', ['w.phones']).as('value'),
              'w.record_type',
              'w.record_id',
            ]),
        ),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

export async function unindexRecord(em: EntityManager, type: string, id: string): Promise<void> {
  await db(em)
    .with('keys', (qb) => qb.deleteFrom('search_key').where('record_type', '=', type).where('record_id', '=', id))
    .deleteFrom('search_document')
    .where('tenant_id', '=', currentTenantId)
    .where('record_type', '=', type)
    .where('record_id', '=', id)
    .execute();
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
