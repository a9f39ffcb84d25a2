import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../testing/test-app.ts';
import { RANK_MAX_LENGTH, rankBetween, ranksBetween } from '../rank.ts';

/** `count` keys just above a0 as 150 drops into the gap after a0 leave them: long, crowded. */
function crowdedAfterA0(count: number): string[] {
  const keys: string[] = [];
  let high = 'a1';
  for (let i = 0; i < 150; i++) {
    high = rankBetween('a0', high);
    keys.unshift(high);
  }
  return keys.slice(0, count);
}

describe('ranks in the database: a crowded gap respaces its neighbours, in order, within the bound', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let admin: AuthedAgent;
  let rita: AuthedAgent;
  let org: string;

  const execute = <T>(sql: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(sql, params);

  /** Gives rows the ranks in order: the first row 'a0', the others the crowded keys above it. */
  const crowd = async (table: 'deal' | 'task', ids: readonly string[]) => {
    const ranks = ['a0', ...crowdedAfterA0(ids.length - 1)];
    // Through keys nobody holds first: the board's index is unique, row by row.
    for (const keys of [ranksBetween('b00', null, ids.length), ranks]) {
      await execute(
        `update ${table} t set rank = m.rank from jsonb_to_recordset(?::jsonb) as m(id uuid, rank text) where t.id = m.id`,
        [JSON.stringify(ids.map((id, i) => ({ id, rank: keys[i] })))],
      );
    }
    expect(Math.max(...ranks.map((rank) => rank.length))).toBeGreaterThan(20);
  };

  const ranksOf = async (table: 'deal' | 'task', ids: readonly string[]) =>
    execute<{ id: string; rank: string; version: number }>(
      `select id, rank, version from ${table} where id = any(?::uuid[]) order by rank, id`,
      [`{${ids.join(',')}}`],
    );

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await t.createTenant('Contoso Rang GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await tenant.as(tenant.upn('Anna Schmidt'));
    rita = await tenant.as(tenant.upn('Rita Rep'));
    org = (await admin.post('/api/v1/organizations').send({ name: 'Kunde Rang AG' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('moves cards 60 times into the gap after the first card of a crowded column', async () => {
    const pipeline = await admin.post('/api/v1/pipelines').send({
      name: 'Gedrängt',
      kind: 'deal',
      stages: [
        { name: 'Angebot', probability: 50 },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
      ],
    });
    const stageId = pipeline.body.stages[0].id as string;
    const cards: { id: string; version: number }[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await rita
        .post('/api/v1/deals')
        .send({ title: `Karte ${i}`, value: '1.00', currency: 'EUR', stageId, organizationId: org });
      expect(res.status).toBe(201);
      cards.push(res.body);
    }
    const order = cards.map((card) => card.id);
    await crowd('deal', order);
    const before = new Map((await ranksOf('deal', order)).map((row) => [row.id, row]));
    const moves = new Map<string, number>();

    for (let move = 0; move < 60; move++) {
      const last = order.pop() as string;
      const res = await rita.post(`/api/v1/deals/${last}/move`).send({ stageId, afterId: order[0] });
      expect(res.status).toBe(200);
      order.splice(1, 0, last);
      moves.set(last, (moves.get(last) ?? 0) + 1);
    }
    const stored = await ranksOf('deal', order);
    expect(stored.map((row) => row.id)).toEqual(order);
    expect(Math.max(...stored.map((row) => row.rank.length))).toBeLessThanOrEqual(RANK_MAX_LENGTH);
    const board = await rita.get(`/api/v1/pipelines/${pipeline.body.id}/board?limit=100`);
    expect(board.body.stages[0].items.map((item: { id: string }) => item.id)).toEqual(order);
    // A card given a new rank by a respacing keeps its version: a client's If-Match on it still holds.
    const respaced = stored.filter((row) => !moves.has(row.id) && row.rank !== before.get(row.id)?.rank);
    expect(respaced.length).toBeGreaterThan(0);
    for (const row of stored) expect(row.version).toBe((before.get(row.id)?.version ?? 0) + (moves.get(row.id) ?? 0));
    const first = respaced[0] as { id: string; version: number };
    const edited = await rita
      .patch(`/api/v1/deals/${first.id}`)
      .set('If-Match', `"${first.version}"`)
      .send({ title: 'Noch gültig' });
    expect(edited.status).toBe(200);
  });

  it('moves tasks 60 times into the gap after the first task of a crowded personal order', async () => {
    const order: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await rita.post('/api/v1/tasks').send({ title: `Aufgabe ${i}` });
      expect(res.status).toBe(201);
      order.push(res.body.id);
    }
    await crowd('task', order);
    for (let move = 0; move < 60; move++) {
      const last = order.pop() as string;
      const res = await rita.post(`/api/v1/tasks/${last}/move`).send({ afterId: order[0] });
      expect(res.status).toBe(200);
      expect(res.body.rank.length).toBeLessThanOrEqual(RANK_MAX_LENGTH);
      order.splice(1, 0, last);
    }
    const stored = await ranksOf('task', order);
    expect(stored.map((row) => row.id)).toEqual(order);
    expect(Math.max(...stored.map((row) => row.rank.length))).toBeLessThanOrEqual(RANK_MAX_LENGTH);
    const listed = await rita.get('/api/v1/tasks?sort=rank&limit=100');
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual(order);
  });
});
