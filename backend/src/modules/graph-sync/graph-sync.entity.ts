// The sync's own tables: which mailboxes sync, where each resource's delta stands, the change
// notification subscriptions, the request budget per mailbox, and the links between CRM persons
// and Outlook contacts.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, timestampColumns, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Person } from '../contacts/contact.entity.ts';
import { User } from '../identity/user.entity.ts';
import { SharedMailbox } from '../mail-capture/shared-mailbox.entity.ts';

export const SYNC_RESOURCES = ['contacts', 'events', 'mail-inbox', 'mail-sentitems'] as const;
export type SyncResourceName = (typeof SYNC_RESOURCES)[number];

export const CONNECTION_STATUSES = ['pending', 'ok', 'error', 'revoked'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * A mailbox that syncs with the CRM: one user's (enabled by the user, or by an admin for them), or a
 * shared mailbox an admin named (Y3: no user; only its mail is filed, with the app's access).
 */
export const MailboxConnectionSchema = defineEntity({
  name: 'MailboxConnection',
  tableName: 'mailbox_connection',
  policies: tenantIsolation(),
  uniques: [
    { name: 'mailbox_connection_user_uq', properties: ['tenant', 'userId'] },
    { name: 'mailbox_connection_shared_mailbox_uq', properties: ['tenant', 'sharedMailboxId'] },
  ],
  checks: [
    { name: 'mailbox_connection_owner_check', expression: '(user_id IS NULL) <> (shared_mailbox_id IS NULL)' },
    { name: 'mailbox_connection_mailbox_check', expression: 'length(mailbox) <= 320' },
    { name: 'mailbox_connection_last_error_code_check', expression: 'length(last_error_code) <= 100' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    /** The user whose mailbox this is; null for a shared mailbox. */
    userId: () => p.manyToOne(User).fieldName('user_id').mapToPk().nullable().deleteRule('cascade'),
    /** The shared mailbox this is; null for a user's mailbox. */
    sharedMailboxId: () =>
      p.manyToOne(SharedMailbox).fieldName('shared_mailbox_id').mapToPk().nullable().deleteRule('cascade'),
    /** The mailbox as Graph names it: the user's object id (stable across renames), a shared mailbox's address. */
    mailbox: p.text(),
    enabled: p.boolean().default(true),
    status: p.enum([...CONNECTION_STATUSES]).default('pending'),
    enabledBy: p.enum(['self', 'admin']),
    lastSuccessAt: p.datetime().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    /**
     * Every CRM change committed before this was in the last run's view: its start, or the start of
     * the oldest write still open then (committed later, the run may not have seen it).
     */
    crmSeenUntil: p.datetime().nullable(),
    /** A code of the problem catalogue (`graph_access_revoked` …), told in the reader's language. */
    lastErrorCode: p.text().nullable(),
    lastErrorAt: p.datetime().nullable(),
    /** What the last failure said, for admins (not shown to users as such). */
    lastErrorDetail: p.text().nullable(),
    /** Changes known but not yet synced (CRM persons waiting to be pushed, pages left to read). */
    backlog: p.integer().default(0),
    /** Set when access failed: no automatic run until "sync now" or a config change clears it. */
    pausedAt: p.datetime().nullable(),
    /** When the owner was last told the sync is stalled, so they are told once per stall. */
    stallNotifiedAt: p.datetime().nullable(),
    createdBy: () => userRef('created_by'),
    ...timestampColumns(),
  },
});
export class MailboxConnection extends MailboxConnectionSchema.class {}
MailboxConnectionSchema.setClass(MailboxConnection);

/** Where one resource of a mailbox stands: the delta link of the last finished round, or a round in progress. */
export const SyncCursorSchema = defineEntity({
  name: 'SyncCursor',
  tableName: 'sync_cursor',
  policies: tenantIsolation(),
  uniques: [{ name: 'sync_cursor_resource_uq', properties: ['connection', 'resource'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    connection: () => p.manyToOne(MailboxConnection).fieldName('connection_id').deleteRule('cascade'),
    resource: p.enum([...SYNC_RESOURCES]),
    /** The contact folder or calendar the delta reads. */
    containerId: p.text().nullable(),
    /** The `@odata.deltaLink` of the last finished round. */
    deltaLink: p.text().nullable(),
    /** The `@odata.nextLink` of the page after the last committed one, while a round runs. */
    nextLink: p.text().nullable(),
    /** Calendar window of the round (events). */
    windowStart: p.datetime().nullable(),
    windowEnd: p.datetime().nullable(),
    /** When a full round (first or after 410) began; null when rounds are incremental. */
    fullSyncStartedAt: p.datetime().nullable(),
    lastRoundAt: p.datetime().nullable(),
    ...timestampColumns(),
  },
});
export class SyncCursor extends SyncCursorSchema.class {}
SyncCursorSchema.setClass(SyncCursor);

/** A change notification subscription of one mailbox and resource. */
export const GraphSubscriptionSchema = defineEntity({
  name: 'GraphSubscription',
  tableName: 'graph_subscription',
  policies: tenantIsolation(),
  indexes: [{ name: 'graph_subscription_expires_idx', properties: ['expiresAt'] }],
  uniques: [
    { name: 'graph_subscription_resource_uq', properties: ['connection', 'resource'] },
    { name: 'graph_subscription_subscription_uq', properties: ['subscriptionId'] },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    connection: () => p.manyToOne(MailboxConnection).fieldName('connection_id').deleteRule('cascade'),
    resource: p.enum([...SYNC_RESOURCES]),
    subscriptionId: p.text(),
    /** SHA-256 of the clientState Graph echoes; compared in constant time. */
    clientStateHash: p.text(),
    expiresAt: p.datetime(),
    ...timestampColumns(),
  },
});
export class GraphSubscription extends GraphSubscriptionSchema.class {}
GraphSubscriptionSchema.setClass(GraphSubscription);

/** Graph requests a mailbox's sync used in the current 10-minute window (Outlook allows 10,000). */
export const GraphRequestBudgetSchema = defineEntity({
  name: 'GraphRequestBudget',
  tableName: 'graph_request_budget',
  policies: tenantIsolation(),
  properties: {
    connection: () => p.oneToOne(MailboxConnection).fieldName('connection_id').primary().owner().deleteRule('cascade'),
    tenant: () => tenantColumn(),
    windowStartedAt: p.datetime(),
    used: p.integer().default(0),
  },
});
export class GraphRequestBudget extends GraphRequestBudgetSchema.class {}
GraphRequestBudgetSchema.setClass(GraphRequestBudget);

/** The values of a linked contact as both sides last agreed on them, field by field. */
export type SyncedFields = Record<string, unknown>;

/** A CRM person shown as an Outlook contact in one mailbox's "CRM" folder. */
export const ContactLinkSchema = defineEntity({
  name: 'ContactLink',
  tableName: 'contact_link',
  policies: tenantIsolation(),
  indexes: [{ name: 'contact_link_person_idx', properties: ['tenant', 'person'] }],
  uniques: [
    { name: 'contact_link_person_uq', properties: ['connection', 'person'] },
    { name: 'contact_link_outlook_uq', properties: ['connection', 'outlookId'] },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    connection: () => p.manyToOne(MailboxConnection).fieldName('connection_id').deleteRule('cascade'),
    person: () => p.manyToOne(Person).fieldName('person_id').deleteRule('cascade'),
    /** Outlook's immutable id; null while the contact is being created. */
    outlookId: p.text().nullable(),
    changeKey: p.text().nullable(),
    /** Field values both sides had at the last sync: a side changed a field when it differs from these. */
    synced: p.json<SyncedFields>().defaultRaw("'{}'::jsonb"),
    /** The person's version last pushed or pulled; a higher one is a CRM change to push. */
    syncedVersion: p.integer().default(0),
    /**
     * When the contact was deleted in Outlook: the link stays as a tombstone, so the person (which
     * stays in the CRM) is not put back into the folder.
     */
    unlinkedAt: p.datetime().nullable(),
    /**
     * The business contact and organization as of the run that last pushed or checked this contact
     * (its `crmSeenUntil`): changed after this, they are due again.
     */
    workSeenUntil: p.datetime().nullable(),
    ...timestampColumns(),
  },
});
export class ContactLink extends ContactLinkSchema.class {}
ContactLinkSchema.setClass(ContactLink);
