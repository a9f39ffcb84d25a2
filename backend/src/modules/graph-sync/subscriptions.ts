// Change notification subscriptions, one per mailbox and resource: made with a random clientState
// (kept as its SHA-256, compared in constant time), renewed a day before they run out (Outlook
// allows at most 10,080 minutes), made again when Graph removed them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphRequestError } from './graph-client.ts';
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

export async function ensureSubscriptions(
  resources: readonly SyncResource[],
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
      const renewed = await commit(async (ctx) => {
        try {
          const answer = await ctx.graph.patch<SubscriptionAnswer>(
            `/subscriptions/${encodeURIComponent(plan.existing?.id ?? '')}`,
            { expirationDateTime },
          );
          const row = await ctx.em.findOne(GraphSubscription, { subscriptionId: plan.existing?.id ?? '' });
          if (row) row.expiresAt = new Date(answer.expirationDateTime ?? expirationDateTime);
          return true;
        } catch (error) {
          if (!(error instanceof GraphRequestError && error.status === 404)) throw error;
          // Gone at Graph (expired, or removed): made again below.
          const row = await ctx.em.findOne(GraphSubscription, { subscriptionId: plan.existing?.id ?? '' });
          if (row) ctx.em.remove(row);
          return false;
        }
      });
      if (renewed) continue;
    }
    const clientState = randomBytes(32).toString('base64url');
    await commit(async (ctx) => {
      // Graph checks the URL (validation handshake) before it answers; the webhook answers that
      // without the database, so this transaction waiting for the answer blocks nothing it needs.
      const answer = await ctx.graph.post<SubscriptionAnswer>('/subscriptions', {
        changeType: 'created,updated,deleted',
        notificationUrl,
        lifecycleNotificationUrl: notificationUrl,
        resource: plan.target,
        expirationDateTime,
        clientState,
      });
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
