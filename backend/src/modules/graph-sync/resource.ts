// What a kind of Outlook data (contacts, events, mail) plugs into the sync run: the run loop owns the
// cursor, paging, resync and retries; a resource only says where its delta starts, applies a page
// of inbound changes and pushes the CRM's outbound changes.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MailboxGraph } from './graph-client.ts';
import type { SyncResourceName } from './graph-sync.entity.ts';

export interface SyncContext {
  /** In the tenant's transaction of the current page (a page's changes commit together). */
  em: EntityManager;
  tenantId: string;
  /**
   * The CRM user whose mailbox this is; for a shared mailbox the admin who named it (changes are
   * made and audited as them, and they see what is filed).
   */
  userId: string;
  /** Whose mailbox this is and its address: a user's own, or a shared mailbox (only mail is filed from it). */
  mailbox: { kind: 'user' | 'shared'; address: string };
  connectionId: string;
  /** The Graph client bound to this mailbox: limited to 4 in flight, budgeted, immutable ids. */
  graph: MailboxGraph;
  /** Every CRM change committed before this is in the run's view (see MailboxConnection.crmSeenUntil). */
  crmSeenUntil: Date;
}

export interface SyncResource {
  name: SyncResourceName;
  /** The first delta URL when no cursor is stored (creates what it needs, e.g. the "CRM" folder). */
  deltaUrl(ctx: SyncContext): Promise<string>;
  /**
   * What a page needs from Graph beyond the delta (a mail's attachments), asked before the page's
   * transaction opens; `read` runs a short transaction of its own to decide what is needed.
   * Its answer is handed to applyPage.
   */
  preparePage?(
    items: unknown[],
    graph: MailboxGraph,
    read: <T>(work: (ctx: SyncContext) => Promise<T>) => Promise<T>,
  ): Promise<unknown>;
  /** Inbound changes of one delta page (items with `@removed` included); replays must be harmless. */
  applyPage(ctx: SyncContext, items: unknown[], prepared?: unknown): Promise<void>;
  /**
   * Outbound CRM changes since the last push. A resource may push a share and answer
   * `{ more: true }`: the run commits and calls it again in a new transaction (so a crash loses
   * at most one share's bookkeeping).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a resource that pushes everything at once answers nothing
  pushPending(ctx: SyncContext): Promise<void | { more: boolean }>;
  /** Before a full resync after 410 / syncStateNotFound (the links stay: the resync reconciles by them). */
  fullResyncReset?(ctx: SyncContext): Promise<void>;
  /**
   * The Graph resource to subscribe to for change notifications (`users/{id}/contactFolders/{f}/contacts`,
   * `users/{id}/events`), once the resource knows it (after its first delta); none: polling only.
   */
  subscriptionResource?(ctx: SyncContext): Promise<string | undefined>;
}
