import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPipelinesOfExistingTenants } from '../../../../../db/migrations/Migration20261124040000_sales.ts';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { seedDefaultPipelines } from '../sales-defaults.ts';

interface Stage {
  id: string;
  name: string;
  probability: number;
  outcome: string | null;
}

describe('pipelines and the stage editor', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let manager: AuthedAgent;
  let rep: AuthedAgent;

  const stageNames = (body: { stages: Stage[] }) => body.stages.map((stage) => stage.name);
  const newPipeline = async (name: string) => {
    const res = await manager.post('/api/v1/pipelines').send({
      name,
      kind: 'deal',
      stages: [
        { name: 'Erstkontakt', probability: 10 },
        { name: 'Angebot', probability: 50, color: '#5c2e91' },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
        { name: 'Verloren', probability: 0, outcome: 'lost' },
      ],
    });
    expect(res.status).toBe(201);
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Pipelines GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Max Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    manager = await contoso.as(contoso.upn('Max Manager'));
    rep = await contoso.as(contoso.upn('Rita Rep'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives a new organisation default pipelines for deals and leads in its language', async () => {
    const res = await rep.get('/api/v1/pipelines');
    expect(res.status).toBe(200);
    const deal = res.body.items.find((pipeline: { kind: string }) => pipeline.kind === 'deal');
    expect(deal.name).toBe('Vertrieb');
    expect(stageNames(deal)).toEqual([
      'Qualifizierung',
      'Bedarfsanalyse',
      'Angebot',
      'Verhandlung',
      'Gewonnen',
      'Verloren',
    ]);
    expect(deal.stages.map((stage: Stage) => stage.outcome)).toEqual([null, null, null, null, 'won', 'lost']);
    expect((await rep.get('/api/v1/pipelines?kind=lead')).body.items.map((p: { name: string }) => p.name)).toEqual([
      'Leads',
    ]);

    const english = await t.createTenant('Northwind Pipelines Ltd', [
      { displayName: 'Nancy Davolio', preferredLanguage: 'en-GB' },
    ]);
    const theirs = await (await english.as(english.upn('Nancy Davolio'))).get('/api/v1/pipelines?kind=deal');
    expect(theirs.body.items).toHaveLength(1);
    expect(theirs.body.items[0].name).toBe('Sales');
    expect(stageNames(theirs.body.items[0])).toEqual([
      'Qualification',
      'Needs analysis',
      'Proposal',
      'Negotiation',
      'Won',
      'Lost',
    ]);
  });

  it('seeds the defaults once, at set-up and for organisations set up before sales existed', async () => {
    const seeded = await t.createTenant('Fabrikam Altkunde AG', [{ displayName: 'Zoë Bäcker' }]);
    const api = await seeded.as(seeded.upn('Zoë Bäcker'));
    const connection = t.orm.em.getConnection();
    // As it was before this migration: no pipelines at all.
    await connection.execute('delete from pipeline where tenant_id = ?', [seeded.id]);
    expect((await api.get('/api/v1/pipelines')).body.items).toEqual([]);
    const execute = (sql: string, params?: unknown[]) => connection.execute(sql, params ?? []);
    await seedPipelinesOfExistingTenants(execute);
    await seedPipelinesOfExistingTenants(execute);
    await inTenantTransaction(t.orm.em, seeded.id, (em) => seedDefaultPipelines(em));
    const after = (await api.get('/api/v1/pipelines')).body.items as { kind: string; name: string }[];
    expect(after.map((pipeline) => `${pipeline.kind}: ${pipeline.name}`)).toEqual(['deal: Vertrieb', 'lead: Leads']);
  });

  it('creates a pipeline with its stages in order, for admins and sales managers only', async () => {
    const res = await newPipeline('Projektgeschäft');
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/api/v1/pipelines/${res.body.id}`);
    expect(res.body).toMatchObject({ name: 'Projektgeschäft', kind: 'deal', version: 1 });
    expect(res.body.stages).toEqual([
      expect.objectContaining({ name: 'Erstkontakt', probability: 10, color: null, outcome: null, position: 0 }),
      expect.objectContaining({ name: 'Angebot', probability: 50, color: '#5c2e91', position: 1 }),
      expect.objectContaining({ name: 'Gewonnen', probability: 100, outcome: 'won', position: 2 }),
      expect.objectContaining({ name: 'Verloren', probability: 0, outcome: 'lost', position: 3 }),
    ]);
    expect((await rep.get(`/api/v1/pipelines/${res.body.id}`)).status).toBe(200);

    const denied = await rep.post('/api/v1/pipelines').send({
      name: 'Eigene Pipeline',
      kind: 'deal',
      stages: [{ name: 'A', probability: 10 }],
    });
    expect(denied.status).toBe(403);
    expect((await admin.get('/api/v1/pipelines')).body.items.map((p: { name: string }) => p.name)).not.toContain(
      'Eigene Pipeline',
    );
    const lead = await admin
      .post('/api/v1/pipelines')
      .send({ name: 'Messe-Leads', kind: 'lead', stages: [{ name: 'Neu', probability: 5 }] });
    expect(lead.status).toBe(201);
    expect(lead.body.kind).toBe('lead');
  });

  it('refuses probabilities outside 0-100, duplicate stage names and pipelines without an open stage', async () => {
    const bad = await manager.post('/api/v1/pipelines').send({
      name: 'Kaputt',
      kind: 'deal',
      stages: [
        { name: 'Zu hoch', probability: 101 },
        { name: 'Negativ', probability: -1 },
        { name: 'Krumm', probability: 12.5 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual([
      '#/stages/0/probability',
      '#/stages/1/probability',
      '#/stages/2/probability',
    ]);
    const sameName = await manager.post('/api/v1/pipelines').send({
      name: 'Namensgleich',
      kind: 'deal',
      stages: [
        { name: 'Angebot', probability: 20 },
        { name: 'angebot', probability: 30 },
      ],
    });
    expect(sameName.status).toBe(400);
    expect(sameName.body.errors[0].pointer).toBe('#/stages/1/name');
    const allEnds = await manager.post('/api/v1/pipelines').send({
      name: 'Nur Enden',
      kind: 'deal',
      stages: [{ name: 'Gewonnen', probability: 100, outcome: 'won' }],
    });
    expect(allEnds.status).toBe(400);
    expect(allEnds.body.errors[0]).toMatchObject({ pointer: '#/stages' });
    const kind = await manager.post('/api/v1/pipelines').send({ name: 'X', kind: 'task', stages: [] });
    expect(kind.status).toBe(400);
    await newPipeline('Doppelt');
    const twice = await manager.post('/api/v1/pipelines').send({
      name: 'doppelt',
      kind: 'deal',
      stages: [{ name: 'A', probability: 1 }],
    });
    expect(twice.status).toBe(409);
    expect(twice.body.errors[0].pointer).toBe('#/name');
  });

  it('renames with If-Match, answering 412 to a stale version', async () => {
    const created = await newPipeline('Umbenennen');
    const id = created.body.id;
    const renamed = await manager.patch(`/api/v1/pipelines/${id}`).set('If-Match', '"1"').send({ name: 'Neuer Name' });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.etag).toBe('"2"');
    expect(renamed.body.name).toBe('Neuer Name');
    const stale = await manager.patch(`/api/v1/pipelines/${id}`).set('If-Match', '"1"').send({ name: 'Verloren' });
    expect(stale.status).toBe(412);
    expect((await rep.get(`/api/v1/pipelines/${id}`)).body.name).toBe('Neuer Name');
    expect((await rep.patch(`/api/v1/pipelines/${id}`).send({ name: 'Meins' })).status).toBe(403);
    const [history] = await t.orm.em
      .getConnection()
      .execute<{ n: number }[]>(
        "select count(*)::int as n from history where record_type = 'pipeline' and record_id = ? and field = 'name'",
        [id],
      );
    expect(history?.n).toBe(1);
  });

  it('adds stages before the end stages or where asked, renames and re-weights them', async () => {
    const { body: pipeline } = await newPipeline('Stufen');
    const added = await manager
      .post(`/api/v1/pipelines/${pipeline.id}/stages`)
      .set('If-Match', '"1"')
      .send({ name: 'Verhandlung', probability: 75 });
    expect(added.status).toBe(201);
    expect(stageNames(added.body)).toEqual(['Erstkontakt', 'Angebot', 'Verhandlung', 'Gewonnen', 'Verloren']);
    const first = await manager
      .post(`/api/v1/pipelines/${pipeline.id}/stages`)
      .send({ name: 'Lead', probability: 5, position: 0 });
    expect(stageNames(first.body)).toEqual(['Lead', 'Erstkontakt', 'Angebot', 'Verhandlung', 'Gewonnen', 'Verloren']);
    expect(first.body.stages.map((stage: { position: number }) => stage.position)).toEqual([0, 1, 2, 3, 4, 5]);

    const angebot = first.body.stages[2] as Stage;
    const changed = await manager
      .patch(`/api/v1/pipelines/${pipeline.id}/stages/${angebot.id}`)
      .set('If-Match', `"${first.body.version}"`)
      .send({ name: 'Angebot versandt', probability: 60 });
    expect(changed.status).toBe(200);
    expect(changed.body.stages[2]).toMatchObject({ id: angebot.id, name: 'Angebot versandt', probability: 60 });
    const taken = await manager
      .patch(`/api/v1/pipelines/${pipeline.id}/stages/${angebot.id}`)
      .send({ name: 'erstkontakt' });
    expect(taken.status).toBe(409);
    const wrong = await manager
      .patch(`/api/v1/pipelines/${pipeline.id}/stages/${angebot.id}`)
      .send({ probability: 150 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].pointer).toBe('#/probability');
    const stale = await manager
      .post(`/api/v1/pipelines/${pipeline.id}/stages`)
      .set('If-Match', '"1"')
      .send({ name: 'Zu spät', probability: 5 });
    expect(stale.status).toBe(412);
    expect((await rep.post(`/api/v1/pipelines/${pipeline.id}/stages`).send({ name: 'R', probability: 1 })).status).toBe(
      403,
    );
  });

  it('reorders stages when sent every active stage exactly once', async () => {
    const { body: pipeline } = await newPipeline('Reihenfolge');
    const ids = (pipeline.stages as Stage[]).map((stage) => stage.id);
    const reversed = [...ids].reverse();
    const res = await manager.put(`/api/v1/pipelines/${pipeline.id}/stages/order`).send({ stageIds: reversed });
    expect(res.status).toBe(200);
    expect(stageNames(res.body)).toEqual(['Verloren', 'Gewonnen', 'Angebot', 'Erstkontakt']);
    const missing = await manager
      .put(`/api/v1/pipelines/${pipeline.id}/stages/order`)
      .send({ stageIds: reversed.slice(1) });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toContain(ids[3]);
    const twice = await manager
      .put(`/api/v1/pipelines/${pipeline.id}/stages/order`)
      .send({ stageIds: [...reversed.slice(1), reversed[1]] });
    expect(twice.status).toBe(422);
    expect(stageNames((await rep.get(`/api/v1/pipelines/${pipeline.id}`)).body)).toEqual([
      'Verloren',
      'Gewonnen',
      'Angebot',
      'Erstkontakt',
    ]);
  });

  it('archives an empty stage, but never the last open one', async () => {
    const { body: pipeline } = await newPipeline('Archiv');
    const [erst, angebot, gewonnen] = pipeline.stages as Stage[];
    const wrongTarget = await manager
      .post(`/api/v1/pipelines/${pipeline.id}/stages/${erst?.id}/archive`)
      .send({ moveDealsTo: gewonnen?.id });
    expect(wrongTarget.status).toBe(422);
    expect(wrongTarget.body.errors[0].pointer).toBe('#/moveDealsTo');
    const archived = await manager
      .post(`/api/v1/pipelines/${pipeline.id}/stages/${angebot?.id}/archive`)
      .set('If-Match', '"1"')
      .send({});
    expect(archived.status).toBe(200);
    expect(stageNames(archived.body)).toEqual(['Erstkontakt', 'Gewonnen', 'Verloren']);
    expect(archived.body.stages.map((stage: { position: number }) => stage.position)).toEqual([0, 1, 2]);
    const last = await manager.post(`/api/v1/pipelines/${pipeline.id}/stages/${erst?.id}/archive`).send({});
    expect(last.status).toBe(409);
    expect(last.body.type).toBe('urn:crm:problem:last_open_stage');
    const again = await manager.post(`/api/v1/pipelines/${pipeline.id}/stages/${angebot?.id}/archive`).send({});
    expect(again.status).toBe(404);
  });

  it("answers 404 for another organisation's pipeline and stages", async () => {
    const { body: pipeline } = await newPipeline('Geheim');
    const other = await t.createTenant('Fabrikam Pipelines AG', [{ displayName: 'Zoë Bäcker' }]);
    const stranger = await other.as(other.upn('Zoë Bäcker'));
    const stage = (pipeline.stages as Stage[])[0]?.id;
    expect((await stranger.get(`/api/v1/pipelines/${pipeline.id}`)).status).toBe(404);
    expect((await stranger.patch(`/api/v1/pipelines/${pipeline.id}`).send({ name: 'Meins' })).status).toBe(404);
    expect(
      (await stranger.patch(`/api/v1/pipelines/${pipeline.id}/stages/${stage}`).send({ name: 'Meins' })).status,
    ).toBe(404);
    expect(
      (await stranger.post(`/api/v1/pipelines/${pipeline.id}/stages`).send({ name: 'X', probability: 1 })).status,
    ).toBe(404);
    const listed = (await stranger.get('/api/v1/pipelines')).body.items.map((p: { name: string }) => p.name);
    expect(listed).not.toContain('Geheim');
    expect((await rep.get(`/api/v1/pipelines/${pipeline.id}`)).body.name).toBe('Geheim');
  });
});
