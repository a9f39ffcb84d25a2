// Change notification subscriptions, one per mailbox and resource: made with a random clientState
// (kept as its SHA-256, compared in constant time), renewed a day before they run out (Outlook
// allows at most 10,080 minutes), made again when Graph removed them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphRequestError, type MailboxGraph } from './graph-client.ts';
import { GraphSubscription } from './graph-sync.entity.ts';
import type { SyncContext, SyncResource } from './resource.ts';

/** How long a subscription is asked for (Graph's limit for Outlook resources is 7 days). */
export const SUBSCRIPTION_LIFETIME_MS = 3 * 24 * 3_600_000;
/** Renewed when it runs out within this. */
export const RENEW_BEFORE_MS = 24 * 3_600_000;

export const hashClientState = (clientState: string) => createHash('sha256').update(clientState, 'utf8').digest('hex');

/** Whether `clientState` is the one whose hash was stored, without telling by timing how close it came. */
export function clientStateMatches(clientState: unknown, storedHash: string): boolean {
  if (typeof clientState !== 'string') return false;
  const given = Buffer.from(hashClientState(clientState), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

interface SubscriptionAnswer {
  id: string;
  expirationDateTime: string;
}

/**
 * Makes or renews the mailbox's subscriptions. Graph is asked with no transaction open: while it
 * makes a subscription it calls our webhook (the validation handshake), and a transaction held
 * meanwhile would stall everything else on the embedded database, which runs one at a time.
 */
export async function ensureSubscriptions(
  resources: readonly SyncResource[],
  graph: MailboxGraph,
  commit: <T>(work: (ctx: SyncContext) => Promise<T>) => Promise<T>,
  notificationUrl: string,
): Promise<void> {
  for (const resource of resources) {
    if (!resource.subscriptionResource) continue;
    const plan = await commit(async (ctx) => {
      const target = await resource.subscriptionResource?.(ctx);
      const existing = await ctx.em.findOne(GraphSubscription, {
        connection: ctx.connectionId,
        resource: resource.name,
      });
      return {
        target,
        existing: existing ? { id: existing.subscriptionId, expiresAt: existing.expiresAt } : undefined,
      };
    });
    if (!plan.target) continue;
    const now = Date.now();
    if (plan.existing && plan.existing.expiresAt.getTime() - now > RENEW_BEFORE_MS) continue;
    const expirationDateTime = new Date(now + SUBSCRIPTION_LIFETIME_MS).toISOString();
    if (plan.existing) {
      const subscriptionId = plan.existing.id;
      let renewedUntil: Date | undefined;
      try {
        const answer = await graph.patch<SubscriptionAnswer>(`/subscriptions/${encodeURIComponent(subscriptionId)}`, {
          expirationDateTime,
        });
        renewedUntil = new Date(answer.expirationDateTime ?? expirationDateTime);
      } catch (error) {
        // Gone at Graph (expired, or removed): made again below.
        if (!(error instanceof GraphRequestError && error.status === 404)) throw error;
      }
      await commit(async (ctx) => {
        const row = await ctx.em.findOne(GraphSubscription, { subscriptionId });
        if (row && renewedUntil) row.expiresAt = renewedUntil;
        else if (row) ctx.em.remove(row);
      });
      if (renewedUntil) continue;
    }
    const clientState = randomBytes(32).toString('base64url');
    const answer = await graph.post<SubscriptionAnswer>('/subscriptions', {
      changeType: 'created,updated,deleted',
      notificationUrl,
      lifecycleNotificationUrl: notificationUrl,
      resource: plan.target,
      expirationDateTime,
      clientState,
    });
    await commit(async (ctx) => {
      const stale = await ctx.em.findOne(GraphSubscription, { connection: ctx.connectionId, resource: resource.name });
      if (stale) {
        ctx.em.remove(stale);
        await ctx.em.flush();
      }
      ctx.em.create(GraphSubscription, {
        tenant: ctx.tenantId,
        connection: ctx.connectionId,
        resource: resource.name,
        subscriptionId: answer.id,
        clientStateHash: hashClientState(clientState),
        expiresAt: new Date(answer.expirationDateTime ?? expirationDateTime),
      });
    });
  }
}
