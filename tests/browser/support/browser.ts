// The browser tests' describe: where /usr/bin/chromium is missing they say so and are skipped —
// except in CI (CI=true), where a missing browser is a failure.
import { describe } from '@jest/globals';
import { CHROMIUM, chromiumAvailable } from './chromium.ts';

export {
  actAndAwaitClose,
  CHROMIUM,
  chromiumAvailable,
  launchChromium,
  screenshot,
  screenshotDir,
} from './chromium.ts';

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
