// Dashboard widgets at 10,000 open deals (+ 2,000 won) and 100,000 activities in one tenant: each
// widget's figures as the page asks for them, one request in flight, against the target
// (p95 ≤ 50 ms). The deals' expected close dates are spread over the next twelve months so the
// forecast has figures; every deal went through two stages in the last year (pipeline velocity);
// the activities and 10,000 tasks are spread over the last and the next 60 days.
//
// Each widget is measured beside its floor: the statements a PostgreSQL expert would write for the
// same figures, run as the app runs SQL (as crm_app in the tenant's transaction, tenant-sql.ts),
// without HTTP, sign-in or the unit of work.
//
// BENCH_SCALE (default 1) scales the deals. Without DATABASE_URL an in-memory embedded PostgreSQL
// runs in a process of its own (bench-database.ts). BENCH_KEEP=1 leaves the tenant's rows in the
// DATABASE_URL database afterwards, to read the statements' plans with EXPLAIN.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '@crm/m365-emulator';
import pg from 'pg';
import { WIDGET_TYPES } from '../../backend/src/contract/index.ts';
import type { spawnNode } from '../support/processes.ts';
import { startBenchBackend } from './backend-process.ts';
import { benchDatabase } from './bench-database.ts';
import { measureCalls, measureHttp, printTable, type Stats } from './measure.ts';
import { type LoadedTenant, loadTenant } from './sales.bench.ts';
import { asTenant } from './tenant-sql.ts';

const WIDGET_P95_MS = 50;
const ACTIVITIES = 100_000;
const TASKS = 10_000;

// ---- the floors: each widget's figures in the fewest, plainest statements ------------------------

const BERLIN = `'Europe/Berlin'`;
const OPEN_DEAL = `d.tenant_id = crm_current_tenant() and d.status = 'open' and d.deleted_at is null`;
/** The first deal pipeline by name, as a widget without a pipeline reads. */
const FIRST_PIPELINE = `(select p.id from pipeline p where p.tenant_id = crm_current_tenant() and p.kind = 'deal'
  order by lower(p.name), p.id limit 1)`;
const TODAY_END = `(date_trunc('day', now() at time zone ${BERLIN}) + interval '1 day') at time zone ${BERLIN}`;
const MONTH_AGO = `(date_trunc('day', now() at time zone ${BERLIN}) - interval '29 days') at time zone ${BERLIN}`;

/** Per widget, the statements of its floor, run one after another in one transaction; `$1` is the viewer. */
const FLOORS: Record<(typeof WIDGET_TYPES)[number], string[]> = {
  'deals-by-stage': [
    `select s.id, s.name, s.color, s.probability, t.currency, t.n, t.value::text as value,
            (t.value * s.probability * 0.01)::text as weighted
       from pipeline_stage s
       left join lateral (
         select t.currency, sum(t.deals)::int as n, sum(t.value) as value from deal_stage_total t
          where t.tenant_id = crm_current_tenant() and t.pipeline_id = s.pipeline_id and t.stage_id = s.id
          group by t.currency having sum(t.deals) > 0) t on true
      where s.tenant_id = crm_current_tenant() and s.pipeline_id = ${FIRST_PIPELINE}
        and s.archived_at is null and s.outcome is null
      order by s.position, t.currency`,
  ],
  'forecast-by-month': [
    // Summed per close date, currency and stage first; the few groups then meet their stage's
    // probability and their month.
    `select to_char(g.day, 'YYYY-MM') as month, g.currency, sum(g.n)::int as n, sum(g.value)::text as value,
            sum(g.value * s.probability * 0.01)::text as weighted
       from (select d.expected_close_date as day, d.currency, d.stage_id, count(*) as n, sum(d.value) as value
               from deal d
              where ${OPEN_DEAL} and d.expected_close_date is not null
                and d.expected_close_date >= date_trunc('month', now() at time zone ${BERLIN})::date
              group by 1, 2, 3) g
       join pipeline_stage s on s.id = g.stage_id
      group by 1, 2 order by 1, 2`,
  ],
  'win-rate': [
    `select count(*) filter (where d.status = 'won')::int as won, count(*) filter (where d.status = 'lost')::int as lost
       from deal d where d.tenant_id = crm_current_tenant() and d.deleted_at is null and d.status <> 'open'`,
  ],
  'lost-reasons': [
    `select d.lost_reason_id, r.name, count(*)::int as n
       from deal d left join lost_reason r on r.id = d.lost_reason_id
      where d.tenant_id = crm_current_tenant() and d.deleted_at is null and d.status = 'lost'
      group by d.lost_reason_id, r.name order by n desc, r.name`,
  ],
  'my-tasks': [
    `select t.id, t.title, t.status, t.priority, t.due_at from task t
      where t.tenant_id = crm_current_tenant() and t.deleted_at is null and t.status not in ('done', 'cancelled')
        and t.assignee_id = $1
      order by t.due_at asc nulls last, t.id limit 10`,
    `select count(*)::int as n from task t
      where t.tenant_id = crm_current_tenant() and t.deleted_at is null and t.status not in ('done', 'cancelled')
        and t.assignee_id = $1`,
  ],
  'activities-due': [
    `select a.id, a.subject, a.starts_at, a.owner_id from activity a
      where a.tenant_id = crm_current_tenant() and a.deleted_at is null and not a.done and a.starts_at < ${TODAY_END}
      order by a.starts_at, a.id limit 10`,
    `select count(*)::int as n from activity a
      where a.tenant_id = crm_current_tenant() and a.deleted_at is null and not a.done and a.starts_at < ${TODAY_END}`,
  ],
  'top-deals': [
    `select d.id, d.title, d.value::text as value, d.currency, s.name as stage_name, u.display_name,
            d.expected_close_date::text as expected_close_date
       from deal d join pipeline_stage s on s.id = d.stage_id left join app_user u on u.id = d.owner_id
      where ${OPEN_DEAL} order by d.value desc, d.id limit 10`,
  ],
  'new-leads-by-source': [
    `select l.source, count(*)::int as n from lead l
      where l.tenant_id = crm_current_tenant() and l.deleted_at is null
      group by l.source order by n desc, l.source`,
  ],
  'pipeline-velocity': [
    `select s.id, s.name, c.n, c.average, c.median
       from pipeline_stage s
       left join lateral (
         select count(*)::int as n, avg(extract(epoch from (c.left_at - c.changed_at)) / 86400)::float8 as average,
                percentile_cont(0.5) within group (order by extract(epoch from (c.left_at - c.changed_at)) / 86400)::float8 as median
           from deal_stage_change c join deal d on d.id = c.deal_id
          where c.tenant_id = crm_current_tenant() and c.pipeline_id = s.pipeline_id and c.to_stage_id = s.id
            and c.left_at is not null and c.left_at >= now() - interval '90 days' and d.deleted_at is null) c on true
      where s.tenant_id = crm_current_tenant() and s.pipeline_id = ${FIRST_PIPELINE}
        and s.archived_at is null and s.outcome is null
      order by s.position`,
  ],
  'team-activity': [
    `select u.id, u.display_name,
            (select count(*)::int from activity a where a.tenant_id = u.tenant_id and a.owner_id = u.id
                and a.deleted_at is null and a.done and a.starts_at >= ${MONTH_AGO} and a.starts_at < now()) as activities,
            (select count(*)::int from task t where t.tenant_id = u.tenant_id and t.assignee_id = u.id
                and t.deleted_at is null and t.status = 'done' and t.completed_at >= ${MONTH_AGO} and t.completed_at < now()) as tasks_done,
            (select count(*)::int from deal d where d.tenant_id = u.tenant_id and d.owner_id = u.id
                and d.deleted_at is null and d.status = 'won' and d.closed_at >= ${MONTH_AGO} and d.closed_at < now()) as deals_won
       from app_user u where u.tenant_id = crm_current_tenant() and u.active
      order by u.display_name, u.id`,
  ],
};

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
    const viewer = (
      await pool.query<{ id: string }>('select id from app_user where tenant_id = $1 limit 1', [tenant.id])
    ).rows[0]?.id;
    const rows: { stats: Stats; floor?: Stats }[] = [];
    for (const widget of WIDGET_TYPES) {
      const floor = await measureCalls(`floor: ${widget} SQL`, { seconds: options.seconds }, () =>
        asTenant(pool as pg.Pool, tenant?.id as string, async (client) => {
          for (const statement of FLOORS[widget]) {
            await client.query(statement, statement.includes('$1') ? [viewer] : []);
          }
        }),
      );
      rows.push({ stats: floor });
      rows.push({
        floor,
        stats: await measureHttp(`GET …/dashboards/widgets/${widget} (1 conn.)`, {
          url: `${running.apiUrl}/api/v1/dashboards/widgets/${widget}`,
          seconds: options.seconds,
          connections: 1,
          headers: { authorization: `Bearer ${tenant.token}` },
        }),
      });
    }
    printTable(rows);
    const slow = rows.filter((row) => row.floor && (row.stats.p95 > WIDGET_P95_MS || row.stats.errors > 0));
    console.log(
      slow.length === 0
        ? `target: every widget p95 ≤ ${WIDGET_P95_MS}ms`
        : `target missed (p95 > ${WIDGET_P95_MS}ms or errors): ${slow.map((row) => row.stats.name).join(', ')}`,
    );
  } finally {
    if (process.env.DATABASE_URL && pool && tenant && process.env.BENCH_KEEP !== '1') {
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
