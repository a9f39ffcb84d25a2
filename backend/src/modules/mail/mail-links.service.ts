// Links remembered for drafts (X2): the compose pane puts a tracking id into the draft (internet
// header x-crm-link and a custom property) and tells us the records; when the sent mail is filed
// (by the pane, or later by the Graph sync) the links come along.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RecordRef } from '../../records/record-links.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';

/** The internet header the compose pane sets; its value is the tracking id. */
export const LINK_HEADER = 'x-crm-link';

/** Clocks of Exchange and ours differ a little: a draft linked this long after sending still counts. */
const CLOCK_SKEW = '2 minutes';

export interface PendingLinks {
  trackingId: string;
  conversationId: string | null;
  internetMessageId: string | null;
  links: RecordRef[];
  createdAt: string;
  updatedAt: string;
  appliedAt: string | null;
  mailId: string | null;
}

interface PendingRow {
  tracking_id: string;
  conversation_id: string | null;
  internet_message_id: string | null;
  links: RecordRef[];
  created_at: string;
  updated_at: string;
  applied_at: string | null;
  mail_id: string | null;
  inserted?: boolean;
}

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

const pendingView = (row: PendingRow): PendingLinks => ({
  trackingId: row.tracking_id,
  conversationId: row.conversation_id,
  internetMessageId: row.internet_message_id,
  links: row.links.map((link) => ({ type: link.type, id: link.id })),
  createdAt: iso(row.created_at) as string,
  updatedAt: iso(row.updated_at) as string,
  appliedAt: iso(row.applied_at),
  mailId: row.mail_id,
});

/** Remembers (or replaces) the links of a draft; `created` tells a new tracking id from a known one. */
export async function savePendingLinks(
  em: EntityManager,
  userId: string | null,
  input: {
    trackingId: string;
    conversationId?: string | null | undefined;
    internetMessageId?: string | null | undefined;
    links: readonly RecordRef[];
  },
): Promise<{ pending: PendingLinks; created: boolean }> {
  const [row] = await sqlIn<PendingRow>(
    em,
    `insert into pending_mail_link (tenant_id, tracking_id, conversation_id, internet_message_id, links, created_by)
     values (crm_current_tenant(), ?, ?, ?, ?::jsonb, ?)
     on conflict (tenant_id, tracking_id) do update set
       links = excluded.links,
       conversation_id = coalesce(excluded.conversation_id, pending_mail_link.conversation_id),
       internet_message_id = coalesce(excluded.internet_message_id, pending_mail_link.internet_message_id),
       updated_at = now()
     returning *, (xmax = 0) as inserted`,
    [
      input.trackingId,
      input.conversationId ?? null,
      input.internetMessageId ?? null,
      JSON.stringify(input.links.map((link) => ({ type: link.type, id: link.id }))),
      userId,
    ],
  );
  return { pending: pendingView(row as PendingRow), created: Boolean(row?.inserted) };
}

export async function getPendingLinks(em: EntityManager, trackingId: string): Promise<PendingLinks | undefined> {
  const [row] = await sqlIn<PendingRow>(
    em,
    'select * from pending_mail_link where tenant_id = crm_current_tenant() and tracking_id = ?',
    [trackingId],
  );
  return row ? pendingView(row) : undefined;
}

/**
 * The remembered links a mail being filed brings along: those its x-crm-link header names
 * (always), those remembered for its internet message id, and, for a mail without the header,
 * those of drafts in its conversation linked before it was sent and not yet used.
 */
export async function pendingLinksFor(
  em: EntityManager,
  mail: { trackingIds: readonly string[]; internetMessageId: string; conversationId: string | null; sentAt: Date },
): Promise<{ trackingIds: string[]; links: RecordRef[] }> {
  const byConversation = mail.trackingIds.length === 0 && mail.conversationId !== null;
  const rows = await sqlIn<PendingRow>(
    em,
    `select tracking_id, links from pending_mail_link
      where tenant_id = crm_current_tenant()
        and (tracking_id = any(?::text[])
             or (applied_at is null and internet_message_id = ?)
             or (? and applied_at is null and conversation_id = ?
                 and created_at <= ?::timestamptz + interval '${CLOCK_SKEW}'))
      order by created_at`,
    [
      pgArray(mail.trackingIds),
      mail.internetMessageId,
      byConversation,
      mail.conversationId ?? '',
      mail.sentAt.toISOString(),
    ],
  );
  return { trackingIds: rows.map((row) => row.tracking_id), links: rows.flatMap((row) => row.links) };
}

export async function markPendingApplied(em: EntityManager, trackingIds: readonly string[], mailId: string) {
  if (trackingIds.length === 0) return;
  await sqlIn(
    em,
    `update pending_mail_link set applied_at = coalesce(applied_at, now()), mail_id = ?
      where tenant_id = crm_current_tenant() and tracking_id = any(?::text[])`,
    [mailId, pgArray([...trackingIds])],
  );
}
