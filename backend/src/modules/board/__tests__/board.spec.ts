import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { TOTALS_MISMATCH_SQL } from './board-totals.ts';

interface Stage {
  id: string;
  name: string;
}
interface BoardStage {
  id: string;
  name: string;
  count: number;
  sums: { currency: string; value: string; weighted: string }[];
  items: { id: string; title: string; version: number }[];
  nextCursor: string | null;
}

describe('the kanban board', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let manager: AuthedAgent;
  let rita: AuthedAgent;
  let rolf: AuthedAgent;
  let org: string;
  let lostReason: string;

  /** A pipeline of its own per test, so that each test's sums are its own. */
  const newPipeline = async (name: string) => {
    const res = await admin.post('/api/v1/pipelines').send({
      name,
      kind: 'deal',
      stages: [
        { name: 'Erstkontakt', probability: 10 },
        { name: 'Angebot', probability: 50 },
        { name: 'Verhandlung', probability: 75 },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
        { name: 'Verloren', probability: 0, outcome: 'lost' },
      ],
    });
    expect(res.status).toBe(201);
    const stages = res.body.stages as Stage[];
    return {
      id: res.body.id as string,
      stage: (stageName: string) => (stages.find((stage) => stage.name === stageName) as Stage).id,
    };
  };
  const deal = async (api: AuthedAgent, stageId: string, title: string, value = '100.00', currency = 'EUR') => {
    const res = await api.post('/api/v1/deals').send({ title, value, currency, stageId, organizationId: org });
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number };
  };
  const board = async (api: AuthedAgent, pipelineId: string, query = '') => {
    const res = await api.get(`/api/v1/pipelines/${pipelineId}/board${query}`);
    expect(res.status).toBe(200);
    const column = (name: string) =>
      (res.body.stages as BoardStage[]).find((stage) => stage.name === name) as BoardStage;
    return { body: res.body, column, titles: (name: string) => column(name).items.map((item) => item.title) };
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Board GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Max Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    manager = await contoso.as(contoso.upn('Max Manager'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    const managerId = await contoso.userId(contoso.upn('Max Manager'));
    const ritaId = await contoso.userId(contoso.upn('Rita Rep'));
    await admin.post('/api/v1/admin/teams').send({ name: 'Team Board', managerId, memberIds: [ritaId] });
    org = (await admin.post('/api/v1/organizations').send({ name: 'Kunde Board AG' })).body.id;
    lostReason = (await rita.get('/api/v1/lost-reasons?objectType=deal')).body.items[0].id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the open deals of each stage and sums value and weighted value per currency, never mixed', async () => {
    const p = await newPipeline('Summen');
    await deal(rita, p.stage('Angebot'), 'Ofen', '1000.00');
    await deal(rita, p.stage('Angebot'), 'Teigmaschine', '250.55');
    await deal(rita, p.stage('Angebot'), 'Waage Zürich', '333.33', 'CHF');
    await deal(rita, p.stage('Erstkontakt'), 'Kleinkram', '0.05');
    await deal(rita, p.stage('Erstkontakt'), 'Yen', '1001', 'JPY');
    const won = await deal(rita, p.stage('Angebot'), 'Schon gewonnen', '5000.00');
    await rita.patch(`/api/v1/deals/${won.id}`).send({ status: 'won' });
    const trashed = await deal(rita, p.stage('Angebot'), 'Im Papierkorb', '7000.00');
    await rita.delete(`/api/v1/deals/${trashed.id}`);

    const { body, column, titles } = await board(rita, p.id);
    expect(body.pipelineId).toBe(p.id);
    expect(body.stages.map((stage: BoardStage) => stage.name)).toEqual([
      'Erstkontakt',
      'Angebot',
      'Verhandlung',
      'Gewonnen',
      'Verloren',
    ]);
    expect(column('Angebot')).toMatchObject({
      probability: 50,
      count: 3,
      sums: [
        { currency: 'CHF', value: '333.33', weighted: '166.67' },
        { currency: 'EUR', value: '1250.55', weighted: '625.28' },
      ],
      nextCursor: null,
    });
    // The newest card is on top.
    expect(titles('Angebot')).toEqual(['Waage Zürich', 'Teigmaschine', 'Ofen']);
    expect(column('Erstkontakt').sums).toEqual([
      { currency: 'EUR', value: '0.05', weighted: '0.01' },
      { currency: 'JPY', value: '1001', weighted: '100' },
    ]);
    expect(column('Verhandlung')).toMatchObject({ count: 0, sums: [], items: [], nextCursor: null });
    expect(column('Gewonnen').count).toBe(0);
  });

  it('pages each column with its own cursor, and filters cards and sums alike', async () => {
    const p = await newPipeline('Seiten');
    for (const title of ['eins', 'zwei', 'drei', 'vier', 'fünf']) await deal(rita, p.stage('Angebot'), title, '10.00');
    await deal(rita, p.stage('Verhandlung'), 'groß', '990.00');
    const { column } = await board(rita, p.id, '?limit=2');
    expect(column('Angebot').items.map((item) => item.title)).toEqual(['fünf', 'vier']);
    expect(column('Angebot').count).toBe(5);
    const next = await rita.get(
      `/api/v1/pipelines/${p.id}/board/stages/${p.stage('Angebot')}?limit=2&cursor=${column('Angebot').nextCursor}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items.map((item: { title: string }) => item.title)).toEqual(['drei', 'zwei']);
    const last = await rita.get(
      `/api/v1/pipelines/${p.id}/board/stages/${p.stage('Angebot')}?limit=2&cursor=${next.body.nextCursor}`,
    );
    expect(last.body).toMatchObject({ items: [expect.objectContaining({ title: 'eins' })], nextCursor: null });
    expect((await rita.get(`/api/v1/pipelines/${p.id}/board/stages/${p.stage('Angebot')}?cursor=kaputt`)).status).toBe(
      400,
    );
    const other = await newPipeline('Andere Seiten');
    expect((await rita.get(`/api/v1/pipelines/${p.id}/board/stages/${other.stage('Angebot')}`)).status).toBe(422);

    const filter = encodeURIComponent(JSON.stringify({ field: 'value', op: 'gt', value: 500 }));
    const filtered = await board(rita, p.id, `?filter=${filter}`);
    expect(filtered.column('Angebot')).toMatchObject({ count: 0, sums: [], items: [] });
    expect(filtered.column('Verhandlung')).toMatchObject({
      count: 1,
      sums: [{ currency: 'EUR', value: '990.00', weighted: '742.50' }],
    });
    const bad = await rita.get(
      `/api/v1/pipelines/${p.id}/board?filter=${encodeURIComponent('{"field":"nope","op":"eq","value":1}')}`,
    );
    expect(bad.status).toBe(400);
  });

  it("shows reps their own cards and sums, managers their team's, and costs the same queries for 3 cards as for 30", async () => {
    const p = await newPipeline('Sichtbarkeit');
    await deal(rita, p.stage('Angebot'), 'Ritas', '100.00');
    await deal(rolf, p.stage('Angebot'), 'Rolfs', '200.00');
    expect((await board(rita, p.id)).column('Angebot')).toMatchObject({
      count: 1,
      sums: [{ currency: 'EUR', value: '100.00' }],
    });
    expect((await board(rolf, p.id)).titles('Angebot')).toEqual(['Rolfs']);
    expect((await board(manager, p.id)).titles('Angebot')).toEqual(['Ritas']);
    expect((await board(admin, p.id)).column('Angebot').count).toBe(2);

    const costOf = () =>
      t.countQueries(async () => expect((await admin.get(`/api/v1/pipelines/${p.id}/board`)).status).toBe(200));
    const few = await costOf();
    for (let i = 0; i < 27; i++)
      await deal(admin, p.stage(['Erstkontakt', 'Angebot', 'Verhandlung'][i % 3] as string), `Mehr ${i}`);
    expect(await costOf()).toBe(few);
    // begin, tenant, principal, pipeline, sums, cards, commit
    expect(few).toBeLessThanOrEqual(8);
  });

  it("names each card's owner, and offers as owner filter only the owners whose cards the caller may see", async () => {
    const p = await newPipeline('Besitzer');
    await deal(rita, p.stage('Angebot'), 'Ritas');
    await deal(rolf, p.stage('Erstkontakt'), 'Rolfs');
    expect((await board(rita, p.id)).column('Angebot').items[0]).toMatchObject({
      title: 'Ritas',
      ownerName: 'Rita Rep',
    });
    const owners = async (api: AuthedAgent, pipelineId = p.id) => {
      const res = await api.get(`/api/v1/pipelines/${pipelineId}/board/owners`);
      expect(res.status).toBe(200);
      return (res.body.items as { displayName: string }[]).map((owner) => owner.displayName);
    };
    expect(await owners(admin)).toEqual(['Rita Rep', 'Rolf Rep']);
    expect(await owners(manager)).toEqual(['Rita Rep']);
    expect(await owners(rolf)).toEqual(['Rolf Rep']);
    const missing = await admin.get('/api/v1/pipelines/0190f3c4-0000-7000-8000-000000000000/board/owners');
    expect(missing.status).toBe(404);
  });

  it('moves cards between and within columns, in a stable order, with the stage change in history', async () => {
    const p = await newPipeline('Ziehen');
    const a = await deal(rita, p.stage('Erstkontakt'), 'A');
    const b = await deal(rita, p.stage('Erstkontakt'), 'B');
    const c = await deal(rita, p.stage('Erstkontakt'), 'C');
    const d = await deal(rita, p.stage('Angebot'), 'D');
    expect((await board(rita, p.id)).titles('Erstkontakt')).toEqual(['C', 'B', 'A']);

    const moved = await rita
      .post(`/api/v1/deals/${a.id}/move`)
      .set('If-Match', `"${a.version}"`)
      .send({ stageId: p.stage('Angebot'), afterId: d.id });
    expect(moved.status).toBe(200);
    expect(moved.headers.etag).toBe(`"${a.version + 1}"`);
    expect(moved.body).toMatchObject({ stageId: p.stage('Angebot'), stageName: 'Angebot', status: 'open' });
    const stale = await rita
      .post(`/api/v1/deals/${a.id}/move`)
      .set('If-Match', `"${a.version}"`)
      .send({ stageId: p.stage('Verhandlung') });
    expect(stale.status).toBe(412);
    await rita.post(`/api/v1/deals/${c.id}/move`).send({ stageId: p.stage('Angebot'), beforeId: a.id });
    await rita.post(`/api/v1/deals/${b.id}/move`).send({ stageId: p.stage('Angebot') });
    let view = await board(rita, p.id);
    expect(view.titles('Erstkontakt')).toEqual([]);
    expect(view.titles('Angebot')).toEqual(['B', 'D', 'C', 'A']);
    // Within the column: to the bottom, then between two cards.
    await rita.post(`/api/v1/deals/${b.id}/move`).send({ stageId: p.stage('Angebot'), position: 'bottom' });
    await rita.post(`/api/v1/deals/${a.id}/move`).send({ stageId: p.stage('Angebot'), afterId: d.id });
    view = await board(rita, p.id);
    expect(view.titles('Angebot')).toEqual(['D', 'A', 'C', 'B']);
    expect(view.column('Angebot').sums[0]).toEqual({ currency: 'EUR', value: '400.00', weighted: '200.00' });

    const changes = await rita.get(`/api/v1/deals/${a.id}/stage-changes`);
    expect(changes.body.items.map((item: { toStageName: string }) => item.toStageName)).toEqual([
      'Erstkontakt',
      'Angebot',
    ]);
    const history = await rita.get(`/api/v1/history?type=deal&id=${a.id}`);
    expect(history.body.items.filter((item: { field: string }) => item.field === 'stageId')).toHaveLength(1);
  });

  it('closes a deal dropped on an end stage, and refuses stages of other pipelines and lost without reason', async () => {
    const p = await newPipeline('Abschluss');
    const other = await newPipeline('Fremd');
    const card = await deal(rita, p.stage('Verhandlung'), 'Abschluss', '800.00');
    const elsewhere = await rita.post(`/api/v1/deals/${card.id}/move`).send({ stageId: other.stage('Angebot') });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.errors[0].pointer).toBe('#/stageId');
    const noReason = await rita.post(`/api/v1/deals/${card.id}/move`).send({ stageId: p.stage('Verloren') });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors[0].pointer).toBe('#/lostReasonId');
    const self = await rita
      .post(`/api/v1/deals/${card.id}/move`)
      .send({ stageId: p.stage('Verhandlung'), afterId: card.id });
    expect(self.status).toBe(422);
    const both = await rita
      .post(`/api/v1/deals/${card.id}/move`)
      .send({ stageId: p.stage('Verhandlung'), afterId: card.id, position: 'top' });
    expect(both.status).toBe(400);
    expect((await board(rita, p.id)).column('Verhandlung').count).toBe(1);

    const lost = await rita
      .post(`/api/v1/deals/${card.id}/move`)
      .send({ stageId: p.stage('Verloren'), lostReasonId: lostReason, lostNote: 'zu teuer' });
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({ status: 'lost', lostReasonId: lostReason, lostNote: 'zu teuer' });
    expect((await board(rita, p.id)).column('Verhandlung').count).toBe(0);
    const back = await rita.post(`/api/v1/deals/${card.id}/move`).send({ stageId: p.stage('Angebot') });
    expect(back.body).toMatchObject({ status: 'open', lostReasonId: null, stageName: 'Angebot' });
    expect((await board(rita, p.id)).titles('Angebot')).toEqual(['Abschluss']);
  });

  it('lets a rep move only deals they may edit, next to cards they may see', async () => {
    const p = await newPipeline('Rechte');
    const ritas = await deal(rita, p.stage('Angebot'), 'Ritas Karte');
    const rolfs = await deal(rolf, p.stage('Angebot'), 'Rolfs Karte');
    expect((await rolf.post(`/api/v1/deals/${ritas.id}/move`).send({ stageId: p.stage('Verhandlung') })).status).toBe(
      404,
    );
    const nextToHidden = await rolf
      .post(`/api/v1/deals/${rolfs.id}/move`)
      .send({ stageId: p.stage('Angebot'), afterId: ritas.id });
    expect(nextToHidden.status).toBe(422);
    expect((await board(admin, p.id)).column('Angebot').count).toBe(2);
    const other = await t.createTenant('Fabrikam Board AG', [{ displayName: 'Zoë Bäcker' }]);
    const stranger = await other.as(other.upn('Zoë Bäcker'));
    expect(
      (await stranger.post(`/api/v1/deals/${ritas.id}/move`).send({ stageId: p.stage('Verhandlung') })).status,
    ).toBe(404);
    expect((await stranger.get(`/api/v1/pipelines/${p.id}/board`)).status).toBe(404);
  });

  it('keeps counts, sums and order right when two clients move cards at once', async () => {
    const p = await newPipeline('Gleichzeitig');
    const cards: { id: string; version: number }[] = [];
    for (let i = 0; i < 12; i++) cards.push(await deal(rita, p.stage('Erstkontakt'), `Karte ${i}`, `${i + 1}.50`));
    // Rita and her manager drag six cards each into the same column at the same time, top and bottom.
    const moves = cards.map((card, i) =>
      (i % 2 === 0 ? rita : manager)
        .post(`/api/v1/deals/${card.id}/move`)
        .set('If-Match', `"${card.version}"`)
        .send({ stageId: p.stage('Verhandlung'), position: i % 3 === 0 ? 'bottom' : 'top' }),
    );
    const answers = await Promise.all(moves);
    expect(answers.map((res) => res.status)).toEqual(cards.map(() => 200));
    // The same card from both clients with the same ETag: one wins, the other is told it is stale.
    const [first] = answers;
    const twice = await Promise.all(
      [rita, manager].map((api) =>
        api
          .post(`/api/v1/deals/${cards[0]?.id}/move`)
          .set('If-Match', `"${first?.body.version}"`)
          .send({ stageId: p.stage('Angebot') }),
      ),
    );
    expect(twice.map((res) => res.status).sort()).toEqual([200, 412]);

    const view = await board(admin, p.id, '?limit=100');
    expect(view.column('Erstkontakt')).toMatchObject({ count: 0, sums: [] });
    // 1.50 + 2.50 + … + 12.50 = 84.00, less card 0 (1.50) now in Angebot.
    expect(view.column('Verhandlung')).toMatchObject({
      count: 11,
      sums: [{ currency: 'EUR', value: '82.50', weighted: '61.88' }],
    });
    expect(view.column('Angebot')).toMatchObject({
      count: 1,
      sums: [{ currency: 'EUR', value: '1.50', weighted: '0.75' }],
    });
    const ids = view.column('Verhandlung').items.map((item) => item.id);
    expect(new Set(ids).size).toBe(11);
    // Reading again gives the same order: ranks are unique, nothing was renumbered.
    expect((await board(admin, p.id, '?limit=100')).column('Verhandlung').items.map((item) => item.id)).toEqual(ids);
    const [ranks] = await t.orm.em
      .getConnection()
      .execute<{ n: number; distinct_ranks: number }[]>(
        "select count(*)::int as n, count(distinct rank)::int as distinct_ranks from deal where stage_id = ? and status = 'open'",
        [p.stage('Verhandlung')],
      );
    expect(ranks).toEqual({ n: 11, distinct_ranks: 11 });
    // The kept column totals agree with the deals, and with the board summing the deals themselves.
    expect(await t.orm.em.getConnection().execute(TOTALS_MISMATCH_SQL, [contoso.id, contoso.id])).toEqual([]);
    const everything = encodeURIComponent(JSON.stringify({ field: 'value', op: 'gt', value: -1 }));
    const live = await board(admin, p.id, `?limit=100&filter=${everything}`);
    expect(live.body.stages.map((stage: BoardStage) => [stage.count, stage.sums])).toEqual(
      view.body.stages.map((stage: BoardStage) => [stage.count, stage.sums]),
    );
  });
});
