// The exact keys of a search document (its addresses and numbers), one row each, behind a B-tree
// on (tenant, kind, value): what the sender lookup and the duplicate check look up (#17). Written
// by the statement that writes the search document (records/search-index.ts).
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation } from '../entity-columns.ts';

export const SearchKeySchema = defineEntity({
  name: 'SearchKey',
  tableName: 'search_key',
  policies: tenantIsolation(),
  indexes: [{ name: 'search_key_record_idx', properties: ['recordType', 'recordId'] }],
  checks: [{ name: 'search_key_kind_check', expression: "kind = ANY (ARRAY['email'::text, 'phone'::text])" }],
  properties: {
    tenant: () => tenantColumn().primary(),
    kind: p.enum(['email', 'phone']).primary(),
    value: p.text().primary(),
    recordType: p.text().primary(),
    recordId: p.uuid().primary(),
  },
});
export class SearchKey extends SearchKeySchema.class {}
SearchKeySchema.setClass(SearchKey);
