import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

interface Section {
  key: string;
  columns: string[];
  rows: Record<string, string | number | null>[];
}

describe('reports', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let manager: AuthedAgent;
  let rita: AuthedAgent;
  let stranger: AuthedAgent;
  let pipelineId: string;
  let ritaId: string;
  let tooExpensive: string;
  let customer: string;
  const stages: Record<string, string> = {};
  /** The month deals closed in the test: now, in Berlin. */
  const thisMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit' })
    .format(new Date())
    .slice(0, 7);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());

  const report = async (api: AuthedAgent, path: string) => {
    const res = await api.get(`/api/v1/reports/${path}`);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
    const section = (key: string) => (res.body.sections as Section[]).find((s) => s.key === key) as Section;
    return { body: res.body, rows: (key: string) => section(key).rows };
  };

  /** A CSV body as text, BOM included; supertest leaves text/csv to us. */
  const csv = (api: AuthedAgent, path: string, language = 'de') =>
    api
      .get(`/api/v1/reports/${path}`)
      .set('Accept', 'text/csv')
      .set('Accept-Language', language)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      });

  const deal = async (api: AuthedAgent, stage: string, title: string, value: string, currency = 'EUR') => {
    const res = await api
      .post('/api/v1/deals')
      .send({ title, value, currency, stageId: stages[stage], organizationId: customer });
    expect({ title, status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body as { id: string };
  };
  const close = async (api: AuthedAgent, id: string, status: 'won' | 'lost') => {
    const res = await api
      .patch(`/api/v1/deals/${id}`)
      .send(status === 'won' ? { status } : { status, lostReasonId: tooExpensive });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Berichte GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Max Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    const fabrikam = await t.createTenant('Fabrikam Berichte AG', [{ displayName: 'Zoë Bäcker' }]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    manager = await contoso.as(contoso.upn('Max Manager'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    const rolf = await contoso.as(contoso.upn('Rolf Rep'));
    stranger = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const managerId = await contoso.userId(contoso.upn('Max Manager'));
    ritaId = await contoso.userId(contoso.upn('Rita Rep'));
    expect(
      (await admin.post('/api/v1/admin/teams').send({ name: 'Team Köln', managerId, memberIds: [ritaId] })).status,
    ).toBe(201);
    const pipeline = await admin.post('/api/v1/pipelines').send({
      name: 'Berichtspipeline',
      kind: 'deal',
      stages: [
        { name: 'Erstkontakt', probability: 10 },
        { name: 'Angebot', probability: 50 },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
        { name: 'Verloren', probability: 0, outcome: 'lost' },
      ],
    });
    expect(pipeline.status).toBe(201);
    pipelineId = pipeline.body.id;
    for (const stage of pipeline.body.stages as { id: string; name: string }[]) stages[stage.name] = stage.id;
    const reasons = (await admin.get('/api/v1/lost-reasons?objectType=deal')).body.items as { id: string }[];
    tooExpensive = (reasons[0] as { id: string }).id;

    const organization = async (name: string, industry: string | null, revenue: string | null, postalCode: string) => {
      const res = await admin
        .post('/api/v1/organizations?confirm=duplicate')
        .send({ name, industry, revenue, addresses: [{ street: 'Hauptstraße 1', postalCode, city: 'Irgendwo' }] });
      expect({ name, status: res.status, body: res.body }).toMatchObject({ status: 201 });
      return res.body.id as string;
    };
    customer = await organization('Bäckerei Am Dom', 'Lebensmittel', '1250000.00', '50667');
    await organization('Konditorei Ehrenfeld', 'Lebensmittel', '800000.00', '50823');
    await organization('Stahlbau Dortmund', 'Metall', '75000000.00', '44135');
    await organization('Formel GmbH', '=HYPERLINK("http://evil.example")', null, '80331');

    await deal(rita, 'Angebot', 'Ofen', '1000.00');
    await deal(rita, 'Angebot', 'Teigmaschine', '250.55');
    await deal(rita, 'Angebot', 'Waage Zürich', '333.33', 'CHF');
    await deal(rita, 'Erstkontakt', 'Kleinkram', '100.00');
    await deal(rolf, 'Angebot', 'Rolfs Ofen', '2000.00');
    const trashed = await deal(rita, 'Angebot', 'Im Papierkorb', '7000.00');
    expect((await rita.delete(`/api/v1/deals/${trashed.id}`)).status).toBe(204);
    await close(rita, (await deal(rita, 'Angebot', 'Gewonnen 1', '5000.00')).id, 'won');
    await close(rita, (await deal(rita, 'Angebot', 'Gewonnen 2', '1500.00')).id, 'won');
    await close(rita, (await deal(rita, 'Angebot', 'Verloren 1', '700.00')).id, 'lost');
    await close(rolf, (await deal(rolf, 'Angebot', 'Rolf verloren', '300.00')).id, 'lost');

    const types = (await admin.get('/api/v1/activity-types')).body.items as { id: string; key: string | null }[];
    const type = (key: string) => (types.find((candidate) => candidate.key === key) as { id: string }).id;
    const activity = async (api: AuthedAgent, key: string, done: boolean) => {
      const res = await api
        .post('/api/v1/activities')
        .send({ typeId: type(key), subject: `${key} heute`, startsAt: new Date().toISOString(), done });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    };
    await activity(rita, 'call', true);
    await activity(rita, 'call', false);
    await activity(rita, 'visit', true);
    await activity(rolf, 'call', true);
    const task = async (api: AuthedAgent, title: string, status: string) => {
      const res = await api.post('/api/v1/tasks').send({ title, status });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    };
    await task(rita, 'Angebot schreiben', 'done');
    await task(rita, 'Nachfassen', 'done');
    await task(rita, 'Noch offen', 'open');
    await task(rolf, 'Rolfs Aufgabe', 'done');
  });
  afterAll(async () => {
    await t.close();
  });

  it('sums the open deals per pipeline, stage and currency, weighted by the stage probability', async () => {
    const { body, rows } = await report(admin, `pipeline?pipelineId=${pipelineId}`);
    expect(body.filters).toEqual({ pipelineId, ownerId: null, from: null, to: null });
    expect(rows('stages')).toEqual([
      {
        pipeline: 'Berichtspipeline',
        stage: 'Erstkontakt',
        probability: 10,
        currency: 'EUR',
        count: 1,
        sum: '100.00',
        weighted: '10.00',
      },
      {
        pipeline: 'Berichtspipeline',
        stage: 'Angebot',
        probability: 50,
        currency: 'CHF',
        count: 1,
        sum: '333.33',
        weighted: '166.67',
      },
      {
        pipeline: 'Berichtspipeline',
        stage: 'Angebot',
        probability: 50,
        currency: 'EUR',
        count: 3,
        sum: '3250.55',
        weighted: '1625.28',
      },
    ]);
  });

  it('agrees with plain SQL over the same deals', async () => {
    const [expected] = await t.orm.em.getConnection().execute<{ n: number; total: string }[]>(
      `select count(*)::int as n, sum(value)::text as total from deal
          where pipeline_id = ? and status = 'open' and deleted_at is null and currency = 'EUR'`,
      [pipelineId],
    );
    const eur = (await report(admin, `pipeline?pipelineId=${pipelineId}`))
      .rows('stages')
      .filter((row) => row.currency === 'EUR');
    expect(eur.reduce((n, row) => n + Number(row.count), 0)).toBe(expected?.n);
    expect(eur.reduce((sum, row) => sum + Number(row.sum), 0).toFixed(2)).toBe(Number(expected?.total).toFixed(2));
  });

  it("shows a rep their own deals only, a manager their team's", async () => {
    const ritas = await report(rita, `pipeline?pipelineId=${pipelineId}`);
    expect(ritas.rows('stages').find((row) => row.stage === 'Angebot' && row.currency === 'EUR')).toMatchObject({
      count: 2,
      sum: '1250.55',
    });
    const team = await report(manager, `win-loss?pipelineId=${pipelineId}`);
    expect(team.rows('owners').map((row) => row.owner)).toEqual(['Rita Rep']);
    const filtered = await report(admin, `pipeline?pipelineId=${pipelineId}&ownerId=${ritaId}`);
    expect(filtered.rows('stages').reduce((n, row) => n + Number(row.count), 0)).toBe(4);
  });

  it('counts won and lost per month and owner, with the win rate and the lost reasons', async () => {
    const { rows } = await report(admin, `win-loss?pipelineId=${pipelineId}&from=${today}&to=${today}`);
    expect(rows('months')).toEqual([
      {
        month: thisMonth,
        currency: 'EUR',
        won: 2,
        wonValue: '6500.00',
        lost: 2,
        lostValue: '1000.00',
        winRate: '50.0',
      },
    ]);
    expect(rows('owners')).toEqual([
      {
        owner: 'Rita Rep',
        currency: 'EUR',
        won: 2,
        wonValue: '6500.00',
        lost: 1,
        lostValue: '700.00',
        winRate: '66.7',
      },
      { owner: 'Rolf Rep', currency: 'EUR', won: 0, wonValue: '0.00', lost: 1, lostValue: '300.00', winRate: '0.0' },
    ]);
    expect(rows('lostReasons')).toEqual([{ reason: expect.any(String), count: 2 }]);
    const later = await report(admin, `win-loss?pipelineId=${pipelineId}&from=2099-01-01`);
    expect(later.rows('months')).toEqual([]);
  });

  it('counts activities by type and tasks done per user and per team', async () => {
    const { rows } = await report(admin, `activities?from=${today}&to=${today}`);
    const calls = rows('users').filter((row) => row.activities === 2 || row.user === 'Rolf Rep');
    expect(calls).toEqual([
      { user: 'Rita Rep', type: expect.any(String), activities: 2, done: 1 },
      { user: 'Rolf Rep', type: expect.any(String), activities: 1, done: 1 },
    ]);
    expect(rows('users').filter((row) => row.user === 'Rita Rep')).toHaveLength(2);
    expect(rows('userTasks')).toEqual([
      { user: 'Rita Rep', tasksDone: 2 },
      { user: 'Rolf Rep', tasksDone: 1 },
    ]);
    expect(rows('teams').reduce((n, row) => n + Number(row.activities), 0)).toBe(3);
    expect(rows('teamTasks')).toEqual([{ team: 'Team Köln', tasksDone: 2 }]);
    const ritas = await report(rita, 'activities');
    expect(ritas.rows('userTasks')).toEqual([{ user: 'Rita Rep', tasksDone: 2 }]);
  });

  it('counts organizations by industry, postal region and revenue band', async () => {
    const { rows } = await report(admin, 'customers');
    expect(rows('industries')).toEqual([
      { industry: 'Lebensmittel', organizations: 2 },
      { industry: '=HYPERLINK("http://evil.example")', organizations: 1 },
      { industry: 'Metall', organizations: 1 },
    ]);
    expect(rows('postalRegions')).toEqual([
      { region: '44', organizations: 1 },
      { region: '50', organizations: 2 },
      { region: '80', organizations: 1 },
    ]);
    expect(rows('revenueBands')).toEqual([
      { band: 'under1m', organizations: 1 },
      { band: '1mTo10m', organizations: 1 },
      { band: '10mTo50m', organizations: 0 },
      { band: 'over50m', organizations: 1 },
      { band: 'unknown', organizations: 1 },
    ]);
  });

  it('exports a report as CSV for German Excel: BOM, semicolons, decimal commas, formulas neutralised', async () => {
    const res = await csv(admin, `pipeline?pipelineId=${pipelineId}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('attachment; filename="pipeline.csv"');
    const text = res.body as string;
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).split('\r\n').slice(0, 3)).toEqual([
      'Pipeline nach Phase',
      'Pipeline;Phase;Wahrscheinlichkeit (%);Währung;Anzahl;Summe;Gewichtete Summe',
      'Berichtspipeline;Erstkontakt;10;EUR;1;100,00;10,00',
    ]);
    const customers = (await csv(admin, 'customers', 'en')).body as string;
    expect(customers).toContain('Organizations by industry\r\nIndustry;Organizations\r\n');
    expect(customers).toContain(`\r\n"'=HYPERLINK(""http://evil.example"")";1\r\n`);
    expect(customers).toContain('\r\n50 million and more;1\r\n');
  });

  it('shows another tenant nothing of ours', async () => {
    const pipeline = await report(stranger, 'pipeline');
    expect(pipeline.rows('stages')).toEqual([]);
    const winLoss = await report(stranger, 'win-loss');
    expect(winLoss.rows('months')).toEqual([]);
    const activities = await report(stranger, 'activities');
    expect(activities.rows('users')).toEqual([]);
    expect(activities.rows('userTasks')).toEqual([]);
    const customers = await report(stranger, 'customers');
    expect(customers.rows('industries')).toEqual([]);
    expect(customers.rows('revenueBands').every((row) => row.organizations === 0)).toBe(true);
  });

  it('answers an unknown report with 404 and bad filters with 400, as problems in the caller’s language', async () => {
    const unknown = await admin.get('/api/v1/reports/umsatz').set('Accept-Language', 'de');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.body.detail).toBe(
      'Es gibt keinen Bericht umsatz; die Berichte sind pipeline, win-loss, activities, customers.',
    );
    const english = await admin.get('/api/v1/reports/umsatz').set('Accept', 'text/csv').set('Accept-Language', 'en');
    expect(english.status).toBe(404);
    expect(english.body.detail).toContain('There is no report umsatz');
    const badDate = await admin.get('/api/v1/reports/pipeline?from=gestern');
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors[0]).toMatchObject({ in: 'query', pointer: '#/from' });
    const reversed = await admin.get('/api/v1/reports/win-loss?from=2026-12-01&to=2026-11-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors[0]).toMatchObject({ in: 'query', pointer: '#/to' });
    const notApplicable = await admin.get(`/api/v1/reports/customers?pipelineId=${pipelineId}`);
    expect(notApplicable.status).toBe(400);
    expect(notApplicable.body.errors[0]).toMatchObject({ in: 'query', pointer: '#/pipelineId' });
    expect((await t.http.get('/api/v1/reports/pipeline')).status).toBe(401);
  });
});
