// Each user lays out a record page for themselves (V8), by keyboard alone: which sections show, in
// which order and at which width; kept after a reload, on the user's pages of that kind only.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { focused } from '../support/keyboard.ts';
import {
  animationsDone,
  seriousA11yViolations,
  signedInContext,
  startWebAppHarness,
  type WebAppHarness,
} from '../support/web-app.ts';

describeInBrowser("the web app: a user's own layout of a record page", () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rita: { displayName: string; upn: string };
  let kellerId: string;
  let janaId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('Aufbau GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    rita = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    const rep = await tenant.as(rita.upn);
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  /** The page's section headings, top to bottom. */
  const sectionOrder = (page: Page) =>
    page.locator('main h2').evaluateAll((headings) => headings.map((heading) => heading.textContent ?? ''));

  it('moves, hides and widens sections by keyboard; a reload keeps it; other record types keep theirs', async () => {
    const context = await signedInContext(harness, rita, { locale: 'de-DE', width: 1280, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/organization/${kellerId}`);
    await page.getByRole('heading', { level: 1, name: 'Keller Maschinenbau GmbH' }).waitFor();
    await page.getByRole('region', { name: 'Verlauf' }).waitFor();
    const before = await sectionOrder(page);
    expect(before).toContain('Kommentare');
    expect(before[0]).not.toBe('Verlauf');

    await page.getByRole('button', { name: 'Seite anpassen' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Seite anpassen' });
    await dialog.waitFor();
    // "Verlauf" up to the top, pressing its button again and again: the focus stays on it.
    await dialog.getByRole('button', { name: 'Verlauf nach oben' }).focus();
    const positionOf = () =>
      dialog
        .getByRole('listitem')
        .evaluateAll((items) => items.findIndex((item) => item.textContent?.startsWith('Verlauf')));
    for (let position = await positionOf(); position > 0; position--) {
      expect((await focused(page)).name).toBe('Verlauf nach oben');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (was) =>
          [...document.querySelectorAll('[role="dialog"] li')].findIndex((item) =>
            item.textContent?.startsWith('Verlauf'),
          ) ===
          was - 1,
        position,
      );
    }
    expect((await sectionOrder(page))[0]).toBe('Verlauf');
    // At the top its "up" button is off, and the focus went to "down" rather than to nowhere.
    expect((await focused(page)).name).toBe('Verlauf nach unten');

    await dialog.getByRole('checkbox', { name: 'Kommentare zeigen' }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('region', { name: 'Kommentare' }).waitFor({ state: 'detached' });
    await dialog.getByRole('checkbox', { name: 'Deals in ganzer Breite' }).focus();
    const lastSaved = page.waitForResponse(
      (response) =>
        response.url().endsWith('/api/v1/me/settings/record-pages') && response.request().method() === 'PUT',
    );
    await page.keyboard.press('Space');
    await animationsDone(dialog);
    await screenshot(page, 'app-record-layout-dialog-de-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect((await lastSaved).status()).toBe(200);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    const regionWidth = async (name: string) => (await page.getByRole('region', { name }).boundingBox())?.width ?? 0;
    const wideDeals = await regionWidth('Deals');
    expect(wideDeals).toBeGreaterThan(2 * (await regionWidth('Verlauf')));

    // Settled on the server: a reload shows the same page.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Keller Maschinenbau GmbH' }).waitFor();
    await page.getByRole('region', { name: 'Verlauf' }).waitFor();
    const after = await sectionOrder(page);
    expect(after[0]).toBe('Verlauf');
    expect(after).not.toContain('Kommentare');
    expect(after.filter((name) => name !== 'Verlauf')).toEqual(
      before.filter((name) => name !== 'Verlauf' && name !== 'Kommentare'),
    );
    expect(await regionWidth('Deals')).toBeCloseTo(wideDeals, 0);
    await screenshot(page, 'app-record-layout-de-1280');

    // A person's page keeps its own layout.
    await page.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    await page.getByRole('region', { name: 'Kommentare' }).waitFor();
    expect((await sectionOrder(page))[0]).not.toBe('Verlauf');
    await context.close();
  }, 180_000);

  it('in English at phone width: the dialog fits and the page follows the kept layout', async () => {
    const context = await signedInContext(harness, rita, { locale: 'en-US', width: 360, button: /^Sign in$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/organization/${kellerId}`);
    await page.getByRole('heading', { level: 1, name: 'Keller Maschinenbau GmbH' }).waitFor();
    await page.getByRole('region', { name: 'History' }).waitFor();
    expect((await sectionOrder(page))[0]).toBe('History');
    expect(await page.getByRole('region', { name: 'Comments' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Customize page' }).click();
    const dialog = page.getByRole('dialog', { name: 'Customize page' });
    expect(await dialog.getByRole('checkbox', { name: 'Show Comments' }).isChecked()).toBe(false);
    await animationsDone(dialog);
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 360).toBe(true);
    await screenshot(page, 'app-record-layout-dialog-en-360');
    await context.close();
  }, 120_000);
});
