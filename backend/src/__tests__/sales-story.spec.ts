// The sales issue's "done when", as a user would do it with curl: build a pipeline with task
// templates, convert a lead into person, organization and deal, work the deal across stages with
// its templated tasks appearing (and moving on by itself once its required tasks are done), and
// read the board's sums.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../testing/test-app.ts';

let t: TestApp;
let contoso: TestTenant;
let anna: AuthedAgent;
let ines: AuthedAgent;
let rita: AuthedAgent;

beforeAll(async () => {
  t = await createTestApp();
  contoso = await t.createTenant('Contoso Vertriebsgeschichte GmbH', [
    { displayName: 'Anna Schmidt' },
    { displayName: 'Ines Innendienst', appRoles: ['CRM.InsideSales'] },
    { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
  ]);
  anna = await contoso.as(contoso.upn('Anna Schmidt'));
  ines = await contoso.as(contoso.upn('Ines Innendienst'));
  rita = await contoso.as(contoso.upn('Rita Rep'));
});
afterAll(async () => {
  await t.close();
});

const ok = <T extends { status: number; body: unknown }>(res: T, status = 200): T => {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res;
};

it('builds a pipeline, converts a lead into person, organization and deal, works the deal with its tasks, reads the board', async () => {
  const ritaId = await contoso.userId(contoso.upn('Rita Rep'));

  // 1. The administrator builds a pipeline, puts task templates on its stages and lets deals move on by themselves.
  const pipeline = ok(
    await anna.post('/api/v1/pipelines').send({
      name: 'Großkunden',
      kind: 'deal',
      stages: [
        { name: 'Erstgespräch', probability: 20 },
        { name: 'Angebot', probability: 50 },
        { name: 'Verhandlung', probability: 80 },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
        { name: 'Verloren', probability: 0, outcome: 'lost' },
      ],
    }),
    201,
  ).body as { id: string; stages: { id: string; name: string }[] };
  const stage = (name: string) => pipeline.stages.find((candidate) => candidate.name === name)?.id as string;
  const templates = `/api/v1/pipelines/${pipeline.id}/stages`;
  ok(
    await anna
      .post(`${templates}/${stage('Erstgespräch')}/task-templates`)
      .send({ title: 'Bedarf aufnehmen', assigneeRule: 'deal_owner', dueInDays: 1, required: true }),
    201,
  );
  ok(
    await anna
      .post(`${templates}/${stage('Erstgespräch')}/task-templates`)
      .send({ title: 'Firmenprofil prüfen', assigneeRule: 'deal_owner' }),
    201,
  );
  ok(
    await anna
      .post(`${templates}/${stage('Angebot')}/task-templates`)
      .send({ title: 'Angebot erstellen', assigneeRule: 'deal_owner', dueIn: 'P2D', required: true }),
    201,
  );
  ok(
    await anna
      .post(`${templates}/${stage('Verhandlung')}/task-templates`)
      .send({ title: 'Vertrag senden', assigneeRule: 'deal_owner', required: true }),
    201,
  );
  const automation = ok(await anna.get(`/api/v1/pipelines/${pipeline.id}/automation`));
  ok(
    await anna
      .put(`/api/v1/pipelines/${pipeline.id}/automation`)
      .set('If-Match', automation.headers.etag as string)
      .send({ autoAdvance: true }),
  );

  // 2. Inside sales takes a lead from a trade fair and hands it to Rita, who converts it.
  const lead = ok(
    await ines.post('/api/v1/leads').send({
      title: 'Messe: neue Ofenlinie',
      firstName: 'Klaus',
      lastName: 'Brotmann',
      email: 'k.brotmann@brotmann-backwaren.de',
      phone: '0211 4567890',
      position: 'Geschäftsführer',
      companyName: 'Brotmann Backwaren GmbH',
      postalCode: '40213',
      city: 'Düsseldorf',
      source: 'Südback 2026',
      value: '48000.00',
      ownerId: ritaId,
    }),
    201,
  ).body as { id: string };
  const conversion = ok(
    await rita.post(`/api/v1/leads/${lead.id}/convert`).send({
      person: { create: true },
      organization: { create: true },
      deal: { pipelineId: pipeline.id, stageId: stage('Erstgespräch') },
    }),
  ).body as { convertedTo: { personId: string; organizationId: string; dealId: string } };
  const { personId, organizationId, dealId } = conversion.convertedTo;
  expect(personId).toBeTruthy();
  expect(organizationId).toBeTruthy();
  expect((await rita.get(`/api/v1/leads/${lead.id}`)).body.status).toBe('converted');

  // 3. The deal's tasks of the first stage are there for Rita.
  const tasks = async () =>
    ok(await rita.get(`/api/v1/tasks?record=deal:${dealId}&limit=50`)).body.items as {
      id: string;
      title: string;
      status: string;
      assigneeId: string;
    }[];
  const titles = async () => (await tasks()).map((task) => task.title).sort();
  expect(await titles()).toEqual(['Bedarf aufnehmen', 'Firmenprofil prüfen']);
  expect((await tasks()).every((task) => task.assigneeId === ritaId)).toBe(true);

  // 4. Rita finishes the required task: the deal moves on to Angebot by itself, with that stage's task.
  const needs = (await tasks()).find((task) => task.title === 'Bedarf aufnehmen') as { id: string };
  ok(await rita.patch(`/api/v1/tasks/${needs.id}`).send({ status: 'done' }));
  let deal = ok(await rita.get(`/api/v1/deals/${dealId}`));
  expect(deal.body).toMatchObject({ stageId: stage('Angebot'), value: '48000.00', personId, organizationId });
  expect(await titles()).toEqual(['Angebot erstellen', 'Bedarf aufnehmen', 'Firmenprofil prüfen']);

  // 5. She drags the card to Verhandlung by hand, back and forth: the tasks come once.
  for (const name of ['Verhandlung', 'Angebot', 'Verhandlung']) {
    deal = ok(
      await rita
        .post(`/api/v1/deals/${dealId}/move`)
        .set('If-Match', deal.headers.etag as string)
        .send({ stageId: stage(name) }),
    );
  }
  expect(await titles()).toEqual(['Angebot erstellen', 'Bedarf aufnehmen', 'Firmenprofil prüfen', 'Vertrag senden']);

  // 6. A second deal in Angebot, and one in Swiss francs: the board sums per stage and currency.
  ok(
    await rita
      .post('/api/v1/deals')
      .send({ title: 'Ersatzteile', value: '1500.50', organizationId, stageId: stage('Angebot') }),
    201,
  );
  ok(
    await rita
      .post('/api/v1/deals')
      .send({ title: 'Filiale Basel', value: '9999.95', currency: 'CHF', organizationId, stageId: stage('Angebot') }),
    201,
  );
  const board = ok(await rita.get(`/api/v1/pipelines/${pipeline.id}/board`)).body as {
    stages: { id: string; count: number; sums: { currency: string; value: string; weighted: string }[] }[];
  };
  const column = (name: string) => board.stages.find((candidate) => candidate.id === stage(name));
  expect(column('Verhandlung')).toMatchObject({
    count: 1,
    sums: [{ currency: 'EUR', value: '48000.00', weighted: '38400.00' }],
  });
  expect(column('Angebot')).toMatchObject({
    count: 2,
    sums: [
      { currency: 'CHF', value: '9999.95', weighted: '4999.98' },
      { currency: 'EUR', value: '1500.50', weighted: '750.25' },
    ],
  });
  expect(column('Erstgespräch')).toMatchObject({ count: 0, sums: [] });

  // 7. The last required task is done; the next stage is Gewonnen: winning stays Rita's call.
  const contract = (await tasks()).find((task) => task.title === 'Vertrag senden') as { id: string };
  ok(await rita.patch(`/api/v1/tasks/${contract.id}`).send({ status: 'done' }));
  deal = ok(await rita.get(`/api/v1/deals/${dealId}`));
  expect(deal.body.stageId).toBe(stage('Verhandlung'));
  deal = ok(
    await rita
      .post(`/api/v1/deals/${dealId}/move`)
      .set('If-Match', deal.headers.etag as string)
      .send({ stageId: stage('Gewonnen') }),
  );
  expect(deal.body).toMatchObject({ status: 'won', stageName: 'Gewonnen' });
  const after = ok(await rita.get(`/api/v1/pipelines/${pipeline.id}/board`)).body as typeof board;
  expect(after.stages.find((candidate) => candidate.id === stage('Verhandlung'))).toMatchObject({ count: 0 });

  // 8. Every stage the deal went through is in its stage changes and on the timeline.
  const changes = ok(await rita.get(`/api/v1/deals/${dealId}/stage-changes`)).body.items as { toStageId: string }[];
  expect(changes.map((change) => change.toStageId)).toEqual(
    ['Erstgespräch', 'Angebot', 'Verhandlung', 'Angebot', 'Verhandlung', 'Gewonnen'].map(stage),
  );
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
  const timeline = ok(await rita.get(`/api/v1/timeline?from=${today}&to=${today}&record=deal:${dealId}`));
  const stageEntries = (timeline.body.days as { items: { kind: string }[] }[])
    .flatMap((day) => day.items)
    .filter((entry) => entry.kind === 'deal_stage_change');
  expect(stageEntries).toHaveLength(6);
});
