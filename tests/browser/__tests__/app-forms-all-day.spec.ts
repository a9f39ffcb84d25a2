// An activity's place and whether it lasts all day, in the web app: in German, by keyboard, an
// all-day activity is logged on a person's page (the switch turns the start into a date) with its
// place, and shows as a date on her page and in the activities list; in English at phone width it
// is switched back to a time, and axe-core finds nothing serious on the form.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: an activity all day long, with its place', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let janaId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Ganztags GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const failWithPage = (page: Page, name: string) => async (error: unknown) => {
    await screenshot(page, name);
    throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
  };
  const day = (date: string, language: string) =>
    new Date(`${date}T00:00`).toLocaleDateString(language, { dateStyle: 'medium' });

  it('in German, by keyboard: an all-day activity with its place, shown as a date', async () => {
    const context = await signedInContext(harness, user, { locale: 'de-DE', width: 1280, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    await page.getByRole('link', { name: 'Aktivität erfassen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Neue Aktivität' }).waitFor();
    try {
      await page.getByRole('combobox', { name: 'Art' }).selectOption({ label: 'Besuch' });
      await page.getByRole('textbox', { name: 'Betreff', exact: true }).fill('Messe in Hannover');
      // The switch, by keyboard: the start becomes a date, and the length in minutes goes away.
      expect(await page.getByLabel('Beginn').getAttribute('type')).toBe('datetime-local');
      await page.keyboard.press('Tab');
      expect(
        await page.getByRole('switch', { name: 'Ganztägig' }).evaluate((el) => el === document.activeElement),
      ).toBe(true);
      await page.keyboard.press('Space');
      expect(await page.getByRole('switch', { name: 'Ganztägig' }).isChecked()).toBe(true);
      expect(await page.getByLabel('Beginn').getAttribute('type')).toBe('date');
      expect(await page.getByLabel('Dauer (Minuten)').count()).toBe(0);
      await page.getByLabel('Beginn').fill('2026-12-18');
      expect(await page.getByLabel('Beginn').inputValue()).toBe('2026-12-18');
      await page.getByRole('textbox', { name: 'Ort', exact: true }).fill('Messegelände, Halle 7');
      await screenshot(page, 'app-activity-all-day-de-1280');
      await page.getByRole('textbox', { name: 'Ort', exact: true }).press('Enter');
      await page.waitForURL(`**/app/records/person/${janaId}`);
      // On her page: the date alone, "ganztägig", and the place.
      const activities = page.getByRole('region', { name: 'Aktivitäten' });
      await activities.getByText(`${day('2026-12-18', 'de-DE')}, ganztägig · Messegelände, Halle 7`).waitFor();
      await screenshot(page, 'app-activity-all-day-person-de-1280');
    } catch (error) {
      await failWithPage(page, 'app-activity-all-day-de-failed')(error);
    }
    const [activity] = (await rep.get(`/api/v1/activities?record=person:${janaId}`)).body.items;
    expect(activity).toMatchObject({
      subject: 'Messe in Hannover',
      allDay: true,
      startsAt: new Date('2026-12-18T00:00').toISOString(),
      durationMinutes: 1440,
      location: 'Messegelände, Halle 7',
    });

    // In the activities list: a date, not a time, and the place.
    await page.goto(`${harness.baseUrl}/app/lists/activity`);
    const row = page.getByRole('row').filter({ hasText: 'Messe in Hannover' });
    await row.waitFor().catch(failWithPage(page, 'app-activity-all-day-list-de-failed'));
    const rowText = await row.innerText();
    expect(rowText).toContain(day('2026-12-18', 'de-DE'));
    expect(rowText).not.toMatch(/\d\d:\d\d/);
    expect(rowText).toContain('Messegelände, Halle 7');
    await screenshot(page, 'app-activity-all-day-list-de-1280');
    expect(problems).toEqual([]);
    await context.close();
  }, 300_000);

  it('in English at phone width: back to a time; the form has no serious accessibility fault', async () => {
    const activity = (
      await rep.post('/api/v1/activities').send({
        typeId: (await rep.get('/api/v1/activity-types')).body.items[0].id,
        subject: 'Trade fair',
        startsAt: new Date('2027-01-12T00:00').toISOString(),
        durationMinutes: 2880,
        allDay: true,
        location: 'Hall 3',
        links: [{ type: 'person', id: janaId }],
      })
    ).body;
    const context = await signedInContext(harness, user, { locale: 'en-US', width: 360, button: /^Sign in$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/records/person/${janaId}`);
    try {
      const activities = page.getByRole('region', { name: 'Activities' });
      await activities.getByText(`${day('2027-01-12', 'en-US')}, all day · Hall 3`).waitFor();
      await activities.getByRole('link', { name: 'Trade fair' }).click();
      await page.getByRole('heading', { level: 1, name: /^Edit/ }).waitFor();
      expect(await page.getByRole('switch', { name: 'All day' }).isChecked()).toBe(true);
      expect(await page.getByLabel('Starts').inputValue()).toBe('2027-01-12');
      expect(await page.getByRole('textbox', { name: 'Location', exact: true }).inputValue()).toBe('Hall 3');
      await screenshot(page, 'app-activity-all-day-en-360');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('switch', { name: 'All day' }).focus();
      await page.keyboard.press('Space');
      expect(await page.getByLabel('Starts').getAttribute('type')).toBe('datetime-local');
      await page.getByLabel('Starts').fill('2027-01-12T14:30');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(`**/app/records/person/${janaId}`);
      await page
        .getByRole('region', { name: 'Activities' })
        .getByText(
          `${new Date('2027-01-12T14:30').toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })} · Hall 3`,
        )
        .waitFor();
    } catch (error) {
      await failWithPage(page, 'app-activity-all-day-en-failed')(error);
    }
    const saved = (await rep.get(`/api/v1/activities/${activity.id}`)).body;
    expect(saved).toMatchObject({
      allDay: false,
      startsAt: new Date('2027-01-12T14:30').toISOString(),
      durationMinutes: 30,
      location: 'Hall 3',
    });
    await context.close();
  }, 300_000);
});
