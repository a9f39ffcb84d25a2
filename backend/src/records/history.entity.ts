import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.ts';
import { Tenant } from '../modules/identity/tenant.entity.ts';

/** One changed field of one record (or the whole record, for create, delete, restore, merge). */
export const HistoryEntrySchema = defineEntity({
  name: 'HistoryEntry',
  tableName: 'history',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    recordType: p.text(),
    recordId: p.uuid(),
    /** Groups the fields changed by one write. */
    changeId: p.uuid(),
    action: p.text().$type<'create' | 'update' | 'delete' | 'restore' | 'merge'>(),
    field: p.text().nullable(),
    before: p.json<unknown>().nullable(),
    after: p.json<unknown>().nullable(),
    changedBy: p.uuid().nullable(),
    changedAt: p.datetime().onCreate(() => new Date()),
  },
});
export class HistoryEntry extends HistoryEntrySchema.class {}
HistoryEntrySchema.setClass(HistoryEntry);
