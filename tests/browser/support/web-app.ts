// The real web app build, served by the real backend (on the run's database, signed in through
// the run's Microsoft 365 emulator), opened in chromium at a phone's or a desk's width.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../../../backend/src/testing/test-app.ts';
import { repoRoot } from '../../support/processes.ts';
import { launchChromium } from './chromium.ts';

export interface WebAppHarness {
  readonly t: TestApp;
  readonly baseUrl: string;
  readonly browser: Browser;
  /** A fresh browser profile in the given language and width. */
  newContext(options: { locale: string; width: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function startWebAppHarness(): Promise<WebAppHarness> {
  await promisify(execFile)(process.execPath, [path.join(repoRoot, 'tab-web', 'build.ts'), '--if-stale'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 300_000,
  });
  const t = await createTestApp();
  const server: Server = createServer(t.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    t,
    baseUrl,
    browser,
    async newContext({ locale, width }) {
      const context = await browser.newContext({
        // The emulator's certificate is self-signed; Entra's is not.
        ignoreHTTPSErrors: true,
        viewport: { width, height: 900 },
        locale,
      });
      contexts.push(context);
      return context;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await t.close();
    },
  };
}

/** Signs in through the app's button and the emulator's account picker in the popup. */
export async function signIn(page: Page, user: { displayName: string; upn: string }, button: RegExp) {
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: button }).click();
  const popup = await popupOpened;
  await popup.getByRole('button', { name: `Sign in as ${user.displayName} (${user.upn})` }).click();
  // A loaded machine may take its time to redeem the code and close the popup.
  await popup.waitForEvent('close', { timeout: 90_000 });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is now: `rule: target`. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Through the debugger protocol: the app's CSP allows no inline script.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
  });
}
