// Dashboards in chromium against the real backend: the default dashboard shows figures of the
// seeded deals, drawn as charts (svg) labelled in the page's language; a widget is added and the dashboard saved as one's own; after a reload it is there,
// it is moved earlier by keyboard and dragged first by mouse, and saved again; German at phone
// width; axe-core finds nothing serious on the dashboard.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: dashboards', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rita: AuthedAgent;
  let ritaUser: { displayName: string; upn: string };
  // The deals close in two months: the forecast has one column, named by its month.
  const closing = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 2, 15));
  const monthLabel = (locale: string) => closing.toLocaleDateString(locale, { month: 'short', year: '2-digit' });

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Dashboard GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    ritaUser = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rita = await tenant.as(ritaUser.upn);
    const org = (await rita.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    for (const [title, value] of [
      ['Fräsmaschine', '1000.00'],
      ['Drehbank', '2500.00'],
    ] as const) {
      const res = await rita.post('/api/v1/deals').send({
        title,
        value,
        currency: 'EUR',
        organizationId: org,
        expectedCloseDate: closing.toISOString().slice(0, 10),
      });
      expect(res.status).toBe(201);
    }
    // One deal went to the next stage and back: its two finished stays count towards the days per stage.
    const [first] = (await rita.get('/api/v1/deals')).body.items as { id: string; pipelineId: string }[];
    if (!first) throw new Error('no deal');
    const pipeline = (await rita.get(`/api/v1/pipelines/${first.pipelineId}`)).body as { stages: { id: string }[] };
    for (const stage of [pipeline.stages[1], pipeline.stages[0]]) {
      expect((await rita.patch(`/api/v1/deals/${first.id}`).send({ stageId: stage?.id })).status).toBe(200);
    }
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const widgetTitles = (page: Page) => page.locator('main h2').allTextContents();
  /** The stages' and the forecast's charts, described and labelled in the page's language. */
  const chartsShown = async (
    page: Page,
    locale: 'en' | 'de',
    names: { byStage: string; barChart: string; forecast: string },
  ) => {
    const byStage = page.getByRole('region', { name: names.byStage, exact: true });
    // The stage is named in the tenant's language (German), the forecast's month in the page's.
    await byStage.locator('svg text', { hasText: 'Qualifizierung' }).first().waitFor();
    await byStage.getByRole('region', { name: names.barChart }).waitFor();
    const forecast = page.getByRole('region', { name: names.forecast, exact: true });
    await forecast
      .locator('svg text', { hasText: monthLabel(locale) })
      .first()
      .waitFor();
    return forecast;
  };

  it('in English at desk width: figures of the deals, add a widget, save, reload, reorder by keyboard and by mouse', async () => {
    const context = await signedInContext(harness, ritaUser, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${harness.baseUrl}/app/`);
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard: Overview' }).waitFor();
    const byStage = page.getByRole('region', { name: 'Deals by stage', exact: true });
    await byStage.getByText('€3,500.00').waitFor();
    await byStage.getByText(/· 2 deals/).waitFor();
    const forecast = await chartsShown(page, 'en', {
      byStage: 'Deals by stage',
      barChart: 'Deals by stage: bar chart with 4 bars',
      forecast: 'Forecast by month',
    });
    await forecast
      .getByText(/weighted €350\.00/)
      .first()
      .waitFor();
    await page.getByRole('region', { name: 'Top deals' }).getByRole('link', { name: 'Drehbank' }).waitFor();
    await page.getByText('You cannot change this dashboard').waitFor();

    // Days per stage: the stays that ended lately, with their average and median.
    await page.getByLabel('Kind of widget').selectOption('pipeline-velocity');
    await page.getByRole('button', { name: 'Add widget' }).click();
    const velocity = page.getByRole('region', { name: 'Days per stage', exact: true });
    await velocity.getByText('Stays that ended in the last 90 days').waitFor();
    await velocity
      .getByText(/^1 stay · median 0 days$/)
      .first()
      .waitFor();

    await page.getByLabel('Kind of widget').selectOption('new-leads-by-source');
    await page.getByRole('button', { name: 'Add widget' }).click();
    await page.getByRole('region', { name: 'New leads by source' }).getByText('No data').waitFor();
    await page.getByText('Unsaved changes').waitFor();
    await screenshot(page, 'dashboard-en-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save as my dashboard' }).click();
    await page.getByText('Saved.').waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Dashboard: My dashboard' }).waitFor();
    await page.getByRole('region', { name: 'New leads by source' }).waitFor();
    const before = await widgetTitles(page);
    expect(before.at(-1)).toBe('New leads by source');

    // By keyboard: the new widget one place earlier, then saved.
    await page.getByRole('button', { name: 'Move New leads by source earlier' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    await page.getByRole('region', { name: 'New leads by source' }).waitFor();
    const after = await widgetTitles(page);
    expect(after.at(-2)).toBe('New leads by source');
    expect(after.at(-1)).toBe(before.at(-2));

    // By mouse: the new widget dragged by its handle onto the first one takes its place.
    const handle = page.getByRole('button', { name: 'Move New leads by source', exact: true });
    const target = page.getByRole('region', { name: 'Deals by stage', exact: true });
    const from = await handle.boundingBox();
    const to = await target.boundingBox();
    if (!from || !to) throw new Error('handle or widget not shown');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 });
    await page.mouse.move(to.x + to.width / 4, to.y + to.height / 2, { steps: 20 });
    await page.mouse.move(to.x + to.width / 4 + 2, to.y + to.height / 2 + 2, { steps: 2 });
    // Released once the page has the widget over the first place, as a user sees the others make room
    // and a screen reader hears it (under load the page may take a moment to follow the pointer).
    await page.getByText('New leads by source at position 1.').waitFor({ state: 'attached' });
    await page.mouse.up();
    await page.getByText('Unsaved changes').waitFor();
    expect((await widgetTitles(page))[0]).toBe('New leads by source');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    const saved = (await rita.get('/api/v1/dashboards')).body.items;
    expect(saved[0]).toMatchObject({ name: 'My dashboard', scope: 'own' });
    expect(saved[0].widgets[0].type).toBe('new-leads-by-source');
    expect(problems).toEqual([]);
  }, 180_000);

  it('in German at phone width: the saved dashboard with its figures', async () => {
    const context = await signedInContext(harness, ritaUser, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/dashboards`);
    await page.getByRole('heading', { level: 1, name: 'Dashboard: My dashboard' }).waitFor();
    const byStage = page.getByRole('region', { name: 'Deals nach Phase', exact: true });
    await byStage.getByText('3.500,00 €').waitFor();
    await chartsShown(page, 'de', {
      byStage: 'Deals nach Phase',
      barChart: 'Deals nach Phase: Balkendiagramm mit 4 Balken',
      forecast: 'Prognose nach Monat',
    });
    await page.getByRole('region', { name: 'Neue Leads nach Quelle' }).waitFor();
    const velocity = page.getByRole('region', { name: 'Verweildauer je Phase', exact: true });
    await velocity.getByText('Abgeschlossene Aufenthalte der letzten 90 Tage').waitFor();
    await velocity
      .getByText(/^1 Durchlauf · Median 0 Tage$/)
      .first()
      .waitFor();
    await screenshot(page, 'dashboard-de-360');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 180_000);
});
