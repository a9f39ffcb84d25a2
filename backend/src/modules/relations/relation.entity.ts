// Typed relations between any two records (C4) and the tenant's relation types.
import { defineEntity, p } from '@mikro-orm/core';
import { versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import type { RecordType } from '../../records/record-types.ts';
import { Tenant } from '../identity/tenant.entity.ts';

export const RelationTypeSchema = defineEntity({
  name: 'RelationType',
  tableName: 'relation_type',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
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
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    type: () => p.manyToOne(RelationType).fieldName('type_id'),
    fromType: p.text().$type<RecordType>(),
    fromId: p.uuid(),
    toType: p.text().$type<RecordType>(),
    toId: p.uuid(),
    note: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdBy: p.uuid().nullable(),
  },
});
export class Relation extends RelationSchema.class {}
RelationSchema.setClass(Relation);
