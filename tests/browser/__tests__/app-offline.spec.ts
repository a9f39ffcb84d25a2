// When the network goes, the app says so (German and English) and keeps what it shows; when it
// comes back, the notice goes and the app works on without a reload.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app without a network', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rita: { displayName: string; upn: string };

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('Funkloch GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    rita = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    const rep = await tenant.as(rita.upn);
    await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' });
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  for (const { locale, width, button, banner, list } of [
    { locale: 'de-DE', width: 1280, button: /^Anmelden$/, banner: 'Keine Verbindung', list: 'Firmen' },
    { locale: 'en-US', width: 360, button: /^Sign in$/, banner: 'No connection', list: 'Organizations' },
  ]) {
    it(`says so while offline and recovers without a reload (${locale}, ${width} px)`, async () => {
      const context = await signedInContext(harness, rita, { locale, width, button });
      const page = await context.newPage();
      await page.goto(`${harness.baseUrl}/app/`);
      await page.getByRole('heading', { name: /Rita Vertrieb/ }).waitFor();
      const notice = page.getByText(banner, { exact: true });
      expect(await notice.count()).toBe(0);
      // A mark on the page as loaded: a reload would lose it.
      await page.evaluate(() => {
        (window as unknown as { loadedOnce: boolean }).loadedOnce = true;
      });

      await context.setOffline(true);
      await notice.waitFor();
      // What was shown stays.
      await page.getByRole('heading', { name: /Rita Vertrieb/ }).waitFor();
      await screenshot(page, `app-offline-${locale.slice(0, 2)}-${width}`);
      expect(await seriousA11yViolations(page)).toEqual([]);

      await context.setOffline(false);
      await notice.waitFor({ state: 'detached' });
      // Works on: a list loads its rows from the server.
      await page.getByRole('link', { name: list, exact: true }).first().click();
      await page.getByRole('table', { name: list }).getByRole('link', { name: 'Keller Maschinenbau GmbH' }).waitFor();
      expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
      await context.close();
    }, 120_000);
  }
});
