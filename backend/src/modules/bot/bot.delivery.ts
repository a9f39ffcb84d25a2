// Delivering the outbox to Teams: each claimed notification becomes one Adaptive Card posted
// proactively to the recipient's personal conversation with the bot.
//
// Exactly one post: before posting, a bot_delivery row is committed (a batch's rows at once, just
// before its posts); after the post, Teams' activity id is written into it in the same transaction
// that marks the notification sent. A deliverer killed between the two leaves a row without an
// activity id; Teams' Bot Connector offers no way to find out whether that post arrived (no listing,
// no idempotency key), so such a notification is never posted again: it is given up and stays
// readable in the app (/me/notifications). 429 and 5xx are retried
// after Retry-After (else 1, 2, 4 s); 403 (bot removed or blocked) marks the conversation gone.

import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type AdaptiveCard,
  type CardContext,
  dealOutcomeCard,
  delegationAnswerCard,
  delegationCard,
  noticeCard,
  overdueDigestCard,
  reminderCard,
  substitutionCard,
  syncAlertCard,
} from '@crm/teams-app/cards';
import type { ConnectorClient, MsalTokenProvider } from '@microsoft/agents-hosting';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../http/tenancy.ts';
import type { Logger } from '../../logger.ts';
import { Tenant } from '../identity/tenant.entity.ts';
import { User } from '../identity/user.entity.ts';
import {
  type ClaimedNotification,
  claimPendingNotifications,
  markNotificationFailed,
  markNotificationSent,
  markNotificationsSent,
} from '../notifications/delivery.ts';
import { viewsByIds } from '../tasks/task-access.ts';
import { canonicalTimeZone } from '../tasks/task-time.ts';
import type { BotSettings } from './bot.settings.ts';
import { taskOnCard } from './bot-actions.ts';
import { BotConversation, BotDelivery } from './bot-conversation.entity.ts';

const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com';
/** Posts retried in place before the notification goes back to the outbox's own backoff. */
const POST_ATTEMPTS = 4;
/** Longest Retry-After waited for in place; longer ones go back to the outbox. */
const MAX_WAIT_SECONDS = 30;
const PARALLEL_POSTS = 8;
/** Tenants delivered at once: each holds a database connection while it plans and records. */
const PARALLEL_TENANTS = 3;

export interface DeliveryReport {
  sent: number;
  failed: number;
  retryLater: number;
}

type PostOutcome =
  | { kind: 'posted'; activityId: string }
  | { kind: 'gone'; error: string }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; error: string };

interface Planned {
  claim: ClaimedNotification;
  conversation: BotConversation;
  card: AdaptiveCard;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class BotDeliverer {
  readonly #orm: MikroORM;
  readonly #settings: BotSettings;
  readonly #logger: Logger;
  #tokens: Promise<MsalTokenProvider> | undefined;
  #connector: Promise<typeof ConnectorClient> | undefined;

  constructor(deps: { orm: MikroORM; settings: BotSettings; logger: Logger }) {
    this.#orm = deps.orm;
    this.#settings = deps.settings;
    this.#logger = deps.logger;
  }

  /** Claims up to `limit` due notifications across all tenants and delivers them. */
  async deliverDue(limit = 100): Promise<DeliveryReport> {
    const claimed = await this.#orm.em
      .fork()
      .transactional((em) => claimPendingNotifications(em as EntityManager, limit));
    const report: DeliveryReport = { sent: 0, failed: 0, retryLater: 0 };
    const byTenant = new Map<string, ClaimedNotification[]>();
    for (const claim of claimed) byTenant.set(claim.tenantId, [...(byTenant.get(claim.tenantId) ?? []), claim]);
    // Tenants side by side (each in its own transactions), posts of a tenant PARALLEL_POSTS at a time.
    const tenants = [...byTenant];
    // A batch's intent rows are committed just before its posts, with the outcomes of the batch before:
    // a deliverer that dies leaves only the posts it had in flight unanswered, not all it had claimed.
    const deliverTenant = async ([tenantId, claims]: [string, ClaimedNotification[]]) => {
      const planned = await this.#plan(tenantId, claims, report);
      for (let start = 0; start < planned.length; start += PARALLEL_POSTS) {
        const batch = planned.slice(start, start + PARALLEL_POSTS);
        const outcomes = new Map<string, PostOutcome>();
        await Promise.all(batch.map(async (item) => outcomes.set(item.claim.id, await this.#post(item))));
        const next = planned.slice(start + PARALLEL_POSTS, start + 2 * PARALLEL_POSTS);
        await this.#record(tenantId, batch, outcomes, next, report);
      }
      if (planned.length > 0) this.#logger.debug({ tenantId, ...report }, 'bot delivery');
    };
    for (let start = 0; start < tenants.length; start += PARALLEL_TENANTS) {
      await Promise.all(tenants.slice(start, start + PARALLEL_TENANTS).map(deliverTenant));
    }
    return report;
  }

  /** Decides each notification's fate and commits the intent rows of the first batch to post. */
  async #plan(tenantId: string, claims: ClaimedNotification[], report: DeliveryReport): Promise<Planned[]> {
    return inTenantTransaction(this.#orm.em as EntityManager, tenantId, async (em) => {
      const ids = claims.map((claim) => claim.id);
      const begun = new Map(
        (await em.find(BotDelivery, { notificationId: { $in: ids } })).map((row) => [row.notificationId, row]),
      );
      const conversations = new Map<string, BotConversation>();
      for (const conversation of await em.find(
        BotConversation,
        { userId: { $in: claims.map((claim) => claim.recipient.id) }, conversationType: 'personal', goneAt: null },
        { orderBy: { updatedAt: 'desc' } },
      )) {
        if (!conversations.has(conversation.userId)) conversations.set(conversation.userId, conversation);
      }
      const cards = await this.#cards(em, claims, conversations);
      const planned: Planned[] = [];
      for (const claim of claims) {
        const earlier = begun.get(claim.id);
        const conversation = conversations.get(claim.recipient.id);
        if (earlier?.activityId) {
          // Posted and recorded, but the mark was lost: finish it.
          if (await markNotificationSent(em, claim)) report.sent += 1;
        } else if (earlier) {
          await markNotificationFailed(
            em,
            claim,
            'A delivery stopped during its post to Teams; it is not posted again, so it is never shown twice.',
            { permanent: true },
          );
          report.failed += 1;
        } else if (!conversation) {
          await markNotificationFailed(em, claim, 'The recipient has not installed the CRM app in Teams.', {
            permanent: true,
          });
          report.failed += 1;
        } else {
          planned.push({ claim, conversation, card: cards.get(claim.id) as AdaptiveCard });
        }
      }
      beginPosts(em, tenantId, planned.slice(0, PARALLEL_POSTS));
      await em.flush();
      return planned;
    });
  }

  /** Each notification's card, with the tasks and people it names read in two queries. */
  async #cards(
    em: EntityManager,
    claims: ClaimedNotification[],
    conversations: Map<string, BotConversation>,
  ): Promise<Map<string, AdaptiveCard>> {
    const taskIds = [...new Set(claims.flatMap((claim) => stringOf(claim.payload.taskId) ?? []))];
    const tasks = new Map((await viewsByIds(em, taskIds)).map((task) => [task.id, task]));
    const userIds = [
      ...new Set(claims.flatMap((claim) => [stringOf(claim.payload.byUserId), stringOf(claim.payload.forUserId)])),
    ].filter((id): id is string => id !== undefined);
    const names = new Map(
      (userIds.length > 0 ? await em.find(User, { id: { $in: userIds } }, { fields: ['displayName'] }) : []).map(
        (user) => [user.id, user.displayName],
      ),
    );
    const cards = new Map<string, AdaptiveCard>();
    for (const claim of claims) {
      const payload = claim.payload;
      const context: CardContext = {
        language: claim.recipient.language,
        timeZone: canonicalTimeZone(conversations.get(claim.recipient.id)?.timeZone ?? '') ?? 'Europe/Berlin',
        teamsAppId: this.#settings.teamsAppId,
      };
      const task = tasks.get(stringOf(payload.taskId) ?? '');
      const title = stringOf(payload.title) ?? task?.title ?? claim.kind;
      const by = names.get(stringOf(payload.byUserId) ?? '') ?? '';
      let card: AdaptiveCard;
      if (claim.kind === 'task.reminder' && task) {
        card = reminderCard(await taskOnCard(em, task), context);
      } else if (claim.kind === 'task.delegated' && task) {
        card = delegationCard(
          {
            task: await taskOnCard(em, task),
            delegatorName: by,
            note: stringOf(payload.note) ?? null,
            state: task.delegation?.state ?? 'pending',
            reason: task.delegation?.reason ?? null,
          },
          context,
        );
      } else if (claim.kind === 'task.delegation_accepted' || claim.kind === 'task.delegation_declined') {
        card = delegationAnswerCard(
          {
            taskId: stringOf(payload.taskId) ?? '',
            title,
            byName: by,
            accepted: claim.kind === 'task.delegation_accepted',
            reason: stringOf(payload.reason) ?? null,
          },
          context,
        );
      } else if (claim.kind === 'task.substituted') {
        card = substitutionCard(
          {
            taskId: stringOf(payload.taskId) ?? '',
            title,
            forName: names.get(stringOf(payload.forUserId) ?? '') ?? '',
            dueAt: stringOf(payload.dueAt) ?? null,
            until: stringOf(payload.until) ?? null,
          },
          context,
        );
      } else if (claim.kind === 'deal.won' || claim.kind === 'deal.lost') {
        card = dealOutcomeCard(
          {
            id: stringOf(payload.dealId) ?? '',
            name: title,
            won: claim.kind === 'deal.won',
            value: stringOf(payload.value) ?? null,
            currency: stringOf(payload.currency) ?? null,
            ownerName: stringOf(payload.ownerName) ?? null,
            lostReason: stringOf(payload.lostReason) ?? null,
          },
          context,
        );
      } else if (claim.kind === 'task.overdue_digest') {
        const listed = Array.isArray(payload.tasks) ? (payload.tasks as Record<string, unknown>[]) : [];
        card = overdueDigestCard(
          {
            total: typeof payload.total === 'number' ? payload.total : listed.length,
            tasks: listed.map((item) => ({
              id: stringOf(item.id) ?? stringOf(item.taskId) ?? '',
              title: stringOf(item.title) ?? '',
              dueAt: stringOf(item.dueAt) ?? new Date().toISOString(),
            })),
          },
          context,
        );
      } else if (claim.kind === 'sync.stalled' || claim.kind === 'sync.revoked') {
        card = syncAlertCard(
          {
            revoked: claim.kind === 'sync.revoked',
            message: title,
            lastSuccessAt: stringOf(payload.lastSuccessAt) ?? null,
          },
          context,
        );
      } else {
        card = noticeCard({ title, taskId: stringOf(payload.taskId) ?? null }, context);
      }
      cards.set(claim.id, card);
    }
    return cards;
  }

  async #post(item: Planned): Promise<PostOutcome> {
    const activity = {
      type: 'message',
      attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: item.card }],
    };
    let lastError = '';
    for (let attempt = 1; attempt <= POST_ATTEMPTS; attempt++) {
      try {
        const client = (await this.#connectorClass()).createClientWithToken(
          item.conversation.serviceUrl,
          await (await this.#tokenProvider()).getAccessToken(BOT_FRAMEWORK_SCOPE),
        );
        const posted = await client.sendToConversation(
          item.conversation.conversationId,
          activity as unknown as Parameters<ConnectorClient['sendToConversation']>[1],
        );
        return { kind: 'posted', activityId: String(posted.id) };
      } catch (error) {
        const response = (error as { response?: { status?: number; headers?: Headers; data?: unknown } }).response;
        const status = response?.status;
        lastError = `Teams answered ${status ?? 'nothing'}: ${JSON.stringify(response?.data ?? String(error)).slice(0, 500)}`;
        if (status === 403) return { kind: 'gone', error: lastError };
        if (status !== undefined && status !== 429 && status < 500) return { kind: 'failed', error: lastError };
        const retryAfter = Number(response?.headers?.get?.('retry-after'));
        const waitSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 2 ** (attempt - 1);
        if (attempt === POST_ATTEMPTS || waitSeconds > MAX_WAIT_SECONDS) break;
        await sleep(waitSeconds * 1000 * (1 + Math.random() * 0.1));
      }
    }
    return { kind: 'retry', error: lastError };
  }

  /** Records a batch's outcomes and commits the intent rows of the `next` batch, in one transaction. */
  async #record(
    tenantId: string,
    planned: Planned[],
    outcomes: Map<string, PostOutcome>,
    next: Planned[],
    report: DeliveryReport,
  ): Promise<void> {
    if (planned.length === 0) return;
    await inTenantTransaction(this.#orm.em as EntityManager, tenantId, async (em) => {
      // Posted ones in two statements, however many: their intent rows completed (one batched update
      // through the unit of work) and their notifications marked sent.
      const posted = new Map<string, string>();
      for (const { claim } of planned) {
        const outcome = outcomes.get(claim.id);
        if (outcome?.kind === 'posted') posted.set(claim.id, outcome.activityId);
      }
      if (posted.size > 0) {
        const postedAt = new Date();
        for (const delivery of await em.find(BotDelivery, { notificationId: { $in: [...posted.keys()] } })) {
          delivery.activityId = posted.get(delivery.notificationId) ?? null;
          delivery.postedAt = postedAt;
        }
        await em.flush();
        report.sent += await markNotificationsSent(
          em,
          planned.filter(({ claim }) => posted.has(claim.id)).map(({ claim }) => claim),
        );
      }
      for (const { claim, conversation } of planned) {
        if (posted.has(claim.id)) continue;
        const outcome = outcomes.get(claim.id) ?? { kind: 'retry', error: 'not posted' };
        if (outcome.kind === 'posted') continue;
        // Not posted: the intent goes, so a later attempt may post.
        await em.nativeDelete(BotDelivery, { notificationId: claim.id });
        if (outcome.kind === 'gone') {
          await em.nativeUpdate(BotConversation, { id: conversation.id }, { goneAt: new Date() });
        }
        const permanent = outcome.kind !== 'retry';
        await markNotificationFailed(em, claim, outcome.error, { permanent });
        if (permanent) report.failed += 1;
        else report.retryLater += 1;
      }
      beginPosts(em, tenantId, next);
      await em.flush();
    });
  }

  #tokenProvider(): Promise<MsalTokenProvider> {
    this.#tokens ??= import('@microsoft/agents-hosting').then(
      ({ MsalTokenProvider }) =>
        new MsalTokenProvider({
          clientId: this.#settings.appId,
          clientSecret: this.#settings.appSecret,
          tenantId: this.#settings.tenantId,
          authorityEndpoint: this.#settings.authorityHost,
        }),
    );
    return this.#tokens;
  }

  #connectorClass(): Promise<typeof ConnectorClient> {
    this.#connector ??= import('@microsoft/agents-hosting').then(({ ConnectorClient }) => ConnectorClient);
    return this.#connector;
  }
}

const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The intent rows of posts about to be made, for the caller's flush. */
function beginPosts(em: EntityManager, tenantId: string, items: readonly Planned[]): void {
  for (const { claim, conversation } of items) {
    em.create(BotDelivery, {
      notificationId: claim.id,
      tenant: em.getReference(Tenant, tenantId),
      conversationId: conversation.conversationId,
    });
  }
}

export interface BotDeliveryWorker {
  stop(): Promise<void>;
}

/**
 * Delivers the outbox in a worker process while a bot is configured: a round right after the last
 * one when it was busy, else every `idleMs`. Claims are leases, so any number of workers may run.
 */
export function startBotDelivery(deps: {
  orm: MikroORM;
  logger: Logger;
  settings: BotSettings | undefined;
  idleMs?: number;
  /** Delivery rounds running side by side (claims skip each other's rows); default 2. */
  lanes?: number;
}): BotDeliveryWorker {
  const { settings } = deps;
  if (!settings) return { stop: async () => {} };
  const deliverer = new BotDeliverer({ orm: deps.orm, settings, logger: deps.logger });
  let stopped = false;
  const wakers = new Set<() => void>();
  // A round mostly waits (on the database, on Teams): a few lanes keep a burst of reminders moving.
  const lane = async () => {
    while (!stopped) {
      let busy = false;
      try {
        const report = await deliverer.deliverDue();
        busy = report.sent + report.failed + report.retryLater > 0;
      } catch (error) {
        deps.logger.error({ err: error }, 'bot delivery round failed');
      }
      if (!busy && !stopped) {
        await new Promise<void>((resolve) => {
          const done = () => {
            wakers.delete(done);
            resolve();
          };
          wakers.add(done);
          setTimeout(done, deps.idleMs ?? 1000).unref();
        });
      }
    }
  };
  const lanes = Array.from({ length: Math.max(1, deps.lanes ?? 2) }, lane);
  return {
    async stop() {
      stopped = true;
      for (const wake of wakers) wake();
      await Promise.all(lanes);
    },
  };
}
