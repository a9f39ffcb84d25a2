// One sync run of one mailbox: for each resource, read the delta page by page (each page's changes
// and the link to the next page commit together, so a crash resumes at the page it was on), then
// push the CRM's changes; a 410 starts a new round that matches items to the existing links. No
// transaction is open while Graph is asked: a run may wait minutes for Retry-After.
import { type EntityManager, LockMode } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { inTenantTransaction } from '../../http/tenancy.ts';
import type { JobServices } from '../../jobs/job-services.ts';
import { actAs } from '../../records/acting-user.ts';
import { db } from '../../records/sql.ts';
import { User } from '../identity/user.entity.ts';
import { sharedMailboxOwner } from '../mail-capture/shared-mailboxes.service.ts';
import {
  type Budget,
  DeltaExpiredError,
  GraphAccessError,
  GraphMailboxClient,
  GraphRequestError,
  type MailboxGraph,
} from './graph-client.ts';
import {
  GraphRequestBudget,
  GraphSubscription,
  MailboxConnection,
  SyncCursor,
  type SyncResourceName,
} from './graph-sync.entity.ts';
import { retryDue } from './graph-sync.service.ts';
import type { SyncContext, SyncResource } from './resource.ts';
import { ensureSubscriptions } from './subscriptions.ts';

/** Outlook allows 10,000 requests per 10 minutes and mailbox; the rest is headroom for retries and subscriptions. */
export const REQUEST_BUDGET = 9_500;
export const BUDGET_WINDOW_MS = 10 * 60_000;
/** Items per delta page (Graph takes up to 1,000 for contacts). */
export const DELTA_PAGE_SIZE = 200;
/** What a shared mailbox syncs: its mail, nothing else. */
export const SHARED_MAILBOX_RESOURCES: readonly SyncResourceName[] = ['mail-inbox', 'mail-sentitems'];
/** Rounds restarted after 410 in one run before it gives up (the next run starts again). */
const MAX_RESYNCS = 2;

/** A transaction open longer than this is not waited for by the push (it is outside the design). */
const LONGEST_OPEN_TRANSACTION_SECONDS = 120;

/** PostgreSQL's view of its sessions: which transactions are open, and since when. */
type ServerActivity = {
  pg_stat_activity: { pid: number; datname: string | null; xact_start: Date | null };
};

/**
 * Where a run starting now sees the CRM to, in commit order: the start of the oldest transaction
 * open in another session (a change it makes commits after the run has read, though its timestamp
 * is earlier), or now. A CRM change stamped after this is due for the next run. Asked outside the
 * tenant's transaction: its role sees no other session's transaction (the login user sees its own).
 */
async function crmViewStart(em: EntityManager): Promise<Date> {
  const now = new Date();
  const row = await db(em)
    .withTables<ServerActivity>()
    .selectFrom('pg_stat_activity')
    .select((eb) => eb.fn.min('xact_start').as('oldest'))
    .where('xact_start', 'is not', null)
    .where('pid', '<>', sql<number>`pg_backend_pid()`)
    .where('datname', '=', sql<string>`current_database()`)
    .where('xact_start', '>', sql<Date>`now() - make_interval(secs => ${LONGEST_OPEN_TRANSACTION_SECONDS})`)
    .executeTakeFirst();
  const oldest = row?.oldest ? new Date(row.oldest) : undefined;
  // The database's clock and ours: a millisecond below, so a change stamped in the same one counts.
  return oldest && oldest.getTime() <= now.getTime() ? new Date(oldest.getTime() - 1) : now;
}

/**
 * A run stops between pages (or pushed shares) at its deadline and is queued again at once: a job
 * active longer than JOBS_EXPIRE_SECONDS counts as lost and would run a second time beside it.
 */
export class RunDeadlineReached extends Error {
  constructor() {
    super('The run reached its deadline; the next run goes on from here');
    this.name = 'RunDeadlineReached';
  }
}

export interface RunOptions {
  resources: readonly SyncResource[];
  /** When the run stops between two steps (epoch ms). */
  deadline?: number;
  services: JobServices;
  /** Graph client options for tests (a faster sleep). */
  graph?: { sleep?: (ms: number) => Promise<void>; maxWaitMs?: number; onRequests?: (count: number) => void };
  budgetLimit?: number;
}

export interface RunReport {
  connectionId: string;
  /** `stopped`: the mailbox was disconnected (or its owner deactivated) and its subscriptions and cursors are gone. */
  outcome: 'synced' | 'skipped' | 'stopped';
  requests: number;
}

interface DeltaPage {
  value?: unknown[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/**
 * Syncs the mailbox of `connectionId` once. `em` is the tenant's, outside a transaction. Throws
 * the Graph client's typed errors (access, budget, unavailable); the job turns them into health.
 */
export async function runMailboxSync(
  em: EntityManager,
  tenantId: string,
  connectionId: string,
  options: RunOptions,
): Promise<RunReport> {
  const limit = options.budgetLimit ?? REQUEST_BUDGET;
  const crmSeenUntil = await crmViewStart(em);
  const start = await inTenantTransaction(em, tenantId, async (tx) => {
    const connection = await tx.findOne(MailboxConnection, { id: connectionId });
    if (!connection) return undefined;
    let owner: User | null = null;
    if (connection.sharedMailboxId) {
      owner = await sharedMailboxOwner(tx, connection.sharedMailboxId);
      if (!owner) return undefined;
    } else if (connection.enabled) {
      // A deactivated user's mailbox stops syncing (an admin connects it again after reactivating them).
      owner = await tx.findOne(User, { id: connection.userId as string });
      if (!owner?.active) connection.enabled = false;
    }
    if (!connection.enabled) {
      const subscriptions = await tx.find(GraphSubscription, { connection: connectionId });
      const cursors = await tx.count(SyncCursor, { connection: connectionId });
      await tx.flush();
      if (subscriptions.length === 0 && cursors === 0) return undefined;
      return { stop: subscriptions.map((row) => row.subscriptionId), mailbox: connection.mailbox } as const;
    }
    if (connection.pausedAt && !(connection.sharedMailboxId && retryDue(connection.pausedAt))) return undefined;
    if (!owner) return undefined;
    connection.lastAttemptAt = new Date();
    connection.crmSeenUntil = crmSeenUntil;
    const budget = await currentBudget(tx, tenantId, connectionId);
    await tx.flush();
    return {
      stop: undefined,
      userId: owner.id,
      mailbox: connection.mailbox,
      kind: connection.sharedMailboxId ? ('shared' as const) : ('user' as const),
      address: connection.sharedMailboxId ? connection.mailbox : owner.email,
      remaining: Math.max(0, limit - budget.used),
      resetsAt: new Date(budget.windowStartedAt.getTime() + BUDGET_WINDOW_MS),
    };
  });
  if (!start) return { connectionId, outcome: 'skipped', requests: 0 };
  if (start.stop) return stopMailboxSync(em, tenantId, connectionId, start.mailbox, start.stop, options);

  // Of a shared mailbox only the mail is filed: its contacts and calendar are nobody's in the CRM.
  const resources =
    start.kind === 'shared'
      ? options.resources.filter((resource) => SHARED_MAILBOX_RESOURCES.includes(resource.name))
      : options.resources;
  const mailbox = { kind: start.kind, address: start.address };
  const budget = { remaining: start.remaining, resetsAt: start.resetsAt };
  const graph = new GraphMailboxClient({
    gateway: options.services.graph,
    tenantId,
    mailboxId: start.mailbox,
    budget,
    ...(options.graph?.sleep ? { sleep: options.graph.sleep } : {}),
    ...(options.graph?.maxWaitMs ? { maxWaitMs: options.graph.maxWaitMs } : {}),
    ...(options.graph?.onRequests ? { onRequests: options.graph.onRequests } : {}),
  });
  let counted = 0;
  /** Runs `work` in a tenant transaction that also books the requests made since the last one. */
  const commit = <T>(work: (ctx: SyncContext) => Promise<T>): Promise<T> =>
    inTenantTransaction(em, tenantId, async (tx) => {
      const ctx: SyncContext = {
        em: tx,
        tenantId,
        userId: start.userId,
        mailbox,
        connectionId,
        graph,
        crmSeenUntil,
      };
      const result = await work(ctx);
      const spent = graph.requestsUsed - counted;
      if (spent > 0) {
        const row = await currentBudget(tx, tenantId, connectionId);
        row.used += spent;
        budget.remaining = Math.max(0, Math.min(budget.remaining, limit - row.used));
        budget.resetsAt = new Date(row.windowStartedAt.getTime() + BUDGET_WINDOW_MS);
      }
      await tx.flush();
      counted += spent;
      return result;
    });

  const checkDeadline = () => {
    if (options.deadline !== undefined && Date.now() > options.deadline) throw new RunDeadlineReached();
  };
  try {
    for (const resource of resources) {
      await syncResource(resource, graph, commit, checkDeadline);
    }
    if (options.services.config.graphSync.notificationUrl) {
      await ensureSubscriptions(resources, graph, commit, options.services.config.graphSync.notificationUrl);
    }
  } finally {
    // Requests made after the last commit (a failing page) still count.
    if (graph.requestsUsed > counted) await commit(async () => undefined);
  }
  return { connectionId, outcome: 'synced', requests: graph.requestsUsed };
}

/**
 * A disconnected mailbox (or a deactivated owner's): its subscriptions are deleted at Graph and
 * its cursors forgotten, so a later connection starts with a full round (which finds every linked
 * contact and event again by its id: no duplicates) and new subscriptions.
 */
async function stopMailboxSync(
  em: EntityManager,
  tenantId: string,
  connectionId: string,
  mailbox: string,
  subscriptionIds: readonly string[],
  options: RunOptions,
): Promise<RunReport> {
  const graph = new GraphMailboxClient({
    gateway: options.services.graph,
    tenantId,
    mailboxId: mailbox,
    budget: { remaining: subscriptionIds.length + 10, resetsAt: new Date(Date.now() + BUDGET_WINDOW_MS) },
    ...(options.graph?.sleep ? { sleep: options.graph.sleep } : {}),
    ...(options.graph?.maxWaitMs ? { maxWaitMs: options.graph.maxWaitMs } : {}),
  });
  for (const id of subscriptionIds) {
    try {
      await graph.delete(`/subscriptions/${encodeURIComponent(id)}`);
    } catch (error) {
      // Gone already, or access is withdrawn: Graph drops it when it runs out.
      if (!(error instanceof GraphAccessError || (error instanceof GraphRequestError && error.status === 404))) {
        throw error;
      }
    }
  }
  await inTenantTransaction(em, tenantId, async (tx) => {
    if (graph.requestsUsed > 0) (await currentBudget(tx, tenantId, connectionId)).used += graph.requestsUsed;
    await forgetSyncState(tx, connectionId);
  });
  return { connectionId, outcome: 'stopped', requests: graph.requestsUsed };
}

/** Forgets the mailbox's delta cursors and subscriptions (the links stay, for the next full round to reconcile by). */
export async function forgetSyncState(tx: EntityManager, connectionId: string): Promise<void> {
  const subscriptions = await tx.find(GraphSubscription, { connection: connectionId });
  const cursors = await tx.find(SyncCursor, { connection: connectionId });
  for (const row of [...subscriptions, ...cursors]) tx.remove(row);
  await tx.flush();
}

/**
 * The request budget of a mailbox for Graph work outside a sync run (the pane's filing by reference):
 * a connected mailbox's budget is shared with its sync, so both stay within Graph's limit together;
 * a mailbox the sync does not know gets `alone` requests. `book` adds what the work used.
 */
export async function mailboxBudget(
  em: EntityManager,
  tenantId: string,
  mailbox: string,
  alone: number,
): Promise<{ budget: Budget; book: (used: number) => Promise<void> }> {
  const shared = await inTenantTransaction(em, tenantId, async (tx) => {
    const connection = await tx.findOne(MailboxConnection, { mailbox }, { fields: ['id'] });
    if (!connection) return undefined;
    const row = await currentBudget(tx, tenantId, connection.id);
    await tx.flush();
    return { connectionId: connection.id, used: row.used, windowStartedAt: row.windowStartedAt };
  });
  if (!shared) {
    return { budget: { remaining: alone, resetsAt: new Date(Date.now() + BUDGET_WINDOW_MS) }, book: async () => {} };
  }
  return {
    budget: {
      remaining: Math.max(0, REQUEST_BUDGET - shared.used),
      resetsAt: new Date(shared.windowStartedAt.getTime() + BUDGET_WINDOW_MS),
    },
    book: async (used) => {
      if (used === 0) return;
      await inTenantTransaction(em, tenantId, async (tx) => {
        (await currentBudget(tx, tenantId, shared.connectionId)).used += used;
        await tx.flush();
      });
    },
  };
}

export async function currentBudget(
  tx: EntityManager,
  tenantId: string,
  connectionId: string,
): Promise<GraphRequestBudget> {
  const now = new Date();
  // Locked: a sync run and the mailbox's filings by reference book into the same row.
  let row = await tx.findOne(
    GraphRequestBudget,
    { connection: connectionId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
  if (!row) {
    row = tx.create(GraphRequestBudget, { connection: connectionId, tenant: tenantId, windowStartedAt: now, used: 0 });
  } else if (row.windowStartedAt.getTime() + BUDGET_WINDOW_MS <= now.getTime()) {
    row.windowStartedAt = now;
    row.used = 0;
  }
  return row;
}

async function syncResource(
  resource: SyncResource,
  graph: MailboxGraph,
  commit: <T>(work: (ctx: SyncContext) => Promise<T>) => Promise<T>,
  checkDeadline: () => void,
): Promise<void> {
  const firstUrl = async (): Promise<string> =>
    commit(async (ctx) => {
      const cursor = await ensureCursor(ctx, resource);
      if (cursor.nextLink) return cursor.nextLink;
      if (cursor.deltaLink) return cursor.deltaLink;
      const url = await resource.deltaUrl(ctx);
      cursor.fullSyncStartedAt ??= new Date();
      return url;
    });
  let url = await firstUrl();
  let resyncs = 0;
  for (;;) {
    let page: DeltaPage;
    try {
      page = await graph.get<DeltaPage>(url, { Prefer: `odata.maxpagesize=${DELTA_PAGE_SIZE}` });
    } catch (error) {
      if (!(error instanceof DeltaExpiredError) || resyncs >= MAX_RESYNCS) throw error;
      resyncs += 1;
      await commit(async (ctx) => {
        await resource.fullResyncReset?.(ctx);
        const cursor = await ensureCursor(ctx, resource);
        cursor.deltaLink = null;
        cursor.nextLink = null;
        cursor.fullSyncStartedAt = new Date();
      });
      url = await firstUrl();
      continue;
    }
    const next = page['@odata.nextLink'];
    const delta = page['@odata.deltaLink'];
    const items = page.value ?? [];
    const prepared = resource.preparePage ? await resource.preparePage(items, graph, commit) : undefined;
    await commit(async (ctx) => {
      await actAs(ctx.userId, () => resource.applyPage(ctx, items, prepared), { via: 'outlook' });
      const cursor = await ensureCursor(ctx, resource);
      cursor.nextLink = next ?? null;
      if (delta) {
        cursor.deltaLink = delta;
        cursor.fullSyncStartedAt = null;
        cursor.lastRoundAt = new Date();
      }
    });
    if (!next) break;
    checkDeadline();
    url = next;
  }
  for (;;) {
    checkDeadline();
    const pushed = await commit((ctx) => resource.pushPending(ctx));
    if (!pushed?.more) break;
  }
}

async function ensureCursor(ctx: SyncContext, resource: SyncResource): Promise<SyncCursor> {
  const found = await ctx.em.findOne(SyncCursor, { connection: ctx.connectionId, resource: resource.name });
  if (found) return found;
  const made = ctx.em.create(SyncCursor, {
    tenant: ctx.tenantId,
    connection: ctx.connectionId,
    resource: resource.name,
  });
  await ctx.em.flush();
  return made;
}
