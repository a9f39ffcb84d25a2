// Tags (V4): the tenant's tags and which record carries which.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';

export const DEFAULT_TAG_COLOR = '#6264a7';

export const TagSchema = defineEntity({
  name: 'Tag',
  tableName: 'tag',
  policies: tenantIsolation(),
  uniques: [
    {
      name: 'tag_tenant_name_uq',
      expression: 'CREATE UNIQUE INDEX tag_tenant_name_uq ON public.tag USING btree (tenant_id, lower(name))',
    },
  ],
  checks: [
    { name: 'tag_name_check', expression: '(length(name) >= 1) AND (length(name) <= 60)' },
    { name: 'tag_color_check', expression: "color ~ '^#[0-9a-fA-F]{6}$'::text" },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
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
  policies: tenantIsolation(),
  indexes: [{ name: 'record_tag_record_idx', properties: ['tenant', 'recordType', 'recordId'] }],
  properties: {
    tenant: () => tenantColumn(),
    tag: () => p.manyToOne(Tag).fieldName('tag_id').primary().deleteRule('cascade'),
    recordType: p.text().primary(),
    recordId: p.uuid().primary(),
    taggedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    taggedBy: () => userRef('tagged_by'),
  },
});
export class RecordTag extends RecordTagSchema.class {}
RecordTagSchema.setClass(RecordTag);
