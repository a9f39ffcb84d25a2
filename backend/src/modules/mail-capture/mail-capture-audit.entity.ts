// Every automatic filing and every un-filing of a mail (Y2): which rule filed it, for which known
// addresses, from which mailbox and folder, when; who took it off again. An un-filing keeps the
// sync from filing the mail again.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { MailboxConnection } from '../graph-sync/graph-sync.entity.ts';
import { Mail } from '../mail/mail.entity.ts';

export const CAPTURE_ACTIONS = ['filed', 'unfiled'] as const;
export type CaptureAction = (typeof CAPTURE_ACTIONS)[number];

export const MailCaptureAuditSchema = defineEntity({
  name: 'MailCaptureAudit',
  tableName: 'mail_capture_audit',
  policies: tenantIsolation(),
  indexes: [
    { name: 'mail_capture_audit_message_idx', properties: ['tenant', 'internetMessageId'] },
    { name: 'mail_capture_audit_mail_idx', properties: ['mail'] },
    { name: 'mail_capture_audit_connection_idx', properties: ['connection'] },
  ],
  checks: [
    {
      name: 'mail_capture_audit_internet_message_id_check',
      expression: '(length(internet_message_id) >= 1) AND (length(internet_message_id) <= 998)',
    },
    { name: 'mail_capture_audit_matched_check', expression: "jsonb_typeof(matched) = 'array'::text" },
    { name: 'mail_capture_audit_deals_check', expression: "jsonb_typeof(deals) = 'array'::text" },
    { name: 'mail_capture_audit_rule_check', expression: 'length(rule) <= 100' },
    { name: 'mail_capture_audit_mailbox_check', expression: 'length(mailbox) <= 320' },
    { name: 'mail_capture_audit_mailbox_address_check', expression: 'length(mailbox_address) <= 320' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    mail: () => p.manyToOne(Mail).fieldName('mail_id').deleteRule('cascade'),
    internetMessageId: p.text(),
    action: p.enum([...CAPTURE_ACTIONS]),
    /** The rule that filed it (`known_address`, `draft_link` for a draft linked in the add-in); null for an un-filing. */
    rule: p.text().nullable(),
    /** The known addresses it was filed for. */
    matched: p.json<string[]>().defaultRaw("'[]'::jsonb"),
    /** The rule that filed it to open deals of its persons (linkOpenDeals); null: to none. */
    dealRule: p.enum(['single', 'all']).nullable(),
    /** The open deals it was filed to by that rule. */
    deals: p.json<string[]>().defaultRaw("'[]'::jsonb"),
    /** The mailbox it was filed from (kept when the connection goes). */
    connection: () => p.manyToOne(MailboxConnection).fieldName('connection_id').nullable().deleteRule('set null'),
    mailbox: p.text().nullable(),
    /** A user's own mailbox or a shared one (Y3); null for an un-filing (and filings from before it was kept). */
    mailboxKind: p.enum(['user', 'shared']).nullable(),
    /** The mailbox's email address when it filed. */
    mailboxAddress: p.text().nullable(),
    folder: p.enum(['inbox', 'sentitems']).nullable(),
    /** The mailbox's owner for a filing, the user who un-filed for an un-filing. */
    userId: () => userRef('user_id'),
    /** The version of the tenant's capture rules in force (null: the defaults). */
    rulesVersion: p.integer().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});
export class MailCaptureAudit extends MailCaptureAuditSchema.class {}
MailCaptureAuditSchema.setClass(MailCaptureAudit);
