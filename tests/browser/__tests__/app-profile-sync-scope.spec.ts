// The profile page's choice of which persons go to Outlook (GET/PUT /api/v1/me/sync/scope): all my
// persons by default; in German, by keyboard, only those tagged "VIP"; in English at phone width a
// change made meanwhile elsewhere is refused (If-Match) and the choice saved again goes back to all
// my persons; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: which of my persons go to Outlook', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let vipId: string;
  let fairId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Umfang GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    const admin = await tenant.as(tenant.upn('Anna Admin'));
    vipId = (await admin.post('/api/v1/tags').send({ name: 'VIP' })).body.id;
    fairId = (await admin.post('/api/v1/tags').send({ name: 'Messe 2026' })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const fail = (page: Page, name: string) => async (error: unknown) => {
    await screenshot(page, name);
    throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
  };

  it('in German, by keyboard: from all my persons to only those tagged VIP', async () => {
    const context = await signedInContext(harness, user, { locale: 'de-DE', width: 1024, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/`);
    const picker = page.getByRole('combobox', { name: 'Welche Personen kommen in den Outlook-Ordner „CRM“?' });
    try {
      await page.getByRole('link', { name: 'Rita Vertrieb' }).click();
      await page.getByRole('heading', { name: 'Outlook-Abgleich' }).waitFor();
      await picker.waitFor();
      // The default: every person I own.
      expect(await picker.locator('option:checked').innerText()).toBe('Alle meine Personen');
      expect(await page.getByRole('button', { name: 'Auswahl speichern' }).isDisabled()).toBe(true);
      await picker.focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      expect(await picker.locator('option:checked').innerText()).toBe('Nur Personen mit dem Tag „VIP“');
      await page.keyboard.press('Tab');
      expect(
        await page.getByRole('button', { name: 'Auswahl speichern' }).evaluate((el) => el === document.activeElement),
      ).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    } catch (error) {
      await fail(page, 'app-profile-sync-scope-de-failed')(error);
    }
    await screenshot(page, 'app-profile-sync-scope-de-1024');
    expect((await rep.get('/api/v1/me/sync/scope')).body).toMatchObject({ value: { tagId: vipId }, version: 1 });
    // Read again: the choice is kept.
    await page.reload();
    await picker.waitFor();
    expect(await picker.locator('option:checked').innerText()).toBe('Nur Personen mit dem Tag „VIP“');
    await context.close();
  }, 300_000);

  it('in English at phone width: a change made meanwhile is refused, then all my persons again', async () => {
    const context = await signedInContext(harness, user, { locale: 'en-US', width: 360, button: /^Sign in$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/profile`);
    const picker = page.getByRole('combobox', { name: 'Which persons go to the Outlook folder "CRM"?' });
    try {
      await picker.waitFor();
      expect(await picker.locator('option:checked').innerText()).toBe('Only persons tagged "VIP"');
      // Meanwhile, in another tab: only the fair's persons.
      const meanwhile = await rep.put('/api/v1/me/sync/scope').set('If-Match', '"1"').send({ tagId: fairId });
      expect(meanwhile.status).toBe(200);
      await picker.selectOption({ label: 'All my persons' });
      await page.getByRole('button', { name: 'Save choice' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toMatch(/changed|meanwhile|modified/i);
      await screenshot(page, 'app-profile-sync-scope-stale-en-360');
      // The choice is still mine to save, now against what is kept.
      expect(await picker.locator('option:checked').innerText()).toBe('All my persons');
      await page.getByRole('button', { name: 'Save choice' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    } catch (error) {
      await fail(page, 'app-profile-sync-scope-en-failed')(error);
    }
    await screenshot(page, 'app-profile-sync-scope-en-360');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect((await rep.get('/api/v1/me/sync/scope')).body).toMatchObject({ value: { tagId: null }, version: 3 });
    await context.close();
  }, 300_000);
});
