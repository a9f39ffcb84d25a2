// The task pane in read mode, in chromium on the office-js stand-in, against the real backend:
// the sender's context, creating an unknown sender through the duplicate warning, logging a
// call with a follow-up task, Office errors said in German, English for an English Office.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BrowserContext, Request } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { type PaneHarness, type StandIn, signInThroughPopup, startPaneHarness } from '../support/pane.ts';

const JANA = 'jana.keller@keller-maschinenbau.example';
const janaMail = (extra: Partial<StandIn> = {}): StandIn => ({
  displayLanguage: 'de-DE',
  ...extra,
  mail: {
    // Odd case: the lookup does not care.
    from: { emailAddress: 'Jana.Keller@Keller-Maschinenbau.example', displayName: 'Jana Keller' },
    ...extra.mail,
  },
});

/** The Accept-Language of every API call the pane makes from now until `stop()`. */
function apiLanguages(context: BrowserContext): { stop(): string[] } {
  const languages = new Set<string>();
  const listen = (request: Request) => {
    if (new URL(request.url()).pathname.startsWith('/api/v1/')) {
      languages.add(request.headers()['accept-language'] ?? '(none)');
    }
  };
  context.on('request', listen);
  return {
    stop() {
      context.off('request', listen);
      return [...languages];
    },
  };
}

describeInBrowser('Outlook task pane, read mode', () => {
  let harness: PaneHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let context: BrowserContext;
  let janaId: string;
  let kellerId: string;

  beforeAll(async () => {
    harness = await startPaneHarness();
    tenant = await harness.t.createTenant('Pane Lesen GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
    const contact = await rep
      .post('/api/v1/business-contacts')
      .send({ personId: janaId, organizationId: kellerId, email: JANA, position: 'Einkauf' });
    expect(contact.status).toBe(201);

    // Signed in once through the emulator's page; the tests reuse the browser profile.
    const first = await harness.open(
      janaMail({ mail: { to: [{ emailAddress: user.upn, displayName: user.displayName }] } }),
    );
    context = first.context;
    await first.page.getByText('Beim CRM anmelden').waitFor();
    await screenshot(first.page, 'read-01-signed-out');
    await signInThroughPopup(first.page, user, /^Anmelden$/);
    await first.page.getByRole('region', { name: 'Jana Keller' }).waitFor();
    await first.page.close();
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  });

  it("shows the sender's person, organization and open deals, and where to open them", async () => {
    const deal = await rep.post('/api/v1/deals').send({
      title: 'Fräsmaschine FM-400',
      value: '48500.00',
      currency: 'EUR',
      personId: janaId,
      organizationId: kellerId,
    });
    expect(deal.status).toBe(201);
    const languages = apiLanguages(context);
    const { page, problems, failedRequests } = await harness.open(janaMail(), { context });
    const card = page.getByRole('region', { name: 'Jana Keller' });
    await card.waitFor();
    await card.getByRole('link', { name: 'Fräsmaschine FM-400' }).waitFor();
    expect(await card.getByText('Absender').count()).toBe(1);
    expect(await card.textContent()).toContain(JANA);
    expect(await card.textContent()).toMatch(/48\.500\s?€/);
    expect(await card.getByRole('link', { name: 'Keller Maschinenbau GmbH' }).getAttribute('href')).toContain(
      `/records/organization/${kellerId}`,
    );
    expect(await card.getByRole('link', { name: 'Jana Keller im CRM öffnen' }).getAttribute('href')).toContain(
      `/records/person/${janaId}`,
    );
    expect(await card.getByText('Keine offenen Aufgaben').count()).toBe(1);
    await page.getByText('Petra Neumann').waitFor(); // the unknown cc, offered to create
    // Every call in the pane's language, so the CRM's problems come back in German too.
    expect(languages.stop()).toEqual(['de']);
    await screenshot(page, 'read-02-sender-context');

    // From page load to the sender's context on screen, signed in (tokens from the cache).
    await page.reload();
    await card.getByRole('link', { name: 'Fräsmaschine FM-400' }).waitFor();
    const shownAfter = await page.evaluate(() => performance.getEntriesByName('crm:sender-context')[0]?.startTime);
    process.stdout.write(`pane: page load → sender context ${Math.round(shownAfter ?? -1)} ms\n`);
    expect(shownAfter).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    expect(failedRequests).toEqual([]);
  }, 180_000);

  it('creates an unknown sender through the duplicate warning', async () => {
    const existing = (await rep.post('/api/v1/persons').send({ firstName: 'Petra', lastName: 'Neumann' })).body.id;
    const { page, problems } = await harness.open(
      {
        displayLanguage: 'de-DE',
        mail: {
          from: { emailAddress: 'petra.neumann@neukunde-beispiel.example', displayName: 'Neumann, Petra' },
          cc: [],
        },
      },
      { context },
    );
    await page.getByRole('button', { name: 'petra.neumann@neukunde-beispiel.example als Kontakt anlegen' }).click();
    expect(await page.getByLabel('Vorname').inputValue()).toBe('Petra');
    expect(await page.getByLabel('Nachname').inputValue()).toBe('Neumann');
    await page.getByRole('button', { name: 'Anlegen', exact: true }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'Diesen Kontakt gibt es vielleicht schon' });
    await warning.waitFor();
    expect(
      await warning.getByRole('button', { name: 'Petra Neumann verwenden und die Adresse hinzufügen' }).count(),
    ).toBe(1);
    await screenshot(page, 'read-03-duplicate-warning');
    await page.getByRole('button', { name: 'Trotzdem neu anlegen' }).click();
    await page.getByText('Petra Neumann wurde im CRM angelegt.').waitFor();
    const card = page.getByRole('region', { name: 'Petra Neumann' });
    await card.waitFor();
    await screenshot(page, 'read-04-contact-created');

    const lookup = await rep.get('/api/v1/lookup').query({ email: 'petra.neumann@neukunde-beispiel.example' });
    const [created] = lookup.body.items[0].persons;
    expect(created.name).toBe('Petra Neumann');
    expect(created.id).not.toBe(existing);
    expect(problems).toEqual([]);
  }, 180_000);

  it('logs a call with the sender and a follow-up task', async () => {
    const { page, problems } = await harness.open(janaMail(), { context });
    await page.getByRole('tab', { name: 'Anruf' }).click();
    await page.getByText('Anruf mit Jana Keller').waitFor();
    await page.getByRole('radio', { name: 'eingehend' }).check();
    await page.getByLabel('Dauer in Minuten').fill('12');
    await page.getByLabel('Ergebnis').selectOption({ label: 'erreicht' });
    await page.getByLabel('Notiz').fill('Angebot besprochen, Liefertermin **KW 3** gewünscht.');
    await page.getByRole('checkbox', { name: 'Wiedervorlage als Aufgabe anlegen' }).check();
    await page.getByRole('textbox', { name: 'Aufgabe', exact: true }).fill('Liefertermin bestätigen');
    const due = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await page.getByLabel('Fällig am').fill(due);
    await screenshot(page, 'read-05-log-call');
    await page.getByRole('button', { name: 'Anruf speichern' }).click();
    await page.getByText('Der Anruf und die Aufgabe wurden gespeichert.').waitFor();

    const today = new Date().toISOString().slice(0, 10);
    const timeline = await rep
      .get('/api/v1/timeline')
      .query({ from: today, to: due, record: `person:${janaId}`, timeZone: 'Europe/Berlin' });
    expect(timeline.status).toBe(200);
    const items = timeline.body.days.flatMap((day: { items: { kind: string; title: string }[] }) => day.items);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'activity' }),
        expect.objectContaining({ kind: 'task', title: 'Liefertermin bestätigen' }),
      ]),
    );
    const calls = await rep.get('/api/v1/activities').query({ record: `person:${janaId}` });
    expect(calls.body.items[0]).toMatchObject({ direction: 'inbound', durationMinutes: 12, outcome: 'erreicht' });
    expect(problems).toEqual([]);
  }, 180_000);

  it('says in German what Outlook reported when an attachment cannot be read, and files nothing', async () => {
    const { page } = await harness.open(
      janaMail({
        failures: {
          'getAttachmentContentAsync:att-prices': {
            code: 9043,
            name: 'AttachmentTypeNotSupported',
            message: 'The attachment type is not supported.',
          },
        },
      }),
      { context },
    );
    await page.getByRole('tab', { name: 'Ablegen' }).click();
    await page.getByRole('button', { name: 'Ablegen', exact: true }).click();
    const error = page.getByRole('alert');
    await error.getByText('Outlook konnte einen Anhang nicht lesen (Fehler 9043').waitFor();
    expect(await error.textContent()).toContain('Preisliste-2026.csv');
    await screenshot(page, 'read-06-office-error');
  }, 180_000);

  it('explains that a draft without internet message id cannot be filed yet', async () => {
    const { page } = await harness.open(janaMail({ mail: { internetMessageId: null } }), { context });
    await page.getByRole('tab', { name: 'Ablegen' }).click();
    await page.getByText('Diese Mail hat noch keine Internet-Message-ID').first().waitFor();
    await page.getByRole('button', { name: 'Ablegen', exact: true }).click();
    await page.getByRole('alert').getByText('Diese Mail hat noch keine Internet-Message-ID').waitFor();
  }, 180_000);

  it('speaks English in an English Office', async () => {
    const languages = apiLanguages(context);
    const { page } = await harness.open(janaMail({ displayLanguage: 'en-US' }), { context });
    await page.getByText('Contacts in this mail').waitFor();
    await page.getByRole('region', { name: 'Jana Keller' }).waitFor();
    expect(languages.stop()).toEqual(['en']);
    const card = page.getByRole('region', { name: 'Jana Keller' });
    expect(await card.getByText('From', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: 'File' }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: 'Call' }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await screenshot(page, 'read-07-english');
  }, 180_000);
});
