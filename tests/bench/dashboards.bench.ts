// Dashboard widgets at 10,000 open deals (+ 2,000 won) and 100,000 activities in one tenant: each
// widget's figures as the page asks for them, one request in flight, against the target
// (p95 ≤ 50 ms). The deals' expected close dates are spread over the next twelve months so the
// forecast has figures; every deal went through two stages in the last year (pipeline velocity);
// the activities and 10,000 tasks are spread over the last and the next 60 days.
//
// BENCH_SCALE (default 1) scales the deals. Without DATABASE_URL an in-memory embedded PostgreSQL
// runs in a process of its own (bench-database.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '@crm/m365-emulator';
import pg from 'pg';
import { WIDGET_TYPES } from '../../backend/src/contract/index.ts';
import type { spawnNode } from '../support/processes.ts';
import { startBenchBackend } from './backend-process.ts';
import { benchDatabase } from './bench-database.ts';
import { measureHttp, printTable, type Stats } from './measure.ts';
import { type LoadedTenant, loadTenant } from './sales.bench.ts';

const WIDGET_P95_MS = 50;
const ACTIVITIES = 100_000;
const TASKS = 10_000;

/** Stage changes for every deal, activities and tasks of the tenant's user (plain SQL: a load). */
async function addHistory(pool: pg.Pool, tenant: LoadedTenant): Promise<void> {
  const [first, second] = tenant.openStages;
  if (!first || !second) throw new Error('the pipeline needs two open stages');
  await pool.query(
    `insert into deal_stage_change (id, tenant_id, deal_id, pipeline_id, from_stage_id, to_stage_id, changed_at)
     select gen_random_uuid(), d.tenant_id, d.id, d.pipeline_id, x.from_stage, x.to_stage,
            now() - make_interval(days => 300 - x.step * (abs(hashtext(d.id::text)) % 140))
       from deal d
       cross join lateral (values (0, null::uuid, $2::uuid), (1, $2::uuid, $3::uuid)) x(step, from_stage, to_stage)
      where d.tenant_id = $1`,
    [tenant.id, first.id, second.id],
  );
  const owner = await pool.query<{ id: string }>('select id from app_user where tenant_id = $1 limit 1', [tenant.id]);
  const type = await pool.query<{ id: string }>('select id from activity_type where tenant_id = $1 limit 1', [
    tenant.id,
  ]);
  const ownerId = owner.rows[0]?.id;
  await pool.query(
    `insert into activity (id, tenant_id, type_id, subject, starts_at, done, owner_id, created_by, updated_by)
     select gen_random_uuid(), $1, $2, 'Termin ' || n, now() + make_interval(mins => (n % 172800) - 86400),
            n % 3 <> 0, $3, $3, $3
       from generate_series(1, $4::int) n`,
    [tenant.id, type.rows[0]?.id, ownerId, ACTIVITIES],
  );
  await pool.query(
    `insert into task (id, tenant_id, title, status, due_at, completed_at, assignee_id, owner_id, created_by, updated_by)
     select gen_random_uuid(), $1, 'Aufgabe ' || n, case when n % 2 = 0 then 'done' else 'open' end,
            now() + make_interval(hours => (n % 2880) - 1440),
            case when n % 2 = 0 then now() - make_interval(hours => n % 1440) end, $2, $2, $2, $2
       from generate_series(1, $3::int) n`,
    [tenant.id, ownerId, TASKS],
  );
}

export async function run(options: { seconds: number }): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE || 1);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('BENCH_SCALE must be a positive number');
  const deals = Math.round(10_000 * scale);
  console.log(
    `BENCH_SCALE=${scale}: one tenant with a pipeline of ${deals} open deals (+ ${Math.round(deals / 5)} won)`,
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-dashboards-'));
  const emulator = await startEmulator({ dataDir: path.resolve('.data') });
  const database = benchDatabase();
  let backend: ReturnType<typeof spawnNode> | undefined;
  let pool: pg.Pool | undefined;
  let tenant: LoadedTenant | undefined;
  try {
    const databaseUrl = await database.url();
    const running = await startBenchBackend({ emulatorUrl: emulator.url, databaseUrl, dataDir, logLevel: 'warn' });
    backend = running.process;
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    tenant = await loadTenant(pool, running.apiUrl, emulator, 0, deals);
    await pool.query(
      `update deal set expected_close_date = (date_trunc('month', now()) + make_interval(months => (abs(hashtext(id::text)) % 12)))::date
        where tenant_id = $1`,
      [tenant.id],
    );
    await addHistory(pool, tenant);
    await pool.query('vacuum analyze deal, deal_stage_change, pipeline_stage, activity, task');
    const rows: { stats: Stats }[] = [];
    for (const widget of WIDGET_TYPES) {
      rows.push({
        stats: await measureHttp(`GET …/dashboards/widgets/${widget} (1 conn.)`, {
          url: `${running.apiUrl}/api/v1/dashboards/widgets/${widget}`,
          seconds: options.seconds,
          connections: 1,
          headers: { authorization: `Bearer ${tenant.token}` },
        }),
      });
    }
    printTable(rows);
    const slow = rows.filter((row) => row.stats.p95 > WIDGET_P95_MS || row.stats.errors > 0);
    console.log(
      slow.length === 0
        ? `target: every widget p95 ≤ ${WIDGET_P95_MS}ms`
        : `target missed (p95 > ${WIDGET_P95_MS}ms or errors): ${slow.map((row) => row.stats.name).join(', ')}`,
    );
  } finally {
    if (process.env.DATABASE_URL && pool && tenant) {
      for (const table of [
        'deal_stage_change',
        'activity',
        'task',
        'history',
        'search_document',
        'deal',
        'organization',
        'tenant',
      ]) {
        await pool
          .query(`delete from ${table} where ${table === 'tenant' ? 'id' : 'tenant_id'} = $1`, [tenant.id])
          .catch((error: unknown) => console.error(`cleaning up ${table} failed: ${(error as Error).message}`));
      }
    }
    await pool?.end();
    backend?.kill();
    await backend?.exited();
    await database.stop();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
