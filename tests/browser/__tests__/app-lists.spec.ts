// The web app's lists in chromium against the real backend: 100,000 persons scroll with page
// requests only for what is shown and the header tells the total; sorting, moving, sizing and
// choosing columns by keyboard, kept on the server for the next visit and another device; quick
// filters with their marker; the filter builder's AND/OR groups saved, renamed and deleted; a
// favourite in the navigation; deals, tasks and activities; German at phone width and English
// at desk width; axe-core finds nothing serious on a list.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signIn, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

const PERSONS = 100_000;

describeInBrowser('the web app: lists', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Listen GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    const ritaId = await tenant.userId(user.upn);
    // 100,000 persons in this test's own organisation, in one statement: Person 000001 …; every
    // second one with an email, every tenth one Rita's.
    await harness.t.orm.em.getConnection().execute(
      `insert into person (id, tenant_id, first_name, last_name, emails, owner_id, created_at, updated_at)
       select gen_random_uuid(), ?, 'Kim', 'Person ' || lpad(n::text, 6, '0'),
              case when n % 2 = 0 then jsonb_build_array(jsonb_build_object('address', 'p' || n || '@example.de', 'kind', 'work')) else '[]'::jsonb end,
              case when n % 10 = 0 then ?::uuid end,
              now() - make_interval(secs => n), now() - make_interval(secs => n)
         from generate_series(1, ?) as n`,
      [tenant.id, ritaId, PERSONS],
    );
    await harness.t.orm.em.getConnection().execute('analyze person');
    const yesterday = new Date(Date.now() - 26 * 3600_000).toISOString();
    expect((await rep.post('/api/v1/tasks').send({ title: 'Angebot nachfassen', dueAt: yesterday })).status).toBe(201);
    expect((await rep.post('/api/v1/tasks').send({ title: 'Später anrufen' })).status).toBe(201);
    // A custom field and a tag for the filter builder, on Jana Keller only.
    const admin = await tenant.as(tenant.upn('Anna Admin'));
    const field = await admin.post('/api/v1/admin/custom-fields').send({
      entityType: 'person',
      key: 'branche',
      labels: { de: 'Branche', en: 'Trade' },
      type: 'text',
    });
    expect(field.status).toBe(201);
    const vip = (await admin.post('/api/v1/tags').send({ name: 'VIP' })).body.id;
    const person = (
      await rep.post('/api/v1/persons').send({
        firstName: 'Jana',
        lastName: 'Keller',
        emails: [{ address: 'jana@keller.example' }],
        customFields: { branche: 'Bäckerei' },
      })
    ).body.id;
    expect((await rep.put(`/api/v1/records/person/${person}/tags/${vip}`)).status).toBe(204);
    const deal = await rep.post('/api/v1/deals').send({
      title: 'Fräsmaschine FM-400',
      value: '48500.00',
      currency: 'EUR',
      personId: person,
      expectedCloseDate: '2026-01-15',
    });
    expect(deal.status).toBe(201);
    const call = await rep.post('/api/v1/calls').send({
      personId: person,
      direction: 'inbound',
      startsAt: '2026-11-24T14:05:00+01:00',
      durationMinutes: 12,
      note: 'Will zwei Öfen',
    });
    expect(call.status).toBe(201);
  }, 600_000);
  afterAll(async () => {
    await harness?.close();
  });

  async function signedIn(locale: string, width: number, button: RegExp): Promise<BrowserContext> {
    const context = await harness.newContext({ locale, width });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/`);
    await signIn(page, user, button);
    await page.getByRole('combobox').waitFor();
    await page.close();
    return context;
  }

  /** The names of the table's column headers, left to right. */
  const headers = async (page: Page) =>
    (await page.getByRole('columnheader').all()).map(async (header) => header.getAttribute('aria-label'));

  /** Opens a column's menu by keyboard and picks an item with the arrow keys. */
  async function columnMenu(page: Page, column: string, item: string) {
    await page.getByRole('columnheader', { name: column, exact: true }).getByRole('button').focus();
    await page.keyboard.press('Enter');
    const wanted = page.getByRole('menuitem', { name: item, exact: true });
    await wanted.waitFor();
    for (let i = 0; i < 10 && !(await wanted.evaluate((element) => element === document.activeElement)); i++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
  }

  it('in English at desk width: 100,000 persons, their total, sorting and columns kept for next time', async () => {
    const context = await signedIn('en-US', 1280, /^Sign in$/);
    const page = await context.newPage();
    const requests: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/v1/persons') requests.push(url);
    });
    await page.goto(`${harness.baseUrl}/app/lists/person`);
    const table = page.getByRole('table', { name: 'Persons' });
    await page.getByText('100,001 entries').waitFor();
    await table.getByRole('link', { name: 'Jana Keller' }).waitFor();
    expect(await table.getAttribute('aria-rowcount')).toBe('100002');

    // To the end: only the last pages are asked for, none of those between.
    await page.locator('div:has(> table)').evaluate((scroller) => {
      scroller.scrollTop = scroller.scrollHeight;
    });
    await table.getByRole('link', { name: 'Kim Person 100000' }).waitFor();
    const offsets = requests.map((url) => Number(url.searchParams.get('offset')));
    expect(offsets.filter((offset) => offset > 0 && offset < 99_000)).toEqual([]);
    expect(requests.length).toBeLessThanOrEqual(6);
    await screenshot(page, 'app-lists-en-1280-end-of-100k');

    // Sort by name descending from the column's menu, by keyboard.
    await page.locator('div:has(> table)').evaluate((scroller) => {
      scroller.scrollTop = 0;
    });
    await columnMenu(page, 'Name', 'Sort descending');
    expect(await table.getByRole('columnheader', { name: 'Name', exact: true }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    await table.getByRole('link', { name: 'Kim Person 100000' }).waitFor();

    // Move Email to the front, widen Name by keyboard, show City.
    await columnMenu(page, 'Email', 'Move left');
    await page.waitForFunction(() => document.querySelector('th')?.getAttribute('aria-label') === 'Email');
    const resizer = page.getByRole('separator', { name: /Width of column Name/ });
    await resizer.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await resizer.getAttribute('aria-valuenow')).toBe('250');
    // And Phone by pointer, 40 pixels wider.
    const phone = page.getByRole('separator', { name: /Width of column Phone/ });
    const handle = await phone.boundingBox();
    if (!handle) throw new Error('no resizer for Phone');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 40, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await phone.getAttribute('aria-valuenow')).toBe('210');
    await page.getByRole('button', { name: 'Columns' }).click();
    const kept = page.waitForResponse(
      (response) =>
        response.url().includes('/me/settings/lists/person') &&
        response.request().method() === 'PUT' &&
        (response.request().postData() ?? '').includes('"city"'),
    );
    await page.getByRole('menuitemcheckbox', { name: 'City' }).click();
    expect((await kept).status()).toBe(200);
    await page.keyboard.press('Escape');
    await table.getByRole('columnheader', { name: 'City' }).waitFor();
    const arranged = await Promise.all(await headers(page));
    expect(arranged).toEqual(['Email', 'Name', 'Phone', 'City', 'Changed']);
    await screenshot(page, 'app-lists-en-1280-columns');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Another device: the same user in a fresh browser sees the same columns, width and sort.
    await expectKept(await signedIn('en-US', 1280, /^Sign in$/));

    // Deals, tasks and activities, each with a quick filter.
    await page.goto(`${harness.baseUrl}/app/lists/deal`);
    await page.getByRole('checkbox', { name: 'Overdue' }).check();
    await page.getByText('1 active').waitFor();
    await page.getByRole('link', { name: 'Fräsmaschine FM-400' }).waitFor();
    await page.goto(`${harness.baseUrl}/app/lists/task`);
    await page.getByText('2 entries').waitFor();
    await page.getByRole('checkbox', { name: 'Overdue' }).check();
    await page.getByText('1 entry', { exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Angebot nachfassen' }).waitFor();
    await page.goto(`${harness.baseUrl}/app/lists/activity`);
    await page
      .getByRole('table', { name: 'Activities' })
      .getByText(/^(Call|Anruf)$/)
      .waitFor();
    await screenshot(page, 'app-lists-en-1280-activities');
  }, 400_000);

  async function expectKept(context: BrowserContext) {
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/lists/person`);
    const table = page.getByRole('table', { name: 'Persons' });
    await table.getByRole('link', { name: 'Kim Person 100000' }).waitFor();
    expect(await Promise.all(await headers(page))).toEqual(['Email', 'Name', 'Phone', 'City', 'Changed']);
    expect(await table.getByRole('columnheader', { name: 'Name', exact: true }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    expect(await page.getByRole('separator', { name: /Width of column Name/ }).getAttribute('aria-valuenow')).toBe(
      '250',
    );
    expect(await page.getByRole('separator', { name: /Width of column Phone/ }).getAttribute('aria-valuenow')).toBe(
      '210',
    );
    await page.close();
  }

  it('in German at phone width: quick filters, the filter builder, a saved filter and a favourite', async () => {
    const context = await signedIn('de-DE', 360, /^Anmelden$/);
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/lists/person`);
    await page.getByText('100.001 Einträge').waitFor();

    await page.getByRole('checkbox', { name: 'Mit E-Mail' }).check();
    await page.getByText('1 aktiv').waitFor();
    await page.getByText('50.001 Einträge').waitFor();

    // (Nachname beginnt mit "Person 00000" ODER ist "Person 000042") UND (Nachname ist nicht "Person 000004")
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const builder = page.getByRole('region', { name: 'Filter bearbeiten' });
    await builder.getByRole('button', { name: 'Bedingung hinzufügen' }).click();
    await builder.getByRole('combobox', { name: 'Feld der Bedingung 1' }).selectOption({ label: 'Nachname' });
    await builder.getByRole('combobox', { name: 'Vergleich der Bedingung 1' }).selectOption({ label: 'beginnt mit' });
    await builder.getByRole('textbox', { name: 'Wert der Bedingung 1' }).fill('Person 00000');
    await builder.getByRole('button', { name: 'Bedingung hinzufügen' }).click();
    await builder.getByRole('combobox', { name: 'Feld der Bedingung 2' }).selectOption({ label: 'Nachname' });
    await builder.getByRole('combobox', { name: 'Vergleich der Bedingung 2' }).selectOption({ label: 'ist gleich' });
    await builder.getByRole('textbox', { name: 'Wert der Bedingung 2' }).fill('Person 000042');
    await builder
      .getByRole('combobox', { name: 'Bedingungen in Gruppe 1 verknüpfen' })
      .selectOption({ label: 'Eine der Bedingungen (ODER)' });
    await builder.getByRole('button', { name: 'Gruppe hinzufügen' }).click();
    const second = builder.getByRole('group', { name: 'Gruppe 2' });
    await second.getByRole('combobox', { name: 'Feld der Bedingung 1' }).selectOption({ label: 'Nachname' });
    await second.getByRole('combobox', { name: 'Vergleich der Bedingung 1' }).selectOption({ label: 'ist nicht' });
    await second.getByRole('textbox', { name: 'Wert der Bedingung 1' }).fill('Person 000004');
    await builder.getByRole('button', { name: 'Anwenden' }).click();
    // 2, 6, 8 and 42 have an email (4 is left out): quick filter and builder combine.
    await page.getByText('4 Einträge').waitFor();
    await page.getByRole('button', { name: /^Filter\s*3$/ }).waitFor();

    await builder.getByRole('textbox', { name: 'Name des Filters' }).fill('Kleine Nummern');
    expect(await builder.getByRole('checkbox', { name: 'Für die ganze Firma' }).count()).toBe(0);
    await builder.getByRole('button', { name: 'Als neuen Filter speichern' }).click();
    await page.waitForURL(/savedFilter=/);
    const saved = page.getByRole('combobox', { name: 'Gespeicherter Filter' });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('select')].some((select) => select.selectedOptions[0]?.text === 'Kleine Nummern'),
    );

    await page.getByRole('button', { name: /Zu Favoriten/ }).click();
    const favourites = page.getByRole('navigation', { name: 'Favoriten' });
    await favourites.getByRole('link', { name: 'Personen: Kleine Nummern' }).waitFor();
    await screenshot(page, 'app-lists-de-360-filter');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Renamed, then opened from the favourite on another page: the saved tree applies again.
    await builder.getByRole('textbox', { name: 'Name des Filters' }).fill('Kleine Nummern 2');
    await builder.getByRole('button', { name: 'Änderungen speichern' }).click();
    await saved.locator('option', { hasText: 'Kleine Nummern 2' }).waitFor({ state: 'attached' });
    await page.goto(`${harness.baseUrl}/app/`);
    await favourites.getByRole('link', { name: 'Personen: Kleine Nummern 2' }).click();
    await page.getByText('4 Einträge').waitFor();
    await screenshot(page, 'app-lists-de-360-favourite');

    await page.getByRole('button', { name: /^Filter\s*3$/ }).click();
    await builder.getByRole('button', { name: 'Filter löschen' }).click();
    await page.waitForURL((url) => !url.search.includes('savedFilter'));
    await saved.locator('option', { hasText: 'Kleine Nummern' }).waitFor({ state: 'detached' });
    await page.getByRole('navigation', { name: 'Favoriten' }).waitFor({ state: 'detached' });
    await page.getByText('50.001 Einträge').waitFor();

    // A custom field and a tag: Branche contains "bäck", and group 2 has the tag VIP.
    await builder.getByRole('button', { name: 'Bedingung hinzufügen' }).click();
    await builder.getByRole('combobox', { name: 'Feld der Bedingung 1' }).selectOption({ label: 'Branche' });
    await builder.getByRole('textbox', { name: 'Wert der Bedingung 1' }).fill('bäck');
    await builder.getByRole('button', { name: 'Gruppe hinzufügen' }).click();
    const tagGroup = builder.getByRole('group', { name: 'Gruppe 2' });
    await tagGroup.getByRole('combobox', { name: 'Feld der Bedingung 1' }).selectOption({ label: 'Schlagwörter' });
    await tagGroup.getByRole('combobox', { name: 'Wert der Bedingung 1' }).selectOption({ label: 'VIP' });
    await builder.getByRole('button', { name: 'Anwenden' }).click();
    await page.getByText('1 Eintrag', { exact: true }).waitFor();
    await page.getByRole('table', { name: 'Personen' }).getByRole('link', { name: 'Jana Keller' }).waitFor();
    // Without the quick filter its marker goes; Jana still matches.
    await page.getByRole('checkbox', { name: 'Mit E-Mail' }).uncheck();
    await page.getByText('1 aktiv').waitFor({ state: 'detached' });
    await page.getByText('1 Eintrag', { exact: true }).waitFor();
    await screenshot(page, 'app-lists-de-360-custom-field-and-tag');
  }, 400_000);
});
