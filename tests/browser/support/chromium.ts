// Debian's chromium, driven by playwright-core (no jest here: the benches use it too).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * Does `act` in a popup that closes itself when it is done (the sign-in's account picker) and waits until it
 * has closed. The wait begins before the act: a popup that closes while the click is still returning has
 * fired its only "close" event, and a wait begun afterwards would wait for nothing until it timed out.
 */
export async function actAndAwaitClose(popup: Page, act: () => Promise<void>, timeout = 90_000): Promise<void> {
  const closed = popup.waitForEvent('close', { timeout });
  closed.catch(() => undefined); // awaited below; a click that fails first must not leave it unhandled
  try {
    await act();
  } catch (error) {
    // A click whose page closed under it has done what it was for.
    if (!popup.isClosed()) throw error;
  }
  try {
    await closed;
  } catch (error) {
    const shows = await popup
      .locator('body')
      .innerText({ timeout: 2_000 })
      .catch(() => '');
    throw new Error(`${(error as Error).message}; the popup still shows ${popup.url()}: ${shows.slice(0, 500)}`);
  }
}
