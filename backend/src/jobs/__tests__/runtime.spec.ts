import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CRM_MODULES } from '../../app.ts';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { newId } from '../../ids.ts';
import type { CrmModule } from '../../modules/module.ts';
import { notify } from '../../modules/notifications/outbox.ts';
import { currentTenantId, db } from '../../records/sql.ts';
import { eventually } from '../../testing/eventually.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../testing/test-app.ts';
import { defineJob, definePeriodic } from '../registry.ts';
import { enqueue, periodicQueue } from '../runtime.ts';

interface EchoJob {
  key: string;
  /** Fails while the job's retry count is below this. */
  failUntilRetry?: number;
}

const ECHO = 'test-echo';
const TICK = 'test-tick';

/** A notification as the trace of a run: its key, and the tenant the handler ran as. */
async function leaveTrace(em: EntityManager, key: string): Promise<void> {
  const me = await db(em)
    .selectFrom('app_user')
    .select(['id as user_id', currentTenantId.as('tenant')])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!me) throw new Error('no user');
  await notify(em, { recipientId: me.user_id, kind: 'mention', payload: { ranAs: me.tenant }, idempotencyKey: key });
}

const echo = defineJob<EchoJob>(ECHO, async (em, jobs) => {
  for (const job of jobs) {
    if (job.retryCount < (job.data.failUntilRetry ?? 0)) throw new Error(`job ${job.data.key} fails on purpose`);
    await leaveTrace(em, job.data.key);
  }
});

const tick = definePeriodic(TICK, 1, (em) => leaveTrace(em, `tick:${newId()}`), {
  // Tenants are named after their domain, e.g. jobs-runtime-contoso-gmbh-53bedf.example.
  tenants: async (em) =>
    (await db(em).selectFrom('tenant').select('id').where('name', 'like', 'jobs-runtime-%').execute()).map(
      (row) => row.id,
    ),
});

const testJobs: CrmModule = { name: 'test-jobs', jobs: [echo], periodics: [tick] };

describe('the job runtime', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;

  const traces = (tenant: TestTenant, prefix: string) =>
    t.orm.em
      .getConnection()
      .execute<{ idempotency_key: string; payload: { ranAs: string } }[]>(
        `select idempotency_key, payload from notification where tenant_id = ? and idempotency_key like ? order by 1`,
        [tenant.id, `${prefix}%`],
      );
  const inTenant = <T>(tenant: TestTenant, work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, tenant.id, work);

  beforeAll(async () => {
    t = await createTestApp({
      modules: [...CRM_MODULES, testJobs],
      jobs: { work: true },
      env: { JOBS_POLL_SECONDS: '0.5' },
    });
    contoso = await t.createTenant('Jobs Runtime Contoso GmbH', [{ displayName: 'Anna Schmidt' }]);
    fabrikam = await t.createTenant('Jobs Runtime Fabrikam AG', [{ displayName: 'Zoë Bäcker' }]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs a job only if the transaction that enqueued it commits, as the tenant that enqueued it', async () => {
    const run = newId();
    await expect(
      inTenant(contoso, async (em) => {
        await enqueue(em, ECHO, { key: `echo:${run}:rolled-back` });
        throw new Error('the write fails after enqueueing');
      }),
    ).rejects.toThrow('the write fails');
    await inTenant(contoso, (em) => enqueue(em, ECHO, { key: `echo:${run}:committed` }));
    await inTenant(fabrikam, (em) => enqueue(em, ECHO, { key: `echo:${run}:fabrikam` }));

    const contosoTraces = await eventually(
      () => traces(contoso, `echo:${run}`),
      (rows) => rows.length > 0,
    );
    expect(contosoTraces).toEqual([{ idempotency_key: `echo:${run}:committed`, payload: { ranAs: contoso.id } }]);
    const fabrikamTraces = await eventually(
      () => traces(fabrikam, `echo:${run}`),
      (rows) => rows.length > 0,
    );
    expect(fabrikamTraces).toEqual([{ idempotency_key: `echo:${run}:fabrikam`, payload: { ranAs: fabrikam.id } }]);
    const [{ jobs }] = (await t.orm.em
      .getConnection()
      .execute(`select count(*)::int as jobs from pgboss.job where name = ? and data->'data'->>'key' like ?`, [
        ECHO,
        `echo:${run}%`,
      ])) as [{ jobs: number }];
    expect(jobs).toBe(2);
  });

  it('lets the other jobs of a batch through when one fails, and runs the failed one again', async () => {
    const run = newId();
    await inTenant(contoso, async (em) => {
      await enqueue(em, ECHO, { key: `batch:${run}:1` });
      await enqueue(em, ECHO, { key: `batch:${run}:2`, failUntilRetry: 1 });
      await enqueue(em, ECHO, { key: `batch:${run}:3` });
    });
    const done = await eventually(
      () => traces(contoso, `batch:${run}`),
      (rows) => rows.length === 3,
      { what: 'three traces' },
    );
    expect(done.map((row) => row.idempotency_key)).toEqual([`batch:${run}:1`, `batch:${run}:2`, `batch:${run}:3`]);
    // pg-boss settles a job just after its handler's transaction commits.
    const failed = await eventually(
      async () =>
        (
          await t.orm.em
            .getConnection()
            .execute<{ retry_count: number; state: string }[]>(
              `select retry_count, state from pgboss.job where name = ? and data->'data'->>'key' = ?`,
              [ECHO, `batch:${run}:2`],
            )
        )[0],
      (job) => job?.state === 'completed',
    );
    expect(failed).toEqual({ retry_count: 1, state: 'completed' });
  });

  it('refuses to enqueue outside a transaction or for a job nobody defined', async () => {
    const em = t.orm.em.fork() as EntityManager;
    await expect(enqueue(em, ECHO, { key: 'nowhere' })).rejects.toThrow(/transaction/);
    await expect(inTenant(contoso, (tx) => enqueue(tx, 'no-such-job', {}))).rejects.toThrow('No job no-such-job');
  });

  it('runs periodic work for each tenant it finds, one run per period however often it is asked', async () => {
    await eventually(
      async () => [(await traces(contoso, 'tick:')).length, (await traces(fabrikam, 'tick:')).length],
      ([a, b]) => (a ?? 0) >= 2 && (b ?? 0) >= 2,
      { what: 'two periods in each tenant' },
    );
    const doubled = await t.orm.em
      .getConnection()
      .execute(`select singleton_on, count(*)::int from pgboss.job where name = ? group by 1 having count(*) > 1`, [
        periodicQueue(TICK),
      ]);
    expect(doubled).toEqual([]);
  });
});
