// One search document per searchable record: titles, normalized text, phonetic codes and tsvector.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation } from '../entity-columns.ts';

export const SearchDocumentSchema = defineEntity({
  name: 'SearchDocument',
  tableName: 'search_document',
  policies: tenantIsolation(),
  // One partition per share of tenants (Migration20261217000000_search_by_tenant): a GIN index's
  // entries list the documents of the tenants in its partition, not of every tenant (#17).
  partitionBy: { type: 'hash', expression: 'tenant', partitions: 16 },
  // Led by the tenant (btree_gin): a match is found among the tenant's documents only (#17).
  // Without a pending list (fastupdate off): as fast right after a bulk import as later.
  indexes: [
    {
      name: 'search_document_tenant_body_idx',
      expression:
        'CREATE INDEX search_document_tenant_body_idx ON public.search_document USING gin (tenant_id, body) WITH (fastupdate=off)',
    },
    {
      name: 'search_document_tenant_phonetic_idx',
      expression:
        'CREATE INDEX search_document_tenant_phonetic_idx ON public.search_document USING gin (tenant_id, record_type, phonetic) WITH (fastupdate=off)',
    },
    {
      name: 'search_document_tenant_trgm_idx',
      expression:
        'CREATE INDEX search_document_tenant_trgm_idx ON public.search_document USING gin (tenant_id, record_type, normalized gin_trgm_ops) WITH (fastupdate=off)',
    },
    {
      name: 'search_document_tenant_vat_idx',
      where: 'vat_id IS NOT NULL',
      properties: ['tenant', 'vatId'],
    },
  ],
  properties: {
    tenant: () => tenantColumn().primary(),
    recordType: p.text().primary(),
    recordId: p.uuid().primary(),
    title: p.text(),
    subtitle: p.text().nullable(),
    normalized: p.text(),
    phonetic: p.array().default([]),
    emails: p.array().default([]),
    phones: p.array().default([]),
    postalCodes: p.array().default([]),
    vatId: p.text().nullable(),
    body: p.string().columnType('tsvector'),
    ownerId: p.uuid().nullable(),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class SearchDocument extends SearchDocumentSchema.class {}
SearchDocumentSchema.setClass(SearchDocument);

/**
 * The current tenant's search documents (tenant_id = crm_current_tenant(), the policy's own
 * condition), for the matches of the search and the duplicate check (#17): row-level security
 * keeps non-leakproof operators (%, @@, @>) out of index conditions, so read through the table
 * a match filtered every document of the tenant; read through this view, owned like the table,
 * the tenant and the match are one condition on the tenant-led GIN index. Read-only.
 */
export const SearchDocumentInTenantSchema = defineEntity({
  name: 'SearchDocumentInTenant',
  tableName: 'search_document_in_tenant',
  view: true,
  readonly: true,
  expression: 'select * from search_document where tenant_id = crm_current_tenant()',
  properties: {
    tenant: () => tenantColumn(),
    recordType: p.text().primary(),
    recordId: p.uuid().primary(),
    title: p.text(),
    subtitle: p.text().nullable(),
    normalized: p.text(),
    phonetic: p.array(),
    emails: p.array(),
    phones: p.array(),
    postalCodes: p.array(),
    vatId: p.text().nullable(),
    body: p.string().columnType('tsvector'),
    ownerId: p.uuid().nullable(),
    updatedAt: p.datetime(),
  },
});
export class SearchDocumentInTenant extends SearchDocumentInTenantSchema.class {}
SearchDocumentInTenantSchema.setClass(SearchDocumentInTenant);
