// Filed mails and links waiting for a mail to be filed.
import { defineEntity, p } from '@mikro-orm/core';
import { recordColumns, tenantColumn, tenantIsolation, trashable, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import type { MailAddress } from './addresses.ts';

export const MailSchema = defineEntity({
  name: 'Mail',
  tableName: 'mail',
  filters: trashable(),
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'mail_conversation_idx',
      where: 'conversation_id IS NOT NULL',
      properties: ['tenant', 'conversationId'],
    },
    {
      name: 'mail_trash_idx',
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }],
    },
  ],
  uniques: [{ name: 'mail_message_uq', properties: ['tenant', 'internetMessageId'] }],
  checks: [
    {
      name: 'mail_cc_recipients_check',
      expression: "jsonb_typeof(cc_recipients) = 'array'::text",
    },
    {
      name: 'mail_bcc_recipients_check',
      expression: "jsonb_typeof(bcc_recipients) = 'array'::text",
    },
    {
      name: 'mail_conversation_id_check',
      expression: 'length(conversation_id) <= 1000',
    },
    {
      name: 'mail_from_address_check',
      expression: '(length(from_address) >= 1) AND (length(from_address) <= 320)',
    },
    { name: 'mail_from_name_check', expression: 'length(from_name) <= 300' },
    {
      name: 'mail_internet_message_id_check',
      expression: '(length(internet_message_id) >= 1) AND (length(internet_message_id) <= 998)',
    },
    { name: 'mail_snippet_check', expression: 'length(snippet) <= 300' },
    { name: 'mail_subject_check', expression: 'length(subject) <= 2000' },
    {
      name: 'mail_to_recipients_check',
      expression: "jsonb_typeof(to_recipients) = 'array'::text",
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    internetMessageId: p.text(),
    conversationId: p.text().nullable(),
    subject: p.text().default(''),
    fromAddress: p.text(),
    fromName: p.text().nullable(),
    toRecipients: p.json<MailAddress[]>().defaultRaw("'[]'::jsonb"),
    ccRecipients: p.json<MailAddress[]>().defaultRaw("'[]'::jsonb"),
    /** Known only for mail sent from the CRM or filed from its sender's mailbox. */
    bccRecipients: p.json<MailAddress[]>().defaultRaw("'[]'::jsonb"),
    sentAt: p.datetime().nullable(),
    receivedAt: p.datetime().nullable(),
    bodyHtml: p.text().nullable(),
    bodyText: p.text().nullable(),
    snippet: p.text().default(''),
    ...recordColumns(),
  },
});
export class Mail extends MailSchema.class {}
MailSchema.setClass(Mail);

export const PendingMailLinkSchema = defineEntity({
  name: 'PendingMailLink',
  tableName: 'pending_mail_link',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'pending_mail_link_conversation_idx',
      where: '(applied_at IS NULL) AND (conversation_id IS NOT NULL)',
      properties: ['tenant', 'conversationId'],
    },
    {
      name: 'pending_mail_link_message_idx',
      where: '(applied_at IS NULL) AND (internet_message_id IS NOT NULL)',
      properties: ['tenant', 'internetMessageId'],
    },
  ],
  checks: [
    {
      name: 'pending_mail_link_conversation_id_check',
      expression: 'length(conversation_id) <= 1000',
    },
    {
      name: 'pending_mail_link_internet_message_id_check',
      expression: 'length(internet_message_id) <= 998',
    },
    {
      name: 'pending_mail_link_links_check',
      expression: "jsonb_typeof(links) = 'array'::text",
    },
    {
      name: 'pending_mail_link_tracking_id_check',
      expression: "tracking_id ~ '^[A-Za-z0-9._:-]{8,200}$'::text",
    },
  ],
  properties: {
    tenant: () => tenantColumn().primary().updateRule('no action'),
    trackingId: p.text().primary(),
    conversationId: p.text().nullable(),
    internetMessageId: p.text().nullable(),
    links: p.json<{ type: string; id: string }[]>(),
    appliedAt: p.datetime().nullable(),
    mail: () => p.manyToOne(Mail).fieldName('mail_id').nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    createdBy: () => userRef('created_by'),
  },
});
export class PendingMailLink extends PendingMailLinkSchema.class {}
PendingMailLinkSchema.setClass(PendingMailLink);
