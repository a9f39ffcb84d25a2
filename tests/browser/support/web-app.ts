// The real web app build, served by the real backend (on the run's database, signed in through
// the run's Microsoft 365 emulator), opened in chromium at a phone's or a desk's width.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../../../backend/src/testing/test-app.ts';
import { repoRoot } from '../../support/processes.ts';
import { actAndAwaitClose, launchChromium } from './chromium.ts';

export interface WebAppHarness {
  readonly t: TestApp;
  readonly baseUrl: string;
  readonly browser: Browser;
  /** A fresh browser profile in the given language and width. */
  newContext(options: { locale: string; width: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** `env`: the backend's settings besides the test's own (e.g. TAB_HOST_ORIGINS for a stand-in host). */
export async function startWebAppHarness(options: { env?: Record<string, string> } = {}): Promise<WebAppHarness> {
  await promisify(execFile)(process.execPath, [path.join(repoRoot, 'tab-web', 'build.ts'), '--if-stale'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 300_000,
  });
  const t = await createTestApp(options.env ? { env: options.env } : {});
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
  // A loaded machine may take its time to redeem the code and close the popup.
  await actAndAwaitClose(popup, () =>
    popup.getByRole('button', { name: `Sign in as ${user.displayName} (${user.upn})` }).click(),
  );
}

/** A browser profile in which `user` has signed in to the app (through its button and the popup). */
export async function signedInContext(
  harness: WebAppHarness,
  user: { displayName: string; upn: string },
  options: { locale: string; width: number; button: RegExp },
): Promise<BrowserContext> {
  const context = await harness.newContext({ locale: options.locale, width: options.width });
  const page = await context.newPage();
  await page.goto(`${harness.baseUrl}/app/`);
  await signIn(page, user, options.button);
  // Signed in once the app shows its search box (msal has written its cache by then).
  await page.getByRole('combobox').first().waitFor();
  await page.close();
  return context;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page (or a frame) as it is now: `rule: target`. */
export async function seriousA11yViolations(page: Page | Frame): Promise<string[]> {
  // Through the debugger protocol: the app's CSP allows no inline script.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(context: {
            exclude: string[][];
          }): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    // Tabster's dummy inputs (Fluent's focus groups, e.g. in charts) are focusable and aria-hidden on
    // purpose: they hand focus on at once, so a screen reader never rests on them.
    const result = await axe.run({ exclude: [['[data-tabster-dummy]']] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
  });
}

/** Waits until the element's own animations and its children's are over (Fluent's dialogs fade in). */
export async function animationsDone(element: Locator): Promise<void> {
  await element.evaluate((node) =>
    Promise.all(node.getAnimations({ subtree: true }).map((animation) => animation.finished.catch(() => undefined))),
  );
}
