// The real task pane build, served by the real backend (on the run's database, signed in through
// the run's Microsoft 365 emulator), opened in chromium on the office-js stand-in (try.html).
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestApp, type TestApp, type TestAppOptions } from '../../../backend/src/testing/test-app.ts';
import { repoRoot } from '../../support/processes.ts';
import { actAndAwaitClose, launchChromium } from './chromium.ts';

/** Options of the office-js stand-in (addin-outlook/src/standin/demo-mail.ts). */
export interface StandIn {
  displayLanguage?: string;
  mode?: 'read' | 'compose';
  nestedAppAuth?: boolean;
  /** The mailbox owner; default the mail's first recipient. */
  userProfile?: { emailAddress: string; displayName: string };
  mail?: Record<string, unknown>;
  failures?: Record<string, { code: number; name: string; message: string }>;
}

/** Builds the pane when its sources changed since the last build: once per run at most. */
export async function ensurePaneBuilt(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(repoRoot, 'addin-outlook', 'build.ts'), '--if-stale'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 180_000,
  });
}

export interface PaneHarness {
  readonly t: TestApp;
  readonly baseUrl: string;
  readonly browser: Browser;
  /** A fresh browser profile at pane width (320 px), the pane loaded on the stand-in. */
  open(standIn: StandIn, options?: { width?: number; context?: BrowserContext }): Promise<PaneSession>;
  close(): Promise<void>;
}

export interface PaneSession {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors and failed page scripts seen so far (CSP violations included). */
  readonly problems: string[];
  /** Answers of 400 and above the page received: `STATUS METHOD path`. */
  readonly failedRequests: string[];
}

/** `app`: how the backend runs (with `jobs: { work: true }` it also runs the jobs, e.g. filing by reference). */
export async function startPaneHarness(app: TestAppOptions = {}): Promise<PaneHarness> {
  await ensurePaneBuilt();
  const t = await createTestApp(app);
  const server: Server = createServer(t.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    t,
    baseUrl,
    browser,
    async open(standIn, options = {}) {
      const context =
        options.context ??
        (await browser.newContext({
          // The emulator's certificate is self-signed; Entra's is not.
          ignoreHTTPSErrors: true,
          viewport: { width: options.width ?? 320, height: 900 },
          locale: standIn.displayLanguage ?? 'de-DE',
        }));
      if (!options.context) contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      const failedRequests: string[] = [];
      page.on('console', (message) => {
        // Failed requests are listed with their URL below.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          problems.push(message.text());
        }
      });
      page.on('response', (response) => {
        if (response.status() >= 400) {
          const url = new URL(response.url());
          failedRequests.push(`${response.status()} ${response.request().method()} ${url.pathname}`);
        }
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.addInitScript((options: StandIn) => {
        (window as unknown as { __crmOfficeStandIn: StandIn }).__crmOfficeStandIn = options;
      }, standIn);
      await page.goto(`${baseUrl}/addin/try.html`);
      return { page, context, problems, failedRequests };
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

/** Signs in through the pane's button and the emulator's account picker in the popup. */
export async function signInThroughPopup(page: Page, user: { displayName: string; upn: string }, button: RegExp) {
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: button }).click();
  const popup = await popupOpened;
  // A loaded machine may take its time to redeem the code and close the popup.
  await actAndAwaitClose(popup, () =>
    popup.getByRole('button', { name: `Sign in as ${user.displayName} (${user.upn})` }).click(),
  );
}
