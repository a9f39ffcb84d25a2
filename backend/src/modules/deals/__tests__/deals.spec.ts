import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { TOTALS_MISMATCH_SQL } from '../../board/__tests__/board-totals.ts';

interface Stage {
  id: string;
  name: string;
  outcome: string | null;
}

describe('deals', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let manager: AuthedAgent;
  let rita: AuthedAgent;
  let rolf: AuthedAgent;
  let ritaId: string;
  let rolfId: string;
  let pipeline: { id: string; stages: Stage[] };
  let stage: (name: string) => string;
  let org: string;
  let person: string;
  let lostReason: string;

  const count = async (sql: string, params: unknown[]) =>
    ((await t.orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from ${sql}`, params))[0]?.n ??
      0) as number;

  const newDeal = async (api: AuthedAgent, body: Record<string, unknown>) => {
    const res = await api.post('/api/v1/deals').send({ organizationId: org, ...body });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body as { id: string; version: number } & Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Deals GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Max Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    manager = await contoso.as(contoso.upn('Max Manager'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    ritaId = await contoso.userId(contoso.upn('Rita Rep'));
    rolfId = await contoso.userId(contoso.upn('Rolf Rep'));
    const managerId = await contoso.userId(contoso.upn('Max Manager'));
    await admin.post('/api/v1/admin/teams').send({ name: 'Vertrieb Süd', managerId, memberIds: [ritaId] });
    pipeline = (await rita.get('/api/v1/pipelines?kind=deal')).body.items[0];
    stage = (name: string) => (pipeline.stages.find((candidate) => candidate.name === name) as Stage).id;
    org = (await admin.post('/api/v1/organizations').send({ name: 'Bäckerei Schmitt GmbH' })).body.id;
    person = (await admin.post('/api/v1/persons').send({ firstName: 'Jens', lastName: 'Schmitt' })).body.id;
    lostReason = (await rita.get('/api/v1/lost-reasons?objectType=deal')).body.items[0].id;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('writing', () => {
    it('creates a deal in the first stage of the default pipeline, owned by its creator, value as a decimal string', async () => {
      const res = await rita.post('/api/v1/deals').send({
        title: 'Ofenanlage',
        value: '1250.5',
        organizationId: org,
        expectedCloseDate: '2026-12-31',
      });
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        title: 'Ofenanlage',
        value: '1250.50',
        currency: 'EUR',
        pipelineId: pipeline.id,
        stageId: stage('Qualifizierung'),
        stageName: 'Qualifizierung',
        probability: 10,
        organizationId: org,
        organizationName: 'Bäckerei Schmitt GmbH',
        personId: null,
        ownerId: ritaId,
        expectedCloseDate: '2026-12-31',
        status: 'open',
        lostReasonId: null,
        closedAt: null,
        tags: [],
        version: 1,
      });
      const changes = await rita.get(`/api/v1/deals/${res.body.id}/stage-changes`);
      expect(changes.body.items).toEqual([
        expect.objectContaining({ fromStageId: null, toStageId: stage('Qualifizierung'), changedBy: ritaId }),
      ]);
      expect(await count("history where record_type = 'deal' and record_id = ?", [res.body.id])).toBe(1);
    });

    it('refuses values that are not decimal strings of the currency, and unknown currencies', async () => {
      const bad = async (body: Record<string, unknown>, pointer: string) => {
        const res = await rita.post('/api/v1/deals').send({ title: 'X', organizationId: org, ...body });
        expect({ body, status: res.status, pointer: res.body.errors?.[0]?.pointer }).toEqual({
          body,
          status: 400,
          pointer,
        });
      };
      await bad({ value: '12.345' }, '#/value');
      await bad({ value: '-5' }, '#/value');
      await bad({ value: 1250 }, '#/value');
      await bad({ value: '1e6' }, '#/value');
      await bad({ value: '1250.5', currency: 'JPY' }, '#/value');
      await bad({ currency: 'XYZ' }, '#/currency');
      await bad({ currency: 'EURO' }, '#/currency');
      const kuwait = await rita
        .post('/api/v1/deals')
        .send({ title: 'Export', organizationId: org, value: '1.234', currency: 'kwd' });
      expect(kuwait.body).toMatchObject({ value: '1.234', currency: 'KWD' });
      const yen = await rita
        .post('/api/v1/deals')
        .send({ title: 'Export JP', organizationId: org, value: '99999999999999', currency: 'JPY' });
      expect(yen.body.value).toBe('99999999999999');
    });

    it('needs a person, an organization or a business contact that exists and is not in the trash', async () => {
      const none = await rita.post('/api/v1/deals').send({ title: 'Ohne Kontakt' });
      expect(none.status).toBe(422);
      expect(none.body.type).toBe('urn:crm:problem:contact_required');
      const unknown = await rita.post('/api/v1/deals').send({ title: 'X', personId: org });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].pointer).toBe('#/personId');
      const gone = (await admin.post('/api/v1/organizations').send({ name: 'Pleite KG' })).body.id;
      await admin.delete(`/api/v1/organizations/${gone}`);
      const trashed = await rita.post('/api/v1/deals').send({ title: 'X', organizationId: gone });
      expect(trashed.status).toBe(422);
      expect(trashed.body.errors[0].pointer).toBe('#/organizationId');

      const contact = await admin
        .post('/api/v1/business-contacts')
        .send({ personId: person, organizationId: org, position: 'Inhaber' });
      const viaContact = await newDeal(rita, { title: 'Über Ansprechpartner', businessContactId: contact.body.id });
      expect(viaContact).toMatchObject({ personId: person, organizationId: org, personName: 'Jens Schmitt' });
      const other = (await admin.post('/api/v1/organizations').send({ name: 'Andere AG' })).body.id;
      const mismatch = await rita
        .post('/api/v1/deals')
        .send({ title: 'X', businessContactId: contact.body.id, organizationId: other });
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.errors[0].pointer).toBe('#/organizationId');
    });

    it('refuses a stage of another pipeline and lead pipelines', async () => {
      const projects = await admin.post('/api/v1/pipelines').send({
        name: 'Projekte',
        kind: 'deal',
        stages: [
          { name: 'Anfrage', probability: 20 },
          { name: 'Auftrag', probability: 100, outcome: 'won' },
        ],
      });
      const wrong = await rita
        .post('/api/v1/deals')
        .send({ title: 'X', organizationId: org, pipelineId: pipeline.id, stageId: projects.body.stages[0].id });
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors[0].pointer).toBe('#/stageId');
      const lead = (await rita.get('/api/v1/pipelines?kind=lead')).body.items[0];
      const leadStage = await rita
        .post('/api/v1/deals')
        .send({ title: 'X', organizationId: org, stageId: lead.stages[0].id });
      expect(leadStage.status).toBe(422);
      const leadPipeline = await rita
        .post('/api/v1/deals')
        .send({ title: 'X', organizationId: org, pipelineId: lead.id });
      expect(leadPipeline.status).toBe(422);
      expect(leadPipeline.body.errors[0].pointer).toBe('#/pipelineId');
      const first = await newDeal(rita, { title: 'Projekt', pipelineId: projects.body.id });
      expect(first.stageId).toBe(projects.body.stages[0].id);
    });

    it('follows the stage: an end stage sets won or lost, leaving it reopens; lost needs an active deal reason', async () => {
      const deal = await newDeal(rita, { title: 'Backstraße', value: '8000.00' });
      const won = await rita
        .patch(`/api/v1/deals/${deal.id}`)
        .set('If-Match', '"1"')
        .send({ stageId: stage('Gewonnen') });
      expect(won.status).toBe(200);
      expect(won.body).toMatchObject({ status: 'won', stageName: 'Gewonnen', version: 2 });
      expect(won.body.closedAt).not.toBeNull();
      const stale = await rita.patch(`/api/v1/deals/${deal.id}`).set('If-Match', '"1"').send({ title: 'Zu spät' });
      expect(stale.status).toBe(412);
      const contradiction = await rita.patch(`/api/v1/deals/${deal.id}`).send({ status: 'open' });
      expect(contradiction.status).toBe(422);
      expect(contradiction.body.errors[0].pointer).toBe('#/status');
      const reopened = await rita.patch(`/api/v1/deals/${deal.id}`).send({ stageId: stage('Angebot') });
      expect(reopened.body).toMatchObject({ status: 'open', closedAt: null, stageName: 'Angebot' });

      const noReason = await rita.patch(`/api/v1/deals/${deal.id}`).send({ stageId: stage('Verloren') });
      expect(noReason.status).toBe(422);
      expect(noReason.body.type).toBe('urn:crm:problem:lost_reason_required');
      const leadReason = (await rita.get('/api/v1/lost-reasons?objectType=lead')).body.items[0].id;
      const wrongKind = await rita.patch(`/api/v1/deals/${deal.id}`).send({ status: 'lost', lostReasonId: leadReason });
      expect(wrongKind.status).toBe(422);
      expect(wrongKind.body.errors[0].pointer).toBe('#/lostReasonId');
      // Nothing of the refused writes was kept.
      const unchanged = await rita.get(`/api/v1/deals/${deal.id}`);
      expect(unchanged.body).toMatchObject({ status: 'open', stageName: 'Angebot', version: 3 });
      expect(await count('deal_stage_change where deal_id = ?', [deal.id])).toBe(3);

      const lost = await rita
        .patch(`/api/v1/deals/${deal.id}`)
        .send({ status: 'lost', lostReasonId: lostReason, lostNote: 'Wettbewerber 10 % günstiger' });
      expect(lost.body).toMatchObject({ status: 'lost', lostReasonId: lostReason, stageName: 'Angebot' });
      const inUse = await admin.delete(`/api/v1/lost-reasons/${lostReason}`);
      expect(inUse.status).toBe(409);
      const open = await rita.patch(`/api/v1/deals/${deal.id}`).send({ status: 'open' });
      expect(open.body).toMatchObject({ status: 'open', lostReasonId: null, lostNote: null });

      const history = await rita.get(`/api/v1/history?type=deal&id=${deal.id}&limit=50`);
      const stageChanges = history.body.items.filter((item: { field: string }) => item.field === 'stageId');
      expect(stageChanges.map((item: { after: string }) => item.after)).toEqual([stage('Angebot'), stage('Gewonnen')]);
      // The history names who changed it and the stages it moved between, as a reader knows them.
      expect(stageChanges[0]).toMatchObject({
        changedByName: 'Rita Rep',
        names: { [stage('Gewonnen')]: 'Gewonnen', [stage('Angebot')]: 'Angebot' },
      });
      const stages = await rita.get(`/api/v1/deals/${deal.id}/stage-changes`);
      expect(stages.body.items.map((item: { toStageName: string }) => item.toStageName)).toEqual([
        'Qualifizierung',
        'Gewonnen',
        'Angebot',
      ]);
    });

    it('validates custom fields and filters by them and by tags', async () => {
      await admin.post('/api/v1/admin/custom-fields').send({
        entityType: 'deal',
        key: 'budget_year',
        labels: { de: 'Budgetjahr', en: 'Budget year' },
        type: 'number',
      });
      const bad = await rita
        .post('/api/v1/deals')
        .send({ title: 'X', organizationId: org, customFields: { budget_year: 'bald' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].pointer).toBe('#/customFields/budget_year');
      const tagged = await newDeal(rita, { title: 'Mit Budget 2027', customFields: { budget_year: 2027 } });
      await newDeal(rita, { title: 'Mit Budget 2026', customFields: { budget_year: 2026 } });
      const tag = (await admin.post('/api/v1/tags').send({ name: 'Großprojekt' })).body.id;
      expect((await rita.put(`/api/v1/records/deal/${tagged.id}/tags/${tag}`)).status).toBe(204);
      const byField = await rita.get(
        `/api/v1/deals?filter=${encodeURIComponent(JSON.stringify({ field: 'customFields.budget_year', op: 'gt', value: 2026 }))}`,
      );
      expect(byField.body.items.map((deal: { title: string }) => deal.title)).toEqual(['Mit Budget 2027']);
      const byTag = await rita.get(
        `/api/v1/deals?filter=${encodeURIComponent(JSON.stringify({ field: 'tags', op: 'hasTag', value: tag }))}`,
      );
      expect(byTag.body.items).toEqual([
        expect.objectContaining({ id: tagged.id, tags: [expect.objectContaining({ name: 'Großprojekt' })] }),
      ]);
      const unknownField = await rita.get(
        `/api/v1/deals?filter=${encodeURIComponent(JSON.stringify({ field: 'customFields.gibtsnicht', op: 'eq', value: 1 }))}`,
      );
      expect(unknownField.status).toBe(400);
    });
  });

  describe('who sees what', () => {
    it("keeps a rep's deals from other reps, shows them to their manager and to admins", async () => {
      const deal = await newDeal(rita, { title: 'Geheimsache Rita', personId: person });
      expect((await rolf.get(`/api/v1/deals/${deal.id}`)).status).toBe(404);
      expect((await rolf.patch(`/api/v1/deals/${deal.id}`).send({ title: 'Meins' })).status).toBe(404);
      expect((await rolf.delete(`/api/v1/deals/${deal.id}`)).status).toBe(404);
      expect((await rolf.get(`/api/v1/history?type=deal&id=${deal.id}`)).status).toBe(404);
      expect((await rolf.get(`/api/v1/records/deal/${deal.id}/overview`)).status).toBe(404);
      expect((await rolf.put(`/api/v1/records/deal/${deal.id}/tags/${deal.id}`)).status).toBe(404);
      const rolfsList = await rolf.get('/api/v1/deals?limit=200');
      expect(rolfsList.body.items.map((item: { id: string }) => item.id)).not.toContain(deal.id);
      expect((await rolf.get('/api/v1/search?q=Geheimsache')).body.items).toEqual([]);
      const found = await rita.get('/api/v1/search?q=Geheimsache&type=deal');
      expect(found.body.items).toEqual([expect.objectContaining({ type: 'deal', id: deal.id })]);
      const personView = await rolf.get(`/api/v1/records/person/${person}/overview`);
      expect(personView.body.deals.map((item: { id: string }) => item.id)).not.toContain(deal.id);
      expect((await rita.get(`/api/v1/records/person/${person}/overview`)).body.deals).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: deal.id })]),
      );

      expect((await manager.get(`/api/v1/deals/${deal.id}`)).status).toBe(200);
      expect((await admin.get(`/api/v1/deals/${deal.id}`)).status).toBe(200);
      expect((await manager.patch(`/api/v1/deals/${deal.id}`).send({ value: '100.00' })).status).toBe(200);
    });

    it('lets reps own deals only themselves; managers hand them within their team, admins to anyone', async () => {
      const forRolf = await rita
        .post('/api/v1/deals')
        .send({ title: 'Für Rolf', organizationId: org, ownerId: rolfId });
      expect(forRolf.status).toBe(403);
      const deal = await newDeal(rita, { title: 'Übergabe' });
      expect((await rita.patch(`/api/v1/deals/${deal.id}`).send({ ownerId: rolfId })).status).toBe(403);
      expect((await manager.patch(`/api/v1/deals/${deal.id}`).send({ ownerId: rolfId })).status).toBe(403);
      const handed = await admin.patch(`/api/v1/deals/${deal.id}`).send({ ownerId: rolfId });
      expect(handed.body.ownerId).toBe(rolfId);
      expect((await rita.get(`/api/v1/deals/${deal.id}`)).status).toBe(404);
      expect((await rolf.get(`/api/v1/deals/${deal.id}`)).status).toBe(200);
    });

    it("answers 404 for another organisation's deal and refuses its contacts", async () => {
      const deal = await newDeal(rita, { title: 'Contoso intern' });
      const other = await t.createTenant('Fabrikam Deals AG', [{ displayName: 'Zoë Bäcker' }]);
      const stranger = await other.as(other.upn('Zoë Bäcker'));
      expect((await stranger.get(`/api/v1/deals/${deal.id}`)).status).toBe(404);
      expect((await stranger.patch(`/api/v1/deals/${deal.id}`).send({ title: 'Meins' })).status).toBe(404);
      expect((await stranger.get(`/api/v1/deals/${deal.id}/stage-changes`)).status).toBe(404);
      const theirs = await stranger.post('/api/v1/deals').send({ title: 'Mit fremder Firma', organizationId: org });
      expect(theirs.status).toBe(422);
      const theirStage = await stranger
        .post('/api/v1/deals')
        .send({ title: 'Mit fremder Stufe', personId: person, stageId: stage('Angebot') });
      expect(theirStage.status).toBe(422);
    });
  });

  describe('lists, trash, overview and merges', () => {
    it('pages through deals by title with a cursor and filters by built-in fields', async () => {
      const owner = await t.createTenant('Contoso Liste GmbH', [{ displayName: 'Lisa Liste' }]);
      const api = await owner.as(owner.upn('Lisa Liste'));
      const company = (await api.post('/api/v1/organizations').send({ name: 'Kunde' })).body.id;
      for (const title of ['delta', 'Alpha', 'charlie', 'Bravo']) {
        await api
          .post('/api/v1/deals')
          .send({ title, organizationId: company, value: title === 'Bravo' ? '500.00' : '10.00' });
      }
      const first = await api.get('/api/v1/deals?sort=title&limit=3');
      expect(first.body.items.map((deal: { title: string }) => deal.title)).toEqual(['Alpha', 'Bravo', 'charlie']);
      const rest = await api.get(`/api/v1/deals?sort=title&limit=3&cursor=${first.body.nextCursor}`);
      expect(rest.body.items.map((deal: { title: string }) => deal.title)).toEqual(['delta']);
      expect(rest.body.nextCursor).toBeNull();
      const big = await api.get(
        `/api/v1/deals?filter=${encodeURIComponent(JSON.stringify({ field: 'value', op: 'gt', value: 100 }))}`,
      );
      expect(big.body.items.map((deal: { title: string }) => deal.title)).toEqual(['Bravo']);
      expect((await api.get('/api/v1/deals?status=won')).body.items).toEqual([]);
    });

    it('trashes, lists in the trash for those who may see it, restores and purges', async () => {
      const deal = await newDeal(rita, { title: 'Papierkorb-Deal' });
      expect((await rita.delete(`/api/v1/deals/${deal.id}`).set('If-Match', '"9"')).status).toBe(412);
      expect((await rita.delete(`/api/v1/deals/${deal.id}`)).status).toBe(204);
      expect((await rita.get(`/api/v1/deals/${deal.id}`)).status).toBe(404);
      const trash = async (api: AuthedAgent) =>
        (await api.get('/api/v1/trash?limit=200')).body.items.map((item: { id: string }) => item.id);
      expect(await trash(rita)).toContain(deal.id);
      expect(await trash(rolf)).not.toContain(deal.id);
      expect((await rita.get('/api/v1/search?q=Papierkorb')).body.items).toEqual([]);
      const restored = await rita.post(`/api/v1/deals/${deal.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body.deletedAt).toBeNull();
      expect((await rita.get('/api/v1/search?q=Papierkorb')).body.items).toHaveLength(1);
      await rita.delete(`/api/v1/deals/${deal.id}`);
      expect((await rita.delete(`/api/v1/trash/deals/${deal.id}`)).status).toBe(403);
      expect((await admin.delete(`/api/v1/trash/deals/${deal.id}`)).status).toBe(204);
      expect(await count('deal where id = ?', [deal.id])).toBe(0);
    });

    it("shows a deal's 360° view and the open deals on its organization's", async () => {
      const deal = await newDeal(rita, { title: 'Übersicht', personId: person });
      const view = await rita.get(`/api/v1/records/deal/${deal.id}/overview`);
      expect(view.status).toBe(200);
      expect(view.body.record).toMatchObject({ id: deal.id, title: 'Übersicht' });
      expect(view.body.history.changes).toBe(1);
      expect(view.body.tags).toEqual([]);
      const orgView = await rita.get(`/api/v1/records/organization/${org}/overview`);
      expect(orgView.body.deals.map((item: { id: string }) => item.id)).toContain(deal.id);
    });

    it('moves the deals of a merged organization to the survivor', async () => {
      const twin = (await admin.post('/api/v1/organizations?confirm=duplicate').send({ name: 'Bäckerei Schmitt' })).body
        .id;
      const deal = await newDeal(rita, { title: 'Zwilling', organizationId: twin });
      const merged = await admin
        .post('/api/v1/duplicates/merge')
        .send({ type: 'organization', survivorId: org, mergedId: twin });
      expect(merged.status).toBe(200);
      const after = await rita.get(`/api/v1/deals/${deal.id}`);
      expect(after.body).toMatchObject({ organizationId: org, organizationName: 'Bäckerei Schmitt GmbH', version: 2 });
      const history = await rita.get(`/api/v1/history?type=deal&id=${deal.id}`);
      expect(history.body.items[0]).toMatchObject({
        action: 'merge',
        field: 'organizationId',
        before: twin,
        after: org,
      });
    });

    it('archives a stage by moving its deals, open, closed and trashed, in the same call', async () => {
      const stages = await admin.post('/api/v1/pipelines').send({
        name: 'Umbau',
        kind: 'deal',
        stages: [
          { name: 'Alt', probability: 20 },
          { name: 'Neu', probability: 40 },
          { name: 'Gewonnen', probability: 100, outcome: 'won' },
        ],
      });
      const [alt, neu, gewonnen] = stages.body.stages as Stage[];
      const open = await newDeal(rita, { title: 'Offen', stageId: alt?.id });
      const closed = await newDeal(rita, { title: 'Zu', stageId: alt?.id, status: 'lost', lostReasonId: lostReason });
      const trashed = await newDeal(rita, { title: 'Weg', stageId: alt?.id });
      await rita.delete(`/api/v1/deals/${trashed.id}`);
      const refused = await admin.post(`/api/v1/pipelines/${stages.body.id}/stages/${alt?.id}/archive`).send({});
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain('3 deal(s), 1 of them in the trash');
      const outcome = await admin
        .patch(`/api/v1/pipelines/${stages.body.id}/stages/${alt?.id}`)
        .send({ outcome: 'won' });
      expect(outcome.status).toBe(409);
      const toWon = await admin
        .post(`/api/v1/pipelines/${stages.body.id}/stages/${alt?.id}/archive`)
        .send({ moveDealsTo: gewonnen?.id });
      expect(toWon.status).toBe(422);
      const archived = await admin
        .post(`/api/v1/pipelines/${stages.body.id}/stages/${alt?.id}/archive`)
        .send({ moveDealsTo: neu?.id });
      expect(archived.status).toBe(200);
      expect(archived.body.stages.map((item: Stage) => item.name)).toEqual(['Neu', 'Gewonnen']);
      expect((await rita.get(`/api/v1/deals/${open.id}`)).body).toMatchObject({ stageId: neu?.id, status: 'open' });
      expect((await rita.get(`/api/v1/deals/${closed.id}`)).body).toMatchObject({ stageId: neu?.id, status: 'lost' });
      expect(await count('deal where id = ? and stage_id = ?', [trashed.id, neu?.id])).toBe(1);
      const moves = await rita.get(`/api/v1/deals/${open.id}/stage-changes`);
      expect(moves.body.items.at(-1)).toMatchObject({ fromStageName: 'Alt', toStageName: 'Neu' });
      const history = await rita.get(`/api/v1/history?type=deal&id=${open.id}`);
      expect(history.body.items[0]).toMatchObject({ field: 'stageId', before: alt?.id, after: neu?.id });
    });
  });

  it("keeps the board's column totals equal to the deals through every write above", async () => {
    expect(await t.orm.em.getConnection().execute(TOTALS_MISMATCH_SQL, [contoso.id, contoso.id])).toEqual([]);
    const [kept] = await t.orm.em
      .getConnection()
      .execute<{ n: number }[]>('select count(*)::int as n from deal_stage_total where tenant_id = ? and deals > 0', [
        contoso.id,
      ]);
    expect(kept?.n).toBeGreaterThan(3);
  });
});
