// The web app's create and edit forms in chromium against the real backend: field errors appear at
// their fields in the user's language, a likely duplicate offers "open it" and "save anyway", a
// stale save shows what changed meanwhile and keeps the user's edit, a new deal starts from its
// organization, and what was typed survives a reload; plus the start page's deals that need
// attention. German at phone width, English at desk width; axe-core finds nothing serious on a form.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import {
  seriousA11yViolations,
  signedInContext,
  signIn,
  startWebAppHarness,
  type WebAppHarness,
} from '../support/web-app.ts';

describeInBrowser('the web app: create and edit forms, deals that need attention', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let kellerId: string;
  let dealId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Forms GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    const admin = await tenant.as(tenant.upn('Anna Admin'));
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    const source = await admin.post('/api/v1/admin/custom-fields').send({
      entityType: 'person',
      key: 'quelle',
      labels: { de: 'Quelle', en: 'Source' },
      type: 'select',
      options: [
        { value: 'messe', labels: { de: 'Messe', en: 'Trade fair' } },
        { value: 'empfehlung', labels: { de: 'Empfehlung', en: 'Referral' } },
      ],
    });
    expect(source.status).toBe(201);
    expect((await admin.post('/api/v1/tags').send({ name: 'Messe 2027' })).status).toBe(201);
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    const jana = await rep.post('/api/v1/persons').send({
      firstName: 'Jana',
      lastName: 'Keller',
      emails: [{ address: 'jana.keller@example.de' }],
    });
    expect(jana.status).toBe(201);
    const deal = await rep.post('/api/v1/deals').send({
      title: 'Fräsmaschine FM-400',
      value: '48500.00',
      currency: 'EUR',
      organizationId: kellerId,
      expectedCloseDate: '2026-01-15',
    });
    expect(deal.status).toBe(201);
    dealId = deal.body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const signedIn = (locale: string, width: number, button: RegExp) =>
    signedInContext(harness, user, { locale, width, button });

  const field = (page: Page, label: string) => page.getByRole('textbox', { name: label, exact: true });

  /** A task: created from the list of tasks, opened from it again and changed. */
  async function checkNewTaskInGerman(page: Page) {
    await page.goto(`${harness.baseUrl}/app/lists/task`);
    await page.getByRole('link', { name: 'Neue Aufgabe' }).click();
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByText('Eine Aufgabe braucht einen Titel').waitFor();
    await field(page, 'Titel').fill('Angebot schicken');
    await page.getByRole('combobox', { name: 'Priorität' }).selectOption({ label: 'Hoch' });
    await page.getByLabel('Fällig').fill('2026-12-10T09:30');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL('**/app/lists/task');
    await page.getByRole('table', { name: 'Aufgaben' }).getByRole('link', { name: 'Angebot schicken' }).click();
    await page.getByRole('heading', { level: 1, name: 'Angebot schicken bearbeiten' }).waitFor();
    expect(await page.getByLabel('Fällig').inputValue()).toBe('2026-12-10T09:30');
    await field(page, 'Beschreibung').fill('Mit Wartungsvertrag');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL('**/app/lists/task');
    const tasks = (await rep.get('/api/v1/tasks')).body.items as Record<string, unknown>[];
    expect(tasks.find((task) => task.title === 'Angebot schicken')).toMatchObject({
      priority: 'high',
      description: 'Mit Wartungsvertrag',
      dueAt: new Date('2026-12-10T09:30').toISOString(),
    });
  }

  it('in German at phone width: deals that need attention, a new person with field errors and a likely duplicate, a task', async () => {
    const context = await signedIn('de-DE', 360, /^Anmelden$/);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${harness.baseUrl}/app/`);

    const attention = page.getByRole('region', { name: 'Deals, die Aufmerksamkeit brauchen' });
    await attention.getByRole('link', { name: 'Fräsmaschine FM-400' }).waitFor();
    await attention.getByText(`Abschluss war am ${new Date('2026-01-15T12:00:00').toLocaleDateString('de')}`).waitFor();
    await screenshot(page, 'app-attention-de-360');

    await page.goto(`${harness.baseUrl}/app/lists/person`);
    await page.getByRole('link', { name: 'Neue Person' }).click();
    await page.waitForURL('**/app/records/person/new');
    await page.getByRole('heading', { level: 1, name: 'Neue Person' }).waitFor();
    await field(page, 'E-Mail').fill('jana(at)keller');
    await page.getByRole('button', { name: 'Speichern' }).click();

    // Each error at its field, in German; the first field to fix has the focus.
    await page.getByText('keine gültige E-Mail-Adresse, z. B. anna.mueller@example.de').waitFor();
    await page.getByText('Eine Person braucht einen Nachnamen').waitFor();
    expect(await field(page, 'Nachname').getAttribute('aria-invalid')).toBe('true');
    expect(await field(page, 'E-Mail').getAttribute('aria-invalid')).toBe('true');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
    await page.getByText('Bitte korrigieren Sie die markierten Felder.').waitFor();
    await screenshot(page, 'app-form-de-360-errors');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The same person once more: the likely duplicate, opened or saved anyway.
    await field(page, 'Vorname').fill('Jana');
    await field(page, 'Nachname').fill('Keller');
    await field(page, 'E-Mail').fill('jana.keller@example.de');
    await page.getByRole('combobox', { name: 'Quelle' }).selectOption({ label: 'Messe' });
    await page.getByRole('combobox', { name: 'Schlagwörter' }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Messe 2027' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByText('Diesen Datensatz gibt es vielleicht schon').waitFor();
    await page.getByRole('link', { name: 'Jana Keller öffnen' }).waitFor();
    expect(await page.getByText(/gleiche E-Mail/).count()).toBeGreaterThan(0);
    await screenshot(page, 'app-form-de-360-duplicate');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Trotzdem speichern' }).click();
    await page.waitForURL(/\/app\/records\/person\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Jana Keller' }).waitFor();
    const newId = page.url().split('/').at(-1) as string;
    await checkNewTaskInGerman(page);
    const saved = await rep.get(`/api/v1/persons/${newId}`);
    expect(saved.body).toMatchObject({
      firstName: 'Jana',
      lastName: 'Keller',
      emails: [{ address: 'jana.keller@example.de', kind: 'work' }],
      customFields: { quelle: 'messe' },
      tags: [{ name: 'Messe 2027' }],
    });
    expect(problems).toEqual([]);
  }, 180_000);

  it('in English at desk width: a stale save keeps my edit, a new deal from its organization, a draft survives a reload', async () => {
    const context = await signedIn('en-US', 1280, /^Sign in$/);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${harness.baseUrl}/app/records/deal/${dealId}`);
    await page.getByRole('heading', { level: 1, name: 'Fräsmaschine FM-400' }).waitFor();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit Fräsmaschine FM-400' }).waitFor();
    expect(await field(page, 'Title').inputValue()).toBe('Fräsmaschine FM-400');
    await field(page, 'Value').fill('51000');

    // Meanwhile a colleague renames the deal.
    const current = await rep.get(`/api/v1/deals/${dealId}`);
    const renamed = await rep
      .patch(`/api/v1/deals/${dealId}`)
      .set('If-Match', current.headers.etag as string)
      .send({ title: 'Fräsmaschine FM-400 (Angebot 2)' });
    expect(renamed.status).toBe(200);

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Changed by someone else meanwhile').waitFor();
    await page.getByText('Title is now “Fräsmaschine FM-400 (Angebot 2)”').waitFor();
    expect(await field(page, 'Title').inputValue()).toBe('Fräsmaschine FM-400 (Angebot 2)');
    expect(await field(page, 'Value').inputValue()).toBe('51000');
    await screenshot(page, 'app-form-en-1280-stale');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`**/app/records/deal/${dealId}`);
    await page.getByRole('heading', { level: 1, name: 'Fräsmaschine FM-400 (Angebot 2)', exact: true }).waitFor();
    expect((await rep.get(`/api/v1/deals/${dealId}`)).body).toMatchObject({
      title: 'Fräsmaschine FM-400 (Angebot 2)',
      value: '51000.00',
    });

    // A new deal from the organization's page comes with the organization.
    await page.goto(`${harness.baseUrl}/app/records/organization/${kellerId}`);
    await page.getByRole('heading', { level: 1, name: 'Keller Maschinenbau GmbH' }).waitFor();
    await page.getByRole('link', { name: 'New deal' }).click();
    await page.getByRole('heading', { level: 1, name: 'New deal' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Organization' }).inputValue()).toBe('Keller Maschinenbau GmbH');
    await field(page, 'Title').fill('Wartungsvertrag');
    await field(page, 'Value').fill('abc');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/^a non-negative decimal amount as a string/).waitFor();
    expect(await field(page, 'Value').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'app-form-en-1280-deal');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await field(page, 'Value').fill('12000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/app\/records\/deal\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Wartungsvertrag', exact: true }).waitFor();
    const newDeal = await rep.get(`/api/v1/deals/${page.url().split('/').at(-1)}`);
    expect(newDeal.body).toMatchObject({ organizationId: kellerId, value: '12000.00', currency: 'EUR' });

    // A new lead: a field error at its field, then saved.
    await page.goto(`${harness.baseUrl}/app/lists/lead`);
    await page.getByRole('link', { name: 'New lead' }).click();
    await field(page, 'Company').fill('Bäckerei Schmitt');
    await field(page, 'Last name').fill('Schmitt');
    await field(page, 'Phone').fill('12');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('not a valid phone number; write it with the area code', { exact: false }).waitFor();
    expect(await field(page, 'Phone').getAttribute('aria-invalid')).toBe('true');
    await field(page, 'Phone').fill('0221 123456');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/app\/records\/lead\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Bäckerei Schmitt', exact: true }).waitFor();

    // The sign-in expires while a form is open (the API refuses the token): signed in again,
    // the form still holds what was typed and saves it.
    await page.goto(`${harness.baseUrl}/app/records/organization/new`);
    await field(page, 'Name').fill('Nachgemeldet AG');
    await field(page, 'Industry').fill('Maschinenbau');
    const refuse = (route: { fulfill(options: { status: number; body: string }): Promise<void> }) =>
      route.fulfill({ status: 401, body: '' });
    await page.route('**/api/v1/organizations', refuse);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Your sign-in has expired. Sign in again above, then save again').waitFor();
    await page.unroute('**/api/v1/organizations', refuse);
    await signIn(page, user, /^Sign in$/);
    expect(await field(page, 'Name').inputValue()).toBe('Nachgemeldet AG');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/app\/records\/organization\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Nachgemeldet AG', exact: true }).waitFor();
    const renewed = await rep.get(`/api/v1/organizations/${page.url().split('/').at(-1)}`);
    expect(renewed.body).toMatchObject({ name: 'Nachgemeldet AG', industry: 'Maschinenbau' });

    // Typed, then the page reloads (as a renewed sign-in may): nothing is lost.
    await page.goto(`${harness.baseUrl}/app/records/organization/new`);
    await field(page, 'Name').fill('Halbfertig GmbH');
    await page.reload();
    await page.getByText('What you typed and had not saved yet is restored.').waitFor();
    expect(await field(page, 'Name').inputValue()).toBe('Halbfertig GmbH');
    expect(problems).toEqual([]);
  }, 180_000);
});
