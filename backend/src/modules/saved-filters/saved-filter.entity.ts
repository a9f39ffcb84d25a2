// Saved filters: a user's own or the whole organisation's.
import { defineEntity, p } from '@mikro-orm/core';
import { authorColumns, tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import type { FilterNode } from '../../http/filters.ts';
import { newId } from '../../ids.ts';

export const SavedFilterSchema = defineEntity({
  name: 'SavedFilter',
  tableName: 'saved_filter',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'saved_filter_owner_idx',
      properties: ['tenant', 'entityType', 'ownerId'],
    },
  ],
  uniques: [
    {
      name: 'saved_filter_name_uq',
      expression:
        "CREATE UNIQUE INDEX saved_filter_name_uq ON public.saved_filter USING btree (tenant_id, entity_type, COALESCE(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))",
    },
  ],
  checks: [
    {
      name: 'saved_filter_filter_check',
      expression: "jsonb_typeof(filter) = 'object'::text",
    },
    {
      name: 'saved_filter_name_check',
      expression: '(length(name) >= 1) AND (length(name) <= 120)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    ownerId: () => userRef('owner_id').deleteRule('cascade'),
    entityType: p.enum(['person', 'organization', 'business_contact', 'deal', 'lead', 'task', 'activity']),
    name: p.text(),
    filter: p.json<FilterNode>(),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class SavedFilter extends SavedFilterSchema.class {}
SavedFilterSchema.setClass(SavedFilter);
