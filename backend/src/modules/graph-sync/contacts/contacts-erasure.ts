// A person's GDPR erasure (G5) as the contact sync has it: her synced Outlook contacts are deleted
// at Graph before her row goes, in every mailbox that holds one; the links go with them. A contact
// deleted in Outlook already (404) is fine; a mailbox whose access is withdrawn cannot be reached,
// and its link goes all the same (the contact is not ours to delete any more).
import type { EntityManager } from '@mikro-orm/postgresql';
import { TRASH_FILTER } from '../../../http/tenancy.ts';
import type { ErasureContext } from '../../../records/erasure-hooks.ts';
import { GraphAccessError, GraphMailboxClient, GraphRequestError } from '../graph-client.ts';
import { ContactLink, MailboxConnection } from '../graph-sync.entity.ts';
import { BUDGET_WINDOW_MS, currentBudget } from '../sync-run.ts';

export async function eraseOutlookContacts(em: EntityManager, erasure: ErasureContext): Promise<void> {
  const links = await em.find(
    ContactLink,
    { person: erasure.id },
    { filters: { [TRASH_FILTER]: false }, orderBy: { id: 'asc' } },
  );
  if (links.length === 0) return;
  const tenantId = erasure.erasedBy.tenantId;
  const connections = await em.find(MailboxConnection, {
    id: { $in: [...new Set(links.map((link) => link.connection.id))] },
  });
  for (const connection of connections) {
    const held = links.filter((link) => link.connection.id === connection.id && link.outlookId && !link.unlinkedAt);
    if (held.length === 0) continue;
    const graph = new GraphMailboxClient({
      gateway: erasure.graph,
      tenantId,
      mailboxId: connection.mailbox,
      budget: { remaining: held.length * 10, resetsAt: new Date(Date.now() + BUDGET_WINDOW_MS) },
    });
    try {
      for (const link of held) {
        try {
          await graph.delete(`${graph.base}/contacts/${encodeURIComponent(link.outlookId as string)}`);
        } catch (error) {
          if (!(error instanceof GraphRequestError && error.status === 404)) throw error;
        }
      }
    } catch (error) {
      if (!(error instanceof GraphAccessError)) throw error;
    } finally {
      if (graph.requestsUsed > 0) (await currentBudget(em, tenantId, connection.id)).used += graph.requestsUsed;
    }
  }
  em.remove(links);
  await em.flush();
}
