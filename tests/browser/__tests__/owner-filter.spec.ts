// The owner filter in chromium against the real backend: an admin narrows the pipeline report to one
// sales rep's deals, picking her by keyboard from the organisation's active users (GET
// /api/v1/users), in German; in English at phone width a dashboard widget's settings take another
// rep as the owner and the widget's sum follows; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: whose deals a report and a widget show', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let annaUser: { displayName: string; upn: string };
  let ritaId: string;
  let berndId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Verantwortlich GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Bernd Berater', appRoles: ['CRM.SalesRep'] },
    ]);
    annaUser = { displayName: 'Anna Admin', upn: tenant.upn('Anna Admin') };
    await tenant.userId(annaUser.upn);
    ritaId = await tenant.userId(tenant.upn('Rita Vertrieb'));
    berndId = await tenant.userId(tenant.upn('Bernd Berater'));
    const rita = await tenant.as(tenant.upn('Rita Vertrieb'));
    const bernd = await tenant.as(tenant.upn('Bernd Berater'));
    const org = (await rita.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    for (const [agent, title, value] of [
      [rita, 'Fräsmaschine', '1000.00'],
      [rita, 'Drehbank', '2500.00'],
      [bernd, 'Presse', '700.00'],
    ] as const) {
      const res = await agent.post('/api/v1/deals').send({ title, value, currency: 'EUR', organizationId: org });
      expect(res.status).toBe(201);
    }
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const fail = (page: Page, name: string) => async (error: unknown) => {
    await screenshot(page, name);
    throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
  };
  /** Types part of a name into the picker and takes the user it finds, by keyboard. */
  const pickByKeyboard = async (page: Page, label: string, typed: string, name: string) => {
    const picker = page.getByRole('combobox', { name: label });
    await picker.focus();
    await page.keyboard.type(typed);
    // "Name · email", or "Alle" / "Everyone" alone.
    await page
      .getByRole('listbox')
      .getByRole('option', { name: new RegExp(`^${name}( · |$)`) })
      .waitFor();
    await page.keyboard.press('Enter');
    // The box shows the name taken once the page has taken the choice.
    const input = await picker.elementHandle();
    await page.waitForFunction(([element, shown]) => (element as HTMLInputElement).value === shown, [
      input,
      name,
    ] as const);
  };

  it('in German at desk width: the pipeline report of one rep, picked by keyboard', async () => {
    const context = await signedInContext(harness, annaUser, { locale: 'de-DE', width: 1280, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${harness.baseUrl}/app/reports/pipeline`);
    const table = page.getByRole('table', { name: 'Offene Deals nach Pipeline und Phase' });
    try {
      await table.getByText('4.200,00 €').waitFor();
      expect(await page.getByRole('combobox', { name: 'Verantwortlich' }).inputValue()).toBe('Alle');
      await pickByKeyboard(page, 'Verantwortlich', 'rit', 'Rita Vertrieb');
      await table.getByText('3.500,00 €').waitFor();
      expect(await table.getByText('4.200,00 €').count()).toBe(0);
      expect(new URL(page.url()).searchParams.get('ownerId')).toBe(ritaId);
      await screenshot(page, 'owner-filter-report-de-1280');
      expect(await seriousA11yViolations(page)).toEqual([]);
      // Read again from its address: the same rep, by name.
      await page.reload();
      await table.getByText('3.500,00 €').waitFor();
      await expect(page.getByRole('combobox', { name: 'Verantwortlich' }).inputValue()).resolves.toBe('Rita Vertrieb');
      // Everyone again.
      await pickByKeyboard(page, 'Verantwortlich', 'All', 'Alle');
      await table.getByText('4.200,00 €').waitFor();
    } catch (error) {
      await fail(page, 'owner-filter-report-de-failed')(error);
    }
    expect(problems).toEqual([]);
    await context.close();
  }, 300_000);

  it("in English at phone width: a dashboard widget's owner", async () => {
    const context = await signedInContext(harness, annaUser, { locale: 'en-US', width: 360, button: /^Sign in$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/dashboards`);
    const byStage = page.getByRole('region', { name: 'Deals by stage' });
    try {
      await byStage.getByText('€4,200.00').waitFor();
      await page.getByRole('button', { name: 'Deals by stage: settings' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('combobox', { name: 'Owner' }).waitFor();
      await pickByKeyboard(page, 'Owner', 'bernd', 'Bernd Berater');
      await screenshot(page, 'owner-filter-widget-en-360');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Apply' }).click();
      await byStage.getByText('€700.00').waitFor();
      await page.getByText('Unsaved changes').waitFor();
      await screenshot(page, 'owner-filter-dashboard-en-360');
    } catch (error) {
      await fail(page, 'owner-filter-widget-en-failed')(error);
    }
    expect(berndId).toBeTruthy();
    await context.close();
  }, 300_000);
});
