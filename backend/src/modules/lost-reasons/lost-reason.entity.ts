// Why deals and leads are lost: a list per object type.
import { defineEntity, p } from '@mikro-orm/core';
import { authorColumns, tenantColumn, tenantIsolation, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';

export const LostReasonSchema = defineEntity({
  name: 'LostReason',
  tableName: 'lost_reason',
  policies: tenantIsolation(),
  uniques: [
    {
      name: 'lost_reason_name_uq',
      expression:
        'CREATE UNIQUE INDEX lost_reason_name_uq ON public.lost_reason USING btree (tenant_id, object_type, lower(name))',
    },
    {
      name: 'lost_reason_seed_uq',
      where: 'seed_key IS NOT NULL',
      properties: ['tenant', 'seedKey'],
    },
  ],
  checks: [
    {
      name: 'lost_reason_description_check',
      expression: 'length(description) <= 1000',
    },
    {
      name: 'lost_reason_name_check',
      expression: '(length(name) >= 1) AND (length(name) <= 120)',
    },
    {
      name: 'lost_reason_seed_key_check',
      expression: "seed_key ~ '^[a-z_]{1,40}$'::text",
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    objectType: p.enum(['deal', 'lead']),
    name: p.text(),
    description: p.text().nullable(),
    active: p.boolean().default(true),
    position: p.integer().default(0),
    seedKey: p.text().nullable(),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class LostReason extends LostReasonSchema.class {}
LostReasonSchema.setClass(LostReason);
