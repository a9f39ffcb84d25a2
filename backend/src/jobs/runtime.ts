// The job runtime: pg-boss on the application's PostgreSQL, in the schema `pgboss`. Every backend
// process starts it, since requests enqueue jobs; worker processes also run the handlers, expire
// the jobs of workers that died, and drive the periodic work.
//
// Jobs are enqueued in the transaction of the write they belong to (a reminder exists exactly when
// the task change that asked for it committed). pg-boss runs such an insert through the `db`
// option on the caller's connection; every queue is created and cached at start, so that insert
// never waits for a connection of pg-boss's own pool while the caller's transaction is open (on the
// embedded database, which serializes transactions, that would wait forever).
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Db, type Job, type JobResult, PgBoss, type SendOptions } from 'pg-boss';
import { inTenantTransaction, TENANT_FILTER } from '../http/tenancy.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { db } from '../records/sql.ts';
import type { JobDefinition, PeriodicDefinition, TenantJob } from './registry.ts';
import { simpleProtocolDb } from './simple-protocol-db.ts';

export const JOBS_SCHEMA = 'pgboss';

/** The queue of a periodic's runs. */
export const periodicQueue = (name: string) => `periodic/${name}`;

export interface JobRuntimeOptions {
  /** The database the ORM uses. */
  connectionString: string;
  /** Connections of pg-boss's own pool. */
  poolMax: number;
  /** Run handlers, supervision and periodic work here; false: only enqueue (an HTTP-only process). */
  work: boolean;
  pollSeconds: number;
  /** How long a job may stay active before it counts as lost and runs again. */
  expireSeconds: number;
  batchSize: number;
  logger: Logger;
  /** How this process shows in pg-boss's instance registry. */
  instanceName?: string;
  /** The jobs and periodic work of the process's modules (Wiring.jobs, .periodics). */
  jobs: readonly JobDefinition<never>[];
  periodics: readonly PeriodicDefinition[];
}

export interface JobRuntime {
  readonly working: boolean;
  /** Runs a periodic's work for its tenants now, outside its schedule. */
  runPeriodic(name: string): Promise<void>;
  /** Stops fetching, lets running handlers finish (at most `timeoutMs`), closes the pool. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface EnqueueOptions {
  /** Not before this moment (by the database's clock); default now. */
  startAfter?: Date | string;
  /** With a `short` job: while a job with this key waits, enqueueing another is a no-op. */
  singletonKey?: string;
}

interface Envelope {
  tenantId: string;
  data: unknown;
}

interface RunningRuntime extends JobRuntime {
  readonly boss: PgBoss;
  readonly jobOptions: SendOptions;
  readonly jobNames: ReadonlySet<string>;
}

/** Keyed by the ORM's configuration, which every entity manager of that ORM shares. */
const runtimes = new WeakMap<object, RunningRuntime>();

function runtimeOf(em: EntityManager): RunningRuntime {
  const runtime = runtimes.get(em.config);
  if (!runtime) throw new Error('The job runtime is not started: startJobRuntime(orm, …) before enqueueing jobs.');
  return runtime;
}

interface TransactionLike {
  executeQuery(query: unknown): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss's statements on the entity manager's open transaction, parameters and all (inside a
 * transaction the embedded database serves one connection, so the extended protocol is safe
 * there). They go to the driver directly, so the ORM's query log does not count them.
 */
function transactionDb(em: EntityManager): Db {
  const transaction = em.getTransactionContext() as unknown as TransactionLike | undefined;
  if (!transaction) {
    throw new Error('Jobs are enqueued in the transaction of the write they belong to; this entity manager has none.');
  }
  return {
    async executeSql(text: string, values: unknown[] = []) {
      // The shape of a compiled raw query, as the ORM's query builder hands it to the driver.
      const query = {
        sql: text,
        parameters: values,
        query: { kind: 'RawNode', sqlFragments: [text], parameters: [] },
        queryId: { queryId: newId() },
      };
      const result = await transaction.executeQuery(query);
      return { rows: result.rows };
    },
  };
}

function tenantOf(em: EntityManager): string {
  const tenantId = em.getFilterParams<{ tenantId?: string }>(TENANT_FILTER)?.tenantId;
  if (!tenantId)
    throw new Error('Jobs are enqueued in a tenant transaction (inTenantTransaction); this one has no tenant.');
  return tenantId;
}

function iso(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`Not a moment: ${String(value)}`);
  return date.toISOString();
}

/**
 * Adds a job for the entity manager's tenant in its open transaction: it exists once that
 * transaction commits, and never if it rolls back. Answers the job id, or null when a `short`
 * job with the same singleton key is already waiting.
 */
export async function enqueue(
  em: EntityManager,
  name: string,
  data: object,
  options: EnqueueOptions = {},
): Promise<string | null> {
  const runtime = runtimeOf(em);
  if (!runtime.jobNames.has(name)) throw new Error(`No job ${name} is defined`);
  const db = transactionDb(em);
  const envelope: Envelope = { tenantId: tenantOf(em), data };
  return runtime.boss.send(name, envelope, {
    ...runtime.jobOptions,
    db,
    ...(options.startAfter === undefined ? {} : { startAfter: iso(options.startAfter) }),
    ...(options.singletonKey === undefined ? {} : { singletonKey: options.singletonKey }),
  });
}

/** Cancels the waiting jobs of `name` with this singleton key, in the caller's transaction. */
export async function cancelQueued(em: EntityManager, name: string, singletonKey: string): Promise<number> {
  const runtime = runtimeOf(em);
  const db = transactionDb(em);
  const waiting = await runtime.boss.findJobs(name, { key: singletonKey, queued: true, db });
  if (waiting.length === 0) return 0;
  await runtime.boss.cancel(
    name,
    waiting.map((job) => job.id),
    { db },
  );
  return waiting.length;
}

/** The tenants a periodic runs for now: those its `tenants` finds, else every tenant. */
async function tenantsOf(definition: PeriodicDefinition, em: EntityManager): Promise<string[]> {
  if (definition.tenants) return definition.tenants(em);
  const rows = await db(em).selectFrom('tenant').select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}

const errorOutput = (error: unknown) => ({
  message: error instanceof Error ? error.message : String(error),
});

export async function startJobRuntime(orm: MikroORM, options: JobRuntimeOptions): Promise<JobRuntime> {
  const root = orm.em as EntityManager;
  if (runtimes.has(root.config)) throw new Error('A job runtime already runs for this ORM');
  const { logger } = options;
  // Lost jobs are found by pg-boss's supervision; it looks often enough to resume them soon after they expire.
  const superviseSeconds = Math.max(1, Math.min(60, Math.floor(options.expireSeconds / 3)));
  const onPoolError = (error: Error) => logger.warn({ err: error }, 'job runtime: connection lost');
  // The embedded database needs pg-boss on the simple query protocol (see simple-protocol-db.ts).
  const { pglite } = await db(root.fork())
    .selectNoFrom((eb) => eb(eb.fn<string>('version'), 'like', '%PGlite%').as('pglite'))
    .executeTakeFirstOrThrow();
  const ownDb = pglite
    ? simpleProtocolDb({
        connectionString: options.connectionString,
        max: options.poolMax,
        applicationName: 'crm-jobs',
        onError: onPoolError,
      })
    : undefined;
  const boss = new PgBoss({
    ...(ownDb ? { db: ownDb } : { connectionString: options.connectionString, max: options.poolMax }),
    schema: JOBS_SCHEMA,
    application_name: 'crm-jobs',
    instanceName: options.instanceName ?? (options.work ? 'crm-worker' : 'crm-api'),
    // LISTEN/NOTIFY never reaches us through the embedded database's sockets: workers poll.
    useListenNotify: false,
    supervise: options.work,
    superviseIntervalSeconds: superviseSeconds,
    monitorIntervalSeconds: superviseSeconds,
    // Periodic work is driven by throttled sends below, not by pg-boss's cron.
    schedule: false,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job runtime error'));
  boss.on('warning', (warning) => logger.warn({ warning: warning.data }, `job runtime: ${warning.message}`));

  const jobOptions: SendOptions = {
    expireInSeconds: options.expireSeconds,
    // A reminder is never given up lightly: about a day of retries with backoff to five minutes.
    retryLimit: 300,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 300,
    // Finished jobs are kept a day, for looking into what ran.
    deleteAfterSeconds: 86_400,
  };
  // Each handler gets the data its own job was sent with: the queue name pairs them.
  const definitions = options.jobs as readonly JobDefinition[];
  const { periodics } = options;
  let ticker: NodeJS.Timeout | undefined;

  const runGroup = async (definition: JobDefinition, tenantId: string, jobs: Job<Envelope>[]) => {
    const tenantJobs: TenantJob<unknown>[] = jobs.map((job) => ({
      id: job.id,
      data: job.data.data,
      retryCount: job.retryCount,
    }));
    if (definition.transaction === 'own') {
      const em = root.fork({ clear: true });
      em.setFilterParams(TENANT_FILTER, { tenantId });
      await definition.handler(em, tenantJobs);
      return;
    }
    await inTenantTransaction(root, tenantId, (em) => definition.handler(em, tenantJobs));
  };

  const runJobs = async (definition: JobDefinition, jobs: Job<Envelope>[]): Promise<JobResult[]> => {
    const results: JobResult[] = [];
    const byTenant = new Map<string, Job<Envelope>[]>();
    for (const job of jobs) {
      const tenantId = job.data?.tenantId;
      if (typeof tenantId !== 'string') {
        results.push({ id: job.id, status: 'deadletter', output: { message: 'the job names no tenant' } });
        continue;
      }
      byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), job]);
    }
    for (const [tenantId, group] of byTenant) {
      try {
        await runGroup(definition, tenantId, group);
        for (const job of group) results.push({ id: job.id, status: 'completed' });
        continue;
      } catch (error) {
        if (group.length === 1) {
          logger.error({ err: error, job: definition.name, tenantId }, 'job failed; it will be retried');
          results.push({ id: (group[0] as Job<Envelope>).id, status: 'failed', output: errorOutput(error) });
          continue;
        }
      }
      // One job of the group may be the bad one: each alone, so the others still get through.
      for (const job of group) {
        try {
          await runGroup(definition, tenantId, [job]);
          results.push({ id: job.id, status: 'completed' });
        } catch (error) {
          logger.error({ err: error, job: definition.name, tenantId, jobId: job.id }, 'job failed; it will be retried');
          results.push({ id: job.id, status: 'failed', output: errorOutput(error) });
        }
      }
    }
    return results;
  };

  const runPeriodic = async (definition: PeriodicDefinition) => {
    // Finding the tenants is the one cross-tenant read; the work itself runs as each tenant.
    const tenantIds = await tenantsOf(definition, root.fork());
    const failures: unknown[] = [];
    for (const tenantId of tenantIds) {
      try {
        await inTenantTransaction(root, tenantId, definition.handler);
      } catch (error) {
        failures.push(error);
        logger.error({ err: error, periodic: definition.name, tenantId }, 'periodic work failed for a tenant');
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${definition.name} failed for ${failures.length} of ${tenantIds.length} tenants`,
      );
    }
  };

  // Every process sends a run for the current period now and then; pg-boss keeps one per period
  // (singletonSeconds) and one waiting or active at a time (policy stately), so any number of
  // workers run each periodic once per period.
  const tick = async () => {
    for (const definition of periodics) {
      try {
        await boss.send(periodicQueue(definition.name), null, {
          singletonKey: definition.name,
          singletonSeconds: definition.everySeconds,
          expireInSeconds: options.expireSeconds,
          retryLimit: 0,
          deleteAfterSeconds: 3_600,
        });
      } catch (error) {
        logger.error({ err: error, periodic: definition.name }, 'could not schedule periodic work');
      }
    }
  };

  await boss.start();
  try {
    for (const definition of definitions) {
      await boss.createQueue(definition.name, { policy: definition.policy, ...jobOptions });
    }
    for (const definition of periodics) {
      await boss.createQueue(periodicQueue(definition.name), { policy: 'stately', retryLimit: 0 });
    }
    if (options.work) {
      for (const definition of definitions) {
        await boss.work<Envelope>(
          definition.name,
          {
            batchSize: options.batchSize,
            pollingIntervalSeconds: options.pollSeconds,
            burstWhenBatchFull: options.batchSize > 1,
            perJobResults: true,
          },
          (jobs) => runJobs(definition, jobs),
        );
      }
      for (const definition of periodics) {
        await boss.work(periodicQueue(definition.name), { pollingIntervalSeconds: options.pollSeconds }, async () => {
          await runPeriodic(definition);
        });
      }
      if (periodics.length > 0) {
        const shortest = Math.min(...periodics.map((definition) => definition.everySeconds));
        await tick();
        ticker = setInterval(() => void tick(), Math.min(15_000, Math.max(500, (shortest * 1000) / 4)));
      }
    }
  } catch (error) {
    await boss.stop({ graceful: false, close: true });
    await ownDb?.close();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const runtime: RunningRuntime = {
    boss,
    jobOptions,
    jobNames: new Set(definitions.map((definition) => definition.name)),
    working: options.work,
    async runPeriodic(name) {
      const definition = periodics.find((candidate) => candidate.name === name);
      if (!definition) throw new Error(`No periodic ${name} is defined`);
      await runPeriodic(definition);
    },
    stop(timeoutMs = 10_000) {
      stopping ??= (async () => {
        clearInterval(ticker);
        try {
          await boss.stop({ graceful: true, close: true, timeout: timeoutMs });
          await ownDb?.close();
        } finally {
          runtimes.delete(root.config);
        }
      })();
      return stopping;
    },
  };
  runtimes.set(root.config, runtime);
  logger.info(
    { work: options.work, jobs: definitions.map((definition) => definition.name) },
    options.work ? 'job workers started' : 'job runtime started (enqueue only)',
  );
  return runtime;
}
