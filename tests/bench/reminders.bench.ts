// Reminders at scale: 10,000 tasks in 10 tenants whose reminders all fall due at the same moment
// (by the database's clock), worked off by worker processes (`backend/src/main.ts --worker-only`,
// default job settings). Reports the lateness of each notification (its created_at minus the
// task's remind_at, both the database's time), and how many reminders went missing or came twice.
//
// BENCH_REMINDERS (default 10000) and BENCH_WORKERS (default 1) change the load. Tasks are written
// through the reminder listener (task rows plus taskChanged, as the tasks module writes them).
// Without DATABASE_URL an in-memory embedded PostgreSQL runs in a process of its own (bench-database.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from '@crm/db';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import { wireModules } from '../../backend/src/app.ts';
import { loadConfig } from '../../backend/src/config.ts';
import { backendOrmOptions } from '../../backend/src/database.ts';
import { inTenantTransaction } from '../../backend/src/http/tenancy.ts';
import { newId } from '../../backend/src/ids.ts';
import { startBackendJobs } from '../../backend/src/jobs/backend-jobs.ts';
import type { JobRuntime } from '../../backend/src/jobs/runtime.ts';
import { createLogger } from '../../backend/src/logger.ts';
import { createTaskRows } from '../../backend/src/testing/task-rows.ts';
import { type SpawnedProcess, spawnNode } from '../support/processes.ts';
import { benchDatabase } from './bench-database.ts';
import { printTable } from './measure.ts';

const TENANTS = 10;
/** Tasks are written in transactions of this many. */
const CHUNK = 500;

interface Lateness {
  notified: number;
  tasks: number;
  doubled: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export async function run(): Promise<void> {
  const reminders = Number(process.env.BENCH_REMINDERS || 10_000);
  const workerCount = Number(process.env.BENCH_WORKERS || 1);
  if (!Number.isInteger(reminders) || reminders < TENANTS)
    throw new Error(`BENCH_REMINDERS must be at least ${TENANTS}`);
  if (!Number.isInteger(workerCount) || workerCount < 1) throw new Error('BENCH_WORKERS must be 1 or more');
  const perTenant = Math.ceil(reminders / TENANTS);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-reminders-'));
  const database = benchDatabase();
  const workers: SpawnedProcess[] = [];
  let orm: MikroORM | undefined;
  let jobs: JobRuntime | undefined;
  const tenantIds: string[] = [];
  try {
    const databaseUrl = await database.url();
    orm = await MikroORM.init(backendOrmOptions(databaseUrl, 4));
    await migrate(orm);
    const sql = <T>(query: string, params: unknown[] = []) =>
      (orm as MikroORM).em.getConnection().execute<T[]>(query, params);
    const config = loadConfig({ ENTRA_CLIENT_ID: '00000000-0000-4000-8000-000000000000', LOG_LEVEL: 'warn' });
    jobs = await startBackendJobs(orm, {
      config: { ...config, role: 'api' },
      logger: createLogger({ ...config, logFormat: 'json' }),
      clientUrl: databaseUrl,
      poolMax: 2,
      wiring: wireModules(),
    });

    for (let i = 0; i < workerCount; i++) {
      const worker = spawnNode(
        'backend/src/main.ts',
        {
          DATABASE_URL: databaseUrl,
          ENTRA_CLIENT_ID: '00000000-0000-4000-8000-000000000000',
          LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
          LOG_FORMAT: 'json',
          DATA_DIR: dataDir,
          // JOBS_BATCH_SIZE, JOBS_POLL_SECONDS … of this environment tune the workers.
          ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('JOBS_'))),
        },
        { args: ['--worker-only'], stdoutFile: path.join(dataDir, `worker-${i}.log`) },
      );
      workers.push(worker);
      await worker.waitFor(/CRM job workers running/, 120_000);
    }

    // Tenants with one user each, written directly: nobody signs in here.
    const assignees: string[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const tenantId = newId();
      const userId = newId();
      await sql('insert into tenant (id, name) values (?, ?)', [tenantId, `Reminders Bench ${i + 1} GmbH`]);
      await sql('insert into app_user (id, tenant_id, entra_object_id, email, display_name) values (?, ?, ?, ?, ?)', [
        userId,
        tenantId,
        newId(),
        `ada.admin@bench-${i + 1}.example`,
        'Ada Admin',
      ]);
      tenantIds.push(tenantId);
      assignees.push(userId);
    }

    // Everything falls due at one moment, far enough ahead to write it all first.
    const lead = Number(process.env.BENCH_REMINDERS_LEAD_SECONDS || (process.env.DATABASE_URL ? 30 : 60));
    const [{ due } = { due: '' }] = await sql<{ due: string }>(
      `select to_char(date_trunc('second', now() + make_interval(secs => ?)) at time zone 'UTC',
                      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as due`,
      [lead],
    );
    const writing = performance.now();
    for (const [index, tenantId] of tenantIds.entries()) {
      for (let start = 0; start < perTenant; start += CHUNK) {
        const size = Math.min(CHUNK, perTenant - start);
        await inTenantTransaction(orm.em as EntityManager, tenantId, (em) =>
          createTaskRows(
            em,
            Array.from({ length: size }, (_, n) => ({
              title: `Wiedervorlage ${start + n + 1}`,
              assigneeId: assignees[index] ?? null,
              remindAt: due,
            })),
          ),
        );
      }
    }
    const writtenSeconds = (performance.now() - writing) / 1000;
    const [{ ahead } = { ahead: 0 }] = await sql<{ ahead: number }>(
      `select extract(epoch from ?::timestamptz - now())::float8 as ahead`,
      [due],
    );
    console.log(
      `${perTenant * TENANTS} tasks in ${TENANTS} tenants written with their reminder jobs in ${writtenSeconds.toFixed(1)}s; ` +
        `all due at ${due}, ${ahead.toFixed(1)}s from now; ${workerCount} worker process(es)`,
    );
    if (ahead <= 0) throw new Error('writing took longer than the lead: raise BENCH_REMINDERS_LEAD_SECONDS');

    // Wait for the notifications (at most two minutes after the due time).
    const ours = `t.tenant_id = any(?::uuid[])`;
    const tenantsParam = `{${tenantIds.join(',')}}`;
    const expected = perTenant * TENANTS;
    let notified = 0;
    for (;;) {
      const [{ count, late } = { count: 0, late: 0 }] = await sql<{ count: number; late: number }>(
        `select (select count(*)::int from notification n join task t on t.id = (n.payload->>'taskId')::uuid
                  where ${ours} and n.kind = 'task.reminder') as count,
                extract(epoch from now() - ?::timestamptz)::float8 as late`,
        [tenantsParam, due],
      );
      notified = count;
      if (notified >= expected || late > 120) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    const [result] = await sql<Lateness>(
      `with per_task as (
         select t.id, t.remind_at, min(n.created_at) as first_at, count(n.id)::int as notifications
           from task t left join notification n
             on n.tenant_id = t.tenant_id and n.kind = 'task.reminder' and n.payload->>'taskId' = t.id::text
          where ${ours}
          group by t.id, t.remind_at
       ), late as (
         select extract(epoch from first_at - remind_at) * 1000 as ms from per_task where first_at is not null
       )
       select (select count(*)::int from per_task where notifications > 0) as notified,
              (select count(*)::int from per_task) as tasks,
              (select count(*)::int from per_task where notifications > 1) as doubled,
              percentile_cont(0.5) within group (order by ms) as p50,
              percentile_cont(0.95) within group (order by ms) as p95,
              percentile_cont(0.99) within group (order by ms) as p99,
              max(ms) as max
         from late`,
      [tenantsParam],
    );
    if (!result) throw new Error('no result');
    const missing = result.tasks - result.notified;
    printTable([
      {
        stats: {
          name: 'reminder lateness (notification created_at - remind_at)',
          n: result.notified,
          p50: result.p50,
          p95: result.p95,
          p99: result.p99,
          opsPerSec: result.notified / Math.max(0.001, result.max / 1000),
          errors: missing + result.doubled,
        },
      },
    ]);
    console.log(
      `missing ${missing}, doubled ${result.doubled}, last notification ${(result.max / 1000).toFixed(1)}s after due time` +
        ` (${result.max <= 60_000 && missing === 0 && result.doubled === 0 ? 'within' : 'NOT within'} 60 s, none missing, none doubled)`,
    );
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited()));
    await jobs?.stop();
    if (orm && process.env.DATABASE_URL && tenantIds.length > 0) {
      await orm.em
        .getConnection()
        .execute(`delete from tenant where id = any(?::uuid[])`, [`{${tenantIds.join(',')}}`]);
    }
    await orm?.close(true);
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
