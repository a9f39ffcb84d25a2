// The Outlook sync's API: my mailbox's sync health and "sync now", every mailbox for admins, and
// connecting a mailbox (a user for themself, an admin for chosen users).
import { z } from 'zod';

export const SyncStatusSchema = z.enum(['pending', 'ok', 'error', 'revoked']).meta({
  id: 'SyncStatus',
  description:
    'pending: not synced yet; ok: the last run succeeded; error: the last run failed (retried); revoked: access withdrawn, waits for "sync now"',
});

export const SyncErrorSchema = z
  .object({
    code: z.string().meta({ description: 'A code of the problem catalogue, e.g. graph_access_revoked' }),
    title: z.string(),
    detail: z.string().meta({ description: "In the request's language (Accept-Language: de or en)" }),
    at: z.iso.datetime(),
  })
  .meta({ id: 'SyncError' });

export const ResourceHealthSchema = z
  .object({
    lastSuccessAt: z.iso.datetime().nullable().meta({ description: 'When a round of this resource last finished' }),
    backlog: z.number().int().meta({
      description: 'contacts: CRM changes not yet in Outlook; events, mail: rounds begun and not yet finished',
    }),
    lastError: SyncErrorSchema.nullable().meta({
      description: 'The error of the last run, when it stopped this resource',
    }),
  })
  .meta({ id: 'ResourceHealth' });

export const SharedMailboxViewSchema = z
  .object({
    id: z.uuid(),
    address: z.string(),
    lastSuccessAt: z.iso.datetime().nullable(),
    lastAttemptAt: z.iso.datetime().nullable(),
    backlog: z.number().int().meta({ description: 'Pages of mail known but not yet filed' }),
    lastError: SyncErrorSchema.nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'SharedMailbox', description: 'A shared mailbox filed through Graph (Y3) and its health' });

export const MailboxSyncSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    userName: z.string(),
    mailbox: z.string().meta({ description: "The mailbox's user id in Microsoft 365" }),
    enabled: z.boolean(),
    enabledBy: z.enum(['self', 'admin']),
    status: SyncStatusSchema,
    lastSuccessAt: z.iso.datetime().nullable(),
    lastAttemptAt: z.iso.datetime().nullable(),
    backlog: z.number().int().meta({ description: 'CRM changes not yet in Outlook' }),
    paused: z.boolean().meta({ description: 'true: no automatic runs until "sync now"' }),
    lastError: SyncErrorSchema.nullable(),
    health: z
      .object({ contacts: ResourceHealthSchema, events: ResourceHealthSchema, mail: ResourceHealthSchema })
      .meta({ description: 'Each kind of Outlook data: last success, backlog, last error' }),
    resources: z.array(
      z.object({
        resource: z.enum(['contacts', 'events', 'mail-inbox', 'mail-sentitems']),
        lastRoundAt: z.iso.datetime().nullable(),
        fullSyncRunning: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'MailboxSync' });

export const MySyncSchema = z
  .object({ mailboxes: z.array(MailboxSyncSchema).meta({ description: 'My mailbox, when connected' }) })
  .meta({ id: 'MySync' });

export const AdminSyncSchema = z
  .object({
    mailboxes: z.array(MailboxSyncSchema),
    sharedMailboxes: z
      .array(SharedMailboxViewSchema)
      .meta({ description: 'The shared mailboxes filed and their health' }),
  })
  .meta({ id: 'AdminSync' });

export const SyncConnectSchema = z
  .object({ enabled: z.boolean().meta({ description: 'true connects the mailbox, false stops its sync' }) })
  .meta({ id: 'SyncConnect' });

export const SyncRunQueuedSchema = z
  .object({ queued: z.boolean().meta({ description: 'false: a run is already waiting' }) })
  .meta({ id: 'SyncRunQueued' });

export const SyncUserParamsSchema = z.object({ userId: z.uuid() });

export const ValidationQuerySchema = z.object({
  validationToken: z.string().max(1000).optional(),
});

export type MailboxSync = z.output<typeof MailboxSyncSchema>;
export type MySync = z.output<typeof MySyncSchema>;

/** Which of my persons go to Outlook: all I own, or only those of them with a tag or matching a saved filter. */
export const ContactsScopeSchema = z
  .object({
    tagId: z
      .uuid()
      .nullable()
      .meta({ description: 'Only persons I own with this tag go to Outlook; null: every person I own' }),
    savedFilterId: z.uuid().nullable().optional().meta({
      description:
        "Only persons I own that this saved filter of persons (mine or the company's) finds go to Outlook; null or absent: no filter",
    }),
  })
  .strict()
  .meta({ id: 'ContactsSyncScope' });
export type ContactsScope = z.infer<typeof ContactsScopeSchema>;

export const StoredContactsScopeSchema = z
  .object({ value: ContactsScopeSchema, version: z.number().int().nullable() })
  .meta({ id: 'StoredContactsSyncScope' });
