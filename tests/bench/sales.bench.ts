// Sales at scale: 10 tenants, each with a deal pipeline of 10,000 open deals (and 2,000 won ones),
// then the kanban board and card moves over HTTP, each beside its SQL measured alone through a
// plain pg pool in a tenant transaction as the app runs it.
//
// BENCH_SCALE (default 1) scales the deals per tenant. Without DATABASE_URL an in-memory embedded
// PostgreSQL runs in a process of its own (bench-database.ts), so the
// backend, the database and the load generator each have their own event loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CRM_APP_ID, emulatorClient, startEmulator } from '@crm/m365-emulator';
import pg from 'pg';
import { newId } from '../../backend/src/ids.ts';
import { rankBetween, ranksBetween } from '../../backend/src/records/rank.ts';
import type { spawnNode } from '../support/processes.ts';
import { startBenchBackend } from './backend-process.ts';
import { benchDatabase } from './bench-database.ts';
import { measureCalls, measureHttp, printTable, type Stats } from './measure.ts';
import { asTenant } from './tenant-sql.ts';

const CRM_SCOPE = `api://crm.localhost/${CRM_APP_ID}/access_as_user`;
const TENANTS = 10;
const TARGETS = { boardP95: 20, moveP95: 10 };

/** A small deterministic generator: the same data on every run. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export interface Stage {
  id: string;
  name: string;
  outcome: string | null;
}

export interface LoadedTenant {
  id: string;
  /** The user principal name of the tenant's one user, Ada Admin. */
  upn: string;
  token: string;
  pipelineId: string;
  openStages: Stage[];
}

// ---- the floors: the board's and the move's SQL alone ---------------------------------------------

const OPEN = `d.tenant_id = crm_current_tenant() and d.pipeline_id = $1 and d.status = 'open' and d.deleted_at is null`;

/** The column totals as the board reads them unfiltered: kept per stage, owner and currency. */
export const BOARD_TOTALS_SQL = `select d.stage_id, d.currency, sum(d.deals)::int as n, sum(d.value)::text as value,
       (sum(d.value) * s.probability * 0.01)::text as weighted
  from deal_stage_total d join pipeline_stage s on s.id = d.stage_id
 where d.tenant_id = crm_current_tenant() and d.pipeline_id = $1
 group by d.stage_id, s.probability, d.currency
having sum(d.deals) > 0`;

/** The column sums a filtered board computes from the deals themselves (here: value > 1000). */
const BOARD_LIVE_SUMS_SQL = `select t.stage_id, t.currency, t.n, t.value::text as value,
       (t.value * s.probability * 0.01)::text as weighted
  from (select d.stage_id, d.currency, count(*)::int as n, sum(d.value) as value from deal d
         where ${OPEN} and d.value > 1000::numeric group by d.stage_id, d.currency) t
  join pipeline_stage s on s.id = t.stage_id`;

/** The first cards of every column, with an extra condition (the filter) or none. */
export const boardCardsSql = (
  condition = 'true',
) => `select c.* from unnest($2::uuid[]) with ordinality as s(id, position)
  cross join lateral (
    select s.id as stage_id, d.id, d.title, d.value::text as value, d.currency, d.owner_id,
           (select u.display_name from app_user u where u.id = d.owner_id) as owner_name, d.person_id,
           (select concat_ws(' ', p.first_name, p.last_name) from person p where p.id = d.person_id) as person_name,
           d.organization_id, (select o.name from organization o where o.id = d.organization_id) as organization_name,
           d.expected_close_date::text as expected_close_date, d.stage_entered_at, d.version, d.rank
      from deal d
     where ${OPEN} and d.stage_id = s.id and ${condition}
     order by d.rank
     limit 26
  ) c
 order by s.position, c.rank`;

/** A move's own statements: lock the card, lock the column, find the top, write the card. */
export async function moveBySql(
  client: pg.PoolClient,
  dealId: string,
  pipelineId: string,
  stageId: string,
): Promise<void> {
  await client.query('select d.id from deal d where d.id = $1 and d.deleted_at is null for update', [dealId]);
  await client.query('select 1 from pipeline_stage where id = $1 for no key update', [stageId]);
  const { rows } = await client.query<{ rank: string | null }>(
    `select min(d.rank) as rank from deal d
      where d.tenant_id = crm_current_tenant() and d.pipeline_id = $1 and d.stage_id = $2
        and d.status = 'open' and d.deleted_at is null and d.id <> $3`,
    [pipelineId, stageId, dealId],
  );
  await client.query(
    `update deal set stage_id = $2, rank = $3, stage_entered_at = now(), version = version + 1, updated_at = now()
      where id = $1`,
    [dealId, stageId, rankBetween(null, rows[0]?.rank ?? null)],
  );
}

// ---- loading -----------------------------------------------------------------------------------

export async function loadTenant(
  pool: pg.Pool,
  apiUrl: string,
  emulator: Awaited<ReturnType<typeof startEmulator>>,
  index: number,
  dealsPerTenant: number,
): Promise<LoadedTenant> {
  const seed = emulator.createTenant({
    displayName: `Sales Bench ${index + 1} GmbH`,
    consentedApps: [CRM_APP_ID],
    users: [{ displayName: 'Ada Admin', directoryRoles: ['Global Administrator'] }],
  });
  const upn = (seed.users[0] as { userPrincipalName: string }).userPrincipalName;
  const token = await emulatorClient(emulator.url).passwordToken({ tenant: seed.id, username: upn, scope: CRM_SCOPE });
  const get = async (route: string) => {
    const res = await fetch(`${apiUrl}${route}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const userId = ((await get('/api/v1/me')) as { user: { id: string } }).user.id;
  const [pipeline] = ((await get('/api/v1/pipelines?kind=deal')) as { items: { id: string; stages: Stage[] }[] }).items;
  if (!pipeline) throw new Error('the tenant has no default deal pipeline');
  const openStages = pipeline.stages.filter((stage) => !stage.outcome);
  const won = pipeline.stages.find((stage) => stage.outcome === 'won') as Stage;

  const next = random(index + 1);
  const organizations = Array.from({ length: 200 }, () => newId());
  await pool.query(
    `insert into organization (id, tenant_id, name, created_by, updated_by)
     select o.id, $1, 'Kunde ' || o.n || ' GmbH', $2, $2 from unnest($3::uuid[]) with ordinality as o(id, n)`,
    [seed.id, userId, organizations],
  );
  const perStage = Math.ceil(dealsPerTenant / openStages.length);
  const batches: { stageId: string; status: string; ranks: string[] }[] = [
    ...openStages.map((stage, i) => ({
      stageId: stage.id,
      status: 'open',
      ranks: ranksBetween(null, null, Math.min(perStage, dealsPerTenant - i * perStage)),
    })),
    { stageId: won.id, status: 'won', ranks: ranksBetween(null, null, Math.round(dealsPerTenant / 5)) },
  ];
  for (const batch of batches) {
    for (let from = 0; from < batch.ranks.length; from += 5000) {
      const ranks = batch.ranks.slice(from, from + 5000);
      const currencies = ranks.map(() => {
        const roll = next();
        return roll < 0.9 ? 'EUR' : roll < 0.95 ? 'CHF' : 'USD';
      });
      const values = ranks.map(
        () => `${Math.floor(100 + next() * 99_900)}.${String(Math.floor(next() * 100)).padStart(2, '0')}`,
      );
      await pool.query(
        `insert into deal (id, tenant_id, title, value, currency, pipeline_id, stage_id, organization_id, owner_id,
                           status, closed_at, rank, created_by, updated_by)
         select d.id, $1, 'Deal ' || d.n, d.value, d.currency, $2, $3, d.organization_id, $4,
                $5, case when $5 = 'open' then null else now() end, d.rank, $4, $4
           from unnest($6::uuid[], $7::numeric[], $8::text[], $9::uuid[], $10::text[]) with ordinality
                as d(id, value, currency, organization_id, rank, n)`,
        [
          seed.id,
          pipeline.id,
          batch.stageId,
          userId,
          batch.status,
          ranks.map(() => newId()),
          values,
          currencies,
          ranks.map(() => organizations[Math.floor(next() * organizations.length)]),
          ranks,
        ],
      );
    }
  }
  return { id: seed.id, upn, token, pipelineId: pipeline.id, openStages };
}

// ---- the bench ------------------------------------------------------------------------------------

export async function run(options: { seconds: number }): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE || 1);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('BENCH_SCALE must be a positive number');
  const dealsPerTenant = Math.round(10_000 * scale);
  console.log(
    `BENCH_SCALE=${scale}: ${TENANTS} tenants × a pipeline of ${dealsPerTenant} open deals (+ ${Math.round(dealsPerTenant / 5)} won)`,
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-sales-'));
  const emulator = await startEmulator({ dataDir: path.resolve('.data') });
  const database = benchDatabase();
  let backend: ReturnType<typeof spawnNode> | undefined;
  let pool: pg.Pool | undefined;
  const tenants: LoadedTenant[] = [];
  try {
    const databaseUrl = await database.url();
    const running = await startBenchBackend({
      emulatorUrl: emulator.url,
      databaseUrl,
      dataDir,
      logLevel: 'warn',
    });
    backend = running.process;
    const { apiUrl } = running;
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });

    const started = performance.now();
    for (let i = 0; i < TENANTS; i++) tenants.push(await loadTenant(pool, apiUrl, emulator, i, dealsPerTenant));
    const loadSeconds = (performance.now() - started) / 1000;
    console.log(
      `loaded ${tenants.length * Math.round(dealsPerTenant * 1.2)} deals in ${loadSeconds.toFixed(1)}s (${Math.round((tenants.length * dealsPerTenant * 1.2) / loadSeconds)} deals/s)`,
    );
    // A server's autovacuum would have done this by now; the embedded one has none.
    await pool.query('vacuum analyze deal, organization, pipeline_stage');

    const tenant = tenants[0] as LoadedTenant;
    const db = pool;
    const stageIds = tenant.openStages.map((stage) => stage.id);
    const allStages = (
      await db.query<{ id: string }>('select id from pipeline_stage where pipeline_id = $1 order by position', [
        tenant.pipelineId,
      ])
    ).rows.map((row) => row.id);
    const seconds = options.seconds;

    // ---- the board, unfiltered (kept totals) and filtered (sums over the deals themselves)
    const boardFloor = await measureCalls('floor: board SQL (kept totals + first cards)', { seconds }, () =>
      asTenant(db, tenant.id, async (client) => {
        await client.query(BOARD_TOTALS_SQL, [tenant.pipelineId]);
        await client.query(boardCardsSql(), [tenant.pipelineId, allStages]);
      }),
    );
    const boardUrl = `${apiUrl}/api/v1/pipelines/${tenant.pipelineId}/board`;
    const boards: { stats: Stats; floor?: Stats }[] = [{ stats: boardFloor }];
    for (const connections of [1, 10]) {
      boards.push({
        stats: await measureHttp(`GET …/pipelines/{id}/board (${connections} conn.)`, {
          url: boardUrl,
          seconds,
          connections,
          headers: { authorization: `Bearer ${tenant.token}` },
        }),
        floor: boardFloor,
      });
    }
    const liveFloor = await measureCalls('floor: filtered board SQL (sums over deals + cards)', { seconds }, () =>
      asTenant(db, tenant.id, async (client) => {
        await client.query(BOARD_LIVE_SUMS_SQL, [tenant.pipelineId]);
        await client.query(boardCardsSql('d.value > 1000::numeric'), [tenant.pipelineId, allStages]);
      }),
    );
    boards.push({ stats: liveFloor });
    const filter = encodeURIComponent(JSON.stringify({ field: 'value', op: 'gt', value: 1000 }));
    boards.push({
      stats: await measureHttp('GET …/board?filter=value>1000 (1 conn.)', {
        url: `${boardUrl}?filter=${filter}`,
        seconds,
        connections: 1,
        headers: { authorization: `Bearer ${tenant.token}` },
      }),
      floor: liveFloor,
    });

    // ---- moving cards: each worker its own cards, each move with If-Match from the previous answer
    const { rows: cards } = await db.query<{ id: string; stage_id: string; version: number }>(
      `select id, stage_id, version from deal where pipeline_id = $1 and status = 'open' order by rank limit 4000`,
      [tenant.pipelineId],
    );
    const pick = random(99);
    const otherStage = (current: string) => {
      const choices = stageIds.filter((id) => id !== current);
      return choices[Math.floor(pick() * choices.length)] as string;
    };
    const half = Math.floor(cards.length / 2);
    const floorCards = cards.slice(half);
    const moveFloor = await measureCalls('floor: move SQL (lock, top, write)', { seconds }, (i) => {
      const card = floorCards[i % floorCards.length] as (typeof cards)[number];
      card.stage_id = otherStage(card.stage_id);
      return asTenant(db, tenant.id, (client) => moveBySql(client, card.id, tenant.pipelineId, card.stage_id));
    });
    const httpCards = cards.slice(0, half);
    const slices = (workers: number) =>
      Array.from({ length: workers }, (_, worker) => httpCards.filter((_, index) => index % workers === worker));
    const moveOnce = async (i: number, mine: typeof cards, workers: number) => {
      const card = mine[Math.floor(i / workers) % mine.length] as (typeof cards)[number];
      const target = otherStage(card.stage_id);
      // Half the moves land right below another of the worker's cards in the target column, half on top.
      const neighbour = mine.find((other) => other !== card && other.stage_id === target);
      const body = neighbour && pick() < 0.5 ? { stageId: target, afterId: neighbour.id } : { stageId: target };
      const res = await fetch(`${apiUrl}/api/v1/deals/${card.id}/move`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.token}`,
          'content-type': 'application/json',
          'if-match': `"${card.version}"`,
        },
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`move answered ${res.status}: ${await res.text()}`);
      const moved = (await res.json()) as { version: number; stageId: string };
      card.version = moved.version;
      card.stage_id = moved.stageId;
    };
    const moves: { stats: Stats; floor?: Stats }[] = [{ stats: moveFloor }];
    for (const workers of [1, 4]) {
      const own = slices(workers);
      moves.push({
        stats: await measureCalls(
          `POST /api/v1/deals/{id}/move (${workers} in flight)`,
          { seconds, workers },
          (i, worker) => moveOnce(i, own[worker] as typeof cards, workers),
        ),
        floor: moveFloor,
      });
    }
    printTable([...boards, ...moves]);

    // The board still adds up after all those moves: its counts are the table's.
    const board = (await (await fetch(boardUrl, { headers: { authorization: `Bearer ${tenant.token}` } })).json()) as {
      stages: { count: number }[];
    };
    const { rows: counted } = await db.query<{ n: number }>(
      `select count(*)::int as n from deal where pipeline_id = $1 and status = 'open' and deleted_at is null`,
      [tenant.pipelineId],
    );
    const onBoard = board.stages.reduce((sum, stage) => sum + stage.count, 0);
    console.log(`board after the moves: ${onBoard} open deals counted, ${counted[0]?.n} in the table`);
    const board1 = boards[1]?.stats;
    const move1 = moves[1]?.stats;
    if (board1 && move1) {
      console.log(
        `targets (real server): board p95 ${board1.p95.toFixed(2)}ms ${board1.p95 < TARGETS.boardP95 ? '<' : '≥'} ${TARGETS.boardP95}ms, move p95 ${move1.p95.toFixed(2)}ms ${move1.p95 < TARGETS.moveP95 ? '<' : '≥'} ${TARGETS.moveP95}ms (1 in flight)`,
      );
    }
  } finally {
    if (process.env.DATABASE_URL && pool && tenants.length > 0) {
      // The deals first, by their tenant index: deleting the tenants alone would cascade through
      // references (created_by, owner_id …) that have no index to scan.
      const ids = tenants.map((tenant) => tenant.id);
      for (const table of ['deal_stage_change', 'history', 'search_document', 'deal', 'organization', 'tenant']) {
        await pool
          .query(`delete from ${table} where ${table === 'tenant' ? 'id' : 'tenant_id'} = any($1::uuid[])`, [ids])
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
