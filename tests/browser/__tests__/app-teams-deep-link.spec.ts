// A Teams deep link into the tab (the bot's "Open", a record shared in a chat) names a record as
// its subEntityId; Teams hands it to the tab in its context (teams-js: page.subPageId) and the tab
// opens on that record's 360° page, signed in through the host, without waiting on teams-js.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { brokeredFrom, startTeamsHostStandIn, type TeamsHostStandIn } from '../support/teams-host.ts';
import { seriousA11yViolations, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the Teams tab opened by a deep link', () => {
  let host: TeamsHostStandIn;
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let upn: string;
  let kellerId: string;
  let dealId: string;

  beforeAll(async () => {
    host = await startTeamsHostStandIn({
      tokenFor: brokeredFrom(
        () => tenant,
        () => harness.t.config.entra.authorityHost,
      ),
    });
    harness = await startWebAppHarness({ env: { TAB_HOST_ORIGINS: host.origin } });
    tenant = await harness.t.createTenant('Tiefe Links GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    upn = tenant.upn('Rita Vertrieb');
    const rep = await tenant.as(upn);
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    dealId = (await rep.post('/api/v1/deals').send({ title: 'Fräsmaschine FM-400', organizationId: kellerId })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
    await host?.close();
  });

  const tabUrl = (page: Page) =>
    page
      .frames()
      .find((frame) => frame.url().startsWith(`${harness.baseUrl}/app/`))
      ?.url() ?? '';

  it("lands on the organisation's page, in German at desk width, well before teams-js' 60 s", async () => {
    const context = await harness.newContext({ locale: 'en-US', width: 1280 });
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(
      host.url(`${harness.baseUrl}/app/?host=teams`, {
        theme: 'default',
        locale: 'de-DE',
        upn,
        naa: true,
        subEntityId: `organization/${kellerId}`,
      }),
    );
    const tab = page.frameLocator('iframe[title="CRM"]');
    await tab.getByRole('heading', { level: 1, name: 'Keller Maschinenbau GmbH' }).waitFor({ timeout: 30_000 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(new URL(tabUrl(page)).pathname).toBe(`/app/records/organization/${kellerId}`);
    // The deal of the organisation is a click away, and the app's own links work in the tab.
    await tab.getByRole('region', { name: 'Deals' }).getByRole('link', { name: 'Fräsmaschine FM-400' }).click();
    await tab.getByRole('heading', { level: 1, name: 'Fräsmaschine FM-400' }).waitFor();
    await screenshot(page, 'app-teams-deep-link-de-1280');
    const frame = page.frames().find((candidate) => candidate.url().startsWith(`${harness.baseUrl}/app/`));
    if (!frame) throw new Error('the stand-in shows no tab');
    expect(await seriousA11yViolations(frame)).toEqual([]);
    await context.close();
  }, 120_000);

  it('lands on a deal in English at phone width; a sub-page naming no record opens the start page', async () => {
    const context = await harness.newContext({ locale: 'de-DE', width: 360 });
    const page = await context.newPage();
    await page.goto(
      host.url(`${harness.baseUrl}/app/?host=teams`, {
        theme: 'dark',
        locale: 'en-US',
        upn,
        naa: true,
        subEntityId: `deal/${dealId}`,
      }),
    );
    const tab = page.frameLocator('iframe[title="CRM"]');
    await tab.getByRole('heading', { level: 1, name: 'Fräsmaschine FM-400' }).waitFor({ timeout: 30_000 });
    await tab.getByText('Deal', { exact: true }).first().waitFor();
    await screenshot(page, 'app-teams-deep-link-en-360');

    await page.goto(
      host.url(`${harness.baseUrl}/app/?host=teams`, {
        theme: 'default',
        locale: 'en-US',
        upn,
        naa: true,
        subEntityId: 'invoice/12',
      }),
    );
    await tab.getByRole('heading', { name: 'Hello, Rita Vertrieb' }).waitFor({ timeout: 30_000 });
    expect(new URL(tabUrl(page)).pathname).toBe('/app/');
    await context.close();
  }, 120_000);
});
