// Debian's chromium, driven by playwright-core. Where /usr/bin/chromium is missing the browser
// tests say so and are skipped — except in CI (CI=true), where a missing browser is a failure.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const chromiumAvailable = existsSync(CHROMIUM);

/** `describe` when chromium is there; otherwise a skipped block and a plain sentence (CI: a failure). */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumAvailable) {
    describe(name, body);
    return;
  }
  const reason = `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests.`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      throw new Error(`${reason} CI runs them, so this is a failure.`);
    });
    return;
  }
  process.stderr.write(`Skipping browser tests "${name}": ${reason}\n`);
  describe.skip(name, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Saves a screenshot of the page under tests/browser/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
