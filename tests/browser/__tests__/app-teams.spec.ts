// The web app as a Teams personal tab, in a stand-in for Teams (a page on its own origin that
// frames the tab and answers teams-js as Teams does): the tab starts at once, follows the host's
// locale and theme (light, dark, high contrast, switched while open), and a frame that never
// answers teams-js does not keep it waiting.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { brokeredFrom, startTeamsHostStandIn, type TeamsHostStandIn } from '../support/teams-host.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

/** The page's background as the host's theme paints it (Fluent's Teams themes). */
const BACKGROUND = { default: 'rgb(255, 255, 255)', dark: 'rgb(41, 41, 41)', contrast: 'rgb(0, 0, 0)' } as const;

describeInBrowser('the web app as a Teams tab, in a stand-in Teams host', () => {
  let host: TeamsHostStandIn;
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let user: { displayName: string; upn: string };

  beforeAll(async () => {
    // The host's signed-in user, whose tokens it brokers to the tab (nested app authentication).
    host = await startTeamsHostStandIn({
      tokenFor: brokeredFrom(
        () => tenant,
        () => harness.t.config.entra.authorityHost,
      ),
    });
    harness = await startWebAppHarness({ env: { TAB_HOST_ORIGINS: host.origin } });
    tenant = await harness.t.createTenant('App Teams GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    const rep = await tenant.as(user.upn);
    await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' });
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
    await host?.close();
  });

  const signedIn = (locale: string, width: number, button: RegExp) =>
    signedInContext(harness, user, { locale, width, button });

  const provider = (tab: FrameLocator) => tab.locator('#root > .fui-FluentProvider');
  const themeOf = async (tab: FrameLocator) => ({
    theme: await provider(tab).getAttribute('data-theme'),
    host: await provider(tab).getAttribute('data-host'),
    background: await provider(tab).evaluate((element) => getComputedStyle(element).backgroundColor),
  });
  const tabFrame = (page: Page): Frame => {
    const frame = page.frames().find((candidate) => candidate.url().startsWith(`${harness.baseUrl}/app/`));
    if (!frame) throw new Error('the stand-in shows no tab');
    return frame;
  };
  const asked = (page: Page) =>
    page.evaluate(() => (window as unknown as { teamsHost: { asked: string[] } }).teamsHost.asked);

  it("follows the host: English from Teams' locale in a German browser, dark, then high contrast and light", async () => {
    const context = await signedIn('de-DE', 1280, /^Anmelden$/);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const started = Date.now();
    await page.goto(host.url(`${harness.baseUrl}/app/`, { theme: 'dark', locale: 'en-US', upn: user.upn }));
    const tab = page.frameLocator('iframe[title="CRM"]');
    await tab.getByRole('heading', { name: 'Hello, Rita Vertrieb' }).waitFor({ timeout: 30_000 });
    // Well before teams-js' own 60 s: the host answered, and the tab knew it was hosted.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await asked(page)).toEqual(expect.arrayContaining(['initialize', 'getContext']));
    expect(await themeOf(tab)).toEqual({ theme: 'dark', host: 'teams', background: BACKGROUND.dark });
    await screenshot(page, 'app-teams-dark-en-1280');
    expect(await seriousA11yViolations(tabFrame(page))).toEqual([]);

    for (const theme of ['contrast', 'default'] as const) {
      await page.evaluate((next) => {
        (window as unknown as { teamsHost: { setTheme(theme: string): void } }).teamsHost.setTheme(next);
      }, theme);
      await provider(tab)
        .and(tab.locator(`[data-theme="${theme === 'default' ? 'light' : theme}"]`))
        .waitFor();
      expect((await themeOf(tab)).background).toBe(BACKGROUND[theme]);
      await screenshot(page, `app-teams-${theme}-en-1280`);
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it('signs in silently through the host (nested app authentication): no sign-in of its own', async () => {
    const context = await harness.newContext({ locale: 'de-DE', width: 1280 });
    const page = await context.newPage();
    const popups: string[] = [];
    page.on('popup', (popup) => popups.push(popup.url()));
    await page.goto(
      host.url(`${harness.baseUrl}/app/`, { theme: 'default', locale: 'de-DE', upn: user.upn, naa: true }),
    );
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    const tab = page.frameLocator('iframe[title="CRM"]');
    await tab
      .getByRole('heading', { name: 'Hallo, Rita Vertrieb' })
      .waitFor({ timeout: 30_000 })
      .catch(async (error: unknown) => {
        await screenshot(page, 'app-teams-naa-failed');
        const said = await page.evaluate(() => JSON.stringify((window as unknown as { teamsHost: unknown }).teamsHost));
        throw new Error(`${(error as Error).message}\nhost: ${said}\nconsole: ${console.join('\n')}`);
      });
    const brokered = await page.evaluate(
      () => (window as unknown as { teamsHost: { brokered: string[] } }).teamsHost.brokered,
    );
    expect(brokered).toEqual(expect.arrayContaining(['GetInitContext', 'GetToken']));
    expect(popups).toEqual([]);
    expect(await tab.getByRole('button', { name: 'Anmelden' }).count()).toBe(0);
    await screenshot(page, 'app-teams-naa-de-1280');
  }, 180_000);

  it('in German at phone width in high contrast; a frame that never answers teams-js does not hold the tab up', async () => {
    const context = await signedIn('en-US', 360, /^Sign in$/);
    const page = await context.newPage();
    await page.goto(host.url(`${harness.baseUrl}/app/`, { theme: 'contrast', locale: 'de-DE', upn: user.upn }));
    const tab = page.frameLocator('iframe[title="CRM"]');
    await tab.getByRole('heading', { name: 'Hallo, Rita Vertrieb' }).waitFor({ timeout: 30_000 });
    expect(await themeOf(tab)).toEqual({ theme: 'contrast', host: 'teams', background: BACKGROUND.contrast });
    await screenshot(page, 'app-teams-contrast-de-360');
    expect(await seriousA11yViolations(tabFrame(page))).toEqual([]);

    const started = Date.now();
    await page.goto(
      host.url(`${harness.baseUrl}/app/`, { theme: 'dark', locale: 'de-DE', upn: user.upn, silent: true }),
    );
    // The browser's language and look: the tab gave up on the silent frame and runs as in a browser.
    await tab.getByRole('heading', { name: 'Hello, Rita Vertrieb' }).waitFor({ timeout: 30_000 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await provider(tab).getAttribute('data-host')).toBe('browser');
    expect(await asked(page)).toContain('initialize');
  }, 180_000);
});
