import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

interface Stage {
  id: string;
  name: string;
}

describe('dashboards', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let admin: AuthedAgent;
  let manager: AuthedAgent;
  let rita: AuthedAgent;
  let rolf: AuthedAgent;
  let outsider: AuthedAgent;
  let ritaId: string;
  let rolfId: string;
  let managerId: string;
  let org: string;

  const widget = (type: string, extra: Record<string, unknown> = {}) => ({ id: type, type, ...extra });

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Dashboard GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Max Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    fabrikam = await t.createTenant('Fabrikam Dashboard AG', [{ displayName: 'Fritz Fremd' }]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    manager = await contoso.as(contoso.upn('Max Manager'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    outsider = await fabrikam.as(fabrikam.upn('Fritz Fremd'));
    managerId = await contoso.userId(contoso.upn('Max Manager'));
    ritaId = await contoso.userId(contoso.upn('Rita Rep'));
    rolfId = await contoso.userId(contoso.upn('Rolf Rep'));
    await admin.post('/api/v1/admin/teams').send({ name: 'Team Dashboard', managerId, memberIds: [ritaId] });
    org = (await admin.post('/api/v1/organizations').send({ name: 'Kunde Dashboard AG' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('which dashboards one sees', () => {
    it('shows the default dashboard to someone who has none and whose company published none', async () => {
      const res = await rolf.get('/api/v1/dashboards').set('Accept-Language', 'de');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ id: null, scope: 'default', editable: false });
      expect(res.body.items[0].widgets.map((w: { type: string }) => w.type)).toEqual(
        expect.arrayContaining(['deals-by-stage', 'my-tasks', 'forecast-by-month']),
      );
    });

    it("keeps a rep's dashboard to themselves, saves widgets in order and checks If-Match", async () => {
      const created = await rita.post('/api/v1/dashboards').send({
        name: 'Mein Vertrieb',
        widgets: [
          widget('top-deals', { size: 'large', color: '#0078d4' }),
          widget('win-rate', { filters: { from: '2026-01-01', to: '2026-12-31' } }),
        ],
      });
      expect(created.status).toBe(201);
      expect(created.headers.etag).toBe('"1"');
      expect(created.body).toMatchObject({ name: 'Mein Vertrieb', scope: 'own', ownerId: ritaId, editable: true });
      expect(created.body.widgets[1]).toMatchObject({
        type: 'win-rate',
        size: 'medium',
        filters: { from: '2026-01-01' },
      });
      const id = created.body.id;

      const listed = await rita.get('/api/v1/dashboards');
      expect(listed.body.items.map((d: { name: string }) => d.name)).toEqual(['Mein Vertrieb']);
      expect((await rolf.get(`/api/v1/dashboards/${id}`)).status).toBe(404);
      expect((await rolf.patch(`/api/v1/dashboards/${id}`).send({ name: 'Meins' })).status).toBe(404);
      expect((await rolf.delete(`/api/v1/dashboards/${id}`)).status).toBe(404);
      expect((await rolf.get('/api/v1/dashboards')).body.items[0].scope).toBe('default');

      const reordered = await rita
        .patch(`/api/v1/dashboards/${id}`)
        .set('If-Match', '"1"')
        .send({ widgets: [created.body.widgets[1], created.body.widgets[0], widget('my-tasks')] });
      expect(reordered.status).toBe(200);
      expect(reordered.body.version).toBe(2);
      expect(reordered.body.widgets.map((w: { type: string }) => w.type)).toEqual([
        'win-rate',
        'top-deals',
        'my-tasks',
      ]);
      const stale = await rita.patch(`/api/v1/dashboards/${id}`).set('If-Match', '"1"').send({ name: 'Alt' });
      expect(stale.status).toBe(412);
      expect(stale.headers['content-type']).toContain('application/problem+json');
      expect((await rita.get(`/api/v1/dashboards/${id}`)).body.name).toBe('Mein Vertrieb');
    });

    it('answers bad input with a problem in the caller’s language', async () => {
      const unnamed = await rita
        .post('/api/v1/dashboards')
        .set('Accept-Language', 'de')
        .send({ name: ' ', widgets: [] });
      expect(unnamed.status).toBe(400);
      expect(unnamed.headers['content-type']).toContain('application/problem+json');
      expect(unnamed.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('#/name');
      const badWidget = await rita
        .post('/api/v1/dashboards')
        .send({ name: 'Kaputt', widgets: [widget('horoscope'), widget('win-rate', { color: 'red' })] });
      expect(badWidget.status).toBe(400);
      expect(badWidget.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(
        expect.arrayContaining(['#/widgets/0/type', '#/widgets/1/color']),
      );
      const twice = await rita
        .post('/api/v1/dashboards')
        .send({ name: 'Doppelt', widgets: [widget('win-rate'), widget('win-rate')] });
      expect(twice.status).toBe(400);
      const notAnId = await rita.get('/api/v1/dashboards/not-an-id');
      expect(notAnId.status).toBe(400);
      expect(notAnId.headers['content-type']).toContain('application/problem+json');
      const unknownWidget = await rita.get('/api/v1/dashboards/widgets/horoscope');
      expect(unknownWidget.status).toBe(400);
      const backwards = await rita
        .get('/api/v1/dashboards/widgets/win-rate?from=2026-05-01&to=2026-04-01')
        .set('Accept-Language', 'en');
      expect(backwards.status).toBe(400);
      expect(backwards.body.errors[0].pointer).toBe('#/to');
      const notADay = await rita.get('/api/v1/dashboards/widgets/win-rate?from=gestern');
      expect(notADay.status).toBe(400);
      const unknownPipeline = await rita
        .get('/api/v1/dashboards/widgets/deals-by-stage?pipelineId=00000000-0000-4000-8000-000000000000')
        .set('Accept-Language', 'de');
      expect(unknownPipeline.status).toBe(422);
      expect(unknownPipeline.body.detail).toContain('Deal-Pipeline');
    });

    it('lets only admins publish the company dashboard, which everyone then sees after their own', async () => {
      const mine = (await rita.post('/api/v1/dashboards').send({ name: 'Ritas Board', widgets: [] })).body;
      const refused = await rita.post(`/api/v1/dashboards/${mine.id}/publish`);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');

      const company = (
        await admin.post('/api/v1/dashboards').send({ name: 'Unternehmen', widgets: [widget('deals-by-stage')] })
      ).body;
      const published = await admin.post(`/api/v1/dashboards/${company.id}/publish`);
      expect(published.status).toBe(200);
      expect(published.body).toMatchObject({ scope: 'company', editable: true });
      expect(published.body.publishedAt).not.toBeNull();

      // Rolf has none of his own: he sees the company's, and may not change it.
      const rolfs = (await rolf.get('/api/v1/dashboards')).body.items;
      expect(rolfs).toHaveLength(1);
      expect(rolfs[0]).toMatchObject({ id: company.id, scope: 'company', editable: false });
      expect((await rolf.patch(`/api/v1/dashboards/${company.id}`).send({ name: 'Gekapert' })).status).toBe(403);
      expect((await rolf.delete(`/api/v1/dashboards/${company.id}`)).status).toBe(403);
      expect((await rolf.post(`/api/v1/dashboards/${company.id}/unpublish`)).status).toBe(403);
      // Rita sees her own first, then the company's.
      const ritas = (await rita.get('/api/v1/dashboards')).body.items.map((d: { name: string; scope: string }) => [
        d.name,
        d.scope,
      ]);
      expect(ritas).toEqual([
        ['Mein Vertrieb', 'own'],
        ['Ritas Board', 'own'],
        ['Unternehmen', 'company'],
      ]);
      // An admin cannot publish a colleague's private dashboard: it does not exist for them.
      expect((await admin.post(`/api/v1/dashboards/${mine.id}/publish`)).status).toBe(404);

      // Publishing another one makes the first its owner's alone again.
      const second = (await admin.post('/api/v1/dashboards').send({ name: 'Quartal', widgets: [] })).body;
      expect((await admin.post(`/api/v1/dashboards/${second.id}/publish`)).status).toBe(200);
      expect((await rolf.get('/api/v1/dashboards')).body.items.map((d: { name: string }) => d.name)).toEqual([
        'Quartal',
      ]);
      expect((await admin.get(`/api/v1/dashboards/${company.id}`)).body.scope).toBe('own');

      const unpublished = await admin.post(`/api/v1/dashboards/${second.id}/unpublish`);
      expect(unpublished.status).toBe(200);
      expect(unpublished.body.scope).toBe('own');
      expect((await rolf.get('/api/v1/dashboards')).body.items[0].scope).toBe('default');
      const stale = await admin.delete(`/api/v1/dashboards/${second.id}`).set('If-Match', '"1"');
      expect(stale.status).toBe(412);
      expect((await admin.delete(`/api/v1/dashboards/${second.id}`)).status).toBe(204);
      expect((await admin.get(`/api/v1/dashboards/${second.id}`)).status).toBe(404);
    });

    it("never shows another organisation's dashboards or figures", async () => {
      const company = (await admin.get('/api/v1/dashboards')).body.items.find(
        (d: { name: string }) => d.name === 'Unternehmen',
      );
      await admin.post(`/api/v1/dashboards/${company.id}/publish`);
      expect((await outsider.get('/api/v1/dashboards')).body.items[0].scope).toBe('default');
      expect((await outsider.get(`/api/v1/dashboards/${company.id}`)).status).toBe(404);
      expect((await outsider.patch(`/api/v1/dashboards/${company.id}`).send({ name: 'Fremd' })).status).toBe(404);
      expect((await outsider.delete(`/api/v1/dashboards/${company.id}`)).status).toBe(404);
      await rita.post('/api/v1/deals').send({ title: 'Nur Contoso', value: '10.00', organizationId: org });
      const top = await outsider.get('/api/v1/dashboards/widgets/top-deals');
      expect(top.status).toBe(200);
      expect(top.body.items).toEqual([]);
      const team = await outsider.get('/api/v1/dashboards/widgets/team-activity');
      expect(team.body.items.map((row: { displayName: string }) => row.displayName)).not.toContain('Rita Rep');
    });
  });

  describe('widget figures', () => {
    let pipelineId: string;
    let stage: (name: string) => string;
    let lostReasons: { id: string; name: string }[];

    const deal = async (api: AuthedAgent, fields: Record<string, unknown>) => {
      const res = await api.post('/api/v1/deals').send({ organizationId: org, pipelineId, ...fields });
      expect(res.status).toBe(201);
      return res.body as { id: string };
    };
    const data = async (api: AuthedAgent, type: string, query: Record<string, string> = {}) => {
      const res = await api.get(`/api/v1/dashboards/widgets/${type}?${new URLSearchParams(query)}`);
      expect(res.status).toBe(200);
      return res.body;
    };

    beforeAll(async () => {
      const res = await admin.post('/api/v1/pipelines').send({
        name: 'Dashboard-Pipeline',
        kind: 'deal',
        stages: [
          { name: 'Erstkontakt', probability: 10 },
          { name: 'Angebot', probability: 50 },
          { name: 'Gewonnen', probability: 100, outcome: 'won' },
          { name: 'Verloren', probability: 0, outcome: 'lost' },
        ],
      });
      expect(res.status).toBe(201);
      pipelineId = res.body.id;
      const stages = res.body.stages as Stage[];
      stage = (name) => (stages.find((s) => s.name === name) as Stage).id;
      lostReasons = (await admin.get('/api/v1/lost-reasons?objectType=deal')).body.items;

      await deal(rita, { title: 'Ofen', value: '1000.00', stageId: stage('Angebot'), expectedCloseDate: '2031-03-10' });
      await deal(rita, {
        title: 'Waage',
        value: '333.33',
        currency: 'CHF',
        stageId: stage('Angebot'),
        expectedCloseDate: '2031-03-20',
      });
      await deal(rita, {
        title: 'Mixer',
        value: '200.00',
        stageId: stage('Erstkontakt'),
        expectedCloseDate: '2031-04-01',
      });
      await deal(rolf, {
        title: 'Kühlhaus',
        value: '50000.00',
        stageId: stage('Angebot'),
        expectedCloseDate: '2031-03-15',
      });
      await deal(manager, { title: 'Lager', value: '700.00', stageId: stage('Erstkontakt') });
      await deal(rita, { title: 'Gewonnen 1', value: '100.00', status: 'won' });
      await deal(rita, { title: 'Gewonnen 2', value: '100.00', status: 'won' });
      await deal(rita, { title: 'Verloren 1', value: '100.00', status: 'lost', lostReasonId: lostReasons[0]?.id });
      await deal(rolf, { title: 'Verloren Rolf', value: '100.00', status: 'lost', lostReasonId: lostReasons[1]?.id });
      const trashed = await deal(rita, { title: 'Papierkorb', value: '9999.00', stageId: stage('Angebot') });
      await rita.delete(`/api/v1/deals/${trashed.id}`);
    });

    it('sums deals by stage per currency, each viewer over the deals they may see', async () => {
      const ritas = await data(rita, 'deals-by-stage', { pipelineId });
      expect(ritas.stages.map((s: { name: string }) => s.name)).toEqual(['Erstkontakt', 'Angebot']);
      expect(ritas.stages[1]).toMatchObject({
        count: 2,
        sums: [
          { currency: 'CHF', value: '333.33', weighted: '166.67' },
          { currency: 'EUR', value: '1000.00', weighted: '500.00' },
        ],
      });
      // The manager sees his team (Rita) and his own; not Rolf's.
      const managers = await data(manager, 'deals-by-stage', { pipelineId });
      expect(managers.stages[0]).toMatchObject({
        count: 2,
        sums: [{ currency: 'EUR', value: '900.00', weighted: '90.00' }],
      });
      expect(managers.stages[1].count).toBe(2);
      // The admin sees all, and the figures agree with SQL over the same deals.
      const admins = await data(admin, 'deals-by-stage', { pipelineId });
      const independent = await t.orm.em.getConnection().execute<{ stage_id: string; n: number; value: string }[]>(
        `select stage_id, count(*)::int as n, sum(value)::numeric(18,2)::text as value from deal
          where tenant_id = ? and pipeline_id = ? and status = 'open' and deleted_at is null and currency = 'EUR'
          group by stage_id`,
        [contoso.id, pipelineId],
      );
      for (const row of independent) {
        const shown = admins.stages.find((s: { stageId: string }) => s.stageId === row.stage_id);
        expect(shown.sums.find((sum: { currency: string }) => sum.currency === 'EUR').value).toBe(row.value);
      }
      expect(admins.stages[1].count).toBe(3);
      // Filters: one colleague, or only one's own.
      expect((await data(admin, 'deals-by-stage', { pipelineId, ownerId: rolfId })).stages[1].count).toBe(1);
      expect((await data(manager, 'deals-by-stage', { pipelineId, personal: 'true' })).stages[0].count).toBe(1);
      // A colleague outside one's view leaves nothing rather than showing their deals.
      expect((await data(rita, 'deals-by-stage', { pipelineId, ownerId: rolfId })).stages[1].count).toBe(0);
    });

    it('forecasts the weighted open value by month of the expected close', async () => {
      const forecast = await data(admin, 'forecast-by-month', { pipelineId, from: '2031-01-01', to: '2031-12-31' });
      expect(forecast.months).toEqual([
        {
          month: '2031-03',
          count: 3,
          sums: [
            { currency: 'CHF', value: '333.33', weighted: '166.67' },
            { currency: 'EUR', value: '51000.00', weighted: '25500.00' },
          ],
        },
        { month: '2031-04', count: 1, sums: [{ currency: 'EUR', value: '200.00', weighted: '20.00' }] },
      ]);
      const ritas = await data(rita, 'forecast-by-month', { pipelineId, from: '2031-03-01', to: '2031-03-31' });
      expect(ritas.months[0].sums).toContainEqual({ currency: 'EUR', value: '1000.00', weighted: '500.00' });
    });

    it('counts the win rate and the lost reasons of the closed deals', async () => {
      expect(await data(rita, 'win-rate', { pipelineId })).toEqual({ type: 'win-rate', won: 2, lost: 1, rate: 2 / 3 });
      expect(await data(admin, 'win-rate', { pipelineId })).toMatchObject({ won: 2, lost: 2, rate: 0.5 });
      expect(await data(admin, 'win-rate', { pipelineId, from: '2020-01-01', to: '2020-12-31' })).toMatchObject({
        won: 0,
        lost: 0,
        rate: null,
      });
      const reasons = await data(admin, 'lost-reasons', { pipelineId });
      expect(reasons.items).toEqual(
        expect.arrayContaining([
          { lostReasonId: lostReasons[0]?.id, name: lostReasons[0]?.name, count: 1 },
          { lostReasonId: lostReasons[1]?.id, name: lostReasons[1]?.name, count: 1 },
        ]),
      );
      expect((await data(rita, 'lost-reasons', { pipelineId })).items).toHaveLength(1);
    });

    it('lists the top open deals by value, only those one may see', async () => {
      const ritas = await data(rita, 'top-deals', { pipelineId });
      expect(ritas.items.map((d: { title: string }) => d.title)).toEqual(['Ofen', 'Waage', 'Mixer']);
      expect(ritas.items[0]).toMatchObject({
        value: '1000.00',
        currency: 'EUR',
        stageName: 'Angebot',
        ownerName: 'Rita Rep',
      });
      const admins = await data(admin, 'top-deals', { pipelineId });
      expect(admins.items[0].title).toBe('Kühlhaus');
      expect(admins.items.map((d: { title: string }) => d.title)).not.toContain('Papierkorb');
    });

    it('averages the days deals stayed in each stage from their stage changes', async () => {
      const a = await deal(rita, { title: 'Schnell', stageId: stage('Erstkontakt') });
      const b = await deal(rita, { title: 'Langsam', stageId: stage('Erstkontakt') });
      for (const id of [a.id, b.id]) {
        expect((await rita.patch(`/api/v1/deals/${id}`).send({ stageId: stage('Angebot') })).status).toBe(200);
      }
      // The deals entered their first stage 2 and 4 days before they moved on.
      await t.orm.em.getConnection().execute(
        `update deal_stage_change c set changed_at = m.moved - make_interval(days => ?)
           from (select deal_id, max(changed_at) as moved from deal_stage_change group by deal_id) m
          where m.deal_id = c.deal_id and c.deal_id = ? and c.from_stage_id is null`,
        [2, a.id],
      );
      await t.orm.em.getConnection().execute(
        `update deal_stage_change c set changed_at = m.moved - make_interval(days => ?)
           from (select deal_id, max(changed_at) as moved from deal_stage_change group by deal_id) m
          where m.deal_id = c.deal_id and c.deal_id = ? and c.from_stage_id is null`,
        [4, b.id],
      );
      const velocity = await data(rita, 'pipeline-velocity', { pipelineId });
      expect(velocity.stages[0]).toMatchObject({ name: 'Erstkontakt', deals: 2, averageDays: 3, medianDays: 3 });
      expect(velocity.stages[1]).toMatchObject({ name: 'Angebot', deals: 0, averageDays: null, medianDays: null });
      // Without a period the widget counts the last 90 days and says so; with one, it does not.
      expect(velocity.lastDays).toBe(90);
      // The same figures by independent SQL over the same rows: each stay runs to the deal's next change.
      const [independent] = await t.orm.em.getConnection().execute(
        `select count(*)::int as n,
                round((avg(secs) / 86400)::numeric, 1)::float8 as average,
                round((percentile_cont(0.5) within group (order by secs) / 86400)::numeric, 1)::float8 as median
           from (select c.deal_id, extract(epoch from (n.changed_at - c.changed_at)) as secs
                   from deal_stage_change c
                   join deal_stage_change n on n.deal_id = c.deal_id and n.from_stage_id = c.to_stage_id
                  where c.to_stage_id = ? and c.deal_id in (?, ?)) s`,
        [stage('Erstkontakt'), a.id, b.id],
      );
      expect(velocity.stages[0]).toMatchObject({
        deals: independent?.n,
        averageDays: independent?.average,
        medianDays: independent?.median,
      });
      const today = new Date().toISOString().slice(0, 10);
      const periodic = await data(rita, 'pipeline-velocity', { pipelineId, from: '2000-01-01', to: today });
      expect(periodic).toMatchObject({ lastDays: null });
      expect(periodic.stages[0]).toMatchObject({ deals: 2, averageDays: 3 });
      // Rolf sees none of Rita's deals.
      expect((await data(rolf, 'pipeline-velocity', { pipelineId })).stages[0].deals).toBe(0);
    });

    it("shows one's open tasks and due activities, and the team's activity", async () => {
      await rita.post('/api/v1/tasks').send({ title: 'Angebot nachfassen', dueAt: '2026-01-05T09:00:00Z' });
      await rita.post('/api/v1/tasks').send({ title: 'Ohne Termin' });
      await rolf.post('/api/v1/tasks').send({ title: 'Rolfs Aufgabe', dueAt: '2026-01-01T09:00:00Z' });
      const tasks = await data(rita, 'my-tasks');
      expect(tasks.total).toBe(2);
      expect(tasks.items.map((task: { title: string }) => task.title)).toEqual(['Angebot nachfassen', 'Ohne Termin']);
      expect((await data(manager, 'my-tasks', { ownerId: ritaId })).total).toBe(2);
      expect((await data(rita, 'my-tasks', { ownerId: rolfId })).total).toBe(0);

      const types = (await rita.get('/api/v1/activity-types')).body.items as { id: string }[];
      const typeId = types[0]?.id;
      await rita.post('/api/v1/activities').send({ typeId, subject: 'Anruf fällig', startsAt: '2026-01-02T10:00:00Z' });
      await rita
        .post('/api/v1/activities')
        .send({ typeId, subject: 'Erledigt', startsAt: new Date().toISOString(), done: true });
      await rita
        .post('/api/v1/activities')
        .send({ typeId, subject: 'Nächstes Jahr', startsAt: new Date(Date.now() + 366 * 86_400_000).toISOString() });
      await rolf.post('/api/v1/activities').send({ typeId, subject: 'Rolfs Termin', startsAt: '2026-01-02T10:00:00Z' });
      const due = await data(rita, 'activities-due');
      expect(due.items.map((activity: { subject: string }) => activity.subject)).toEqual(['Anruf fällig']);
      expect((await data(admin, 'activities-due')).total).toBe(2);

      const team = await data(manager, 'team-activity');
      expect(team.items).toEqual(
        [
          { userId: managerId, displayName: 'Max Manager', activities: 0, tasksDone: 0, dealsWon: 0 },
          { userId: ritaId, displayName: 'Rita Rep', activities: 1, tasksDone: 0, dealsWon: 2 },
        ].filter((row) => row.activities + row.tasksDone + row.dealsWon > 0),
      );
    });

    it('counts new leads by source', async () => {
      await rita.post('/api/v1/leads').send({ title: 'Messe A', companyName: 'A GmbH', source: 'Messe' });
      await rita.post('/api/v1/leads').send({ title: 'Messe B', companyName: 'B GmbH', source: 'Messe' });
      await rita.post('/api/v1/leads').send({ title: 'Web', companyName: 'C GmbH', source: 'Website' });
      await rolf.post('/api/v1/leads').send({ title: 'Rolfs Lead', companyName: 'D GmbH', source: 'Website' });
      expect((await data(rita, 'new-leads-by-source')).items).toEqual([
        { source: 'Messe', count: 2 },
        { source: 'Website', count: 1 },
      ]);
      expect((await data(admin, 'new-leads-by-source')).items).toEqual([
        { source: 'Messe', count: 2 },
        { source: 'Website', count: 2 },
      ]);
    });
  });
});
