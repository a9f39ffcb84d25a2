// The sync's background work: a run per mailbox (pg-boss, one at a time per mailbox: policy
// `stately` with the connection as singleton key), polling and subscription renewal, and telling
// owners of a stalled sync.
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { jobServicesOf } from '../../jobs/job-services.ts';
import { defineJob, definePeriodic } from '../../jobs/registry.ts';
import { db } from '../../records/sql.ts';
import { recordSharedMailboxHealth } from '../mail-capture/shared-mailboxes.service.ts';
import { contactsPending } from './contacts/contacts.resource.ts';
import { BudgetExhaustedError, GraphAccessError, GraphUnavailableError } from './graph-client.ts';
import { MailboxConnection } from './graph-sync.entity.ts';
import {
  notifyStalledSyncs,
  queueDueRuns,
  queueRun,
  queueRunsForCrmChanges,
  SYNC_RUN_JOB,
  type SyncRunJob,
  tenantIdOf,
} from './graph-sync.service.ts';
import { SYNC_RESOURCES } from './sync-resources.ts';
import { forgetSyncState, RunDeadlineReached, type RunOptions, runMailboxSync } from './sync-run.ts';

/** Test hooks: a faster clock for Retry-After, another budget. Unset in production. */
export const runTuning: { current: Pick<RunOptions, 'graph' | 'budgetLimit'> } = { current: {} };

type Failure =
  | { code: 'graph_access_revoked' | 'graph_mailbox_denied'; status: 'revoked'; pause: true; retryAt?: undefined }
  | { code: 'graph_budget_exhausted' | 'graph_unavailable'; status: 'error' | undefined; pause: false; retryAt: Date }
  | { code: 'graph_sync_failed'; status: 'error'; pause: false; retryAt?: undefined };

function failureOf(error: unknown, shared: boolean): Failure {
  if (error instanceof GraphAccessError) {
    // A shared mailbox Graph refuses the app is outside the tenant's application access policy.
    const denied = shared && error.code === 'ErrorAccessDenied';
    return { code: denied ? 'graph_mailbox_denied' : 'graph_access_revoked', status: 'revoked', pause: true };
  }
  if (error instanceof BudgetExhaustedError) {
    return { code: 'graph_budget_exhausted', status: undefined, pause: false, retryAt: error.retryAt };
  }
  if (error instanceof GraphUnavailableError) {
    return {
      code: 'graph_unavailable',
      status: 'error',
      pause: false,
      retryAt: new Date(Date.now() + Math.max(30_000, error.retryAfterMs)),
    };
  }
  return { code: 'graph_sync_failed', status: 'error', pause: false };
}

/** CRM persons waiting to go to Outlook; a shared mailbox (mail only) has none. */
async function backlogOf(tx: EntityManager, connection: MailboxConnection): Promise<number> {
  return connection.userId ? contactsPending(tx, connection.id, connection.userId) : 0;
}

export async function runConnection(em: EntityManager, connectionId: string): Promise<void> {
  const services = jobServicesOf(em);
  const tenantId = tenantIdOf(em);
  // Well inside the job's expiry, so pg-boss never takes a run still working for lost (see RunDeadlineReached).
  const expireMs = services.config.jobs.expireSeconds * 1000;
  const startedAt = new Date();
  try {
    const report = await runMailboxSync(em, tenantId, connectionId, {
      resources: SYNC_RESOURCES,
      services,
      deadline: Date.now() + expireMs / 2,
      ...runTuning.current,
      graph: { maxWaitMs: expireMs / 4, ...runTuning.current.graph },
    });
    if (report.outcome !== 'synced') return;
    await inTenantTransaction(em, tenantId, async (tx) => {
      const connection = await tx.findOneOrFail(MailboxConnection, { id: connectionId });
      connection.status = 'ok';
      connection.lastSuccessAt = new Date();
      // What this run met without stopping (a meeting attachment too large to keep) stays to be seen.
      if (!connection.lastErrorAt || connection.lastErrorAt < startedAt) {
        connection.lastErrorCode = null;
        connection.lastErrorDetail = null;
      }
      connection.stallNotifiedAt = null;
      // A shared mailbox refused before is retried by the poll; once it files again it is no longer paused.
      if (connection.sharedMailboxId) connection.pausedAt = null;
      connection.backlog = await backlogOf(tx, connection);
      await tx.flush();
      await recordSharedMailboxHealth(tx, connection);
    });
  } catch (error) {
    if (error instanceof RunDeadlineReached) {
      await inTenantTransaction(em, tenantId, (tx) => queueRun(tx, connectionId));
      return;
    }
    const shared = await inTenantTransaction(
      em,
      tenantId,
      async (tx) => (await tx.findOne(MailboxConnection, { id: connectionId }))?.sharedMailboxId != null,
    );
    const failure = failureOf(error, shared);
    const detail = error instanceof Error ? error.message : String(error);
    services.logger[failure.code === 'graph_sync_failed' ? 'error' : 'warn'](
      { err: error, tenantId, connectionId, code: failure.code },
      'graph sync run did not finish',
    );
    await inTenantTransaction(em, tenantId, async (tx) => {
      const connection = await tx.findOne(MailboxConnection, { id: connectionId });
      if (!connection) return;
      if (failure.status) connection.status = failure.status;
      connection.lastErrorCode = failure.code;
      connection.lastErrorAt = new Date();
      connection.lastErrorDetail = detail.slice(0, 2000);
      // Revoked access is not retried in a loop: the owner is told, "sync now" or a new consent resumes,
      // and starts clean: the delta cursors and subscriptions of the lost access are forgotten (Graph
      // refuses to delete them now; they run out there).
      if (failure.pause) {
        connection.pausedAt = new Date();
        await forgetSyncState(tx, connectionId);
      }
      connection.backlog = await backlogOf(tx, connection);
      await tx.flush();
      await recordSharedMailboxHealth(tx, connection);
      if (failure.retryAt) await queueRun(tx, connectionId, { startAfter: failure.retryAt });
    });
    if (failure.code === 'graph_sync_failed') throw error;
  }
}

export const graphSyncRunJob = defineJob<SyncRunJob>(
  SYNC_RUN_JOB,
  async (em, jobs) => {
    const seen = new Set<string>();
    for (const job of jobs) {
      if (seen.has(job.data.connectionId)) continue;
      seen.add(job.data.connectionId);
      await runConnection(em, job.data.connectionId);
    }
  },
  { policy: 'stately', transaction: 'own' },
);

/** The tenants with a mailbox connected: the only ones the sync's periodics have work in. */
async function withConnections(em: EntityManager): Promise<string[]> {
  const rows = await db(em)
    .selectFrom('mailbox_connection')
    .select('tenant_id')
    .distinct()
    .where('enabled', '=', true)
    .execute();
  return rows.map((row) => row.tenant_id);
}

/** Every minute: runs for mailboxes not tried for GRAPH_SYNC_POLL_SECONDS, or whose subscription needs renewing. */
export const graphSyncPollPeriodic = definePeriodic(
  'graph-sync-poll',
  60,
  async (em) => {
    await queueDueRuns(em, jobServicesOf(em).config.graphSync.pollSeconds);
  },
  { tenants: withConnections },
);

/** Every 5 seconds: mailboxes whose owner's persons changed in the CRM since their last run. */
export const graphSyncPushPeriodic = definePeriodic(
  'graph-sync-push',
  5,
  async (em) => {
    await queueRunsForCrmChanges(em);
  },
  { tenants: withConnections },
);

/** Every five minutes: owners of a sync that stalled for an hour, or lost access, are told once. */
export const graphSyncStallPeriodic = definePeriodic(
  'graph-sync-stalls',
  300,
  async (em) => {
    await notifyStalledSyncs(em);
  },
  { tenants: withConnections },
);
