// A person's 360° page offers what to do next in its header (C10): call by phone (tel:), call in
// Teams, write a mail, plan the route to the person's address. One user hides "plan the route"
// in the page's settings: it stays hidden after a reload, and a colleague still has it.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import {
  animationsDone,
  seriousA11yViolations,
  signedInContext,
  startWebAppHarness,
  type WebAppHarness,
} from '../support/web-app.ts';

describeInBrowser("the web app: a record page's action buttons, per user", () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rita: { displayName: string; upn: string };
  let tom: { displayName: string; upn: string };
  let janaId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('Knöpfe GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Tom Innendienst', appRoles: ['CRM.SalesRep'] },
    ]);
    rita = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    tom = { displayName: 'Tom Innendienst', upn: tenant.upn('Tom Innendienst') };
    const rep = await tenant.as(rita.upn);
    const jana = await rep.post('/api/v1/persons').send({
      firstName: 'Jana',
      lastName: 'Keller',
      emails: [{ address: 'jana.keller@keller-maschinenbau.example' }],
      phones: [{ number: '0221 123456' }],
      addresses: [{ street: 'Hohe Straße 12', postalCode: '50667', city: 'Köln', country: 'DE' }],
    });
    expect(jana.status).toBe(201);
    janaId = jana.body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('calls, calls in Teams, writes and plans the route; a hidden button stays hidden for its user alone', async () => {
    const context = await signedInContext(harness, rita, { locale: 'de-DE', width: 1280, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    const route = page.getByRole('link', { name: 'Route planen' });
    await route.waitFor();
    expect(await page.getByRole('link', { name: 'Anrufen' }).getAttribute('href')).toBe('tel:+49221123456');
    expect(await page.getByRole('link', { name: 'Teams-Anruf' }).getAttribute('href')).toBe(
      'https://teams.microsoft.com/l/call/0/0?users=jana.keller%40keller-maschinenbau.example',
    );
    await page.getByRole('button', { name: 'Mail schreiben' }).waitFor();
    const routeUrl = new URL((await route.getAttribute('href')) ?? '');
    expect(routeUrl.origin).toBe('https://www.bing.com');
    expect(routeUrl.searchParams.get('rtp')).toBe('~adr.Hohe Straße 12, 50667 Köln, DE');
    // Links out of the app open beside it (in Teams, too).
    expect(await route.getAttribute('target')).toBe('_blank');
    await screenshot(page, 'app-record-actions-de-1280');

    // Rita hides "plan the route", by keyboard.
    await page.getByRole('button', { name: 'Seite anpassen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Seite anpassen' });
    const routeShown = dialog.getByRole('checkbox', { name: 'Route planen' });
    await routeShown.focus();
    const kept = page.waitForResponse(
      (response) =>
        response.url().endsWith('/api/v1/me/settings/record-pages') && response.request().method() === 'PUT',
    );
    await page.keyboard.press('Space');
    expect((await kept).status()).toBe(200);
    await route.waitFor({ state: 'detached' });
    expect(await routeShown.isChecked()).toBe(false);
    await animationsDone(dialog);
    await screenshot(page, 'app-record-actions-settings-de-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    await page.getByRole('link', { name: 'Teams-Anruf' }).waitFor();
    expect(await page.getByRole('link', { name: 'Route planen' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Anrufen' }).waitFor();
    await screenshot(page, 'app-record-actions-hidden-de-1280');
    await context.close();

    // Tom, in English on a phone, has every button still.
    const other = await signedInContext(harness, tom, { locale: 'en-US', width: 360, button: /^Sign in$/ });
    const tomsPage = await other.newPage();
    await tomsPage.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    await tomsPage.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    await tomsPage.getByRole('link', { name: 'Plan route' }).waitFor();
    await tomsPage.getByRole('link', { name: 'Teams call' }).waitFor();
    await tomsPage.getByRole('link', { name: 'Call', exact: true }).waitFor();
    await tomsPage.getByRole('button', { name: 'Write mail' }).waitFor();
    await screenshot(tomsPage, 'app-record-actions-en-360');
    expect(await seriousA11yViolations(tomsPage)).toEqual([]);
    await other.close();
  }, 180_000);
});
