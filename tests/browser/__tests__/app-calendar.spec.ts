// The calendar (T8) in chromium against the real backend: a rep's month with a meeting, a task and
// a deal entering a stage, moved through by arrow keys, a day opened with Enter and its task opened
// with Enter on its record's page; the timeline's phase bars with their task progress; in German at
// desk width and in English at phone width; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser('the web app: calendar and timeline', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let organization: string;

  const sql = (query: string, params: unknown[]) => harness.t.orm.em.getConnection().execute(query, params);

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Kalender GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    organization = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    const meetingType = (await rep.get('/api/v1/activity-types')).body.items.find(
      (type: { key: string }) => type.key === 'meeting',
    ).id;
    const meeting = await rep.post('/api/v1/activities').send({
      typeId: meetingType,
      subject: 'Werksbesichtigung',
      startsAt: '2026-11-10T10:00:00+01:00',
      durationMinutes: 60,
      links: [{ type: 'organization', id: organization }],
    });
    expect(meeting.status).toBe(201);
    const task = await rep.post('/api/v1/tasks').send({
      title: 'Angebot nachfassen',
      dueAt: '2026-11-12T09:00:00+01:00',
      links: [{ type: 'organization', id: organization }],
    });
    expect(task.status).toBe(201);

    const pipeline = (await rep.get('/api/v1/pipelines?kind=deal')).body.items[0] as {
      stages: { id: string; name: string }[];
    };
    const stage = (name: string) => pipeline.stages.find((candidate) => candidate.name === name)?.id;
    const deal = await rep
      .post('/api/v1/deals')
      .send({ title: 'Fräsmaschine FM-400', organizationId: organization, stageId: stage('Qualifizierung') });
    expect(deal.status).toBe(201);
    expect((await rep.patch(`/api/v1/deals/${deal.body.id}`).send({ stageId: stage('Angebot') })).status).toBe(200);
    await sql(
      `update deal_stage_change set changed_at = case when from_stage_id is null
         then timestamptz '2026-11-02T08:00:00Z' else timestamptz '2026-11-14T08:00:00Z' end where deal_id = ?`,
      [deal.body.id],
    );
    await sql(`update deal set created_at = '2026-11-02T08:00:00Z' where id = ?`, [deal.body.id]);
    for (const [title, dueAt, status] of [
      ['Angebot schreiben', '2026-11-16T09:00:00+01:00', 'done'],
      ['Angebot besprechen', '2026-11-20T09:00:00+01:00', 'open'],
    ]) {
      const made = await rep.post('/api/v1/tasks').send({ title, dueAt, links: [{ type: 'deal', id: deal.body.id }] });
      expect(made.status).toBe(201);
      await sql('update task set status = ? where id = ?', [status, made.body.id]);
    }
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('in German at desk width: the month by arrow keys, a day and its task by Enter, the timeline', async () => {
    const context = await signedInContext(harness, user, { locale: 'de-DE', width: 1280, button: /^Anmelden$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/`);
    await page.getByRole('link', { name: 'Kalender', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Kalender' }).waitFor();
    await page.goto(`${harness.baseUrl}/app/calendar?date=2026-11-10&view=month`);
    const grid = page.getByRole('grid', { name: 'Kalender November 2026' });
    const tenth = grid.getByRole('gridcell', { name: /^Dienstag, 10\. November 2026, ein Eintrag/ });
    await tenth.getByRole('link', { name: 'Termin: 10:00 Werksbesichtigung' }).waitFor();
    await grid
      .getByRole('gridcell', { name: /^Samstag, 14\. November 2026/ })
      .getByRole('link', { name: 'Deal kommt in Phase Angebot: Fräsmaschine FM-400' })
      .waitFor();
    await screenshot(page, 'calendar-de-1280-month');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await tenth.focus();
    // The focused day says itself first (its hidden label).
    const press = async (key: string, label: string) => {
      await page.keyboard.press(key);
      await page.waitForFunction((name) => document.activeElement?.firstElementChild?.textContent === name, label);
    };
    await press('ArrowRight', 'Mittwoch, 11. November 2026, 0 Einträge');
    await press('ArrowDown', 'Mittwoch, 18. November 2026, 0 Einträge');
    await press('ArrowUp', 'Mittwoch, 11. November 2026, 0 Einträge');
    await press('ArrowRight', 'Donnerstag, 12. November 2026, ein Eintrag');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Donnerstag, 12. November 2026' }).waitFor();
    const day = page.getByRole('gridcell', { name: /^Donnerstag, 12\. November 2026, ein Eintrag/ });
    await day.getByRole('link', { name: 'Aufgabe fällig 09:00 Angebot nachfassen' }).waitFor();
    await screenshot(page, 'calendar-de-1280-day');
    await day.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/app/records/organization/${organization}`);

    await page.goto(`${harness.baseUrl}/app/calendar?date=2026-11-10&view=timeline`);
    const timeline = page.getByRole('region', { name: 'Deal-Phasen November 2026' });
    await timeline
      .getByRole('link', {
        name: 'Angebot 1/2 – Fräsmaschine FM-400, 14.11.2026 bis offen, 1 von 2 Aufgaben erledigt',
      })
      .waitFor();
    await timeline
      .getByRole('link', {
        name: 'Qualifizierung – Fräsmaschine FM-400, 02.11.2026 bis 14.11.2026, keine Aufgaben',
      })
      .waitFor();
    await screenshot(page, 'calendar-de-1280-timeline');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  }, 240_000);

  it('in English at phone width: the week, only tasks, and the timeline', async () => {
    const context = await signedInContext(harness, user, { locale: 'en-US', width: 360, button: /^Sign in$/ });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/app/calendar?date=2026-11-10&view=week&owner=me`);
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await page.getByRole('button', { name: 'Week', pressed: true }).waitFor();
    const grid = page.getByRole('grid');
    // Intl puts a narrow no-break space before AM.
    await grid.getByRole('link', { name: /^Meeting: 10:00\sAM Werksbesichtigung$/ }).waitFor();
    await grid.getByRole('link', { name: /^Task due 09:00\sAM Angebot nachfassen$/ }).waitFor();
    await screenshot(page, 'calendar-en-360-week');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The types shown live in the address: the box shows unchecked once the page has rendered the
    // new address (a transition, which a loaded machine may finish after the click has returned).
    await page.getByRole('checkbox', { name: 'Activities' }).click();
    await page.getByRole('checkbox', { name: 'Activities', checked: false }).waitFor();
    await grid.getByRole('link', { name: /Werksbesichtigung/ }).waitFor({ state: 'detached' });
    await grid.getByRole('link', { name: /^Task due 09:00\sAM Angebot nachfassen$/ }).waitFor();

    await page.getByRole('button', { name: 'Timeline' }).click();
    await page
      .getByRole('region', { name: 'Deal phases November 2026' })
      .getByRole('link', { name: 'Angebot 1/2 – Fräsmaschine FM-400, Nov 14, 2026 to open, 1 of 2 tasks done' })
      .waitFor();
    await screenshot(page, 'calendar-en-360-timeline');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  }, 240_000);
});
