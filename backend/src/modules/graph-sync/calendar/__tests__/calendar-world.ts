// What the calendar tests share: a connected mailbox (its mailbox_connection row and sync-core's
// Graph client on the real SDK against the emulator) and a run of the 'events' resource as the run
// loop does it (push, then delta pages, each page in its own tenant transaction; 410 starts a new round).
import { GraphGateway } from '../../../../graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../../http/tenancy.ts';
import type { TestApp } from '../../../../testing/test-app.ts';
import { DeltaExpiredError, GraphMailboxClient } from '../../graph-client.ts';
import { MailboxConnection } from '../../graph-sync.entity.ts';
import { calendarResource } from '../calendar.resource.ts';
import type { MailboxGraph, SyncContext } from '../sync-interface.ts';

export interface Mailbox {
  tenantId: string;
  userId: string;
  upn: string;
  connectionId: string;
  graph: MailboxGraph;
  deltaLink?: string | undefined;
}

/** Connects the user's mailbox (Graph's object id of the user) as the user would for themself. */
export async function connectMailbox(
  t: TestApp,
  tenantId: string,
  userId: string,
  upn: string,
  objectId: string,
): Promise<Mailbox> {
  const connection = await inTenantTransaction(t.orm.em, tenantId, async (em) => {
    const made = em.create(MailboxConnection, { tenant: tenantId, userId, mailbox: objectId, enabledBy: 'self' });
    await em.flush();
    return made;
  });
  const graph = new GraphMailboxClient({
    gateway: new GraphGateway(t.config.entra),
    tenantId,
    mailboxId: objectId,
    budget: { remaining: 10_000, resetsAt: new Date(Date.now() + 600_000) },
  });
  return { tenantId, userId, upn, connectionId: connection.id, graph };
}

const inMailbox = <T>(t: TestApp, mailbox: Mailbox, work: (ctx: SyncContext) => Promise<T>) =>
  inTenantTransaction(t.orm.em, mailbox.tenantId, (em) =>
    work({
      em,
      tenantId: mailbox.tenantId,
      userId: mailbox.userId,
      connectionId: mailbox.connectionId,
      graph: mailbox.graph,
    }),
  );

async function pushAll(t: TestApp, mailbox: Mailbox): Promise<void> {
  for (;;) {
    const pushed = await inMailbox(t, mailbox, (ctx) => calendarResource.pushPending(ctx));
    if (!pushed?.more) return;
  }
}

interface DeltaPage {
  value: unknown[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** One sync run of the calendar: CRM changes out, then Outlook's changes in; answers the pages read. */
export async function syncCalendar(t: TestApp, mailbox: Mailbox, options: { push?: boolean } = {}): Promise<number> {
  if (options.push ?? true) await pushAll(t, mailbox);
  let url = mailbox.deltaLink ?? (await inMailbox(t, mailbox, (ctx) => calendarResource.deltaUrl(ctx)));
  let pages = 0;
  for (;;) {
    let page: DeltaPage;
    try {
      page = await mailbox.graph.get<DeltaPage>(url, { Prefer: 'odata.maxpagesize=50' });
    } catch (error) {
      if (!(error instanceof DeltaExpiredError)) throw error;
      await inMailbox(t, mailbox, async (ctx) => calendarResource.fullResyncReset?.(ctx));
      mailbox.deltaLink = undefined;
      url = await inMailbox(t, mailbox, (ctx) => calendarResource.deltaUrl(ctx));
      continue;
    }
    pages += 1;
    await inMailbox(t, mailbox, (ctx) => calendarResource.applyPage(ctx, page.value));
    if (page['@odata.nextLink']) {
      url = page['@odata.nextLink'];
      continue;
    }
    mailbox.deltaLink = page['@odata.deltaLink'];
    return pages;
  }
}
