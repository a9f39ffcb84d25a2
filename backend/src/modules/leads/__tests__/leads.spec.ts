import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

interface Stage {
  id: string;
  name: string;
  outcome: string | null;
}

describe('leads', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let admin: AuthedAgent;
  let inside: AuthedAgent;
  let rita: AuthedAgent;
  let rolf: AuthedAgent;
  let ritaId: string;
  let rolfId: string;
  let insideId: string;
  let pipeline: { id: string; stages: Stage[] };
  let stage: (name: string) => string;
  let leadReason: string;
  let dealReason: string;

  const count = async (sql: string, params: unknown[]) =>
    ((await t.orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from ${sql}`, params))[0]?.n ??
      0) as number;

  const newLead = async (api: AuthedAgent, body: Record<string, unknown>) => {
    const res = await api.post('/api/v1/leads').send(body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body as { id: string; version: number } & Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Leads GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Ines Innendienst', appRoles: ['CRM.InsideSales'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    fabrikam = await t.createTenant('Fabrikam Leads AG', [{ displayName: 'Zoë Bäcker' }]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    inside = await contoso.as(contoso.upn('Ines Innendienst'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    ritaId = await contoso.userId(contoso.upn('Rita Rep'));
    rolfId = await contoso.userId(contoso.upn('Rolf Rep'));
    insideId = await contoso.userId(contoso.upn('Ines Innendienst'));
    pipeline = (await rita.get('/api/v1/pipelines?kind=lead')).body.items[0];
    stage = (name: string) => (pipeline.stages.find((candidate) => candidate.name === name) as Stage).id;
    const reasons = (await rita.get('/api/v1/lost-reasons')).body.items as { id: string; objectType: string }[];
    leadReason = reasons.find((reason) => reason.objectType === 'lead')?.id as string;
    dealReason = reasons.find((reason) => reason.objectType === 'deal')?.id as string;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('writing', () => {
    it('creates a lead in the first stage of the default lead pipeline, named after its company, owned by its creator', async () => {
      const res = await rita.post('/api/v1/leads').send({
        firstName: 'Jürgen',
        lastName: 'Weiß',
        email: ' Juergen.Weiss@Baeckerei-Weiss.de ',
        phone: '0221 1234567',
        position: 'Inhaber',
        companyName: 'Bäckerei Weiß GmbH',
        website: 'https://baeckerei-weiss.de',
        industry: 'Lebensmittel',
        street: 'Domstraße 1',
        postalCode: '50668',
        city: 'Köln',
        source: 'Messe Südback 2026',
        value: '4800.5',
      });
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        title: 'Bäckerei Weiß GmbH',
        pipelineId: pipeline.id,
        stageId: stage('Neu'),
        stageName: 'Neu',
        probability: 10,
        status: 'open',
        email: 'juergen.weiss@baeckerei-weiss.de',
        phone: '0221 1234567',
        phoneE164: '+492211234567',
        country: 'DE',
        ownerId: ritaId,
        value: '4800.50',
        currency: 'EUR',
        convertedTo: null,
        lostReasonId: null,
        tags: [],
        version: 1,
      });
      expect(await count("history where record_type = 'lead' and record_id = ?", [res.body.id])).toBe(1);
      const found = await rita.get('/api/v1/search?q=Weiss&type=lead');
      expect(found.body.items.map((item: { id: string }) => item.id)).toContain(res.body.id);
      const named = await newLead(rita, { firstName: 'Petra', lastName: 'Privat' });
      expect(named.title).toBe('Petra Privat');
    });

    it('refuses bad contact data, amounts and stages with a pointer at the culprit', async () => {
      const bad = async (body: Record<string, unknown>, status: number, pointer: string) => {
        const res = await rita.post('/api/v1/leads').send({ companyName: 'Prüf GmbH', ...body });
        expect({ body, status: res.status, pointer: res.body.errors?.[0]?.pointer }).toEqual({ body, status, pointer });
      };
      await bad({ email: 'kein-at-zeichen' }, 400, '#/email');
      await bad({ phone: '12' }, 400, '#/phone');
      await bad({ postalCode: '1234' }, 400, '#/postalCode');
      await bad({ postalCode: '8001', country: 'DE' }, 400, '#/postalCode');
      await bad({ country: 'Deutschland' }, 400, '#/country');
      await bad({ value: '-5' }, 400, '#/value');
      await bad({ value: '10.005' }, 400, '#/value');
      await bad({ currency: 'XYZ' }, 400, '#/currency');
      await bad({ companyName: null, title: undefined }, 422, '#/title');
      const deals = (await rita.get('/api/v1/pipelines?kind=deal')).body.items[0];
      await bad({ stageId: deals.stages[0].id }, 422, '#/stageId');
      await bad({ pipelineId: deals.id }, 422, '#/pipelineId');
      await bad({ stageId: stage('Konvertiert') }, 422, '#/stageId');
      await bad({ ownerId: rolfId }, 403, undefined as unknown as string);
      await bad({ unknownField: 1 }, 400, '#');
      const swiss = await newLead(rita, { companyName: 'Zürcher AG', postalCode: '8001', country: 'ch' });
      expect(swiss.country).toBe('CH');
      expect(await count("lead where company_name = 'Prüf GmbH'", [])).toBe(0);
    });

    it('changes with If-Match, writes each changed field to history, and keeps custom fields and tags', async () => {
      const field = await admin.post('/api/v1/admin/custom-fields').send({
        entityType: 'lead',
        key: 'budget',
        labels: { de: 'Budget', en: 'Budget' },
        type: 'number',
      });
      expect(field.status).toBe(201);
      const lead = await newLead(rita, { companyName: 'Konditorei Süß', customFields: { budget: 12000 } });
      expect(lead.customFields).toEqual({ budget: 12000 });
      const stale = await rita.patch(`/api/v1/leads/${lead.id}`).set('If-Match', '"9"').send({ city: 'Bonn' });
      expect(stale.status).toBe(412);
      const changed = await rita
        .patch(`/api/v1/leads/${lead.id}`)
        .set('If-Match', '"1"')
        .send({ city: 'Bonn', postalCode: '53111', customFields: { budget: 15000 }, stageId: stage('Kontaktiert') });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ city: 'Bonn', country: 'DE', stageName: 'Kontaktiert', version: 2 });
      const history = await rita.get(`/api/v1/history?type=lead&id=${lead.id}`);
      expect(history.status).toBe(200);
      const fields = history.body.items.map((item: { field: string | null }) => item.field ?? '(created)');
      expect(fields.sort()).toEqual(['(created)', 'city', 'country', 'customFields', 'postalCode', 'stageId']);
      const badField = await rita.patch(`/api/v1/leads/${lead.id}`).send({ customFields: { budget: 'viel' } });
      expect(badField.status).toBe(400);
      expect(badField.body.errors[0].pointer).toBe('#/customFields/budget');
      const tag = (await admin.post('/api/v1/tags').send({ name: 'Messe' })).body.id;
      expect((await rita.put(`/api/v1/records/lead/${lead.id}/tags/${tag}`)).status).toBe(204);
      expect((await rita.get(`/api/v1/leads/${lead.id}`)).body.tags).toEqual([
        expect.objectContaining({ name: 'Messe' }),
      ]);
      const overview = await rita.get(`/api/v1/records/lead/${lead.id}/overview`);
      expect(overview.status).toBe(200);
      expect(overview.body.record).toMatchObject({ id: lead.id, title: 'Konditorei Süß' });
    });

    it('marks a lead lost only with an active lead lost reason, and reopens it', async () => {
      const lead = await newLead(rita, { companyName: 'Verloren KG' });
      const without = await rita.patch(`/api/v1/leads/${lead.id}`).send({ status: 'lost' });
      expect(without.status).toBe(422);
      expect(without.body.type).toBe('urn:crm:problem:lost_reason_required');
      const dealsReason = await rita
        .patch(`/api/v1/leads/${lead.id}`)
        .send({ status: 'lost', lostReasonId: dealReason });
      expect(dealsReason.status).toBe(422);
      expect(dealsReason.body.type).toBe('urn:crm:problem:invalid_lost_reason');
      const lost = await rita
        .patch(`/api/v1/leads/${lead.id}`)
        .send({ status: 'lost', lostReasonId: leadReason, lostNote: 'Kein Budget vor 2028' });
      expect(lost.body).toMatchObject({ status: 'lost', lostReasonId: leadReason, lostNote: 'Kein Budget vor 2028' });
      expect(lost.body.closedAt).not.toBeNull();
      const intoLostStage = await newLead(rita, { companyName: 'Disqualifiziert GmbH' });
      const noReason = await rita
        .post(`/api/v1/leads/${intoLostStage.id}/move`)
        .send({ stageId: stage('Disqualifiziert') });
      expect(noReason.status).toBe(422);
      const moved = await rita
        .post(`/api/v1/leads/${intoLostStage.id}/move`)
        .send({ stageId: stage('Disqualifiziert'), lostReasonId: leadReason });
      expect(moved.body).toMatchObject({ status: 'lost', stageName: 'Disqualifiziert' });
      const reopened = await rita.patch(`/api/v1/leads/${lead.id}`).send({ status: 'open' });
      expect(reopened.body).toMatchObject({ status: 'open', lostReasonId: null, lostNote: null, closedAt: null });
      // The reason a lead names is in use: retired, never deleted.
      const inUse = await admin.delete(`/api/v1/lost-reasons/${leadReason}`);
      expect(inUse.status).toBe(409);
      expect(inUse.body.type).toBe('urn:crm:problem:lost_reason_in_use');
    });

    it('trashes, restores and (admins only) purges a lead', async () => {
      const lead = await newLead(rita, { companyName: 'Papierkorb OHG' });
      expect((await rita.delete(`/api/v1/leads/${lead.id}`).set('If-Match', '"5"')).status).toBe(412);
      expect((await rita.delete(`/api/v1/leads/${lead.id}`)).status).toBe(204);
      expect((await rita.get(`/api/v1/leads/${lead.id}`)).status).toBe(404);
      const trash = await rita.get('/api/v1/trash');
      expect(trash.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'lead', id: lead.id })]),
      );
      expect((await rita.get('/api/v1/search?q=Papierkorb&type=lead')).body.items).toHaveLength(0);
      expect((await rita.post(`/api/v1/leads/${lead.id}/restore`)).status).toBe(200);
      expect((await rita.get('/api/v1/search?q=Papierkorb&type=lead')).body.items).toHaveLength(1);
      await rita.delete(`/api/v1/leads/${lead.id}`);
      expect((await rita.delete(`/api/v1/trash/leads/${lead.id}`)).status).toBe(403);
      expect((await admin.delete(`/api/v1/trash/leads/${lead.id}`)).status).toBe(204);
      expect(await count('lead where id = ?', [lead.id])).toBe(0);
    });
  });

  describe('who sees which lead', () => {
    it('shows inside sales every lead, reps their own, and lets inside sales hand leads out', async () => {
      const handed = await newLead(inside, { companyName: 'Übergabe GmbH', ownerId: rolfId });
      expect(handed.ownerId).toBe(rolfId);
      const ritas = await newLead(rita, { companyName: 'Ritas Geheimtipp GmbH' });
      expect((await inside.get(`/api/v1/leads/${ritas.id}`)).status).toBe(200);
      expect((await rolf.get(`/api/v1/leads/${ritas.id}`)).status).toBe(404);
      expect((await rolf.patch(`/api/v1/leads/${ritas.id}`).send({ city: 'Bonn' })).status).toBe(404);
      expect((await rolf.post(`/api/v1/leads/${ritas.id}/convert`).send({})).status).toBe(404);
      expect((await rolf.get(`/api/v1/history?type=lead&id=${ritas.id}`)).status).toBe(404);
      const rolfsList = await rolf.get('/api/v1/leads?limit=200');
      expect(rolfsList.body.items.map((lead: { id: string }) => lead.id)).toEqual([handed.id]);
      expect((await rolf.get('/api/v1/search?q=Geheimtipp&type=lead')).body.items).toHaveLength(0);
      expect((await inside.get('/api/v1/search?q=Geheimtipp&type=lead')).body.items).toHaveLength(1);
      const giveAway = await rita.patch(`/api/v1/leads/${ritas.id}`).send({ ownerId: rolfId });
      expect(giveAway.status).toBe(403);
      const reassigned = await inside.patch(`/api/v1/leads/${ritas.id}`).send({ ownerId: insideId });
      expect(reassigned.body.ownerId).toBe(insideId);
    });

    it("keeps another organisation's leads out of reach", async () => {
      const lead = await newLead(rita, { companyName: 'Mandantentrennung GmbH' });
      const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
      expect((await zoe.get(`/api/v1/leads/${lead.id}`)).status).toBe(404);
      expect((await zoe.patch(`/api/v1/leads/${lead.id}`).send({ city: 'Basel' })).status).toBe(404);
      expect((await zoe.delete(`/api/v1/leads/${lead.id}`)).status).toBe(404);
      expect((await zoe.post(`/api/v1/leads/${lead.id}/convert`).send({})).status).toBe(404);
      expect((await zoe.post(`/api/v1/leads/${lead.id}/move`).send({ stageId: stage('Kontaktiert') })).status).toBe(
        404,
      );
      expect((await zoe.get(`/api/v1/pipelines/${pipeline.id}/board`)).status).toBe(404);
      const own = await zoe.post('/api/v1/leads').send({ companyName: 'Fremd', stageId: stage('Neu') });
      expect(own.status).toBe(422);
      expect((await zoe.get('/api/v1/leads')).body.items).toEqual([]);
    });
  });

  describe('lists', () => {
    it('filters by the shared filter tree and a saved filter, and pages with a cursor', async () => {
      for (const [companyName, city, value] of [
        ['Listen Alpha GmbH', 'Köln', '100'],
        ['Listen Beta GmbH', 'Köln', '200'],
        ['Listen Gamma GmbH', 'Bonn', '300'],
        ['Listen Delta GmbH', 'Köln', '400'],
      ] as const) {
        await newLead(rolf, { companyName, city, value, source: 'Liste' });
      }
      const filter = encodeURIComponent(
        JSON.stringify({
          and: [
            { field: 'source', op: 'eq', value: 'Liste' },
            { field: 'city', op: 'eq', value: 'Köln' },
          ],
        }),
      );
      const first = await rolf.get(`/api/v1/leads?filter=${filter}&sort=title&limit=2`);
      expect(first.status).toBe(200);
      expect(first.body.items.map((lead: { title: string }) => lead.title)).toEqual([
        'Listen Alpha GmbH',
        'Listen Beta GmbH',
      ]);
      const second = await rolf.get(
        `/api/v1/leads?filter=${filter}&sort=title&limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.items.map((lead: { title: string }) => lead.title)).toEqual(['Listen Delta GmbH']);
      expect(second.body.nextCursor).toBeNull();
      const saved = await rolf.post('/api/v1/saved-filters').send({
        name: 'Große Listen-Leads',
        entityType: 'lead',
        scope: 'private',
        filter: { field: 'value', op: 'gt', value: 250 },
      });
      expect(saved.status).toBe(201);
      const both = await rolf.get(`/api/v1/leads?filter=${filter}&savedFilterId=${saved.body.id}`);
      expect(both.body.items.map((lead: { title: string }) => lead.title)).toEqual(['Listen Delta GmbH']);
      const unknownField = await rolf.post('/api/v1/saved-filters').send({
        name: 'Kaputt',
        entityType: 'lead',
        scope: 'private',
        filter: { field: 'revenue', op: 'gt', value: 1 },
      });
      expect(unknownField.status).toBe(400);
      const badFilter = await rolf.get(
        `/api/v1/leads?filter=${encodeURIComponent(JSON.stringify({ field: 'nope', op: 'eq', value: 1 }))}`,
      );
      expect(badFilter.status).toBe(400);
      expect((await rolf.get('/api/v1/leads?cursor=kaputt')).status).toBe(400);
    });

    it('filters and sorts by a custom field inside an OR group, on the list and on the board alike', async () => {
      const fair = await t.createTenant('Contoso Messe GmbH', [{ displayName: 'Maren Messe' }]);
      const maren = await fair.as(fair.upn('Maren Messe'));
      const field = await maren.post('/api/v1/admin/custom-fields').send({
        entityType: 'lead',
        key: 'messe_jahr',
        labels: { de: 'Messejahr', en: 'Fair year' },
        type: 'number',
      });
      expect(field.status).toBe(201);
      for (const [companyName, value, year] of [
        ['Messe Anker GmbH', '100', 2025],
        ['Messe Brücke GmbH', '200', 2027],
        ['Messe Caspar GmbH', '900', undefined],
        ['Messe Dorn GmbH', '10', 2026],
      ] as const) {
        await newLead(maren, { companyName, value, customFields: year === undefined ? {} : { messe_jahr: year } });
      }
      const filter = encodeURIComponent(
        JSON.stringify({
          or: [
            { field: 'customFields.messe_jahr', op: 'gt', value: 2026 },
            { field: 'value', op: 'gt', value: 500 },
          ],
        }),
      );
      const titles = (res: { body: { items: { title: string }[] } }) => res.body.items.map((lead) => lead.title);
      const listed = await maren.get(`/api/v1/leads?filter=${filter}&sort=title&count=true`);
      expect(listed.status).toBe(200);
      expect(titles(listed)).toEqual(['Messe Brücke GmbH', 'Messe Caspar GmbH']);
      expect(listed.body.total).toBe(2);
      const byYear = await maren.get('/api/v1/leads?sort=-customFields.messe_jahr&limit=2');
      expect(titles(byYear)).toEqual(['Messe Brücke GmbH', 'Messe Dorn GmbH']);
      const rest = await maren.get(
        `/api/v1/leads?sort=-customFields.messe_jahr&limit=2&cursor=${byYear.body.nextCursor}`,
      );
      expect(titles(rest)).toEqual(['Messe Anker GmbH', 'Messe Caspar GmbH']);

      const pipelineId = (await maren.get('/api/v1/pipelines?kind=lead')).body.items[0].id;
      const board = await maren.get(`/api/v1/pipelines/${pipelineId}/board?filter=${filter}`);
      expect(board.status).toBe(200);
      const cards = board.body.stages.flatMap((column: { items: { title: string }[] }) => column.items);
      expect(cards.map((card: { title: string }) => card.title).sort()).toEqual([
        'Messe Brücke GmbH',
        'Messe Caspar GmbH',
      ]);
    });
  });

  it('reads a page of leads in the same number of queries however many it holds', async () => {
    const tenant = await t.createTenant('Contoso Leadzahl GmbH', [{ displayName: 'Quentin Query' }]);
    const quentin = await tenant.as(tenant.upn('Quentin Query'));
    const tag = (await quentin.post('/api/v1/tags').send({ name: 'Zählung' })).body.id;
    const add = async (n: number) => {
      for (let index = 0; index < n; index += 1) {
        const lead = await quentin.post('/api/v1/leads').send({ companyName: `Zählfirma ${index} ${Math.random()}` });
        await quentin.put(`/api/v1/records/lead/${lead.body.id}/tags/${tag}`);
      }
    };
    await add(2);
    const few = await t.countQueries(() => quentin.get('/api/v1/leads?limit=50'));
    await add(8);
    let page: { body: { items: unknown[] } } = { body: { items: [] } };
    const many = await t.countQueries(async () => {
      page = await quentin.get('/api/v1/leads?limit=50');
    });
    expect(page.body.items).toHaveLength(10);
    expect(many).toBe(few);
  });

  it('archives a lead stage only once it is empty, or with its leads moved to another stage', async () => {
    const tenant = await t.createTenant('Contoso Leadstufen GmbH', [{ displayName: 'Stefan Stufe' }]);
    const stefan = await tenant.as(tenant.upn('Stefan Stufe'));
    const created = await stefan.post('/api/v1/pipelines').send({
      name: 'Webleads',
      kind: 'lead',
      stages: [
        { name: 'Eingang', probability: 5 },
        { name: 'Vorqualifiziert', probability: 20 },
        { name: 'Übergeben', probability: 100, outcome: 'won' },
      ],
    });
    const [intake, prequalified] = created.body.stages as Stage[];
    const lead = await stefan.post('/api/v1/leads').send({ companyName: 'Stufenlos GmbH', stageId: intake?.id });
    const full = await stefan.post(`/api/v1/pipelines/${created.body.id}/stages/${intake?.id}/archive`).send({});
    expect(full.status).toBe(409);
    expect(full.body.type).toBe('urn:crm:problem:stage_not_empty');
    const moved = await stefan
      .post(`/api/v1/pipelines/${created.body.id}/stages/${intake?.id}/archive`)
      .send({ moveDealsTo: prequalified?.id });
    expect(moved.status).toBe(200);
    const after = await stefan.get(`/api/v1/leads/${lead.body.id}`);
    expect(after.body).toMatchObject({ stageId: prequalified?.id, status: 'open', version: 2 });
    const board = await stefan.get(`/api/v1/pipelines/${created.body.id}/board`);
    expect(board.body.stages.map((column: { count: number }) => column.count)).toEqual([1, 0]);
  });

  describe('the lead board', () => {
    it('shows open leads per stage with counts and sums, and moves cards with If-Match', async () => {
      const board = await t.createTenant('Contoso Leadboard GmbH', [{ displayName: 'Berta Board' }]);
      const berta = await board.as(board.upn('Berta Board'));
      const leads = (await berta.get('/api/v1/pipelines?kind=lead')).body.items[0] as { id: string; stages: Stage[] };
      const at = (name: string) => (leads.stages.find((candidate) => candidate.name === name) as Stage).id;
      const make = async (body: Record<string, unknown>) => {
        const res = await berta.post('/api/v1/leads').send(body);
        expect(res.status).toBe(201);
        return res.body as { id: string; version: number };
      };
      const a = await make({ companyName: 'A GmbH', value: '1000.00' });
      const b = await make({ companyName: 'B GmbH', value: '250.50', firstName: 'Bernd', lastName: 'Bäcker' });
      const c = await make({ companyName: 'C AG', value: '99.99', currency: 'CHF' });
      await make({ companyName: 'D GmbH', value: '5000', stageId: at('Qualifiziert') });
      const lost = await make({ companyName: 'E GmbH', value: '7' });
      const reasons = (await berta.get('/api/v1/lost-reasons?objectType=lead')).body.items;
      await berta.patch(`/api/v1/leads/${lost.id}`).send({ status: 'lost', lostReasonId: reasons[0].id });

      const res = await berta.get(`/api/v1/pipelines/${leads.id}/board`);
      expect(res.status).toBe(200);
      const neu = res.body.stages.find((column: { id: string }) => column.id === at('Neu'));
      expect(neu).toMatchObject({ name: 'Neu', probability: 10, count: 3, nextCursor: null });
      expect(neu.sums).toEqual([
        { currency: 'CHF', value: '99.99', weighted: '10.00' },
        { currency: 'EUR', value: '1250.50', weighted: '125.05' },
      ]);
      // Newest on top.
      expect(neu.items.map((card: { id: string }) => card.id)).toEqual([c.id, b.id, a.id]);
      expect(neu.items[1]).toMatchObject({ personName: 'Bernd Bäcker', organizationName: 'B GmbH', personId: null });
      const qualified = res.body.stages.find((column: { id: string }) => column.id === at('Qualifiziert'));
      expect(qualified.sums).toEqual([{ currency: 'EUR', value: '5000.00', weighted: '3000.00' }]);

      const stale = await berta
        .post(`/api/v1/leads/${a.id}/move`)
        .set('If-Match', '"7"')
        .send({ stageId: at('Kontaktiert') });
      expect(stale.status).toBe(412);
      const moved = await berta
        .post(`/api/v1/leads/${a.id}/move`)
        .set('If-Match', `"${a.version}"`)
        .send({ stageId: at('Kontaktiert') });
      expect(moved.status).toBe(200);
      expect(moved.body.stageName).toBe('Kontaktiert');
      const reorder = await berta.post(`/api/v1/leads/${c.id}/move`).send({ stageId: at('Neu'), afterId: b.id });
      expect(reorder.status).toBe(200);
      const firstPage = await berta.get(`/api/v1/pipelines/${leads.id}/board?limit=1`);
      const column = firstPage.body.stages.find((stage: { id: string }) => stage.id === at('Neu'));
      expect(column.items.map((card: { id: string }) => card.id)).toEqual([b.id]);
      const next = await berta.get(
        `/api/v1/pipelines/${leads.id}/board/stages/${at('Neu')}?limit=5&cursor=${column.nextCursor}`,
      );
      expect(next.body.items.map((card: { id: string }) => card.id)).toEqual([c.id]);
      const elsewhere = (await berta.get('/api/v1/pipelines?kind=deal')).body.items[0].stages[0].id;
      const across = await berta.post(`/api/v1/leads/${b.id}/move`).send({ stageId: elsewhere });
      expect(across.status).toBe(422);
      const won = await berta.post(`/api/v1/leads/${b.id}/move`).send({ stageId: at('Konvertiert') });
      expect(won.status).toBe(422);
      expect(won.body.type).toBe('urn:crm:problem:convert_instead');
      const filtered = await berta.get(
        `/api/v1/pipelines/${leads.id}/board?filter=${encodeURIComponent(JSON.stringify({ field: 'currency', op: 'eq', value: 'CHF' }))}`,
      );
      expect(filtered.body.stages.find((stage: { id: string }) => stage.id === at('Neu')).count).toBe(1);
    });
  });
});
