// Links remembered for drafts (X2): the compose pane puts a tracking id into the draft (internet
// header x-crm-link and a custom property) and tells us the records; when the sent mail is filed
// (by the pane, or later by the Graph sync) the links come along.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Selectable, sql } from 'kysely';
import type { RecordRef } from '../../records/record-links.ts';
import { textArray } from '../../records/search-index.ts';
import { currentTenantId, type Database, db, jsonb } from '../../records/sql.ts';

/** The internet header the compose pane sets; its value is the tracking id. */
export const LINK_HEADER = 'x-crm-link';

/** The tracking ids a mail's internet headers name (x-crm-link, any spelling of the name; at most 10). */
export function trackingIdsIn(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers)
    .filter(([name]) => name.toLowerCase() === LINK_HEADER)
    .flatMap(([, value]) => value.split(/[\s,;]+/))
    .filter((value) => /^[A-Za-z0-9._:-]{8,200}$/.test(value))
    .slice(0, 10);
}

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

const PENDING_COLUMNS = [
  'tracking_id',
  'conversation_id',
  'internet_message_id',
  'links',
  'created_at',
  'updated_at',
  'applied_at',
  'mail_id',
] as const;

type PendingRow = Pick<Selectable<Database['pending_mail_link']>, (typeof PENDING_COLUMNS)[number]>;

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

const pendingView = (row: PendingRow): PendingLinks => ({
  trackingId: row.tracking_id,
  conversationId: row.conversation_id,
  internetMessageId: row.internet_message_id,
  links: (row.links as RecordRef[]).map((link) => ({ type: link.type, id: link.id })),
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
  const row = await db(em)
    .insertInto('pending_mail_link')
    .values({
      tenant_id: currentTenantId,
      tracking_id: input.trackingId,
      conversation_id: input.conversationId ?? null,
      internet_message_id: input.internetMessageId ?? null,
      links: jsonb(input.links.map((link) => ({ type: link.type, id: link.id }))),
      created_by: userId,
    })
    .onConflict((conflict) =>
      conflict.columns(['tenant_id', 'tracking_id']).doUpdateSet((eb) => ({
        links: eb.ref('excluded.links'),
        conversation_id: eb.fn.coalesce('excluded.conversation_id', 'pending_mail_link.conversation_id'),
        internet_message_id: eb.fn.coalesce('excluded.internet_message_id', 'pending_mail_link.internet_message_id'),
        updated_at: sql<Date>`now()`,
      })),
    )
    // xmax is 0 on a row this statement inserted, and set on one it updated.
    .returning([...PENDING_COLUMNS, sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirstOrThrow();
  return { pending: pendingView(row), created: Boolean(row.inserted) };
}

export async function getPendingLinks(em: EntityManager, trackingId: string): Promise<PendingLinks | undefined> {
  const row = await db(em)
    .selectFrom('pending_mail_link')
    .select(PENDING_COLUMNS)
    .where('tenant_id', '=', currentTenantId)
    .where('tracking_id', '=', trackingId)
    .executeTakeFirst();
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
  const rows = await db(em)
    .selectFrom('pending_mail_link')
    .select(['tracking_id', 'links'])
    .where('tenant_id', '=', currentTenantId)
    .where((eb) =>
      eb.or([
        eb('tracking_id', '=', eb.fn.any(textArray(mail.trackingIds))),
        eb.and([eb('applied_at', 'is', null), eb('internet_message_id', '=', mail.internetMessageId)]),
        eb.and([
          eb.val(byConversation),
          eb('applied_at', 'is', null),
          eb('conversation_id', '=', mail.conversationId ?? ''),
          eb('created_at', '<=', sql<Date>`${mail.sentAt.toISOString()}::timestamptz + ${CLOCK_SKEW}::interval`),
        ]),
      ]),
    )
    .orderBy('created_at')
    .execute();
  return {
    trackingIds: rows.map((row) => row.tracking_id),
    links: rows.flatMap((row) => row.links as RecordRef[]),
  };
}

export async function markPendingApplied(em: EntityManager, trackingIds: readonly string[], mailId: string) {
  if (trackingIds.length === 0) return;
  await db(em)
    .updateTable('pending_mail_link')
    .set((eb) => ({ applied_at: eb.fn.coalesce('applied_at', sql<Date>`now()`), mail_id: mailId }))
    .where('tenant_id', '=', currentTenantId)
    .where((eb) => eb('tracking_id', '=', eb.fn.any(textArray(trackingIds))))
    .execute();
}
