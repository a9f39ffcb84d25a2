// Links between records and references (numbers) of records.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation } from '../entity-columns.ts';

export const RecordLinkSchema = defineEntity({
  name: 'RecordLink',
  tableName: 'record_link',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'record_link_record_idx',
      properties: ['tenant', 'recordType', 'recordId', 'itemType', 'itemId'],
    },
  ],
  checks: [
    {
      name: 'record_link_item_type_check',
      expression: "item_type ~ '^[a-z_]{1,40}$'::text",
    },
    {
      name: 'record_link_record_type_check',
      expression: "record_type ~ '^[a-z_]{1,40}$'::text",
    },
  ],
  properties: {
    tenant: () => tenantColumn(),
    itemType: p.text().primary(),
    itemId: p.uuid().primary(),
    recordType: p.text().primary(),
    recordId: p.uuid().primary(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});
export class RecordLink extends RecordLinkSchema.class {}
RecordLinkSchema.setClass(RecordLink);

export const RecordReferenceSchema = defineEntity({
  name: 'RecordReference',
  tableName: 'record_reference',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'record_reference_record_idx',
      properties: ['tenant', 'recordType', 'recordId', 'number'],
    },
  ],
  checks: [
    { name: 'record_reference_number_check', expression: 'number > 0' },
    {
      name: 'record_reference_record_type_check',
      expression: "record_type ~ '^[a-z_]{1,40}$'::text",
    },
  ],
  properties: {
    tenant: () => tenantColumn().primary().updateRule('no action'),
    number: p.integer().primary().autoincrement(false),
    recordType: p.text(),
    recordId: p.uuid(),
    mergedFrom: p.uuid().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});
export class RecordReference extends RecordReferenceSchema.class {}
RecordReferenceSchema.setClass(RecordReference);

export const RecordReferenceCounterSchema = defineEntity({
  name: 'RecordReferenceCounter',
  tableName: 'record_reference_counter',
  policies: tenantIsolation(),
  properties: {
    tenant: () => tenantColumn().primary().updateRule('no action'),
    lastNumber: p.integer().default(0),
  },
});
export class RecordReferenceCounter extends RecordReferenceCounterSchema.class {}
RecordReferenceCounterSchema.setClass(RecordReferenceCounter);
