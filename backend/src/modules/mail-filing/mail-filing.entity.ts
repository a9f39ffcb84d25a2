// A filing by reference (Y7): the add-in pane names a message of a mailbox and the records to file it
// to; a job fetches the message and its attachments through Graph and files it as the pane's upload
// would. The pane's idempotency key makes a repeated request the same filing.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, timestampColumns } from '../../entity-columns.ts';
import type { Text } from '../../http/language.ts';
import { newId } from '../../ids.ts';
import { User } from '../identity/user.entity.ts';

export const FILING_STATES = ['pending', 'filed', 'failed'] as const;
export type FilingState = (typeof FILING_STATES)[number];

/** Why a filing failed, in both languages, as its problem is shown to the requester. */
export interface StoredProblem {
  status: number;
  code: string;
  title: Text;
  detail: Text;
}

export const MailFilingRequestSchema = defineEntity({
  name: 'MailFilingRequest',
  tableName: 'mail_filing_request',
  policies: tenantIsolation(),
  uniques: [{ name: 'mail_filing_request_key_uq', properties: ['tenant', 'userId', 'idempotencyKey'] }],
  indexes: [
    {
      name: 'mail_filing_request_message_idx',
      expression:
        'create index mail_filing_request_message_idx on mail_filing_request (tenant_id, user_id, message_id, created_at desc)',
    },
  ],
  checks: [
    {
      name: 'mail_filing_request_idempotency_key_check',
      expression: '(length(idempotency_key) >= 8) AND (length(idempotency_key) <= 200)',
    },
    {
      name: 'mail_filing_request_message_id_check',
      expression: '(length(message_id) >= 1) AND (length(message_id) <= 1000)',
    },
    { name: 'mail_filing_request_mailbox_check', expression: '(length(mailbox) >= 1) AND (length(mailbox) <= 320)' },
    { name: 'mail_filing_request_links_check', expression: "jsonb_typeof(links) = 'array'::text" },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    /** Who asked; only they see the filing. */
    userId: () => p.manyToOne(User).fieldName('user_id').mapToPk().deleteRule('cascade'),
    idempotencyKey: p.text(),
    /** The message's immutable Graph id (the pane converts the EWS id). */
    messageId: p.text(),
    /** The mailbox as Graph names it (the user's object id or address). */
    mailbox: p.text(),
    links: p.json<{ type: string; id: string }[]>(),
    state: p.enum([...FILING_STATES]).default('pending'),
    /** The filed mail, once filed. */
    mailId: p.uuid().nullable(),
    problem: p.json<StoredProblem>().nullable(),
    attempts: p.integer().default(0),
    ...timestampColumns(),
  },
});

export class MailFilingRequest extends MailFilingRequestSchema.class {}
MailFilingRequestSchema.setClass(MailFilingRequest);
