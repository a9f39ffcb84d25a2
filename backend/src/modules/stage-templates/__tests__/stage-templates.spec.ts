import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

interface Stage {
  id: string;
  name: string;
}

interface Task {
  id: string;
  title: string;
  status: string;
  assigneeId: string | null;
  teamId: string | null;
  ownerId: string | null;
  dueAt: string | null;
  dueOn: string | null;
  priority: string;
  version: number;
}

describe('stage task templates', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let admin: AuthedAgent;
  let manager: AuthedAgent;
  let rita: AuthedAgent;
  let ritaId: string;
  let rolfId: string;
  let teamId: string;
  let pipelineId: string;
  let stages: Record<string, string>;
  let org: string;
  let leadStage: string;

  const base = (stage: string, pipeline = pipelineId) =>
    `/api/v1/pipelines/${pipeline}/stages/${stages[stage] ?? stage}/task-templates`;

  const tasksOf = async (dealId: string): Promise<Task[]> => {
    const res = await admin.get(`/api/v1/tasks?record=deal:${dealId}&limit=100`);
    expect(res.status).toBe(200);
    return (res.body.items as Task[]).sort((a, b) => a.title.localeCompare(b.title));
  };

  const newDeal = async (title: string, stage = 'Erstkontakt', api = rita) => {
    const res = await api.post('/api/v1/deals').send({ title, organizationId: org, stageId: stages[stage] });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body as { id: string; version: number; stageId: string };
  };

  const deal = async (id: string) =>
    (await admin.get(`/api/v1/deals/${id}`)).body as { stageId: string; version: number };

  const finish = async (api: AuthedAgent, task: Task) => {
    const res = await api.patch(`/api/v1/tasks/${task.id}`).send({ status: 'done' });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  };

  const setAutomation = async (body: object) => {
    const current = await admin.get(`/api/v1/pipelines/${pipelineId}/automation`);
    const res = await admin
      .put(`/api/v1/pipelines/${pipelineId}/automation`)
      .set('If-Match', current.headers.etag as string)
      .send(body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
    return res.body;
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Vorlagen GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Max Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    fabrikam = await t.createTenant('Fabrikam Vorlagen AG', [{ displayName: 'Zoë Bäcker' }]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    manager = await contoso.as(contoso.upn('Max Manager'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    ritaId = await contoso.userId(contoso.upn('Rita Rep'));
    rolfId = await contoso.userId(contoso.upn('Rolf Rep'));
    const managerId = await contoso.userId(contoso.upn('Max Manager'));
    teamId = (await admin.post('/api/v1/admin/teams').send({ name: 'Innendienst', managerId, memberIds: [rolfId] }))
      .body.id;
    const pipeline = await manager.post('/api/v1/pipelines').send({
      name: 'Projektgeschäft',
      kind: 'deal',
      stages: [
        { name: 'Erstkontakt', probability: 10 },
        { name: 'Angebot', probability: 50 },
        { name: 'Verhandlung', probability: 75 },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
        { name: 'Verloren', probability: 0, outcome: 'lost' },
      ],
    });
    expect(pipeline.status).toBe(201);
    pipelineId = pipeline.body.id;
    stages = Object.fromEntries((pipeline.body.stages as Stage[]).map((stage) => [stage.name, stage.id]));
    org = (await admin.post('/api/v1/organizations').send({ name: 'Bäckerei Vorlage GmbH' })).body.id;
    const leads = (await admin.get('/api/v1/pipelines?kind=lead')).body.items[0];
    leadStage = leads.stages[0].id;
    stages.lead = leadStage;
    stages.leadPipeline = leads.id;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('the templates of a stage', () => {
    it('are kept per stage in order by admins and sales managers', async () => {
      const first = await manager.post(base('Erstkontakt')).send({
        title: 'Bedarf klären',
        dueInDays: 2,
        assigneeRule: 'deal_owner',
        required: true,
      });
      expect(first.status).toBe(201);
      expect(first.headers.etag).toBe('"1"');
      expect(first.body).toMatchObject({
        pipelineId,
        stageId: stages.Erstkontakt,
        title: 'Bedarf klären',
        dueInDays: 2,
        dueIn: null,
        assigneeRule: 'deal_owner',
        userId: null,
        required: true,
        priority: 'normal',
        position: 0,
      });
      const second = await admin.post(base('Erstkontakt')).send({
        title: 'Unterlagen schicken',
        dueIn: 'PT4H',
        assigneeRule: 'user',
        userId: rolfId,
        priority: 'high',
      });
      expect(second.status).toBe(201);
      expect(second.body.position).toBe(1);
      const third = await admin
        .post(base('Erstkontakt'))
        .send({ title: 'Innendienst informieren', assigneeRule: 'team', teamId, required: true });
      expect(third.status).toBe(201);
      expect(
        (
          await admin
            .post(base('Angebot'))
            .send({ title: 'Angebot schreiben', assigneeRule: 'deal_owner', required: true })
        ).status,
      ).toBe(201);
      expect(
        (
          await admin
            .post(base('Verhandlung'))
            .send({ title: 'Vertrag prüfen', assigneeRule: 'deal_owner', required: true })
        ).status,
      ).toBe(201);

      const list = await rita.get(base('Erstkontakt'));
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ stageId: stages.Erstkontakt, autoAdvance: false });
      expect(list.body.items.map((item: { title: string }) => item.title)).toEqual([
        'Bedarf klären',
        'Unterlagen schicken',
        'Innendienst informieren',
      ]);
      const one = await rita.get(`${base('Erstkontakt')}/${second.body.id}`);
      expect(one.body).toMatchObject({ title: 'Unterlagen schicken', userId: rolfId, dueIn: 'PT4H' });
    });

    it('refuses sales reps, bad rules and due dates, unknown users and teams, and lead stages', async () => {
      const rep = await rita.post(base('Angebot')).send({ title: 'X', assigneeRule: 'deal_owner' });
      expect(rep.status).toBe(403);
      const bad = async (body: object, pointer: string, status = 400) => {
        const res = await admin.post(base('Angebot')).send(body);
        expect({ body, status: res.status, pointer: res.body.errors?.[0]?.pointer }).toEqual({ body, status, pointer });
      };
      await bad({ title: 'X', assigneeRule: 'user' }, '#/userId');
      await bad({ title: 'X', assigneeRule: 'team' }, '#/teamId');
      await bad({ title: 'X', assigneeRule: 'deal_owner', userId: rolfId }, '#/userId');
      await bad({ title: 'X', assigneeRule: 'deal_owner', dueInDays: 1, dueIn: 'P1D' }, '#/dueIn');
      await bad({ title: 'X', assigneeRule: 'deal_owner', dueIn: 'morgen' }, '#/dueIn');
      await bad({ title: 'X', assigneeRule: 'deal_owner', dueInDays: -1 }, '#/dueInDays');
      await bad({ title: '', assigneeRule: 'deal_owner' }, '#/title');
      await bad({ title: 'X', assigneeRule: 'user', userId: teamId }, '#/userId', 422);
      await bad({ title: 'X', assigneeRule: 'team', teamId: rolfId }, '#/teamId', 422);
      const lead = await admin.post(base(leadStage, stages.leadPipeline as string)).send({
        title: 'X',
        assigneeRule: 'deal_owner',
      });
      expect(lead.status).toBe(422);
      expect(lead.body.type).toBe('urn:crm:problem:not_a_deal_pipeline');
      // A stage of another pipeline under this pipeline's path.
      const elsewhere = await admin.get(base(leadStage));
      expect(elsewhere.status).toBe(404);
      const templates = (await admin.get(base('Angebot'))).body.items;
      expect(templates).toHaveLength(1);
    });

    it('changes with If-Match, drops the user of a rule given up, and removes', async () => {
      const created = await admin
        .post(base('Angebot'))
        .send({ title: 'Kalkulation', assigneeRule: 'user', userId: rolfId, dueInDays: 3 });
      const url = `${base('Angebot')}/${created.body.id}`;
      const stale = await admin.patch(url).set('If-Match', '"7"').send({ title: 'Kalkulation prüfen' });
      expect(stale.status).toBe(412);
      const changed = await admin
        .patch(url)
        .set('If-Match', '"1"')
        .send({ assigneeRule: 'deal_owner', dueIn: 'P1D', required: true });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        assigneeRule: 'deal_owner',
        userId: null,
        dueIn: 'P1D',
        dueInDays: null,
        required: true,
        version: 2,
      });
      const history = await t.orm.em
        .getConnection()
        .execute<{ field: string }[]>(
          "select field from history where record_type = 'stage_task_template' and record_id = ? and action = 'update'",
          [created.body.id],
        );
      expect(history.map((row) => row.field).sort()).toEqual([
        'assigneeRule',
        'dueIn',
        'dueInDays',
        'required',
        'userId',
      ]);
      expect((await rita.patch(url).send({ title: 'Y' })).status).toBe(403);
      const teamless = await admin.patch(url).send({ assigneeRule: 'team' });
      expect({ status: teamless.status, pointer: teamless.body.errors?.[0]?.pointer }).toEqual({
        status: 400,
        pointer: '#/teamId',
      });
      const toUser = await admin.patch(url).send({ assigneeRule: 'user', userId: rolfId });
      expect(toUser.body).toMatchObject({ assigneeRule: 'user', userId: rolfId, version: 3 });
      const userless = await admin.patch(url).send({ userId: null });
      expect({ status: userless.status, pointer: userless.body.errors?.[0]?.pointer }).toEqual({
        status: 422,
        pointer: '#/userId',
      });
      expect((await rita.delete(url)).status).toBe(403);
      expect((await admin.delete(url).set('If-Match', '"1"')).status).toBe(412);
      expect((await admin.delete(url)).status).toBe(204);
      expect((await admin.get(url)).status).toBe(404);
    });

    it("are not another organisation's to read or change", async () => {
      const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
      const template = (await admin.get(base('Erstkontakt'))).body.items[0].id;
      expect((await zoe.get(base('Erstkontakt'))).status).toBe(404);
      expect((await zoe.get(`${base('Erstkontakt')}/${template}`)).status).toBe(404);
      expect((await zoe.patch(`${base('Erstkontakt')}/${template}`).send({ title: 'Hijacked' })).status).toBe(404);
      expect((await zoe.delete(`${base('Erstkontakt')}/${template}`)).status).toBe(404);
      expect((await zoe.post(base('Erstkontakt')).send({ title: 'Fremd', assigneeRule: 'deal_owner' })).status).toBe(
        404,
      );
      expect((await zoe.get(`/api/v1/pipelines/${pipelineId}/automation`)).status).toBe(404);
      expect((await zoe.put(`/api/v1/pipelines/${pipelineId}/automation`).send({ autoAdvance: true })).status).toBe(
        404,
      );
      expect((await admin.get(`${base('Erstkontakt')}/${template}`)).body.title).toBe('Bedarf klären');
    });
  });

  describe('entering a stage', () => {
    it("makes the stage's tasks for the deal, linked to it, with their assignee and due date", async () => {
      const before = Date.now();
      const created = await newDeal('Ofenanlage');
      const tasks = await tasksOf(created.id);
      expect(tasks.map((task) => task.title)).toEqual([
        'Bedarf klären',
        'Innendienst informieren',
        'Unterlagen schicken',
      ]);
      const [needs, team, papers] = tasks as [Task, Task, Task];
      expect(needs).toMatchObject({ assigneeId: ritaId, teamId: null, ownerId: ritaId, status: 'open' });
      const inTwoDays = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
        new Date(Date.now() + 2 * 86_400_000),
      );
      expect(needs.dueOn).toBe(inTwoDays);
      expect(team).toMatchObject({ assigneeId: null, teamId });
      expect(papers).toMatchObject({ assigneeId: rolfId, priority: 'high' });
      const due = Date.parse(papers.dueAt as string);
      expect(due).toBeGreaterThanOrEqual(before + 4 * 3_600_000 - 1000);
      expect(due).toBeLessThan(Date.now() + 4 * 3_600_000 + 1000);
      // Rita sees the tasks of her deal: those she is given and those she owns.
      const mine = await rita.get(`/api/v1/tasks?record=deal:${created.id}`);
      expect(mine.body.items.map((task: Task) => task.title).sort()).toEqual([
        'Bedarf klären',
        'Innendienst informieren',
        'Unterlagen schicken',
      ]);
    });

    it('makes them once: a deal moving back and forth does not get them again', async () => {
      const created = await newDeal('Kühlzelle');
      expect(await tasksOf(created.id)).toHaveLength(3);
      let version = created.version;
      for (const stage of ['Angebot', 'Erstkontakt', 'Angebot', 'Erstkontakt']) {
        const moved = await rita
          .post(`/api/v1/deals/${created.id}/move`)
          .set('If-Match', `"${version}"`)
          .send({ stageId: stages[stage] });
        expect(moved.status).toBe(200);
        version = moved.body.version;
      }
      const viaPatch = await rita.patch(`/api/v1/deals/${created.id}`).send({ stageId: stages.Angebot });
      expect(viaPatch.status).toBe(200);
      const tasks = await tasksOf(created.id);
      expect(tasks.map((task) => task.title)).toEqual([
        'Angebot schreiben',
        'Bedarf klären',
        'Innendienst informieren',
        'Unterlagen schicken',
      ]);
      const rows = await t.orm.em
        .getConnection()
        .execute<{ n: number }[]>('select count(*)::int as n from deal_stage_task where deal_id = ?', [created.id]);
      expect(rows[0]?.n).toBe(4);
    });

    it('gives a task whose user has left to the deal owner, and a deleted team’s to the owner too', async () => {
      const leaver = await admin.post(base('Verhandlung')).send({
        title: 'Rechtsabteilung fragen',
        assigneeRule: 'user',
        userId: rolfId,
      });
      expect(leaver.status).toBe(201);
      const temporary = (await admin.post('/api/v1/admin/teams').send({ name: 'Projektteam', memberIds: [rolfId] }))
        .body.id;
      const gone = await admin
        .post(base('Verhandlung'))
        .send({ title: 'Projektteam einweisen', assigneeRule: 'team', teamId: temporary });
      expect(gone.status).toBe(201);
      expect((await admin.delete(`/api/v1/admin/teams/${temporary}`)).status).toBe(204);
      await t.orm.em.getConnection().execute('update app_user set active = false where id = ?', [rolfId]);
      try {
        const created = await newDeal('Backstraße', 'Verhandlung');
        const tasks = await tasksOf(created.id);
        expect(tasks.find((task) => task.title === 'Rechtsabteilung fragen')).toMatchObject({ assigneeId: ritaId });
        expect(tasks.find((task) => task.title === 'Projektteam einweisen')).toMatchObject({
          assigneeId: ritaId,
          teamId: null,
        });
      } finally {
        await t.orm.em.getConnection().execute('update app_user set active = true where id = ?', [rolfId]);
        await admin.delete(`${base('Verhandlung')}/${leaver.body.id}`);
        await admin.delete(`${base('Verhandlung')}/${gone.body.id}`);
      }
    });

    it('makes the tasks of the stage deals are moved to when their stage is archived', async () => {
      const extra = await admin
        .post(`/api/v1/pipelines/${pipelineId}/stages`)
        .send({ name: 'Zwischenstufe', probability: 60 });
      expect(extra.status).toBe(201);
      const extraId = (extra.body.stages as Stage[]).find((stage) => stage.name === 'Zwischenstufe')?.id as string;
      stages.Zwischenstufe = extraId;
      const parked = await newDeal('Geparkt', 'Zwischenstufe');
      expect(await tasksOf(parked.id)).toHaveLength(0);
      const archived = await admin
        .post(`/api/v1/pipelines/${pipelineId}/stages/${extraId}/archive`)
        .send({ moveDealsTo: stages.Angebot });
      expect(archived.status).toBe(200);
      expect((await tasksOf(parked.id)).map((task) => task.title)).toEqual(['Angebot schreiben']);
    });
  });

  describe('finishing the required tasks', () => {
    it('leaves the deal where it is while the pipeline does not move deals by itself', async () => {
      const created = await newDeal('Manuell');
      for (const task of await tasksOf(created.id)) await finish(admin, task);
      expect((await deal(created.id)).stageId).toBe(stages.Erstkontakt);
    });

    it("moves the deal on by itself once the stage's required tasks are done, with its stage change and the next stage's tasks", async () => {
      const settings = await setAutomation({ autoAdvance: true });
      expect(settings.stages.find((stage: { stageId: string }) => stage.stageId === stages.Erstkontakt)).toMatchObject({
        autoAdvance: null,
        effective: true,
        templates: 3,
        requiredTemplates: 2,
      });
      const created = await newDeal('Automatik');
      const [needs, team] = (await tasksOf(created.id)) as [Task, Task, Task];
      await finish(rita, needs);
      expect((await deal(created.id)).stageId).toBe(stages.Erstkontakt);
      // The last required task is done by someone else than the deal's owner: the deal moves all the same.
      await finish(admin, team);
      const moved = await deal(created.id);
      expect(moved.stageId).toBe(stages.Angebot);
      const annaId = await contoso.userId(contoso.upn('Anna Schmidt'));
      const changes = (await rita.get(`/api/v1/deals/${created.id}/stage-changes`)).body.items;
      expect(changes.at(-1)).toMatchObject({
        fromStageId: stages.Erstkontakt,
        toStageId: stages.Angebot,
        changedBy: annaId,
      });
      const history = await rita.get(`/api/v1/history?type=deal&id=${created.id}`);
      expect(history.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'stageId', before: stages.Erstkontakt, after: stages.Angebot }),
        ]),
      );
      expect((await tasksOf(created.id)).map((task) => task.title)).toContain('Angebot schreiben');
      // The board shows the card in its new column.
      const board = await rita.get(`/api/v1/pipelines/${pipelineId}/board`);
      const column = board.body.stages.find((stage: { id: string }) => stage.id === stages.Angebot);
      expect(column.items.map((card: { id: string }) => card.id)).toContain(created.id);
    });

    it('does not move a deal whose stage says no, nor into a won stage, and a person may always set the stage', async () => {
      await setAutomation({ stages: [{ stageId: stages.Angebot, autoAdvance: false }] });
      const created = await newDeal('Stufe sagt nein', 'Angebot');
      const [offer] = (await tasksOf(created.id)) as [Task];
      await finish(rita, offer);
      expect((await deal(created.id)).stageId).toBe(stages.Angebot);

      const last = await newDeal('Kurz vor Abschluss', 'Verhandlung');
      const contract = (await tasksOf(last.id)).find((task) => task.title === 'Vertrag prüfen') as Task;
      await finish(rita, contract);
      expect((await deal(last.id)).stageId).toBe(stages.Verhandlung);

      const hand = await newDeal('Von Hand');
      const moved = await rita.patch(`/api/v1/deals/${hand.id}`).send({ stageId: stages.Verhandlung });
      expect(moved.status).toBe(200);
      expect(moved.body.stageId).toBe(stages.Verhandlung);
    });

    it("moves nothing when a finished task's deal has moved on meanwhile", async () => {
      const created = await newDeal('Vorbei');
      const [needs, team] = (await tasksOf(created.id)) as [Task, Task, Task];
      await rita.patch(`/api/v1/deals/${created.id}`).send({ stageId: stages.Verhandlung });
      await finish(rita, needs);
      await finish(admin, team);
      expect((await deal(created.id)).stageId).toBe(stages.Verhandlung);
    });

    it('refuses automation changes from reps, stale versions and stages of other pipelines', async () => {
      expect((await rita.put(`/api/v1/pipelines/${pipelineId}/automation`).send({ autoAdvance: false })).status).toBe(
        403,
      );
      const stale = await admin
        .put(`/api/v1/pipelines/${pipelineId}/automation`)
        .set('If-Match', '"1"')
        .send({ autoAdvance: false });
      expect(stale.status).toBe(412);
      const foreign = await admin
        .put(`/api/v1/pipelines/${pipelineId}/automation`)
        .send({ stages: [{ stageId: leadStage, autoAdvance: true }] });
      expect(foreign.status).toBe(422);
      expect(foreign.body.errors[0].pointer).toBe('#/stages/0/stageId');
      expect((await admin.get(`/api/v1/pipelines/${pipelineId}/automation`)).body.autoAdvance).toBe(true);
    });
  });

  it("puts every stage a deal entered on the timeline of the deal's contacts", async () => {
    const created = await newDeal('Zeitstrahl');
    await rita.patch(`/api/v1/deals/${created.id}`).send({ stageId: stages.Angebot });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    const timeline = await rita.get(`/api/v1/timeline?from=${today}&to=${today}&record=deal:${created.id}`);
    expect(timeline.status).toBe(200);
    const entries = timeline.body.days
      .flatMap((day: { items: { kind: string }[] }) => day.items)
      .filter((entry: { kind: string }) => entry.kind === 'deal_stage_change');
    expect(entries.map((entry: { title: string }) => entry.title)).toEqual([
      'Zeitstrahl: Erstkontakt',
      'Zeitstrahl: Erstkontakt → Angebot',
    ]);
    expect(entries[1].details).toMatchObject({ dealId: created.id, toStageName: 'Angebot' });
    const ofOrg = await rita.get(`/api/v1/timeline?from=${today}&to=${today}&record=organization:${org}`);
    expect(
      ofOrg.body.days
        .flatMap((day: { items: { kind: string; details: { dealId?: string } }[] }) => day.items)
        .filter((entry: { details: { dealId?: string } }) => entry.details.dealId === created.id),
    ).toHaveLength(2);
    // Another rep does not see Rita's deal moving.
    const rolf = await contoso.as(contoso.upn('Rolf Rep'));
    const theirs = await rolf.get(`/api/v1/timeline?from=${today}&to=${today}`);
    expect(JSON.stringify(theirs.body)).not.toContain('Zeitstrahl');
  });
});
