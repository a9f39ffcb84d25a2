import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, userRef } from '../entity-columns.ts';
import { newId } from '../ids.ts';

/** One changed field of one record (or the whole record, for create, delete, restore, merge). */
export const HistoryEntrySchema = defineEntity({
  name: 'HistoryEntry',
  tableName: 'history',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'history_record_idx',
      properties: ['tenant', 'recordType', 'recordId', 'changedAt', 'id'],
      columns: [
        { name: 'tenant_id' },
        { name: 'record_type' },
        { name: 'record_id' },
        { name: 'changed_at', sort: 'DESC' },
        { name: 'id' },
      ],
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    recordType: p.text(),
    recordId: p.uuid(),
    /** Groups the fields changed by one write. */
    changeId: p.uuid(),
    action: p.enum(['create', 'update', 'delete', 'restore', 'merge']),
    field: p.text().nullable(),
    before: p.json<unknown>().nullable(),
    after: p.json<unknown>().nullable(),
    changedBy: () => userRef('changed_by'),
    /** The channel a change came through when not the CRM itself (`outlook`: the Graph sync). */
    via: p.enum(['outlook']).nullable(),
    changedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});
export class HistoryEntry extends HistoryEntrySchema.class {}
HistoryEntrySchema.setClass(HistoryEntry);
