// The web app's forms for what is logged on a record: from a person's page, log an activity (its
// errors at its fields, in German), open it from the page again and mark it done; write a note in
// Markdown; join the person to an organization as a business contact, the first one primary. German
// at phone width; in English at desk width a note on an organization, and axe-core finds nothing
// serious on the activity form.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: activities, notes and business contacts from a record page', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let janaId: string;
  let kellerId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Aktivitäten GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const field = (page: Page, label: string) => page.getByRole('textbox', { name: label, exact: true });
  const failWithPage = (page: Page, name: string) => async (error: unknown) => {
    await screenshot(page, name);
    throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
  };

  it('in German at phone width: an activity with its errors, done later; a note; a business contact', async () => {
    const context = await signedInContext(harness, user, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const personPage = `${harness.baseUrl}/app/records/person/${janaId}`;
    await page.goto(personPage);

    // An activity: nothing filled in names each missing field, in German.
    await page.getByRole('link', { name: 'Aktivität erfassen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Neue Aktivität' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Zu' }).inputValue()).toBe('Jana Keller');
    await page.getByRole('button', { name: 'Speichern' }).click();
    // Type and start are named at once; the subject, once those are given, by the API in German.
    await page.getByText('Bitte angeben.').first().waitFor().catch(failWithPage(page, 'app-activity-de-360-failed'));
    expect(await page.getByRole('combobox', { name: 'Art' }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Bitte angeben.').count()).toBe(2); // Art and Beginn
    await screenshot(page, 'app-activity-errors-de-360');
    await page.getByRole('combobox', { name: 'Art' }).selectOption({ label: 'Besuch' });
    await page.getByLabel('Beginn').fill('2026-12-14T10:00');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByText('Ein Betreff wird gebraucht').waitFor();
    expect(await field(page, 'Betreff').getAttribute('aria-invalid')).toBe('true');
    await field(page, 'Betreff').fill('Besuch in der Werkstatt');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL(`**/app/records/person/${janaId}`);

    // Back on her page, the activity is listed; opened from there, it is marked done with an outcome.
    const activities = page.getByRole('region', { name: 'Aktivitäten' });
    await activities.getByRole('link', { name: 'Besuch in der Werkstatt' }).click();
    await page.getByRole('heading', { level: 1, name: /bearbeiten$/ }).waitFor();
    await page.getByRole('checkbox', { name: 'Erledigt' }).check();
    await field(page, 'Ergebnis').fill('Zwei Fräsen gewünscht');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL(`**/app/records/person/${janaId}`);
    const [activity] = (await rep.get(`/api/v1/activities?record=person:${janaId}`)).body.items;
    expect(activity).toMatchObject({
      subject: 'Besuch in der Werkstatt',
      done: true,
      outcome: 'Zwei Fräsen gewünscht',
      startsAt: new Date('2026-12-14T10:00').toISOString(),
      type: expect.objectContaining({ key: 'visit' }),
    });

    // A note in Markdown.
    await page.getByRole('link', { name: 'Notiz schreiben' }).click();
    await page.getByRole('heading', { level: 1, name: 'Neue Notiz' }).waitFor();
    await page.getByRole('textbox', { name: 'Notiz (Markdown)' }).fill('**Wichtig:** Rückruf nach der Messe');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL(`**/app/records/person/${janaId}`);
    await page.getByRole('region', { name: 'Notizen' }).getByText('Wichtig: Rückruf nach der Messe').waitFor();

    // Joined to an organization: her first business contact, so her primary one.
    await page.getByRole('link', { name: 'Einer Organisation zuordnen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Neuer Geschäftskontakt' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Person' }).inputValue()).toBe('Jana Keller');
    await page.getByRole('combobox', { name: 'Organisation' }).pressSequentially('Keller Masch');
    await page.getByRole('option', { name: /Keller Maschinenbau GmbH/ }).click();
    await field(page, 'Position').fill('Einkauf');
    await screenshot(page, 'app-business-contact-de-360');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL('**/app/records/business_contact/*');
    await page.getByRole('heading', { level: 1, name: 'Jana Keller · Keller Maschinenbau GmbH' }).waitFor();
    await screenshot(page, 'app-business-contact-page-de-360');
    const contacts = (await rep.get(`/api/v1/business-contacts?organizationId=${kellerId}`)).body.items;
    expect(contacts).toEqual([expect.objectContaining({ personId: janaId, position: 'Einkauf', isPrimary: true })]);
    expect(problems).toEqual([]);
  }, 300_000);

  it('in English at desk width: a note on an organization; the activity form has no serious accessibility fault', async () => {
    const context = await signedInContext(harness, user, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/organization/${kellerId}`);
    await page.getByRole('link', { name: 'Write note' }).click();
    await page.getByRole('heading', { level: 1, name: 'New note' }).waitFor();
    await page.getByRole('textbox', { name: 'Note (Markdown)' }).fill('Visit planned for *January*');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`**/app/records/organization/${kellerId}`);
    await page.getByRole('region', { name: 'Notes' }).getByText('Visit planned for January').waitFor();

    await page.getByRole('link', { name: 'Log activity' }).click();
    await page.getByRole('heading', { level: 1, name: 'New activity' }).waitFor();
    await screenshot(page, 'app-activity-en-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 300_000);
});
