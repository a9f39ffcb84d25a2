// The profile page's Outlook sync section in chromium against the real backend: a user connects
// her mailbox, asks for a sync now and stops it again, in German, by keyboard; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: my Outlook sync on the profile page', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let user: { displayName: string; upn: string };

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Sync GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('connects my mailbox and starts a sync, by keyboard, in German', async () => {
    const context = await signedInContext(harness, user, { locale: 'de-DE', width: 1024, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/`);
    try {
      await page.getByRole('link', { name: 'Rita Vertrieb' }).click();
      await page.getByRole('heading', { name: 'Outlook-Abgleich' }).waitFor();
      await page.getByText('Ihr Postfach ist noch nicht mit dem CRM verbunden.', { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Postfach verbinden' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('Noch nicht abgeglichen').waitFor();
      const runNow = page.getByRole('button', { name: 'Jetzt abgleichen' });
      await runNow.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Der Abgleich ist angestoßen.' }).waitFor();
      // Stopping it: the page says so, and offers to connect again.
      await page.getByRole('button', { name: 'Abgleich beenden' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('Der Abgleich ist beendet', { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Postfach verbinden' }).waitFor();
    } catch (error) {
      await screenshot(page, 'app-profile-sync-de-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    await screenshot(page, 'app-profile-sync-de');
    expect(await seriousA11yViolations(page)).toEqual([]);
    const health = await (await tenant.as(user.upn)).get('/api/v1/me/sync');
    expect(health.body.mailboxes[0]).toMatchObject({ enabled: false, enabledBy: 'self' });
    await context.close();
  }, 120_000);
});
