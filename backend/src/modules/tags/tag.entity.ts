// Tags (V4): the tenant's tags and which record carries which.
import { defineEntity, p } from '@mikro-orm/core';
import { versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Tenant } from '../identity/tenant.entity.ts';

export const DEFAULT_TAG_COLOR = '#6264a7';

export const TagSchema = defineEntity({
  name: 'Tag',
  tableName: 'tag',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    name: p.text(),
    color: p.text().default(DEFAULT_TAG_COLOR),
    ...versionedColumns(),
  },
});
export class Tag extends TagSchema.class {}
TagSchema.setClass(Tag);

/** A tag on a record; the record is any record type, so it is named by type and id. */
export const RecordTagSchema = defineEntity({
  name: 'RecordTag',
  tableName: 'record_tag',
  properties: {
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    tag: () => p.manyToOne(Tag).fieldName('tag_id').primary(),
    recordType: p.text().primary(),
    recordId: p.uuid().primary(),
    taggedAt: p.datetime().onCreate(() => new Date()),
    taggedBy: p.uuid().nullable(),
  },
});
export class RecordTag extends RecordTagSchema.class {}
RecordTagSchema.setClass(RecordTag);
