// The Outlook add-in's task pane: its initial JavaScript (gzipped, as the backend serves it) and
// the time from page load to the sender's context on screen, in headless chromium against
// `npm start` (demo data, signed in as Anna Schmidt; tokens from msal's cache, as on every
// opening of the pane after the first).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initialScriptBytes } from '../../addin-outlook/build.ts';
import { CHROMIUM, launchChromium } from '../browser/support/chromium.ts';
import { ensurePaneBuilt, signInThroughPopup } from '../browser/support/pane.ts';
import { spawnNode } from '../support/processes.ts';
import { printTable, type Stats } from './measure.ts';

const SIZE_BUDGET_GZIP = 300 * 1024;
const SENDER_CONTEXT_BUDGET_MS = 1500;

function statsOf(name: string, samples: number[], seconds: number): Stats {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) =>
    sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return {
    name,
    n: sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    opsPerSec: sorted.length / seconds,
    errors: 0,
  };
}

export async function run(options: { seconds: number }): Promise<void> {
  await ensurePaneBuilt();
  for (const page of ['index.html', 'try.html']) {
    const size = initialScriptBytes(page);
    console.log(
      `initial JavaScript of ${page.padEnd(10)} ${(size.gzip / 1024).toFixed(1)} kB gzipped (${(size.raw / 1024).toFixed(1)} kB raw, ${size.files} files)${page === 'index.html' ? `; budget ${SIZE_BUDGET_GZIP / 1024} kB: ${size.gzip <= SIZE_BUDGET_GZIP ? 'within' : 'OVER'}` : ''}`,
    );
  }
  if (!existsSync(CHROMIUM)) {
    console.log(`${CHROMIUM} is missing: the page-load bench needs Debian's chromium (apt-get install chromium).`);
    return;
  }

  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-addin-'));
  const started = spawnNode(
    'backend/src/start.ts',
    { PORT: '0', M365_EMULATOR_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
    { stdoutFile: path.join(dataDir, 'start.log') },
  );
  const browser = await launchChromium();
  try {
    const [, url] = await started.waitFor(/Outlook add-in \(try it\)\s+(http:\/\/\S+)\n/, 180_000);
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 360, height: 900 } });
    const page = await context.newPage();
    await page.goto(url as string);
    await signInThroughPopup(page, { displayName: 'Anna Schmidt', upn: 'anna.schmidt@contoso.example' }, /^Anmelden$/);
    await page.waitForFunction(() => document.body.dataset.senderContext === 'shown', null, { timeout: 30_000 });

    const samples: number[] = [];
    const began = Date.now();
    // Two warm-up loads, then as many as fit the time (at least ten).
    for (let i = 0; samples.length < 10 || Date.now() - began < options.seconds * 1000; i++) {
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.senderContext === 'shown', null, { timeout: 30_000 });
      const shown = await page.evaluate(() => performance.getEntriesByName('crm:sender-context')[0]?.startTime ?? -1);
      if (i >= 2) samples.push(shown);
      if (samples.length >= 200) break;
    }
    const stats = statsOf('page load → sender context', samples, (Date.now() - began) / 1000);
    printTable([{ stats }]);
    console.log(
      `budget ${SENDER_CONTEXT_BUDGET_MS} ms at p95: ${stats.p95 <= SENDER_CONTEXT_BUDGET_MS ? 'within' : 'OVER'}`,
    );
    await context.close();
  } finally {
    await browser.close();
    started.kill('SIGTERM');
    await started.exited();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
