// The profile page's "Contacts in Outlook" (GET/PUT /api/v1/me/sync/scope): all my persons by default;
// in German at phone width, by keyboard, only those my saved filter finds, kept after a reload; in
// English at desktop width a company filter deleted meanwhile is refused at its picker, a tag is
// chosen, a change made meanwhile elsewhere is refused (If-Match) and the choice saved again goes back
// to all my persons; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: which of my persons go to Outlook', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let admin: AuthedAgent;
  let user: { displayName: string; upn: string };
  let vipId: string;
  let fairId: string;
  let mineId: string;
  let newsletterId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Umfang GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    admin = await tenant.as(tenant.upn('Anna Admin'));
    vipId = (await admin.post('/api/v1/tags').send({ name: 'VIP' })).body.id;
    fairId = (await admin.post('/api/v1/tags').send({ name: 'Messe 2026' })).body.id;
    const mine = await rep.post('/api/v1/saved-filters').send({
      name: 'Meine Kölner Kunden',
      entityType: 'person',
      filter: { field: 'lastName', op: 'eq', value: 'Köhler' },
    });
    expect(mine.status).toBe(201);
    mineId = mine.body.id;
    const newsletter = await admin.post('/api/v1/saved-filters').send({
      name: 'Newsletter',
      entityType: 'person',
      scope: 'company',
      filter: { field: 'lastName', op: 'eq', value: 'Neumann' },
    });
    expect(newsletter.status).toBe(201);
    newsletterId = newsletter.body.id;
    // A filter of deals is for another list: not offered.
    const deals = await rep.post('/api/v1/saved-filters').send({
      name: 'Offene Deals',
      entityType: 'deal',
      filter: { field: 'status', op: 'eq', value: 'open' },
    });
    expect(deals.status).toBe(201);
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const fail = (page: Page, name: string) => async (error: unknown) => {
    await screenshot(page, name);
    throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
  };
  const checked = (page: Page, name: string) => page.getByRole('radio', { name, exact: true }).isChecked();

  it('in German at phone width, by keyboard: from all my persons to those my saved filter finds, kept after a reload', async () => {
    const context = await signedInContext(harness, user, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/profile`);
    const choice = page.getByRole('radiogroup', { name: 'Welche Personen kommen in den Outlook-Ordner „CRM“?' });
    const picker = page.getByRole('combobox', { name: 'Gespeicherter Filter' });
    const save = page.getByRole('button', { name: 'Auswahl speichern' });
    try {
      await page.getByRole('heading', { name: 'Kontakte in Outlook' }).waitFor();
      await choice.waitFor();
      // The default: every person I own.
      expect(await checked(page, 'Alle meine Personen')).toBe(true);
      expect(await save.isDisabled()).toBe(true);
      await page.getByRole('radio', { name: 'Alle meine Personen' }).focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      expect(await checked(page, 'Nur Personen, die ein gespeicherter Filter findet')).toBe(true);
      await page.keyboard.press('Tab');
      expect(await picker.evaluate((el) => el === document.activeElement)).toBe(true);
      // My own filters of persons and the company's, by name; none of deals.
      expect(await picker.locator('option').allInnerTexts()).toEqual(['Newsletter (Firma)', 'Meine Kölner Kunden']);
      await picker.selectOption({ label: 'Meine Kölner Kunden' });
      await page.keyboard.press('Tab');
      expect(await save.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    } catch (error) {
      await fail(page, 'app-profile-sync-scope-de-failed')(error);
    }
    expect((await rep.get('/api/v1/me/sync/scope')).body).toMatchObject({
      value: { tagId: null, savedFilterId: mineId },
      version: 1,
    });
    // Read again: the choice is kept.
    await page.reload();
    await picker.waitFor();
    expect(await checked(page, 'Nur Personen, die ein gespeicherter Filter findet')).toBe(true);
    expect(await picker.locator('option:checked').innerText()).toBe('Meine Kölner Kunden');
    await screenshot(page, 'app-profile-sync-scope-de-360');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  }, 300_000);

  it('in English at desktop width: a filter deleted meanwhile is refused at its picker, a tag, a stale change, then all my persons', async () => {
    const context = await signedInContext(harness, user, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/profile`);
    const filterPicker = page.getByRole('combobox', { name: 'Saved filter' });
    const save = page.getByRole('button', { name: 'Save choice' });
    try {
      await filterPicker.waitFor();
      expect(await checked(page, 'Only persons a saved filter finds')).toBe(true);
      expect(await filterPicker.locator('option:checked').innerText()).toBe('Meine Kölner Kunden');

      // The company's filter, deleted by an admin while I choose it: the API's detail at the picker.
      await filterPicker.selectOption({ label: 'Newsletter (company)' });
      expect((await admin.delete(`/api/v1/saved-filters/${newsletterId}`)).status).toBe(204);
      await save.click();
      const refused = page.getByRole('alert');
      await refused.waitFor();
      expect(await refused.innerText()).toContain('There is no saved filter');
      expect(await filterPicker.getAttribute('aria-describedby')).toContain(await refused.getAttribute('id'));
      expect(await filterPicker.getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, 'app-profile-sync-scope-refused-en-1280');

      // Only persons tagged VIP instead.
      await page.getByRole('radio', { name: 'Only persons with a tag' }).check();
      expect(await page.getByRole('alert').count()).toBe(0);
      await page.getByRole('combobox', { name: 'Tag', exact: true }).selectOption({ label: 'VIP' });
      await save.click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect((await rep.get('/api/v1/me/sync/scope')).body).toMatchObject({
        value: { tagId: vipId, savedFilterId: null },
        version: 2,
      });

      // Meanwhile, in another tab: only the fair's persons. My "all" is refused, then saved again.
      const meanwhile = await rep.put('/api/v1/me/sync/scope').set('If-Match', '"2"').send({ tagId: fairId });
      expect(meanwhile.status).toBe(200);
      await page.getByRole('radio', { name: 'All my persons' }).check();
      await save.click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toMatch(/changed|meanwhile|modified/i);
      expect(await checked(page, 'All my persons')).toBe(true);
      await save.click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    } catch (error) {
      await fail(page, 'app-profile-sync-scope-en-failed')(error);
    }
    await screenshot(page, 'app-profile-sync-scope-en-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect((await rep.get('/api/v1/me/sync/scope')).body).toMatchObject({
      value: { tagId: null, savedFilterId: null },
      version: 4,
    });
    await context.close();
  }, 300_000);
});
