// What the calendar tests share: a connected mailbox (its mailbox_connection row, as a user makes it
// for themself) and sync-core's run of it (delta pages committed one by one, then the pushes; 410
// starts a new round) over the calendar resource, with the real Graph SDK against the emulator.
import { GraphGateway } from '../../../../graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../../http/tenancy.ts';
import { createLogger } from '../../../../logger.ts';
import type { TestApp } from '../../../../testing/test-app.ts';
import type { MailboxGraph } from '../../graph-client.ts';
import { GraphMailboxClient } from '../../graph-client.ts';
import { MailboxConnection } from '../../graph-sync.entity.ts';
import { type RunReport, runMailboxSync } from '../../sync-run.ts';
import { calendarResource } from '../calendar.resource.ts';

export interface Mailbox {
  tenantId: string;
  userId: string;
  upn: string;
  connectionId: string;
  /** A Graph client of the mailbox for the test's own look at Outlook. */
  graph: MailboxGraph;
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
    budget: { remaining: 1_000_000, resetsAt: new Date(Date.now() + 600_000) },
  });
  return { tenantId, userId, upn, connectionId: connection.id, graph };
}

/** One sync run of the mailbox's calendar, as the sync job runs it. */
export function syncCalendar(t: TestApp, mailbox: Mailbox): Promise<RunReport> {
  return runMailboxSync(t.orm.em, mailbox.tenantId, mailbox.connectionId, {
    resources: [calendarResource],
    services: { config: t.config, logger: createLogger(t.config), graph: new GraphGateway(t.config.entra) },
  });
}
