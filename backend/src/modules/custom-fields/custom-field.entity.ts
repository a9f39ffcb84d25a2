// Custom field definitions per entity type; the values live in each record's custom_fields.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import type { CustomFieldOption } from './custom-fields.schemas.ts';

export const CustomFieldSchema = defineEntity({
  name: 'CustomField',
  tableName: 'custom_field',
  policies: tenantIsolation(),
  uniques: [{ name: 'custom_field_key_uq', properties: ['tenant', 'entityType', 'key'] }],
  checks: [
    {
      name: 'custom_field_key_check',
      expression: "key ~ '^[a-z][a-z0-9_]{0,39}$'::text",
    },
    {
      name: 'custom_field_label_de_check',
      expression: '(length(label_de) >= 1) AND (length(label_de) <= 100)',
    },
    {
      name: 'custom_field_label_en_check',
      expression: '(length(label_en) >= 1) AND (length(label_en) <= 100)',
    },
    {
      name: 'custom_field_options_check',
      expression: "jsonb_typeof(options) = 'array'::text",
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    entityType: p.enum(['person', 'organization', 'business_contact', 'deal', 'lead', 'task']),
    key: p.text(),
    labelDe: p.text(),
    labelEn: p.text(),
    type: p.enum(['text', 'number', 'boolean', 'date', 'select']),
    options: p.json<CustomFieldOption[]>().defaultRaw("'[]'::jsonb"),
    required: p.boolean().default(false),
    position: p.integer().default(0),
    ...versionedColumns(),
  },
});
export class CustomField extends CustomFieldSchema.class {}
CustomFieldSchema.setClass(CustomField);
