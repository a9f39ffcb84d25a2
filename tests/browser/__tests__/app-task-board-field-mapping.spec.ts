// A deal's tasks as a board by status, and the lead field mapping in the pipeline editor, in
// chromium against the real backend: a task dragged by mouse (desk) and moved by keyboard is in its new
// column after a reload (and in the API); a move the API refuses (open prerequisites: 409; changed
// meanwhile: 412) is put back with a message; an admin maps lead fields, sees the API's objection at
// the field, saves, and a converted lead follows the mapping; a sales manager sees it read-only.
// English at desk width, German at phone width; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { dragTo, pickUpByKeyboard } from '../support/drag.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser("the web app: a deal's tasks as a board, the lead field mapping", () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let admin: AuthedAgent;
  let rita: AuthedAgent;
  let annaUser: { displayName: string; upn: string };
  let ritaUser: { displayName: string; upn: string };
  let maxUser: { displayName: string; upn: string };
  let org: string;
  let firstStage: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Aufgaben GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
      { displayName: 'Max Leiter', appRoles: ['CRM.SalesManager'], preferredLanguage: 'de-DE' },
    ]);
    annaUser = { displayName: 'Anna Admin', upn: tenant.upn('Anna Admin') };
    ritaUser = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    maxUser = { displayName: 'Max Leiter', upn: tenant.upn('Max Leiter') };
    admin = await tenant.as(annaUser.upn);
    rita = await tenant.as(ritaUser.upn);
    org = (await rita.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    firstStage = (await admin.get('/api/v1/pipelines?kind=deal')).body.items[0].stages[0].id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const newDeal = async (title: string): Promise<string> => {
    const res = await rita
      .post('/api/v1/deals')
      .send({ title, value: '1000.00', currency: 'EUR', stageId: firstStage, organizationId: org });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const newTask = async (dealId: string, title: string): Promise<{ id: string; version: number }> => {
    const res = await rita.post('/api/v1/tasks').send({ title, links: [{ type: 'deal', id: dealId }] });
    expect(res.status).toBe(201);
    return res.body;
  };
  const statusOf = async (id: string) => (await rita.get(`/api/v1/tasks/${id}`)).body.status as string;
  const column = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

  it('in English at desk width: a task moved by mouse and by keyboard stays in its new column; refused moves come back', async () => {
    const deal = await newDeal('Milling line');
    const quote = await newTask(deal, 'Send quote');
    const call = await newTask(deal, 'Call back');
    const contract = await newTask(deal, 'Sign contract');
    const parts = await newTask(deal, 'Order parts');
    expect((await rita.post(`/api/v1/tasks/${contract.id}/dependencies`).send({ taskId: quote.id })).status).toBe(200);

    const context = await signedInContext(harness, ritaUser, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${harness.baseUrl}/app/records/deal/${deal}`);
    await page.getByRole('heading', { level: 1, name: 'Milling line' }).waitFor();
    await page.getByRole('button', { name: 'Board', exact: true }).click();
    for (const name of ['Open', 'In progress', 'Waiting', 'Done', 'Cancelled']) {
      await column(page, name).waitFor();
    }
    await column(page, 'Open').getByRole('link', { name: 'Send quote' }).waitFor();
    await screenshot(page, 'task-board-en-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // By mouse: the quote from Open to In progress.
    await dragTo(page, page.getByRole('button', { name: 'Move task Send quote' }), column(page, 'In progress'));
    await column(page, 'In progress').getByRole('link', { name: 'Send quote' }).waitFor();
    await page.getByText('“Send quote” is now In progress.').waitFor({ state: 'attached' });
    expect(await statusOf(quote.id)).toBe('in_progress');

    // By keyboard: the call's handle, space, arrow right (into In progress), space.
    await pickUpByKeyboard(page, page.getByRole('button', { name: 'Move task Call back' }));
    await page.keyboard.press('ArrowRight');
    await page.getByText('“Call back” is over the column In progress.').waitFor({ state: 'attached' });
    await page.keyboard.press('Space');
    await page.getByText('“Call back” was dropped in In progress.').waitFor({ state: 'attached' });
    await page.getByText('“Call back” is now In progress.').waitFor({ state: 'attached' });
    expect(await statusOf(call.id)).toBe('in_progress');

    // Refused for open prerequisites (409): the contract waits for the quote; it goes back to Open.
    await dragTo(page, page.getByRole('button', { name: 'Move task Sign contract' }), column(page, 'Done'));
    await page
      .getByRole('alert')
      .getByText(/“Sign contract” could not be moved: .*Send quote/)
      .waitFor();
    await column(page, 'Open').getByRole('link', { name: 'Sign contract' }).waitFor();
    expect(await column(page, 'Done').getByRole('link').count()).toBe(0);
    await screenshot(page, 'task-board-en-1280-refused');
    expect(await statusOf(contract.id)).toBe('open');

    // Refused as stale (412): someone changed the parts order after this page read it.
    const elsewhere = await rita
      .patch(`/api/v1/tasks/${parts.id}`)
      .set('If-Match', `"${parts.version}"`)
      .send({ priority: 'high' });
    expect(elsewhere.status).toBe(200);
    await dragTo(page, page.getByRole('button', { name: 'Move task Order parts' }), column(page, 'Waiting'));
    await page.getByRole('alert').getByText('Someone changed “Order parts” meanwhile').waitFor();
    await column(page, 'Open').getByRole('link', { name: 'Order parts' }).waitFor();
    expect(await statusOf(parts.id)).toBe('open');

    // After a reload the board (still the chosen view) shows the saved statuses.
    await page.reload();
    await column(page, 'In progress').getByRole('link', { name: 'Send quote' }).waitFor();
    await column(page, 'In progress').getByRole('link', { name: 'Call back' }).waitFor();
    await column(page, 'Open').getByRole('link', { name: 'Sign contract' }).waitFor();
    await screenshot(page, 'task-board-en-1280-reloaded');
    expect(problems).toEqual([]);
  }, 300_000);

  it('in German at phone width: the rep moves tasks by keyboard and sees them there after a reload', async () => {
    const deal = await newDeal('Fräsmaschine FM-400');
    const offer = await newTask(deal, 'Angebot schicken');
    await newTask(deal, 'Besuch planen');
    const context = await signedInContext(harness, ritaUser, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/records/deal/${deal}`);
    await page.getByRole('heading', { level: 1, name: 'Fräsmaschine FM-400' }).waitFor();
    await page.getByRole('button', { name: 'Board', exact: true }).click();
    await column(page, 'Offen').getByRole('link', { name: 'Angebot schicken' }).waitFor();
    await screenshot(page, 'task-board-de-360');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await pickUpByKeyboard(page, page.getByRole('button', { name: 'Aufgabe Angebot schicken verschieben' }));
    await page.keyboard.press('ArrowRight');
    await page.getByText('„Angebot schicken“ ist über der Spalte In Arbeit.').waitFor({ state: 'attached' });
    await page.keyboard.press('Space');
    await page.getByText('„Angebot schicken“ ist jetzt In Arbeit.').waitFor({ state: 'attached' });
    expect(await statusOf(offer.id)).toBe('in_progress');

    await page.reload();
    await column(page, 'In Arbeit').getByRole('link', { name: 'Angebot schicken' }).waitFor();
    await column(page, 'Offen').getByRole('link', { name: 'Besuch planen' }).waitFor();
    await screenshot(page, 'task-board-de-360-moved');
  }, 300_000);

  it('in English at desk width: the admin maps lead fields, sees an objection at its field, saves, and a conversion follows', async () => {
    const leadPipeline = (await admin.get('/api/v1/pipelines?kind=lead')).body.items[0] as { id: string };
    const context = await signedInContext(harness, annaUser, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/pipelines/${leadPipeline.id}/edit`);
    await page.getByRole('heading', { level: 2, name: 'Lead field mapping' }).waitFor();
    await page.getByText('Default mapping').waitFor();
    const person = page.getByRole('group', { name: 'Person' });
    const organization = page.getByRole('group', { name: 'Organization' });
    const deal = page.getByRole('group', { name: 'Deal' });
    expect(await deal.getByLabel('Title').inputValue()).toBe('title');

    // An amount cannot fill a name: the API says so at the field.
    await person.getByLabel('First name').selectOption({ label: 'Value' });
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await person.getByText('a amount field cannot fill a text field').waitFor();
    await page.getByRole('alert').getByText('Please correct the marked fields.').waitFor();
    await screenshot(page, 'field-mapping-en-1280-objection');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await person.getByLabel('First name').selectOption({ label: 'First name' });
    await deal.getByLabel('Title').selectOption({ label: 'Company' });
    await organization.getByLabel('Industry').selectOption({ label: 'Source' });
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByRole('status').getByText('Mapping saved.').waitFor();
    await page.getByText('Default mapping').waitFor({ state: 'detached' });
    await screenshot(page, 'field-mapping-en-1280-saved');

    // A reload shows the saved mapping; a converted lead follows it.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Lead field mapping' }).waitFor();
    expect(await page.getByRole('group', { name: 'Deal' }).getByLabel('Title').inputValue()).toBe('companyName');
    const lead = await admin
      .post('/api/v1/leads')
      .send({ title: 'Trade fair enquiry', companyName: 'Nord AG', lastName: 'Berg', source: 'Trade fair' });
    expect(lead.status).toBe(201);
    const converted = await admin.post(`/api/v1/leads/${lead.body.id}/convert`).send({ deal: {} });
    expect(converted.status).toBe(200);
    const { dealId, organizationId } = converted.body.convertedTo;
    expect((await admin.get(`/api/v1/deals/${dealId}`)).body.title).toBe('Nord AG');
    expect((await admin.get(`/api/v1/organizations/${organizationId}`)).body.industry).toBe('Trade fair');
  }, 300_000);

  it('in German at phone width: a sales manager sees the mapping and cannot change it', async () => {
    const leadPipeline = (await admin.get('/api/v1/pipelines?kind=lead')).body.items[0] as { id: string };
    const context = await signedInContext(harness, maxUser, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/pipelines/${leadPipeline.id}/edit`);
    await page.getByRole('heading', { level: 2, name: 'Zuordnung der Lead-Felder' }).waitFor();
    await page.getByText('Nur Admins ändern die Zuordnung.').waitFor();
    const deal = page.getByRole('group', { name: 'Deal' });
    await deal.getByText('Titel').waitFor();
    expect(await deal.getByRole('definition').first().innerText()).toMatch(/^(Titel|Firma)$/);
    expect(await page.getByRole('combobox').and(page.locator('select')).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Zuordnung speichern' }).count()).toBe(0);
    await screenshot(page, 'field-mapping-de-360-read-only');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 300_000);
});
