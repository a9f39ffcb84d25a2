// Typed relations between any two records (C4) and the tenant's relation types.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import type { RecordType } from '../../records/record-types.ts';

export const RelationTypeSchema = defineEntity({
  name: 'RelationType',
  tableName: 'relation_type',
  policies: tenantIsolation(),
  uniques: [
    {
      name: 'relation_type_name_uq',
      expression:
        'CREATE UNIQUE INDEX relation_type_name_uq ON public.relation_type USING btree (tenant_id, lower(name))',
    },
  ],
  checks: [
    { name: 'relation_type_name_check', expression: '(length(name) >= 1) AND (length(name) <= 80)' },
    {
      name: 'relation_type_reverse_name_check',
      expression: '(length(reverse_name) >= 1) AND (length(reverse_name) <= 80)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    /** Read from the from-record's side ("Geschäftsführer von"). */
    name: p.text(),
    /** Read from the to-record's side ("hat Geschäftsführer"). */
    reverseName: p.text(),
    /** Retired types keep their relations but take no new ones. */
    active: p.boolean().default(true),
    ...versionedColumns(),
  },
});
export class RelationType extends RelationTypeSchema.class {}
RelationTypeSchema.setClass(RelationType);

export const RelationSchema = defineEntity({
  name: 'Relation',
  tableName: 'relation',
  policies: tenantIsolation(),
  indexes: [
    { name: 'relation_from_idx', properties: ['tenant', 'fromType', 'fromId'] },
    { name: 'relation_to_idx', properties: ['tenant', 'toType', 'toId'] },
  ],
  uniques: [{ name: 'relation_uq', properties: ['type', 'fromType', 'fromId', 'toType', 'toId'] }],
  checks: [
    { name: 'relation_check', expression: 'NOT ((from_type = to_type) AND (from_id = to_id))' },
    { name: 'relation_note_check', expression: 'length(note) <= 500' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    type: () => p.manyToOne(RelationType).fieldName('type_id').deleteRule('restrict'),
    fromType: p.text().$type<RecordType>(),
    fromId: p.uuid(),
    toType: p.text().$type<RecordType>(),
    toId: p.uuid(),
    note: p.text().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    createdBy: () => userRef('created_by'),
  },
});
export class Relation extends RelationSchema.class {}
RelationSchema.setClass(Relation);
