// The kanban board in headless chromium at 10,000 open deals: the board page until its cards show
// (a fresh navigation each time, the app's code cached as a browser caches it), and a card move by
// keyboard from the drop to the saved state (the move's answer), each beside its SQL measured alone
// through a plain pg pool in a tenant transaction.
//
// BENCH_SCALE (default 1) scales the deals. Without DATABASE_URL an in-memory embedded PostgreSQL
// runs in a process of its own (bench-database.ts).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator } from '@crm/m365-emulator';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { actAndAwaitClose, launchChromium } from '../browser/support/chromium.ts';
import { repoRoot, type spawnNode } from '../support/processes.ts';
import { startBenchBackend } from './backend-process.ts';
import { benchDatabase } from './bench-database.ts';
import { measureCalls, printTable, type Stats, statsOf } from './measure.ts';
import { BOARD_TOTALS_SQL, boardCardsSql, type LoadedTenant, loadTenant, moveBySql } from './sales.bench.ts';
import { asTenant } from './tenant-sql.ts';

/** Signs in through the app's button and the emulator's account picker in the popup. */
async function signIn(page: Page, upn: string): Promise<void> {
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: /^Sign in$/ }).click();
  const popup = await popupOpened;
  await actAndAwaitClose(popup, () => popup.getByRole('button', { name: `Sign in as Ada Admin (${upn})` }).click());
  await page.getByRole('combobox').first().waitFor({ timeout: 60_000 });
}

/**
 * Runs `once` after one warm-up call until `seconds` passed (at least 5 times); each call answers
 * its latency as the page measured it.
 */
async function measureInPage(name: string, seconds: number, once: () => Promise<number>): Promise<Stats> {
  await once();
  const latencies: number[] = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000 || latencies.length < 5) latencies.push(await once());
  return statsOf(name, latencies, (performance.now() - started) / 1000);
}

export async function run(options: { seconds: number }): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE || 1);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('BENCH_SCALE must be a positive number');
  const deals = Math.round(10_000 * scale);
  console.log(
    `BENCH_SCALE=${scale}: one tenant with a pipeline of ${deals} open deals (+ ${Math.round(deals / 5)} won)`,
  );
  await promisify(execFile)(process.execPath, [path.join(repoRoot, 'tab-web', 'build.ts'), '--if-stale'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 300_000,
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-board-'));
  const emulator = await startEmulator({ dataDir: path.resolve('.data') });
  const database = benchDatabase();
  let backend: ReturnType<typeof spawnNode> | undefined;
  let pool: pg.Pool | undefined;
  let tenant: LoadedTenant | undefined;
  const browser = await launchChromium();
  try {
    const databaseUrl = await database.url();
    const running = await startBenchBackend({ emulatorUrl: emulator.url, databaseUrl, dataDir, logLevel: 'warn' });
    backend = running.process;
    const { apiUrl } = running;
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    const loaded = await loadTenant(pool, apiUrl, emulator, 0, deals);
    tenant = loaded;
    await pool.query('vacuum analyze deal, organization, pipeline_stage');
    const db = pool;
    const allStages = (
      await db.query<{ id: string }>('select id from pipeline_stage where pipeline_id = $1 order by position', [
        loaded.pipelineId,
      ])
    ).rows.map((row) => row.id);

    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${apiUrl}/app/`);
    await signIn(page, loaded.upn);
    const boardUrl = `${apiUrl}/app/pipelines/${loaded.pipelineId}`;
    const seconds = options.seconds;

    const boardFloor = await measureCalls('floor: board SQL (kept totals + first cards)', { seconds }, () =>
      asTenant(db, loaded.id, async (client) => {
        await client.query(BOARD_TOTALS_SQL, [loaded.pipelineId]);
        await client.query(boardCardsSql(), [loaded.pipelineId, allStages]);
      }),
    );
    // From the navigation's start to the first card shown, in the page's clock.
    const boardPage = await measureInPage('board page until its cards show (chromium)', seconds, async () => {
      await page.goto(boardUrl);
      await page.locator('[data-card-id]').first().waitFor({ timeout: 30_000 });
      return page.evaluate(() => performance.now());
    });

    // Moves by keyboard: the first card of the first column to the second and back, timed from
    // the drop (space) until the move's answer arrived.
    await page.goto(boardUrl);
    await page.getByText('Live updates on').waitFor({ timeout: 30_000 });
    // The drop's time in the page's own clock, to time the move where the user sees it.
    await page.evaluate(() =>
      window.addEventListener(
        'keydown',
        (event) => {
          if (event.code === 'Space') (window as unknown as { lastDrop: number }).lastDrop = performance.now();
        },
        true,
      ),
    );
    const first = loaded.openStages[0]?.id as string;
    const second = loaded.openStages[1]?.id as string;
    let direction: 'ArrowRight' | 'ArrowLeft' = 'ArrowRight';
    const uiMove = await measureInPage('card move through the UI, drop to saved (chromium)', seconds, async () => {
      const from = direction === 'ArrowRight' ? first : second;
      const handle = page.locator(`[data-stage-id="${from}"] [data-card-id] button`).first();
      await handle.focus();
      await page.keyboard.press('Space');
      await page.locator('[aria-pressed="true"]').waitFor();
      await page.keyboard.press(direction);
      // Dropped once the screen reader was told it is over the other column.
      const target = (direction === 'ArrowRight' ? loaded.openStages[1] : loaded.openStages[0])?.name as string;
      await page.waitForFunction(
        (name) =>
          [...document.querySelectorAll('[id^="DndLiveRegion"]')].some((region) =>
            region.textContent?.includes(` ${name}.`),
          ),
        target,
      );
      const saved = page.waitForResponse(
        (response) => response.request().method() === 'POST' && response.url().includes('/move'),
        { timeout: 30_000 },
      );
      await page.keyboard.press('Space');
      const response = await saved;
      // From the drop to the move's answer, in the page's clock (the browser's own timing of the request).
      const inPage = await page.evaluate(() => {
        const drop = (window as unknown as { lastDrop: number }).lastDrop;
        const entry = performance
          .getEntriesByType('resource')
          .filter((candidate) => candidate.name.includes('/move'))
          .at(-1) as PerformanceResourceTiming | undefined;
        return entry ? entry.responseEnd - drop : Number.NaN;
      });
      if (response.status() !== 200) throw new Error(`move answered ${response.status()}`);
      direction = direction === 'ArrowRight' ? 'ArrowLeft' : 'ArrowRight';
      return inPage;
    });
    const { rows: cards } = await db.query<{ id: string }>(
      `select id from deal where pipeline_id = $1 and status = 'open' order by rank desc limit 2000`,
      [loaded.pipelineId],
    );
    const moveFloor = await measureCalls('floor: move SQL (lock, top, write)', { seconds }, (i) => {
      const card = cards[i % cards.length] as { id: string };
      return asTenant(db, loaded.id, (client) =>
        moveBySql(client, card.id, loaded.pipelineId, i % 2 === 0 ? second : first),
      );
    });
    printTable([
      { stats: boardFloor },
      { stats: boardPage, floor: boardFloor },
      { stats: moveFloor },
      { stats: uiMove, floor: moveFloor },
    ]);
    console.log(
      `targets: board page p95 ${boardPage.p95.toFixed(0)}ms ${boardPage.p95 <= 1000 ? '≤' : '>'} 1000ms, card move p95 ${uiMove.p95.toFixed(0)}ms ${uiMove.p95 <= 150 ? '≤' : '>'} 150ms`,
    );
  } finally {
    await browser.close();
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
