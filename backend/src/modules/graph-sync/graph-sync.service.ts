// The Outlook sync as users and admins meet it: connecting a mailbox, "sync now", the health of
// each mailbox, the webhook's notifications turned into runs, and the periodic work (polling,
// subscription renewal, telling owners of a stalled sync).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Language } from '../../http/language.ts';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem } from '../../http/problems.ts';
import { inTenantTransaction, TENANT_FILTER } from '../../http/tenancy.ts';
import { enqueue } from '../../jobs/runtime.ts';
import type { Logger } from '../../logger.ts';
import { db } from '../../records/sql.ts';
import { User } from '../identity/user.entity.ts';
import { notify } from '../notifications/outbox.ts';
import { GraphSubscription, MailboxConnection, SyncCursor } from './graph-sync.entity.ts';
import type { MailboxSync } from './graph-sync.schemas.ts';
import { clientStateMatches, RENEW_BEFORE_MS } from './subscriptions.ts';

export const SYNC_RUN_JOB = 'graph-sync-run';
/** A sync that has not succeeded for this long tells its owner. */
export const STALL_AFTER_MS = 3_600_000;

/**
 * A shared mailbox Graph refused (outside the application access policy) is tried again this long
 * after, by the poll: once an hour, not in a loop, and it files again once the policy names it.
 */
export const DENIED_RETRY_MS = 3_600_000;

export function retryDue(pausedAt: Date, now = Date.now()): boolean {
  return pausedAt.getTime() + DENIED_RETRY_MS <= now;
}

export interface SyncRunJob {
  connectionId: string;
}

export function tenantIdOf(em: EntityManager): string {
  const tenantId = em.getFilterParams<{ tenantId?: string }>(TENANT_FILTER)?.tenantId;
  if (!tenantId) throw new Error('The sync works in a tenant transaction');
  return tenantId;
}

/** Enqueues a run of the mailbox (in the caller's transaction); false when one already waits. */
export async function queueRun(
  em: EntityManager,
  connectionId: string,
  options: { startAfter?: Date } = {},
): Promise<boolean> {
  const id = await enqueue(em, SYNC_RUN_JOB, { connectionId } satisfies SyncRunJob, {
    singletonKey: connectionId,
    ...(options.startAfter ? { startAfter: options.startAfter } : {}),
  });
  return id !== null;
}

/** Connects (or disconnects) the mailbox of `userId`: by themself, or by an admin for them. */
export async function setMailboxSync(
  em: EntityManager,
  principal: Principal,
  userId: string,
  enabled: boolean,
): Promise<MailboxConnection | undefined> {
  const user = await em.findOne(User, { id: userId });
  if (!user) throw problem('not_found', { noSuch: noSuch('user'), id: userId });
  let connection = await em.findOne(MailboxConnection, { userId });
  if (!enabled) {
    if (!connection) return undefined;
    connection.enabled = false;
    await em.flush();
    // The run of a disconnected mailbox deletes its subscriptions and forgets its cursors.
    await queueRun(em, connection.id);
    return connection;
  }
  const enabledBy = principal.userId === userId ? 'self' : 'admin';
  if (!connection) {
    connection = em.create(MailboxConnection, {
      tenant: principal.tenantId,
      userId,
      mailbox: user.entraObjectId,
      enabledBy,
      createdBy: principal.userId ?? null,
    });
  } else {
    connection.enabled = true;
    connection.enabledBy = enabledBy;
    // A changed configuration is a reason to try again after a revoked consent.
    connection.pausedAt = null;
  }
  await em.flush();
  await queueRun(em, connection.id);
  return connection;
}

/** "Sync now": clears a pause (revoked access) and queues a run. */
export async function syncNow(em: EntityManager, userId: string): Promise<boolean> {
  const connection = await em.findOne(MailboxConnection, { userId });
  if (!connection?.enabled) throw problem('sync_not_connected');
  connection.pausedAt = null;
  await em.flush();
  return queueRun(em, connection.id);
}

function errorOf(connection: MailboxConnection, language: Language): MailboxSync['lastError'] {
  if (!connection.lastErrorCode || !connection.lastErrorAt) return null;
  const known = [
    'graph_access_revoked',
    'graph_unavailable',
    'graph_budget_exhausted',
    'graph_sync_failed',
    'meeting_attachment_too_large',
    'meeting_attachment_refused',
  ] as const;
  const key = known.find((code) => code === connection.lastErrorCode) ?? 'graph_sync_failed';
  const rendered = problem(key);
  return {
    code: key,
    title: rendered.titles[language],
    detail: rendered.details[language],
    at: connection.lastErrorAt.toISOString(),
  };
}

/** The health of mailboxes (mine, or all of the tenant for admins), in the reader's language. */
export async function mailboxHealth(
  em: EntityManager,
  filter: { userId?: string },
  language: Language,
): Promise<MailboxSync[]> {
  // Shared mailboxes tell their health on their own (GET /api/v1/shared-mailboxes).
  const connections = await em.find(
    MailboxConnection,
    { userId: filter.userId ?? { $ne: null } },
    {
      orderBy: { createdAt: 'asc', id: 'asc' },
    },
  );
  if (connections.length === 0) return [];
  const ids = connections.map((connection) => connection.id);
  const ownerOf = (connection: MailboxConnection) => connection.userId as string;
  const users = await em.find(User, { id: { $in: connections.map(ownerOf) } });
  const names = new Map(users.map((user) => [user.id, user.displayName]));
  const cursors = await em.find(SyncCursor, { connection: { $in: ids } }, { orderBy: { resource: 'asc' } });
  const resourceHealth = (
    connection: MailboxConnection,
    names: readonly SyncCursor['resource'][],
    backlog?: number,
  ) => {
    const own = cursors.filter((cursor) => cursor.connection.id === connection.id && names.includes(cursor.resource));
    const rounds = own.map((cursor) => cursor.lastRoundAt);
    // A resource succeeded when every part of it (inbox and sent items for mail) finished a round.
    const lastSuccess =
      rounds.length === names.length && rounds.every((at) => at != null)
        ? new Date(Math.min(...rounds.map((at) => (at as Date).getTime())))
        : null;
    const error = errorOf(connection, language);
    // The last run's error is this resource's when the resource has not finished a round since.
    const stopped = error != null && (lastSuccess == null || lastSuccess.getTime() < Date.parse(error.at));
    // A meeting attachment left out stops nothing, and is the calendar's to tell.
    const leftOut = error?.code.startsWith('meeting_attachment_') === true;
    return {
      lastSuccessAt: lastSuccess?.toISOString() ?? null,
      backlog: backlog ?? own.filter((cursor) => cursor.nextLink != null || cursor.fullSyncStartedAt != null).length,
      lastError: (leftOut ? names.includes('events') : stopped) ? error : null,
    };
  };
  return connections.map((connection) => ({
    id: connection.id,
    userId: ownerOf(connection),
    userName: names.get(ownerOf(connection)) ?? '',
    mailbox: connection.mailbox,
    enabled: connection.enabled,
    enabledBy: connection.enabledBy,
    status: connection.status,
    lastSuccessAt: connection.lastSuccessAt?.toISOString() ?? null,
    lastAttemptAt: connection.lastAttemptAt?.toISOString() ?? null,
    backlog: connection.backlog,
    paused: connection.pausedAt != null,
    lastError: errorOf(connection, language),
    health: {
      contacts: resourceHealth(connection, ['contacts'], connection.backlog),
      events: resourceHealth(connection, ['events']),
      mail: resourceHealth(connection, ['mail-inbox', 'mail-sentitems']),
    },
    resources: cursors
      .filter((cursor) => cursor.connection.id === connection.id)
      .map((cursor) => ({
        resource: cursor.resource,
        lastRoundAt: cursor.lastRoundAt?.toISOString() ?? null,
        fullSyncRunning: cursor.fullSyncStartedAt != null,
      })),
  }));
}

// ---- change notifications ---------------------------------------------------------------------

export interface GraphNotification {
  subscriptionId?: unknown;
  clientState?: unknown;
  tenantId?: unknown;
  lifecycleEvent?: unknown;
  changeType?: unknown;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns Graph's notifications into runs: each is checked against its subscription's clientState
 * (a wrong one is refused and logged), then only enqueues (no Graph call here, so the webhook
 * answers at once). Answers how many were accepted and refused.
 */
export async function acceptNotifications(
  rootEm: EntityManager,
  notifications: readonly GraphNotification[],
  logger: Logger,
): Promise<{ accepted: number; refused: number }> {
  const byTenant = new Map<string, GraphNotification[]>();
  let refused = 0;
  for (const notification of notifications) {
    const tenantId = typeof notification.tenantId === 'string' ? notification.tenantId.toLowerCase() : '';
    if (!GUID.test(tenantId) || typeof notification.subscriptionId !== 'string') {
      refused += 1;
      continue;
    }
    byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), notification]);
  }
  let accepted = 0;
  for (const [tenantId, list] of byTenant) {
    await inTenantTransaction(rootEm, tenantId, async (em) => {
      const subscriptions = await em.find(
        GraphSubscription,
        { subscriptionId: { $in: list.map((item) => item.subscriptionId as string) } },
        { populate: ['connection'] },
      );
      const bySubscription = new Map(subscriptions.map((row) => [row.subscriptionId, row]));
      const queued = new Set<string>();
      for (const notification of list) {
        const subscription = bySubscription.get(notification.subscriptionId as string);
        if (!subscription || !clientStateMatches(notification.clientState, subscription.clientStateHash)) {
          refused += 1;
          logger.warn(
            { tenantId, subscriptionId: notification.subscriptionId, known: subscription !== undefined },
            'graph notification refused: no subscription with this clientState',
          );
          continue;
        }
        accepted += 1;
        const event = notification.lifecycleEvent;
        if (event === 'reauthorizationRequired') {
          // The run renews it (a Graph call, which the webhook does not make).
          subscription.expiresAt = new Date();
        } else if (event === 'subscriptionRemoved') {
          em.remove(subscription);
        }
        const connection = subscription.connection;
        if (connection.enabled && !connection.pausedAt && !queued.has(connection.id)) {
          queued.add(connection.id);
          await queueRun(em, connection.id);
        }
      }
      await em.flush();
    });
  }
  return { accepted, refused };
}

// ---- periodic work ----------------------------------------------------------------------------

/**
 * Queues a run for every mailbox not tried for `pollSeconds`, or whose subscription runs out soon,
 * or whose owner was deactivated (that run stops the mailbox's sync).
 */
export async function queueDueRuns(em: EntityManager, pollSeconds: number): Promise<number> {
  const now = Date.now();
  const due = await db(em)
    .selectFrom('mailbox_connection as c')
    .select(['c.id'])
    .where('c.enabled', '=', true)
    .where((where) =>
      where.or([
        where.exists(
          where
            .selectFrom('app_user as u')
            .select('u.id')
            .whereRef('u.id', '=', 'c.user_id')
            .where('u.active', '=', false),
        ),
        where.and([
          where.or([
            where('c.paused_at', 'is', null),
            // A shared mailbox Graph refused is tried again after a while (the policy may name it now).
            where.and([
              where('c.shared_mailbox_id', 'is not', null),
              where('c.paused_at', '<=', new Date(now - DENIED_RETRY_MS)),
            ]),
          ]),
          where.or([
            where('c.last_attempt_at', 'is', null),
            where('c.last_attempt_at', '<', new Date(now - pollSeconds * 1000)),
            where.exists(
              where
                .selectFrom('graph_subscription as s')
                .select('s.id')
                .whereRef('s.connection_id', '=', 'c.id')
                .where('s.expires_at', '<', new Date(now + RENEW_BEFORE_MS)),
            ),
          ]),
        ]),
      ]),
    )
    .execute();
  for (const row of due) await queueRun(em, row.id);
  return due.length;
}

/**
 * Queues a run for every mailbox whose owner's persons or calendar activities changed in the CRM
 * since its last run, so a CRM edit reaches Outlook within seconds without the contacts and
 * activities modules knowing about the sync.
 */
export async function queueRunsForCrmChanges(em: EntityManager): Promise<number> {
  const due = await db(em)
    .selectFrom('mailbox_connection as c')
    .select(['c.id'])
    .where('c.enabled', '=', true)
    .where('c.paused_at', 'is', null)
    .where('c.last_attempt_at', 'is not', null)
    .where((where) => {
      // Changes stamped after the last run's view of the CRM (older rows have none: their last attempt).
      const seen = where.fn.coalesce('c.crm_seen_until', 'c.last_attempt_at');
      return where.or([
        where.exists(
          where
            .selectFrom('person as p')
            .select('p.id')
            .whereRef('p.owner_id', '=', 'c.user_id')
            .where((changed) =>
              changed.or([
                changed('p.updated_at', '>', seen),
                // A change of the person's business contact or its organization (company, job title, phone).
                changed.exists(
                  changed
                    .selectFrom('business_contact as bc')
                    .innerJoin('organization as o', 'o.id', 'bc.organization_id')
                    .select('bc.id')
                    .whereRef('bc.person_id', '=', 'p.id')
                    .where((work) => work.or([work('bc.updated_at', '>', seen), work('o.updated_at', '>', seen)])),
                ),
              ]),
            ),
        ),
        // An activity of the user's calendar (theirs, or made by them for nobody), or one paired with
        // an event of this mailbox (given to someone else, it leaves the calendar).
        where.exists(
          where
            .selectFrom('activity as a')
            .select('a.id')
            .where('a.updated_at', '>', seen)
            .where((mine) =>
              mine.or([
                mine('a.owner_id', '=', mine.ref('c.user_id')),
                mine.and([mine('a.owner_id', 'is', null), mine('a.created_by', '=', mine.ref('c.user_id'))]),
                mine.exists(
                  mine
                    .selectFrom('event_link as l')
                    .select('l.id')
                    .whereRef('l.activity_id', '=', 'a.id')
                    .whereRef('l.connection_id', '=', 'c.id'),
                ),
              ]),
            ),
        ),
      ]);
    })
    .execute();
  for (const row of due) await queueRun(em, row.id);
  return due.length;
}

const stalledText = {
  stalled: {
    de: 'Der Outlook-Abgleich Ihres Postfachs war seit über einer Stunde nicht erfolgreich.',
    en: 'The Outlook sync of your mailbox has not succeeded for more than an hour.',
  },
  revoked: {
    de: 'Das CRM darf Ihr Postfach nicht mehr abgleichen: der Zugriff wurde entzogen.',
    en: 'The CRM may no longer sync your mailbox: access was withdrawn.',
  },
} as const;

/** Tells the owner of each mailbox whose sync stalled (an hour without success) or lost access, once per stall. */
export async function notifyStalledSyncs(em: EntityManager): Promise<number> {
  const hourAgo = new Date(Date.now() - STALL_AFTER_MS);
  // A shared mailbox has no owner to tell: its health shows with the shared mailboxes.
  const connections = await em.find(MailboxConnection, {
    enabled: true,
    userId: { $ne: null },
    stallNotifiedAt: null,
    $or: [
      { status: 'revoked' },
      { lastSuccessAt: { $lt: hourAgo } },
      { lastSuccessAt: null, createdAt: { $lt: hourAgo } },
    ],
  });
  if (connections.length === 0) return 0;
  const ownerOf = (connection: MailboxConnection) => connection.userId as string;
  const users = await em.find(User, { id: { $in: connections.map(ownerOf) } });
  const languages = new Map(users.map((user) => [user.id, user.language === 'en' ? 'en' : 'de'] as const));
  const now = new Date();
  await notify(
    em,
    connections.map((connection) => {
      const kind = connection.status === 'revoked' ? 'revoked' : 'stalled';
      return {
        recipientId: ownerOf(connection),
        kind: kind === 'revoked' ? ('sync.revoked' as const) : ('sync.stalled' as const),
        payload: {
          title: stalledText[kind][languages.get(ownerOf(connection)) ?? 'de'],
          connectionId: connection.id,
          lastSuccessAt: connection.lastSuccessAt?.toISOString() ?? null,
          errorCode: connection.lastErrorCode,
        },
        idempotencyKey: `sync.${kind}:${connection.id}:${connection.lastSuccessAt?.toISOString() ?? 'never'}`,
      };
    }),
  );
  for (const connection of connections) connection.stallNotifiedAt = now;
  await em.flush();
  return connections.length;
}
