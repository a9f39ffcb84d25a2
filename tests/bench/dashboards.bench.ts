// Dashboard widgets at 10,000 open deals (+ 2,000 won) in one tenant: each widget's figures as the
// page asks for them, one request in flight, against the issue's target (p95 ≤ 50 ms). The deals'
// expected close dates are spread over the next twelve months so the forecast has figures.
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
    await pool.query('vacuum analyze deal, deal_stage_change, pipeline_stage');
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
      for (const table of ['deal_stage_change', 'history', 'search_document', 'deal', 'organization', 'tenant']) {
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
