// The web app's trash (G4) in chromium against the real backend: a sales rep finds her deleted person
// and deal from the start page's tile, sees who deleted them and when, restores the person by keyboard
// and finds her back in the persons list; an admin deletes the deal for good on a phone, in German.
// Screenshots in English at desk width and in German at 360 px; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: the trash with restore', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: { displayName: string; upn: string };
  let admin: { displayName: string; upn: string };
  let personId: string;
  let dealId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Papierkorb GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    rep = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    admin = { displayName: 'Anna Admin', upn: tenant.upn('Anna Admin') };
    const api = await tenant.as(rep.upn);
    personId = (await api.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Gelöscht' })).body.id;
    const organizationId = (await api.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    dealId = (await api.post('/api/v1/deals').send({ title: 'Verlorener Auftrag', organizationId })).body.id;
    expect(personId).toBeDefined();
    expect(dealId).toBeDefined();
    expect((await api.delete(`/api/v1/persons/${personId}`)).status).toBe(204);
    expect((await api.delete(`/api/v1/deals/${dealId}`)).status).toBe(204);
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('in English at desk width: lists what was deleted, by whom, and restores a person by keyboard', async () => {
    const context = await signedInContext(harness, rep, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/`);
    try {
      await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Trash' }).click();
      await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
      const trash = page.getByRole('list', { name: 'Trash' });
      const person = trash.getByRole('listitem').filter({ hasText: 'Jana Gelöscht' });
      await person.getByText('Person · Deleted on', { exact: false }).waitFor();
      await person.getByText('Deleted by Rita Vertrieb', { exact: false }).waitFor();
      await trash.getByRole('listitem').filter({ hasText: 'Verlorener Auftrag' }).getByText('Deal ·').waitFor();
      // A sales rep may restore, but not delete for good.
      expect(await page.getByRole('button', { name: /for good/ }).count()).toBe(0);
      await screenshot(page, 'app-trash-en-1280');
      expect(await seriousA11yViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Restore “Jana Gelöscht”' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: '“Jana Gelöscht” is restored.' }).waitFor();
      await trash.getByRole('listitem').filter({ hasText: 'Jana Gelöscht' }).waitFor({ state: 'detached' });
      // She is back in the persons list.
      await page.goto(`${harness.baseUrl}/app/lists/person`);
      await page.getByRole('link', { name: 'Jana Gelöscht' }).waitFor();
    } catch (error) {
      await screenshot(page, 'app-trash-en-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    await context.close();
  }, 180_000);

  it('in German on a phone: an admin deletes a deal for good', async () => {
    const context = await signedInContext(harness, admin, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/trash`);
    try {
      await page.getByRole('heading', { name: 'Papierkorb', level: 1 }).waitFor();
      const trash = page.getByRole('list', { name: 'Papierkorb' });
      const deal = trash.getByRole('listitem').filter({ hasText: 'Verlorener Auftrag' });
      await deal.getByText('Gelöscht von Rita Vertrieb', { exact: false }).waitFor();
      await screenshot(page, 'app-trash-de-360');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('button', { name: '„Verlorener Auftrag“ endgültig löschen' }).click();
      const dialog = page.getByRole('dialog', { name: '„Verlorener Auftrag“ endgültig löschen?' });
      await dialog.getByRole('button', { name: 'Endgültig löschen' }).click();
      await page.getByRole('status').filter({ hasText: '„Verlorener Auftrag“ ist endgültig gelöscht.' }).waitFor();
      await page.getByText('Der Papierkorb ist leer.').waitFor();
      await screenshot(page, 'app-trash-de-360-empty');
    } catch (error) {
      await screenshot(page, 'app-trash-de-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    const gone = await (await tenant.as(admin.upn)).get(`/api/v1/deals/${dealId}`);
    expect(gone.status).toBe(404);
    await context.close();
  }, 180_000);
});
