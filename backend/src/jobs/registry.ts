// What background work exists: jobs (one run per enqueued item, at its time) and periodic work
// (every so many seconds, for each tenant). Modules list theirs (CrmModule.jobs, .periodics); the
// job runtime creates a queue for each and, in worker processes, runs them.
import type { EntityManager } from '@mikro-orm/postgresql';

/** One enqueued job as its handler sees it. */
export interface TenantJob<T> {
  /** pg-boss's job id. */
  id: string;
  data: T;
  /** 0 on the first run; a job whose worker died or whose handler failed runs again with one more. */
  retryCount: number;
}

/**
 * Handles jobs of one tenant, in one transaction of that tenant (role crm_app, row-level security).
 * Jobs are at-least-once: a handler must be idempotent. It gets every job of its tenant a worker
 * fetched at once, so set-based SQL serves a burst of due jobs in a few statements. If it throws,
 * the jobs are tried again one by one, so one bad job does not hold back the others.
 */
export type JobHandler<T> = (em: EntityManager, jobs: TenantJob<T>[]) => Promise<void>;

export interface JobDefinition<T = unknown> {
  readonly name: string;
  readonly handler: JobHandler<T>;
  /**
   * `short`: at most one waiting job per singleton key (enqueueing it again while it waits is a
   * no-op); `stately`: as `short`, and at most one running per singleton key (a run of a mailbox
   * is never worked twice at once); `standard`: every enqueue adds a job.
   */
  readonly policy: 'standard' | 'short' | 'stately';
  /**
   * `tenant` (default): the handler runs in one transaction of the tenant. `own`: the handler gets
   * an entity manager of the tenant outside any transaction and opens its own with
   * `inTenantTransaction` (long work that talks to other services between commits, such as a
   * Graph sync run that commits page by page and must not hold a transaction while it waits).
   */
  readonly transaction: 'tenant' | 'own';
}

export interface PeriodicDefinition {
  readonly name: string;
  readonly everySeconds: number;
  /** Runs for each tenant in that tenant's transaction. */
  readonly handler: (em: EntityManager) => Promise<void>;
  /**
   * The tenants with work to do, found by a typed query run as the owning role across all tenants
   * (an entity manager outside any tenant transaction); without it the handler runs for every tenant.
   */
  readonly tenants: ((em: EntityManager) => Promise<string[]>) | undefined;
}

const NAME = /^[a-z][a-z0-9-]{0,60}$/;

function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) throw new Error(`${kind} name ${name} must be lower-case letters, digits and hyphens`);
}

/** A job, for a module's `jobs` (the assembly refuses a name twice). */
export function defineJob<T>(
  name: string,
  handler: JobHandler<T>,
  options: { policy?: JobDefinition['policy']; transaction?: JobDefinition['transaction'] } = {},
): JobDefinition<T> {
  checkName('Job', name);
  return { name, handler, policy: options.policy ?? 'standard', transaction: options.transaction ?? 'tenant' };
}

/**
 * Declares work that runs every `everySeconds` for each tenant (or each tenant `tenants` finds),
 * once per period however many workers run, each tenant in its own transaction; for a module's
 * `periodics`.
 */
export function definePeriodic(
  name: string,
  everySeconds: number,
  handler: (em: EntityManager) => Promise<void>,
  options: { tenants?: PeriodicDefinition['tenants'] } = {},
): PeriodicDefinition {
  checkName('Periodic', name);
  if (!Number.isInteger(everySeconds) || everySeconds < 1 || everySeconds > 86_400) {
    throw new Error(`Periodic ${name} must run every 1 to 86400 whole seconds, not ${everySeconds}`);
  }
  return { name, everySeconds, handler, tenants: options.tenants };
}
