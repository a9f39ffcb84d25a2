// Notifications to users, delivered by the job queue.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { User } from '../identity/user.entity.ts';

export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'notification_admin_idx',
      properties: ['tenant', 'createdAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'created_at', sort: 'DESC' }, { name: 'id' }],
    },
    {
      name: 'notification_delivery_idx',
      where: "state = ANY (ARRAY['pending'::text, 'sending'::text])",
      properties: ['nextAttemptAt'],
    },
    {
      name: 'notification_recipient_idx',
      properties: ['tenant', 'recipientId', 'createdAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'recipient_id' }, { name: 'created_at', sort: 'DESC' }, { name: 'id' }],
    },
    {
      name: 'notification_unread_idx',
      where: 'read_at IS NULL',
      properties: ['tenant', 'recipientId'],
    },
  ],
  uniques: [
    {
      name: 'notification_idempotency_uq',
      properties: ['tenant', 'idempotencyKey'],
    },
  ],
  checks: [
    {
      name: 'notification_idempotency_key_check',
      expression: 'length(idempotency_key) <= 300',
    },
    {
      name: 'notification_kind_check',
      expression: "kind ~ '^[a-z_.]{1,60}$'::text",
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    recipientId: () => p.manyToOne(User).fieldName('recipient_id').mapToPk().deleteRule('cascade'),
    kind: p.text(),
    payload: p.json<Record<string, unknown>>().defaultRaw("'{}'::jsonb"),
    idempotencyKey: p.text(),
    state: p.enum(['pending', 'sending', 'sent', 'failed']).default('pending'),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    nextAttemptAt: p.datetime().defaultRaw(`now()`),
    sentAt: p.datetime().nullable(),
    readAt: p.datetime().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});
export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);
