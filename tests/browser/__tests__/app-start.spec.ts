// The web app in chromium against the real backend: signing in, the start page with my overdue
// task and my deal past its close date, finding a person from the search box by keyboard alone,
// the person's 360° page, a list, in German at phone width and in English at desk width; axe-core
// finds nothing serious on the start page, the 360° page and the list.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: start page, search, 360° page, lists', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let janaId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Start GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    const keller = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    janaId = (
      await rep.post('/api/v1/persons').send({
        firstName: 'Jana',
        lastName: 'Keller',
        phones: [{ number: '+49 221 123456', kind: 'work' }],
      })
    ).body.id;
    expect(
      (await rep.post('/api/v1/business-contacts').send({ personId: janaId, organizationId: keller })).status,
    ).toBe(201);
    const yesterday = new Date(Date.now() - 26 * 3600_000).toISOString();
    const task = await rep
      .post('/api/v1/tasks')
      .send({ title: 'Angebot nachfassen', dueAt: yesterday, links: [{ type: 'person', id: janaId }] });
    expect(task.status).toBe(201);
    const deal = await rep.post('/api/v1/deals').send({
      title: 'Fräsmaschine FM-400',
      value: '48500.00',
      currency: 'EUR',
      personId: janaId,
      expectedCloseDate: '2026-01-15',
    });
    expect(deal.status).toBe(201);
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const signedIn = async (locale: string, width: number, button: RegExp) => ({
    context: await signedInContext(harness, user, { locale, width, button }),
  });

  it('in German at phone width: start page, search by keyboard, the 360° page and back to it as recent', async () => {
    const { context } = await signedIn('de-DE', 360, /^Anmelden$/);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${harness.baseUrl}/app/`);

    await page
      .getByRole('heading', { name: 'Hallo, Rita Vertrieb' })
      .waitFor()
      .catch(async (error: unknown) => {
        await screenshot(page, 'app-start-de-360-failed');
        throw new Error(
          `${(error as Error).message}\n${problems.join('\n')}\n${await page.locator('body').innerText()}`,
        );
      });
    const overdue = page.getByRole('region', { name: 'Überfällig' });
    await overdue.getByRole('link', { name: 'Angebot nachfassen' }).waitFor();
    await page.getByRole('link', { name: 'Fräsmaschine FM-400' }).waitFor();
    await page.getByRole('navigation', { name: 'Bereiche' }).getByRole('link', { name: 'Personen' }).waitFor();
    await screenshot(page, 'app-start-de-360');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Keyboard only: into the search box, type, arrow to the person, Enter.
    await page.getByRole('combobox', { name: 'Im CRM suchen' }).focus();
    await page.keyboard.type('Keller');
    const person = page
      .getByRole('group', { name: 'Personen' })
      .getByRole('option', { name: 'Jana Keller', exact: true });
    await person.waitFor();
    expect(await person.locator('mark').first().textContent()).toBe('Keller');
    await screenshot(page, 'app-search-de-360');
    const personOption = await person.getAttribute('id');
    // The first result is active as soon as the list shows; arrow keys move on from there.
    const active = () => page.evaluate(() => document.activeElement?.getAttribute('aria-activedescendant'));
    let chosen = (await active()) === personOption;
    for (let i = 0; i < 8 && !chosen; i++) {
      await page.keyboard.press('ArrowDown');
      chosen = (await active()) === personOption;
    }
    expect(chosen).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/app/records/person/${janaId}`);

    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    expect(await page.getByRole('link', { name: 'Anrufen' }).getAttribute('href')).toBe('tel:+49221123456');
    await page.getByRole('region', { name: 'Verlauf' }).waitFor();
    await screenshot(page, 'app-record-de-360');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'CRM' }).first().click();
    await page.getByRole('heading', { name: 'Hallo, Rita Vertrieb' }).waitFor();
    await page.getByText('Zuletzt geöffnet').waitFor();
    expect(await page.getByRole('link', { name: 'Jana Keller' }).count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }, 180_000);

  it('in English at desk width: a deep link opens the record, lists sort by column', async () => {
    const { context } = await signedIn('en-US', 1280, /^Sign in$/);
    const page = await context.newPage();
    // A deep link (the Outlook pane's "open in CRM") lands on the record's page.
    await page.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    await page.getByRole('region', { name: 'History' }).waitFor();
    await screenshot(page, 'app-record-en-1280');

    await page.goto(`${harness.baseUrl}/app/lists/person`);
    const table = page.getByRole('table', { name: 'Persons' });
    await table.getByRole('link', { name: 'Jana Keller' }).waitFor();
    await table.getByRole('button', { name: 'Changed' }).click();
    await page.getByRole('menuitem', { name: 'Sort descending' }).click();
    expect(await table.getByRole('columnheader', { name: 'Changed' }).getAttribute('aria-sort')).toBe('descending');
    await screenshot(page, 'app-list-en-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Another tenant's record, or none: said plainly, no crash.
    await page.goto(`${harness.baseUrl}/app/records/person/0190f3c4-0000-7000-8000-000000000000`);
    await page.getByText('This record does not exist (any more), or you may not see it.').waitFor();
  }, 180_000);
});
