// Reminders under real worker processes (`node backend/src/main.ts --worker-only`) on the run's
// database: a worker killed with SIGKILL while it holds reminder jobs, and two workers at once.
// Every due reminder must end as exactly one notification.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../backend/src/http/tenancy.ts';
import { TASK_REMINDER_JOB } from '../../../backend/src/jobs/task-reminder.job.ts';
import { eventually } from '../../../backend/src/testing/eventually.ts';
import { createTaskRows } from '../../../backend/src/testing/task-rows.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../../backend/src/testing/test-app.ts';
import { type SpawnedProcess, spawnNode } from '../../support/processes.ts';

const WORKERS_RUNNING = /CRM job workers running/;
/** A killed worker's jobs come back this soon after they were fetched. */
const EXPIRE_SECONDS = '3';
const TASKS_PER_TENANT = 300;

describe('reminders under worker processes', () => {
  let t: TestApp;
  let tenants: { tenant: TestTenant; assignee: string }[] = [];
  const workers: SpawnedProcess[] = [];

  const startWorker = () => {
    const worker = spawnNode(
      'backend/src/main.ts',
      {
        DATABASE_URL: process.env.DATABASE_URL,
        ENTRA_CLIENT_ID: '00000000-0000-4000-8000-000000000000',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        DB_POOL_MAX: '4',
        JOBS_POOL_MAX: '2',
        JOBS_POLL_SECONDS: '0.5',
        JOBS_EXPIRE_SECONDS: EXPIRE_SECONDS,
        // Batches big enough that a kill lands while the worker holds some.
        JOBS_BATCH_SIZE: '100',
      },
      { args: ['--worker-only'] },
    );
    workers.push(worker);
    return worker;
  };
  const sql = <T>(query: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(query, params);

  /** Tasks of every tenant with their reminder due in a second (database clock). */
  const dueSoon = async (label: string) => {
    const ids: string[] = [];
    for (const { tenant, assignee } of tenants) {
      const created = await inTenantTransaction(t.orm.em as EntityManager, tenant.id, (em) =>
        createTaskRows(
          em,
          Array.from({ length: TASKS_PER_TENANT }, (_, index) => ({
            title: `${label} ${index + 1}`,
            assigneeId: assignee,
            remindInSeconds: 1,
          })),
        ),
      );
      ids.push(...created.map((task) => task.id));
    }
    return ids;
  };
  const notificationsPerTask = (ids: string[]) =>
    sql<{ task_id: string; count: number }>(
      `select payload->>'taskId' as task_id, count(*)::int as count from notification
        where kind = 'task.reminder' and payload->>'taskId' = any(?::text[]) group by 1`,
      [`{${ids.join(',')}}`],
    );
  const jobsIn = (ids: string[], state: string) =>
    sql<{ count: number }>(
      `select count(*)::int as count from pgboss.job
        where name = ? and state = ? and data->'data'->>'taskId' = any(?::text[])`,
      [TASK_REMINDER_JOB, state, `{${ids.join(',')}}`],
    ).then(([row]) => row?.count ?? 0);
  const allNotified = (ids: string[]) =>
    eventually(
      () => notificationsPerTask(ids),
      (rows) => rows.length === ids.length,
      { timeoutMs: 60_000, everyMs: 250, what: `a notification for each of ${ids.length} tasks` },
    );

  beforeAll(async () => {
    t = await createTestApp({ env: { JOBS_EXPIRE_SECONDS: EXPIRE_SECONDS } });
    for (const name of ['Contoso Workers GmbH', 'Fabrikam Workers AG']) {
      const tenant = await t.createTenant(name, [{ displayName: 'Anna Schmidt' }]);
      tenants.push({ tenant, assignee: await tenant.userId(tenant.upn('Anna Schmidt')) });
    }
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.kill('SIGKILL');
      await worker.exited();
    }
  });
  afterAll(async () => {
    await t.close();
    tenants = [];
  });

  it('turns every due reminder into exactly one notification after a worker holding jobs was killed', async () => {
    const first = startWorker();
    await first.waitFor(WORKERS_RUNNING, 60_000);
    // Hold the worker while it holds jobs: nobody may write notifications until this transaction
    // ends (on the embedded database, nobody may do anything). If the gate came between two
    // batches, open it and try at the next batch; if the worker finished a round before it was
    // seen holding any (a loaded machine), start another round of reminders.
    let ids: string[] = [];
    let heldAtKill = 0;
    for (let round = 1; round <= 5 && heldAtKill === 0; round++) {
      ids = await dueSoon(`Nachfassen ${round}.`);
      for (let attempt = 0; attempt < 50 && heldAtKill === 0; attempt++) {
        const seen = await eventually(
          async () => ({ active: await jobsIn(ids, 'active'), completed: await jobsIn(ids, 'completed') }),
          ({ active, completed }) => active > 0 || completed >= ids.length,
          { timeoutMs: 30_000, everyMs: 5, what: 'the worker taking reminder jobs' },
        );
        if (seen.active === 0) break;
        const gate = t.orm.em.fork() as EntityManager;
        await gate.begin();
        const inGate = <T>(query: string, params: unknown[] = []) =>
          gate.getConnection().execute<T[]>(query, params, 'all', gate.getTransactionContext());
        await inGate('lock table notification in share mode');
        // A settle already on its way lands meanwhile; what is active then, the worker holds.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const [held] = await inGate<{ count: number }>(
          `select count(*)::int as count from pgboss.job
            where name = ? and state = 'active' and data->'data'->>'taskId' = any(?::text[])`,
          [TASK_REMINDER_JOB, `{${ids.join(',')}}`],
        );
        heldAtKill = held?.count ?? 0;
        if (heldAtKill > 0) {
          first.kill('SIGKILL');
          expect(await first.exited()).toEqual({ code: null, signal: 'SIGKILL' });
        }
        await gate.commit();
      }
    }
    expect(heldAtKill).toBeGreaterThan(0);
    // What the dead worker held stays active until it expires.
    expect(await jobsIn(ids, 'active')).toBe(heldAtKill);
    const before = (await notificationsPerTask(ids)).length;
    expect(before).toBeLessThan(ids.length);

    const second = startWorker();
    await second.waitFor(WORKERS_RUNNING, 60_000);
    const rows = await allNotified(ids);
    expect(rows.filter((row) => row.count !== 1)).toEqual([]);
    // The dead worker's jobs came back when they expired and ran again; still nothing came twice.
    await eventually(
      () => jobsIn(ids, 'completed'),
      (completed) => completed >= ids.length,
      { timeoutMs: 30_000, what: 'every reminder job completed' },
    );
    const [{ rerun } = { rerun: 0 }] = await sql<{ rerun: number }>(
      `select count(*)::int as rerun from pgboss.job where name = ? and retry_count > 0 and data->'data'->>'taskId' = any(?::text[])`,
      [TASK_REMINDER_JOB, `{${ids.join(',')}}`],
    );
    expect(rerun).toBeGreaterThan(0);
    expect((await notificationsPerTask(ids)).filter((row) => row.count !== 1)).toEqual([]);
  }, 120_000);

  it('notifies once per reminder while two workers take jobs at the same time', async () => {
    const [one, two] = [startWorker(), startWorker()];
    await Promise.all([one.waitFor(WORKERS_RUNNING, 60_000), two.waitFor(WORKERS_RUNNING, 60_000)]);
    const ids = await dueSoon('Rückruf');
    const rows = await allNotified(ids);
    expect(rows.filter((row) => row.count !== 1)).toEqual([]);
    // Both kept running throughout; nothing was lost or doubled between them.
    expect(one.child.exitCode).toBeNull();
    expect(two.child.exitCode).toBeNull();
    const [{ count } = { count: -1 }] = await sql<{ count: number }>(
      `select count(*)::int as count from notification where kind = 'task.reminder' and payload->>'taskId' = any(?::text[])`,
      [`{${ids.join(',')}}`],
    );
    expect(count).toBe(ids.length);
  }, 120_000);
});
