// Relations between records (MRM, C4) on the 360° page: a user relates a person to an organisation
// with a type, sees it on both pages (each named from its own side), and removes it again.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: relations on the 360° page', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rita: { displayName: string; upn: string };
  let janaId: string;
  let kellerId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('Beziehungen GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    rita = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    const rep = await tenant.as(rita.upn);
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('relates a person to an organisation, shows it on both sides, and removes it', async () => {
    const context = await signedInContext(harness, rita, { locale: 'de-DE', width: 1280, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    const relations = page.getByRole('region', { name: 'Beziehungen' });
    await relations.getByText('Noch nichts.').waitFor();

    await relations.getByRole('combobox', { name: 'Art der Beziehung' }).click();
    await page.getByRole('option', { name: 'Geschäftsführer von' }).click();
    const target = relations.getByRole('combobox', { name: 'Zu' });
    await target.pressSequentially('Keller Masch');
    await page.getByRole('option', { name: /^Keller Maschinenbau GmbH/ }).click();
    await relations.getByRole('button', { name: 'Hinzufügen' }).click();
    const toKeller = relations.getByRole('listitem').filter({ hasText: 'Geschäftsführer von' });
    await toKeller.getByRole('link', { name: 'Keller Maschinenbau GmbH' }).waitFor();
    await relations.getByRole('status').getByText('Beziehung hinzugefügt.').waitFor();
    // Ready for the next one: the picker is empty again.
    expect(await target.inputValue()).toBe('');
    // The history tells it in words.
    const history = page.getByRole('region', { name: 'Verlauf' });
    await history.getByText(/Beziehung — → Geschäftsführer von/).waitFor();
    expect(await history.innerText()).not.toContain('{"');
    await screenshot(page, 'app-relations-added-de-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The organisation's page names it from its side, and its link leads back.
    await toKeller.getByRole('link', { name: 'Keller Maschinenbau GmbH' }).click();
    await page.getByRole('heading', { level: 1, name: 'Keller Maschinenbau GmbH' }).waitFor();
    const fromJana = page
      .getByRole('region', { name: 'Beziehungen' })
      .getByRole('listitem')
      .filter({ hasText: 'hat Geschäftsführer' });
    await fromJana.getByRole('link', { name: 'Jana Keller' }).waitFor();
    await screenshot(page, 'app-relations-other-side-de-1280');

    // Removed there, by keyboard: gone on both pages.
    await fromJana.getByRole('button', { name: 'Entfernen: hat Geschäftsführer Jana Keller' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Beziehungen' }).getByText('Beziehung entfernt.').waitFor();
    await fromJana.waitFor({ state: 'detached' });
    await page.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    await relations.getByText('Noch nichts.').waitFor();
    expect(await relations.getByRole('listitem').count()).toBe(0);
    await context.close();
  }, 120_000);

  it('in English at phone width: the form is labelled and a relation reads from its side', async () => {
    const rep = await tenant.as(rita.upn);
    const types = (await rep.get('/api/v1/relation-types')).body.items as { id: string; name: string }[];
    const partner = types.find((type) => type.name === 'Partner von');
    expect(partner).toBeDefined();
    const created = await rep.post('/api/v1/relations').send({
      typeId: partner?.id,
      from: { type: 'organization', id: kellerId },
      to: { type: 'person', id: janaId },
    });
    expect(created.status).toBe(201);
    const context = await signedInContext(harness, rita, { locale: 'en-US', width: 360, button: /^Sign in$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    const relations = page.getByRole('region', { name: 'Relations' });
    await relations.getByRole('link', { name: 'Keller Maschinenbau GmbH' }).waitFor();
    await relations.getByRole('combobox', { name: 'Kind of relation' }).waitFor();
    await relations.getByRole('combobox', { name: 'To' }).waitFor();
    await relations.getByRole('button', { name: 'Remove: Partner von Keller Maschinenbau GmbH' }).waitFor();
    await relations.scrollIntoViewIfNeeded();
    await screenshot(page, 'app-relations-en-360');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});
