// The kanban board and the pipeline editor in chromium against the real backend: a card dragged by
// mouse and moved by keyboard changes the columns' sums (read back from the API); dropping on the
// lost stage asks for the reason; a second browser sees a colleague's move without reloading; a
// refused move (412) is put back with a message; the editor renames and reorders stages; English at
// desk width and German at phone width; axe-core finds nothing serious on the board and the editor.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { dragTo, pickUpByKeyboard } from '../support/drag.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

interface Card {
  id: string;
  version: number;
}

describeInBrowser('the web app: kanban board and pipeline editor', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let admin: AuthedAgent;
  let rita: AuthedAgent;
  let annaUser: { displayName: string; upn: string };
  let ritaUser: { displayName: string; upn: string };
  let org: string;

  /** A pipeline of the test's own: Neu 10 %, Angebot 50 %, Verhandlung 80 %, won and lost. */
  const newPipeline = async (name: string) => {
    const res = await admin.post('/api/v1/pipelines').send({
      name,
      kind: 'deal',
      stages: [
        { name: 'Neu', probability: 10 },
        { name: 'Angebot', probability: 50 },
        { name: 'Verhandlung', probability: 80 },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
        { name: 'Verloren', probability: 0, outcome: 'lost' },
      ],
    });
    expect(res.status).toBe(201);
    const stages = res.body.stages as { id: string; name: string }[];
    return {
      id: res.body.id as string,
      stage: (stageName: string) => (stages.find((stage) => stage.name === stageName) as { id: string }).id,
    };
  };
  const deal = async (stageId: string, title: string, value: string): Promise<Card> => {
    const res = await rita.post('/api/v1/deals').send({ title, value, currency: 'EUR', stageId, organizationId: org });
    expect(res.status).toBe(201);
    return res.body as Card;
  };

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Board GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    annaUser = { displayName: 'Anna Admin', upn: tenant.upn('Anna Admin') };
    ritaUser = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    admin = await tenant.as(annaUser.upn);
    rita = await tenant.as(ritaUser.upn);
    org = (await rita.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  const column = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

  it('in English at desk width: drag by mouse and keyboard, the lost reason, live in a second browser, a refused move', async () => {
    const p = await newPipeline('Board Desk');
    await deal(p.stage('Neu'), 'Milling machine', '1000.00');
    const lathe = await deal(p.stage('Neu'), 'Lathe', '2000.00');
    await deal(p.stage('Angebot'), 'Grinder', '500.00');
    const stale = await deal(p.stage('Verhandlung'), 'Press', '4000.00');

    const context = await signedInContext(harness, annaUser, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // The colleague's browser: Rita's own board, open before the moves.
    const ritaContext = await signedInContext(harness, ritaUser, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const ritaPage = await ritaContext.newPage();
    await ritaPage.goto(`${harness.baseUrl}/app/pipelines/${p.id}`);
    await ritaPage.getByText('Live updates on').waitFor();

    await page.goto(`${harness.baseUrl}/app/pipelines/${p.id}`);
    await page.getByRole('heading', { level: 1, name: 'Pipeline Board Desk' }).waitFor();
    await column(page, 'Neu').getByText('Total €3,000.00 · weighted €300.00').waitFor();
    await column(page, 'Angebot').getByText('Total €500.00 · weighted €250.00').waitFor();
    await page.getByText('Live updates on').waitFor();
    await screenshot(page, 'board-en-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // By mouse: the milling machine from Neu to Angebot; both columns' sums follow.
    await dragTo(page, page.getByRole('button', { name: 'Move Milling machine' }), column(page, 'Angebot'));
    await column(page, 'Angebot').getByText('Total €1,500.00 · weighted €750.00').waitFor();
    await column(page, 'Neu').getByText('Total €2,000.00 · weighted €200.00').waitFor();
    await column(page, 'Angebot').getByRole('link', { name: 'Milling machine' }).waitFor();
    // The colleague sees it without reloading (the board's event stream).
    await column(ritaPage, 'Angebot').getByRole('link', { name: 'Milling machine' }).waitFor({ timeout: 5_000 });
    await column(ritaPage, 'Angebot').getByText('Total €1,500.00 · weighted €750.00').waitFor({ timeout: 5_000 });
    await screenshot(ritaPage, 'board-en-1280-second-browser');

    // By keyboard: the lathe's handle, space, arrow right (into Angebot), space.
    await pickUpByKeyboard(page, page.getByRole('button', { name: 'Move Lathe' }));
    await page.keyboard.press('ArrowRight');
    await page
      .getByText(/^“Lathe” is over .* in Angebot\.$|^“Lathe” is over the column Angebot\.$/)
      .waitFor({ state: 'attached' });
    await page.keyboard.press('Space');
    await column(page, 'Angebot').getByText('Total €3,500.00 · weighted €1,750.00').waitFor();
    await column(page, 'Neu').getByText('No values').waitFor();
    await page.getByText('“Lathe” is now in Angebot.').waitFor({ state: 'attached' });
    const moved = await admin.get(`/api/v1/deals/${lathe.id}`);
    expect(moved.body.stageName).toBe('Angebot');
    // The screen reader heard where it went.
    await page.getByText('“Lathe” was dropped in Angebot.').waitFor({ state: 'attached' });

    // Lost: the grinder onto Verloren asks why; the reason is kept and the card leaves the board.
    await dragTo(page, page.getByRole('button', { name: 'Move Grinder' }), column(page, 'Verloren'));
    const dialog = page.getByRole('dialog', { name: 'Why was “Grinder” lost?' });
    await dialog.waitFor();
    await dialog.getByLabel('Lost reason').selectOption({ index: 1 });
    await screenshot(page, 'board-en-1280-lost-reason');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Mark as lost' }).click();
    await column(page, 'Angebot').getByText('Total €3,000.00 · weighted €1,500.00').waitFor();
    await column(page, 'Angebot').getByRole('link', { name: 'Grinder' }).waitFor({ state: 'detached' });
    const lost = (
      await admin.get(
        `/api/v1/deals?filter=${encodeURIComponent(JSON.stringify({ field: 'title', op: 'eq', value: 'Grinder' }))}`,
      )
    ).body.items[0];
    expect(lost.status).toBe('lost');
    expect(lost.lostReasonId).not.toBeNull();

    // Refused: someone moved the press meanwhile, and this browser heard nothing of it (its
    // stream is cut); the move comes back and says why.
    await page.route('**/events', (route) => route.abort());
    await page.reload();
    await column(page, 'Verhandlung').getByRole('link', { name: 'Press' }).waitFor();
    const elsewhere = await rita
      .post(`/api/v1/deals/${stale.id}/move`)
      .set('If-Match', `"${stale.version}"`)
      .send({ stageId: p.stage('Verhandlung'), position: 'top' });
    expect(elsewhere.status).toBe(200);
    await dragTo(page, page.getByRole('button', { name: 'Move Press' }), column(page, 'Neu'));
    await page.getByRole('alert').getByText('Someone changed “Press” meanwhile').waitFor();
    await column(page, 'Verhandlung').getByRole('link', { name: 'Press' }).waitFor();
    await column(page, 'Neu').getByText('No values').waitFor();
    await screenshot(page, 'board-en-1280-refused');
    expect((await admin.get(`/api/v1/deals/${stale.id}`)).body.stageName).toBe('Verhandlung');
    expect(problems).toEqual([]);
  }, 300_000);

  it('in English: the editor renames and reorders stages, adds a task template and a lost reason; a lead pipeline', async () => {
    const p = await newPipeline('Board Editor');
    const context = await signedInContext(harness, annaUser, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/pipelines/${p.id}`);
    await page.getByRole('link', { name: 'Edit pipeline' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit pipeline “Board Editor”' }).waitFor();

    const angebot = page.getByRole('form', { name: 'Angebot' });
    await angebot.getByLabel('Name').fill('Quote sent');
    await angebot.getByLabel('Probability (%)').fill('40');
    await angebot.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('form', { name: 'Quote sent' }).waitFor();
    await page.getByRole('button', { name: 'Move Quote sent up' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.getByRole('button', { name: 'Move Quote sent up' }).and(page.locator('[disabled]')).waitFor();
    expect((await admin.get(`/api/v1/pipelines/${p.id}`)).body.stages.map((s: { name: string }) => s.name)).toEqual([
      'Quote sent',
      'Neu',
      'Verhandlung',
      'Gewonnen',
      'Verloren',
    ]);
    expect((await admin.get(`/api/v1/pipelines/${p.id}`)).body.stages[0].probability).toBe(40);

    await page.getByLabel('Stage of the templates').selectOption({ label: 'Quote sent' });
    await page.getByLabel('Task title').fill('Call back');
    await page.getByLabel('Due after days').fill('2');
    await page.getByRole('button', { name: 'Add template' }).click();
    await page.getByRole('list', { name: 'Task templates of Quote sent' }).getByText('Call back').waitFor();
    await page.getByLabel('New lost reason').fill('Too expensive for now');
    await page.getByRole('button', { name: 'Add reason' }).click();
    await page
      .getByText('Too expensive for now', { exact: true })
      .waitFor()
      .catch(async (error: unknown) => {
        await screenshot(page, 'board-editor-en-1280-failed');
        throw error;
      });
    await screenshot(page, 'board-editor-en-1280');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The board shows the new order and name.
    await page.getByRole('link', { name: 'To the board' }).click();
    const headings = page.getByRole('heading', { level: 2 });
    await column(page, 'Quote sent').getByText('40 %').waitFor();
    expect((await headings.allInnerTexts()).slice(0, 2)).toEqual(['Quote sent', 'Neu']);

    // The switcher opens a lead pipeline's board, with the lead's card.
    const leads = (await admin.get('/api/v1/pipelines?kind=lead')).body.items[0] as {
      name: string;
      stages: { name: string }[];
    };
    expect((await admin.post('/api/v1/leads').send({ title: 'Messe-Kontakt', companyName: 'Nord AG' })).status).toBe(
      201,
    );
    await page.getByRole('combobox', { name: 'Pipeline' }).selectOption({ label: leads.name });
    await page.getByRole('heading', { level: 1, name: `Pipeline ${leads.name}` }).waitFor();
    await column(page, leads.stages[0]?.name as string)
      .getByRole('link', { name: 'Messe-Kontakt' })
      .waitFor();
    await screenshot(page, 'board-leads-en-1280');
  }, 180_000);

  it('in German at phone width: the rep moves a card by keyboard and sees the sums change, adds a deal in a column and filters', async () => {
    const p = await newPipeline('Board Telefon');
    await deal(p.stage('Neu'), 'Fräsmaschine FM-400', '48500.00');
    const context = await signedInContext(harness, ritaUser, { locale: 'de-DE', width: 390, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/pipelines/${p.id}`);
    await page.getByRole('heading', { level: 1, name: 'Pipeline Board Telefon' }).waitFor();
    await column(page, 'Neu').getByText('Summe 48.500,00 € · gewichtet 4.850,00 €').waitFor();
    await page.getByText('Live-Aktualisierung an').waitFor();
    await screenshot(page, 'board-de-390');
    expect(await seriousA11yViolations(page)).toEqual([]);
    // A rep edits no pipeline.
    expect(await page.getByRole('link', { name: 'Pipeline bearbeiten' }).count()).toBe(0);

    // Keyboard alone: the handle, space, arrow right, and space once the screen reader says where it is.
    await pickUpByKeyboard(page, page.getByRole('button', { name: 'Fräsmaschine FM-400 verschieben' }));
    await page.keyboard.press('ArrowRight');
    await page.getByText('„Fräsmaschine FM-400“ ist über der Spalte Angebot.').waitFor({ state: 'attached' });
    await page.keyboard.press('Space');
    await page.getByText('„Fräsmaschine FM-400“ wurde in Angebot abgelegt.').waitFor({ state: 'attached' });
    await column(page, 'Angebot').getByText('Summe 48.500,00 € · gewichtet 24.250,00 €').waitFor();
    await column(page, 'Neu').getByText('Keine Werte').waitFor();
    await screenshot(page, 'board-de-390-moved');

    // A new deal in a column: the form, then back to the board with the card in that column.
    await page.getByRole('button', { name: 'Deal in Neu anlegen' }).click();
    await page.getByLabel('Titel').first().fill('Drehbank DB-2');
    await page.getByRole('combobox', { name: 'Organisation' }).click();
    await page.keyboard.type('Keller');
    await page
      .getByRole('option', { name: /^Keller Maschinenbau GmbH/ })
      .click()
      .catch(async (error: unknown) => {
        await screenshot(page, 'board-de-390-add-failed');
        throw error;
      });
    await page.getByLabel('Wert').fill('1200');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL(`**/app/pipelines/${p.id}`);
    await column(page, 'Neu').getByRole('link', { name: 'Drehbank DB-2' }).waitFor();
    await column(page, 'Neu').getByText('Summe 1.200,00 € · gewichtet 120,00 €').waitFor();

    // The filter bar: a text narrows cards and sums alike (the API sums what matches).
    await page.getByRole('searchbox', { name: 'Karten durchsuchen' }).fill('Dreh');
    await column(page, 'Angebot').getByText('Keine Werte').waitFor();
    await column(page, 'Neu').getByText('Summe 1.200,00 € · gewichtet 120,00 €').waitFor();
    await page.getByRole('switch', { name: 'Nur meine' }).check();
    await column(page, 'Neu').getByRole('link', { name: 'Drehbank DB-2' }).waitFor();
    await page.getByRole('searchbox', { name: 'Karten durchsuchen' }).fill('');
    await column(page, 'Angebot').getByText('Summe 48.500,00 € · gewichtet 24.250,00 €').waitFor();
    await screenshot(page, 'board-de-390-filtered');
  }, 180_000);
});
