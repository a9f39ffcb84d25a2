// One search document per searchable record: titles, normalized text, phonetic codes and tsvector.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation } from '../entity-columns.ts';

export const SearchDocumentSchema = defineEntity({
  name: 'SearchDocument',
  tableName: 'search_document',
  policies: tenantIsolation(),
  // Led by the tenant (btree_gin): a match is found among the tenant's documents only (#17).
  indexes: [
    {
      name: 'search_document_tenant_body_idx',
      expression: 'CREATE INDEX search_document_tenant_body_idx ON public.search_document USING gin (tenant_id, body)',
    },
    {
      name: 'search_document_tenant_phonetic_idx',
      expression:
        'CREATE INDEX search_document_tenant_phonetic_idx ON public.search_document USING gin (tenant_id, record_type, phonetic)',
    },
    {
      name: 'search_document_tenant_trgm_idx',
      expression:
        'CREATE INDEX search_document_tenant_trgm_idx ON public.search_document USING gin (tenant_id, record_type, normalized gin_trgm_ops)',
    },
    {
      name: 'search_document_tenant_vat_idx',
      where: 'vat_id IS NOT NULL',
      properties: ['tenant', 'vatId'],
    },
    { name: 'search_document_tenant_idx', properties: ['tenant', 'recordType'] },
  ],
  properties: {
    tenant: () => tenantColumn(),
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
