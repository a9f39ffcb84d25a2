// Reports in chromium against the real backend: the pipeline report of a seeded pipeline shows its
// sums in German, its CSV export downloads through the API (BOM, semicolons, decimal commas, a
// formula neutralised), the customer statistics show in English; printed, the navigation is gone.
// The pipeline and won/lost reports open with charts (svg) labelled in the page's language.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: reports', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let admin: AuthedAgent;
  let annaUser: { displayName: string; upn: string };
  let lostReason: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Berichte GmbH', [{ displayName: 'Anna Admin' }]);
    annaUser = { displayName: 'Anna Admin', upn: tenant.upn('Anna Admin') };
    admin = await tenant.as(annaUser.upn);
    const org = await admin
      .post('/api/v1/organizations')
      .send({ name: 'Keller Maschinenbau GmbH', industry: '=1+2', addresses: [{ postalCode: '50667', city: 'Köln' }] });
    expect(org.status).toBe(201);
    const pipeline = await admin.post('/api/v1/pipelines').send({
      name: 'Berichte Maschinen',
      kind: 'deal',
      stages: [
        { name: 'Neu', probability: 10 },
        { name: 'Angebot', probability: 50 },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
        { name: 'Verloren', probability: 0, outcome: 'lost' },
      ],
    });
    expect(pipeline.status).toBe(201);

    const stage = (name: string) =>
      (pipeline.body.stages as { id: string; name: string }[]).find((candidate) => candidate.name === name)?.id;
    for (const [title, value, stageName] of [
      ['Fräse', '1000.00', 'Neu'],
      ['Drehbank', '2500.50', 'Angebot'],
      ['Presse', '1500.00', 'Angebot'],
    ] as const) {
      const res = await admin
        .post('/api/v1/deals')
        .send({ title, value, currency: 'EUR', stageId: stage(stageName), organizationId: org.body.id });
      expect(res.status).toBe(201);
    }
    // Closed deals for the won/lost report: one won, one lost for a reason.
    const reasons = await admin.get('/api/v1/lost-reasons?objectType=deal&active=true');
    lostReason = reasons.body.items[0].name;
    for (const [title, stageName] of [
      ['Walze', 'Gewonnen'],
      ['Stanze', 'Verloren'],
    ] as const) {
      const created = await admin
        .post('/api/v1/deals')
        .send({ title, value: '800.00', currency: 'EUR', stageId: stage('Neu'), organizationId: org.body.id });
      const moved = await admin.post(`/api/v1/deals/${created.body.id}/move`).send({
        stageId: stage(stageName),
        lostReasonId: stageName === 'Verloren' ? reasons.body.items[0].id : undefined,
      });
      expect(moved.status).toBe(200);
    }
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('in German at desk width: shows the pipeline report, exports it as CSV and prints without navigation', async () => {
    const context = await signedInContext(harness, annaUser, { locale: 'de-DE', width: 1280, button: /^Anmelden$/ });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${harness.baseUrl}/app/`);
    await page.getByRole('link', { name: 'Berichte', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Berichte: Pipeline' }).waitFor();
    await page.getByLabel('Pipeline', { exact: true }).selectOption({ label: 'Berichte Maschinen' });
    const table = page.getByRole('table', { name: 'Offene Deals nach Pipeline und Phase' });
    const angebot = table.getByRole('row').filter({ hasText: 'Angebot' });
    await angebot.getByText('4.000,50 €').waitFor();
    await angebot.getByText('2.000,25 €').waitFor();
    // Intl puts a no-break space before the euro sign.
    const cells = (await angebot.getByRole('cell').allInnerTexts()).map((text) => text.replace(/\u00a0/g, ' '));
    expect(cells).toEqual(['Berichte Maschinen', 'Angebot', '50 %', 'EUR', '2', '4.000,50 €', '2.000,25 €']);
    await table.getByRole('row').filter({ hasText: 'Neu' }).getByText('100,00 €').waitFor();
    const chart = page.getByRole('region', {
      name: 'Offene Deals nach Pipeline und Phase: Balkendiagramm mit 2 Balken',
    });
    await chart.locator('text', { hasText: 'Angebot' }).first().waitFor();
    await chart.locator('text', { hasText: 'Neu' }).first().waitFor();
    await screenshot(page, 'reports-de-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'CSV exportieren' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('pipeline.csv');
    const text = await readFile((await download.path()) as string, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).split('\r\n').slice(0, 4)).toEqual([
      'Pipeline nach Phase',
      'Pipeline;Phase;Wahrscheinlichkeit (%);Währung;Anzahl;Summe;Gewichtete Summe',
      'Berichte Maschinen;Neu;10;EUR;1;1000,00;100,00',
      'Berichte Maschinen;Angebot;50;EUR;2;4000,50;2000,25',
    ]);

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('link', { name: 'Berichte', exact: true }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'CSV exportieren' }).isVisible()).toBe(false);
    expect(await table.isVisible()).toBe(true);
    await screenshot(page, 'reports-de-print');
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  it('in English at phone width: the customer statistics, with a formula exported as text', async () => {
    const context = await signedInContext(harness, annaUser, { locale: 'en-US', width: 360, button: /^Sign in$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/reports/customers`);
    await page.getByRole('heading', { level: 1, name: 'Reports: Customers' }).waitFor();
    const industries = page.getByRole('table', { name: 'Organizations by industry' });
    await industries.getByRole('row').filter({ hasText: '=1+2' }).waitFor();
    const bands = page.getByRole('table', { name: 'Organizations by revenue band' });
    await bands.getByRole('row').filter({ hasText: 'unknown' }).getByText('1').waitFor();
    await screenshot(page, 'reports-en-360');
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const text = await readFile((await (await downloading).path()) as string, 'utf8');
    expect(text).toContain("\r\n'=1+2;1\r\n");
    expect(text).toContain('Organizations by postal region\r\nPostal region;Organizations\r\n50;1\r\n');

    // Won/lost: a column per month and outcome (named in English), lost reasons as a donut.
    await page.getByLabel('Report', { exact: true }).selectOption({ label: 'Won/lost' });
    await page.getByRole('heading', { level: 1, name: 'Reports: Won/lost' }).waitFor();
    const thisMonth = new Date().toLocaleDateString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    const months = page.getByRole('region', { name: 'Won and lost by month: column chart with 1 group' });
    await months
      .locator('text', { hasText: thisMonth.split(' ')[0] as string })
      .first()
      .waitFor();
    await page.getByRole('region', { name: 'Lost reasons', exact: true }).getByText(lostReason).first().waitFor();
    await screenshot(page, 'reports-en-360-win-loss');
    await context.close();
  }, 240_000);
});
