// What a newcomer does: `npm start`, open the printed "Outlook add-in (try it)" URL in a plain
// browser, sign in as a demo user, and see the demo mail's sender in the pane.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { spawnNode } from '../../support/processes.ts';
import { describeInBrowser, launchChromium, screenshot } from '../support/browser.ts';
import { ensurePaneBuilt, signInThroughPopup } from '../support/pane.ts';

describeInBrowser('npm start: the add-in in a plain browser', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-try-'));
  let started: ReturnType<typeof spawnNode>;
  let browser: Browser;

  beforeAll(async () => {
    await ensurePaneBuilt();
    started = spawnNode('backend/src/start.ts', {
      PORT: '0',
      M365_EMULATOR_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    started.kill('SIGTERM');
    await started.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a URL that shows the demo mail beside the pane and, once signed in, its sender from the CRM', async () => {
    const [, url] = await started.waitFor(/Outlook add-in \(try it\)\s+(http:\/\/\S+)\n/, 90_000);
    const sender = new URL(url as string).searchParams.get('fromName') as string;
    expect(sender).toBeTruthy();
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    await page.goto(url as string);
    await page.getByRole('complementary', { name: 'Demo mail' }).waitFor();
    await signInThroughPopup(page, { displayName: 'Anna Schmidt', upn: 'anna.schmidt@contoso.example' }, /^Anmelden$/);
    await page.getByRole('region', { name: sender }).waitFor({ timeout: 45_000 });
    await screenshot(page, 'try-it-npm-start');
    await context.close();
  }, 150_000);
});
