// One search document per searchable record: titles, normalized text, phonetic codes and tsvector.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation } from '../entity-columns.ts';

export const SearchDocumentSchema = defineEntity({
  name: 'SearchDocument',
  tableName: 'search_document',
  policies: tenantIsolation(),
  indexes: [
    { name: 'search_document_body_idx', properties: ['body'], type: 'gin' },
    { name: 'search_document_emails_idx', properties: ['emails'], type: 'gin' },
    { name: 'search_document_phones_idx', properties: ['phones'], type: 'gin' },
    {
      name: 'search_document_phonetic_idx',
      properties: ['phonetic'],
      type: 'gin',
    },
    { name: 'search_document_tenant_idx', properties: ['tenant', 'recordType'] },
    { name: 'search_document_trgm_idx', properties: ['normalized'], type: 'gin' },
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
