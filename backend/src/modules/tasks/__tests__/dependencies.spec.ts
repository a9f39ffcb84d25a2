import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('task dependencies and order', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let juergenId: string;

  const task = async (title: string, extra: object = {}) => {
    const res = await anna.post('/api/v1/tasks').send({ title, ...extra });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const prerequisitesDone = (recipientId: string) =>
    t.orm.em
      .getConnection()
      .execute<{ payload: Record<string, unknown> }[]>(
        "select payload from notification where recipient_id = ? and kind = 'task.prerequisites_done' order by created_at",
        [recipientId],
      );

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Abhängig GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    juergenId = await contoso.userId(contoso.upn('Jürgen Weiß'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets a task wait for others, refuses to finish it before them, and tells its assignee once when they are done', async () => {
    const offer = await task('Angebot schreiben', { assigneeId: juergenId });
    const prices = await task('Preise kalkulieren');
    const visit = await task('Kunden besuchen');
    const set = await anna
      .put(`/api/v1/tasks/${offer}/dependencies`)
      .set('If-Match', '"1"')
      .send({ taskIds: [prices, visit] });
    expect(set.status).toBe(200);
    expect(set.body.version).toBe(2);
    expect(set.body.dependsOn.map((prerequisite: { title: string }) => prerequisite.title).sort()).toEqual([
      'Kunden besuchen',
      'Preise kalkulieren',
    ]);
    const early = await juergen.patch(`/api/v1/tasks/${offer}`).send({ status: 'done' });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('"Kunden besuchen", "Preise kalkulieren"');
    expect(early.body.prerequisites.map((prerequisite: { id: string }) => prerequisite.id).sort()).toEqual(
      [prices, visit].sort(),
    );
    expect((await juergen.get(`/api/v1/tasks/${offer}`)).body.status).toBe('open');

    await anna.patch(`/api/v1/tasks/${prices}`).send({ status: 'done' });
    expect(await prerequisitesDone(juergenId)).toEqual([]);
    await anna.patch(`/api/v1/tasks/${visit}`).send({ status: 'cancelled' });
    expect(await prerequisitesDone(juergenId)).toEqual([
      { payload: expect.objectContaining({ taskId: offer, title: 'Angebot schreiben', prerequisiteId: visit }) },
    ]);
    await anna.patch(`/api/v1/tasks/${visit}`).send({ title: 'Kunden besucht (abgesagt)' });
    await anna.patch(`/api/v1/tasks/${prices}`).send({ priority: 'high' });
    expect(await prerequisitesDone(juergenId)).toHaveLength(1);
    const done = await juergen.patch(`/api/v1/tasks/${offer}`).send({ status: 'done' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', completedBy: juergenId, completedAt: expect.any(String) });
    const history = (await anna.get(`/api/v1/tasks/${offer}/history`)).body.items as {
      field: string;
      after: unknown;
    }[];
    expect(history.find((entry) => entry.field === 'dependsOn')?.after).toEqual([prices, visit].sort());
  });

  it('refuses a circle with 422 naming its tasks in order', async () => {
    const a = await task('A: Vertrag');
    const b = await task('B: Freigabe');
    const c = await task('C: Unterschrift');
    expect((await anna.post(`/api/v1/tasks/${a}/dependencies`).send({ taskId: b })).status).toBe(200);
    expect((await anna.post(`/api/v1/tasks/${b}/dependencies`).send({ taskId: c })).status).toBe(200);
    const circle = await anna.post(`/api/v1/tasks/${c}/dependencies`).send({ taskId: a });
    expect(circle.status).toBe(422);
    expect(circle.body.type).toBe('urn:crm:problem:dependency_cycle');
    expect(circle.body.cycle).toEqual([
      { id: c, title: 'C: Unterschrift' },
      { id: a, title: 'A: Vertrag' },
      { id: b, title: 'B: Freigabe' },
      { id: c, title: 'C: Unterschrift' },
    ]);
    expect(circle.body.detail).toContain('"C: Unterschrift" waits for "A: Vertrag" waits for "B: Freigabe"');
    expect(circle.body.errors).toEqual([expect.objectContaining({ pointer: '#/taskId' })]);
    const d = await task('D: Archiv');
    const viaPut = await anna.put(`/api/v1/tasks/${c}/dependencies`).send({ taskIds: [d, a] });
    expect(viaPut.status).toBe(422);
    expect(viaPut.body.errors).toEqual([expect.objectContaining({ pointer: '#/taskIds/1' })]);
    const self = await anna.put(`/api/v1/tasks/${a}/dependencies`).send({ taskIds: [b, a] });
    expect(self.status).toBe(422);
    expect(self.body.cycle).toEqual([
      { id: a, title: 'A: Vertrag' },
      { id: a, title: 'A: Vertrag' },
    ]);
    expect((await anna.get(`/api/v1/tasks/${c}`)).body.dependsOn).toEqual([]);
    // Replacing a's prerequisites by c's is fine once b no longer waits for c.
    expect((await anna.delete(`/api/v1/tasks/${b}/dependencies/${c}`)).status).toBe(200);
    expect((await anna.delete(`/api/v1/tasks/${b}/dependencies/${c}`)).status).toBe(404);
    expect((await anna.post(`/api/v1/tasks/${c}/dependencies`).send({ taskId: a })).status).toBe(200);
  });

  it('refuses prerequisites in the trash or of another organisation, and answers 404 to strangers', async () => {
    const waiting = await task('Lieferung');
    const trashed = await task('Weggeworfen');
    expect((await anna.delete(`/api/v1/tasks/${trashed}`)).status).toBe(204);
    const inTrash = await anna.put(`/api/v1/tasks/${waiting}/dependencies`).send({ taskIds: [trashed] });
    expect(inTrash.status).toBe(422);
    expect(inTrash.body.errors).toEqual([expect.objectContaining({ pointer: '#/taskIds/0' })]);
    const fabrikam = await t.createTenant('Fabrikam Abhängig AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const theirs = (await zoe.post('/api/v1/tasks').send({ title: 'Fremde Aufgabe' })).body.id;
    const foreign = await anna.post(`/api/v1/tasks/${waiting}/dependencies`).send({ taskId: theirs });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ pointer: '#/taskId' })]);
    expect((await zoe.put(`/api/v1/tasks/${waiting}/dependencies`).send({ taskIds: [theirs] })).status).toBe(404);
    expect((await zoe.post(`/api/v1/tasks/${waiting}/dependencies`).send({ taskId: theirs })).status).toBe(404);
    expect((await zoe.delete(`/api/v1/tasks/${waiting}/dependencies/${theirs}`)).status).toBe(404);
    expect((await zoe.post(`/api/v1/tasks/${waiting}/move`).send({ afterId: theirs })).status).toBe(404);
    expect((await anna.get(`/api/v1/tasks/${waiting}`)).body.dependsOn).toEqual([]);
  });

  it('moves a task before or after another without renumbering the others', async () => {
    const tenant = await t.createTenant('Contoso Reihenfolge GmbH', [{ displayName: 'Rita Reihe' }]);
    const rita = await tenant.as(tenant.upn('Rita Reihe'));
    const ids: string[] = [];
    for (const title of ['eins', 'zwei', 'drei', 'vier'])
      ids.push((await rita.post('/api/v1/tasks').send({ title })).body.id);
    const [one, two, three, four] = ids as [string, string, string, string];
    const order = async () =>
      ((await rita.get('/api/v1/tasks?sort=rank')).body.items as { title: string }[]).map((item) => item.title);
    const ranks = async () =>
      Object.fromEntries(
        ((await rita.get('/api/v1/tasks?sort=rank')).body.items as { id: string; rank: string }[]).map((item) => [
          item.id,
          item.rank,
        ]),
      );
    expect(await order()).toEqual(['eins', 'zwei', 'drei', 'vier']);
    const before = await ranks();
    const moved = await rita.post(`/api/v1/tasks/${four}/move`).send({ beforeId: two });
    expect(moved.status).toBe(200);
    expect(await order()).toEqual(['eins', 'vier', 'zwei', 'drei']);
    const after = await ranks();
    expect([after[one], after[two], after[three]]).toEqual([before[one], before[two], before[three]]);
    await rita.post(`/api/v1/tasks/${one}/move`).send({ afterId: three });
    expect(await order()).toEqual(['vier', 'zwei', 'drei', 'eins']);
    for (let round = 0; round < 12; round += 1) {
      const [first, second] = (await rita.get('/api/v1/tasks?sort=rank')).body.items as { id: string }[];
      await rita.post(`/api/v1/tasks/${second?.id}/move`).send({ beforeId: first?.id });
    }
    expect(await order()).toEqual(['vier', 'zwei', 'drei', 'eins']);
    expect((await rita.post(`/api/v1/tasks/${one}/move`).send({ beforeId: one })).status).toBe(422);
    expect((await rita.post(`/api/v1/tasks/${one}/move`).send({})).status).toBe(400);
    expect((await rita.post(`/api/v1/tasks/${one}/move`).send({ beforeId: two, afterId: three })).status).toBe(400);
    const history = (await rita.get(`/api/v1/tasks/${one}/history`)).body.items as { field: string }[];
    expect(history.some((entry) => entry.field === 'rank')).toBe(true);
  });
});
