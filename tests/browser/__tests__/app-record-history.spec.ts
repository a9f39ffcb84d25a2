// A deal's history on its 360° page reads as a person tells it: who changed it (by name), when (in
// the reader's locale), money with its currency, stages by name and states translated, a custom
// field by its label with its values as its type reads, and a colleague deactivated since by their
// name — in German at phone width and in English at desk width; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser("the web app: a record's history", () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let user: { displayName: string; upn: string };
  let dealId: string;
  let contractId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('Verlauf GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
      { displayName: 'Max Alt', appRoles: ['CRM.Admin'] },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    const rep = await tenant.as(user.upn);
    const pipeline = (await rep.get('/api/v1/pipelines?kind=deal')).body.items[0] as {
      stages: { id: string; name: string }[];
    };
    const stage = (name: string) => pipeline.stages.find((candidate) => candidate.name === name)?.id;
    const jana = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
    const deal = await rep.post('/api/v1/deals').send({
      title: 'Fräsmaschine FM-400',
      value: '48500.00',
      currency: 'EUR',
      personId: jana,
      expectedCloseDate: '2026-01-15',
    });
    expect(deal.status).toBe(201);
    dealId = deal.body.id;
    expect((await rep.patch(`/api/v1/deals/${dealId}`).send({ value: '52000.00' })).status).toBe(200);
    expect((await rep.patch(`/api/v1/deals/${dealId}`).send({ stageId: stage('Angebot') })).status).toBe(200);
    expect((await rep.patch(`/api/v1/deals/${dealId}`).send({ stageId: stage('Gewonnen') })).status).toBe(200);

    // A second deal whose custom fields a colleague changed, who has left (deactivated) since.
    const admin = await tenant.as(tenant.upn('Anna Admin'));
    const fields = [
      { key: 'seats', labels: { de: 'Plätze', en: 'Seats' }, type: 'number' },
      { key: 'framework', labels: { de: 'Rahmenvertrag', en: 'Framework contract' }, type: 'boolean' },
      { key: 'contract_start', labels: { de: 'Vertragsbeginn', en: 'Contract start' }, type: 'date' },
      {
        key: 'region',
        labels: { de: 'Region', en: 'Region' },
        type: 'select',
        options: [
          { value: 'nord', labels: { de: 'Nord', en: 'North' } },
          { value: 'sued', labels: { de: 'Süd', en: 'South' } },
        ],
      },
    ];
    for (const field of fields) {
      expect((await admin.post('/api/v1/admin/custom-fields').send({ entityType: 'deal', ...field })).status).toBe(201);
    }
    const contract = await rep.post('/api/v1/deals').send({
      title: 'Wartungsvertrag WV-7',
      value: '12000.00',
      currency: 'EUR',
      personId: jana,
      customFields: { seats: 1200, framework: false, contract_start: '2026-03-01', region: 'nord' },
    });
    expect(contract.body).toMatchObject({ title: 'Wartungsvertrag WV-7' });
    contractId = contract.body.id;
    const max = await tenant.as(tenant.upn('Max Alt'));
    const changed = await max.patch(`/api/v1/deals/${contractId}`).send({
      customFields: { seats: 1500, framework: true, contract_start: '2026-04-01', region: 'sued' },
    });
    expect(changed.status).toBe(200);
    // A document put on the deal, then a second version of it: by name, not as data.
    const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
    for (const text of ['erste Fassung', 'zweite Fassung']) {
      const uploaded = await rep
        .post(`/api/v1/records/deal/${contractId}/documents`)
        .attach('file', pdf(text), { filename: 'Wartungsplan.pdf', contentType: 'application/pdf' });
      expect(uploaded.status).toBeLessThan(300);
    }
    const maxId = await tenant.userId(tenant.upn('Max Alt'));
    expect((await admin.patch(`/api/v1/admin/users/${maxId}`).send({ active: false })).status).toBe(200);
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  /** The history region's text, one line per entry, with the non-breaking spaces Intl puts in money as plain ones. */
  const historyText = async (page: import('playwright-core').Page, name: string) => {
    const region = page.getByRole('region', { name });
    await region.getByRole('listitem').first().waitFor();
    return (await region.innerText()).replace(/[\u00a0\u202f]/g, ' ');
  };

  it('in German at phone width', async () => {
    const context = await signedInContext(harness, user, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/deal/${dealId}`);
    await page.getByRole('heading', { level: 1, name: 'Fräsmaschine FM-400' }).waitFor();
    const text = await historyText(page, 'Verlauf');
    await screenshot(page, 'app-record-history-de-360');
    expect(text).toContain('Rita Vertrieb · Wert');
    expect(text).toContain('48.500,00 € → 52.000,00 €');
    expect(text).toContain('Phase');
    expect(text).toContain('Angebot → Gewonnen');
    expect(text).toContain('Status');
    expect(text).toContain('Offen → Gewonnen');
    expect(text).not.toContain('Jemand');
    // The deal's facts above it read the same way.
    await page.getByText('52.000,00 €', { exact: true }).waitFor();
    await page.getByText('Gewonnen', { exact: true }).first().waitFor();
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // The date as Germans write it.
    expect(text).toMatch(/\d{2}\.\d{2}\.\d{4}/);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // A custom field by its label, its values as its type reads; the colleague who left by name.
    await page.goto(`${harness.baseUrl}/app/records/deal/${contractId}`);
    await page.getByRole('heading', { level: 1, name: 'Wartungsvertrag WV-7' }).waitFor();
    const fields = await historyText(page, 'Verlauf');
    await screenshot(page, 'app-record-history-custom-fields-de-360');
    expect(fields).toContain('Max Alt · Plätze');
    expect(fields).toContain('1.200 → 1.500');
    expect(fields).toContain('Max Alt · Rahmenvertrag');
    expect(fields).toContain('nein → ja');
    expect(fields).toContain('Max Alt · Vertragsbeginn');
    expect(fields).toContain('01.03.2026 → 01.04.2026');
    expect(fields).toContain('Max Alt · Region');
    expect(fields).toContain('Nord → Süd');
    expect(fields).toContain('Rita Vertrieb · Dokumente');
    expect(fields).toContain('— → Wartungsplan.pdf (Version 2)');
    expect(fields).not.toContain('{');
    expect(fields).not.toContain('Jemand');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  }, 180_000);

  it('in English at desk width', async () => {
    const context = await signedInContext(harness, user, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/deal/${dealId}`);
    await page.getByRole('heading', { level: 1, name: 'Fräsmaschine FM-400' }).waitFor();
    const text = await historyText(page, 'History');
    await screenshot(page, 'app-record-history-en-1280');
    expect(text).toContain('Rita Vertrieb · Value');
    expect(text).toContain('€48,500.00 → €52,000.00');
    expect(text).toContain('Stage');
    expect(text).toContain('Angebot → Gewonnen');
    expect(text).toContain('Open → Won');
    expect(text).not.toContain('Someone');
    await page.getByText('€52,000.00', { exact: true }).waitFor();
    await page.getByText('Won', { exact: true }).waitFor();
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto(`${harness.baseUrl}/app/records/deal/${contractId}`);
    await page.getByRole('heading', { level: 1, name: 'Wartungsvertrag WV-7' }).waitFor();
    const fields = await historyText(page, 'History');
    await screenshot(page, 'app-record-history-custom-fields-en-1280');
    expect(fields).toContain('Max Alt · Seats');
    expect(fields).toContain('1,200 → 1,500');
    expect(fields).toContain('Max Alt · Framework contract');
    expect(fields).toContain('no → yes');
    expect(fields).toContain('Max Alt · Contract start');
    expect(fields).toContain('Mar 1, 2026 → Apr 1, 2026');
    expect(fields).toContain('Max Alt · Region');
    expect(fields).toContain('North → South');
    expect(fields).not.toContain('{');
    expect(fields).not.toContain('Someone');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  }, 180_000);
});
