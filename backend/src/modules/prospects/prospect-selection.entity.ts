// Saved selections of prospects by the shared filter tree.
import { defineEntity, p } from '@mikro-orm/core';
import { authorColumns, tenantColumn, tenantIsolation, versionedColumns } from '../../entity-columns.ts';
import type { FilterNode } from '../../http/filters.ts';
import { newId } from '../../ids.ts';

export const ProspectSelectionSchema = defineEntity({
  name: 'ProspectSelection',
  tableName: 'prospect_selection',
  policies: tenantIsolation(),
  uniques: [
    {
      name: 'prospect_selection_name_uq',
      expression:
        'CREATE UNIQUE INDEX prospect_selection_name_uq ON public.prospect_selection USING btree (tenant_id, lower(name))',
    },
  ],
  checks: [
    {
      name: 'prospect_selection_description_check',
      expression: 'length(description) <= 2000',
    },
    {
      name: 'prospect_selection_filter_check',
      expression: "jsonb_typeof(filter) = 'object'::text",
    },
    {
      name: 'prospect_selection_name_check',
      expression: '(length(name) >= 1) AND (length(name) <= 120)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    name: p.text(),
    description: p.text().nullable(),
    filter: p.json<FilterNode>().nullable(),
    savedFilterId: p.uuid().nullable(),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class ProspectSelection extends ProspectSelectionSchema.class {}
ProspectSelectionSchema.setClass(ProspectSelection);
