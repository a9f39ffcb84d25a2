import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('who sees which task', () => {
  let t: TestApp;
  let contoso: TestTenant;
  const agents: Record<string, AuthedAgent> = {};
  const ids: Record<string, string> = {};
  const tasks: Record<string, string> = {};
  let bakery: string;

  const listed = async (who: string, query = '') =>
    ((await (agents[who] as AuthedAgent).get(`/api/v1/tasks?limit=200${query}`)).body.items as { title: string }[])
      .map((task) => task.title)
      .sort();

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Sichtbarkeit GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Martin Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Jürgen Nord', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Petra Nord', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Sven Süd', appRoles: ['CRM.SalesRep'] },
    ]);
    for (const [key, name] of [
      ['anna', 'Anna Admin'],
      ['martin', 'Martin Manager'],
      ['juergen', 'Jürgen Nord'],
      ['petra', 'Petra Nord'],
      ['sven', 'Sven Süd'],
    ] as const) {
      agents[key] = await contoso.as(contoso.upn(name));
      ids[key] = await contoso.userId(contoso.upn(name));
    }
    const anna = agents.anna as AuthedAgent;
    const nord = await anna
      .post('/api/v1/admin/teams')
      .send({ name: 'Nord', managerId: ids.martin, memberIds: [ids.juergen, ids.petra] });
    expect(nord.status).toBe(201);
    ids.nord = nord.body.id;
    bakery = (await anna.post('/api/v1/organizations').send({ name: 'Bäckerei Sicht' })).body.id;
    const create = async (who: string, title: string, body: object) => {
      const res = await (agents[who] as AuthedAgent)
        .post('/api/v1/tasks')
        .send({ title, links: [{ type: 'organization', id: bakery }], ...body });
      expect({ title, status: res.status }).toEqual({ title, status: 201 });
      tasks[title] = res.body.id;
    };
    await create('anna', 'für Sven', { assigneeId: ids.sven });
    await create('anna', 'für Jürgen', { assigneeId: ids.juergen });
    await create('anna', 'für Team Nord', { teamId: ids.nord });
    await create('sven', 'von Sven für Petra', { assigneeId: ids.petra });
    await create('anna', 'Jürgen gehört, Sven macht', { assigneeId: ids.sven, ownerId: ids.juergen });
    await create('juergen', 'von Jürgen an Sven delegiert', {});
    const delegated = await (agents.juergen as AuthedAgent)
      .post(`/api/v1/tasks/${tasks['von Jürgen an Sven delegiert']}/delegate`)
      .send({ toUserId: ids.sven });
    expect(delegated.status).toBe(200);
    await create('anna', 'nur Anna', {});
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows a sales rep the tasks assigned to them, theirs, delegated by them and their teams’', async () => {
    expect(await listed('juergen')).toEqual(
      ['für Jürgen', 'für Team Nord', 'Jürgen gehört, Sven macht', 'von Jürgen an Sven delegiert'].sort(),
    );
    expect(await listed('petra')).toEqual(['für Team Nord', 'von Sven für Petra'].sort());
    expect(await listed('sven')).toEqual(
      ['für Sven', 'von Sven für Petra', 'Jürgen gehört, Sven macht', 'von Jürgen an Sven delegiert'].sort(),
    );
  });

  it('shows a manager also the tasks of the members of the teams they manage, and an admin all', async () => {
    expect(await listed('martin')).toEqual(
      [
        'für Jürgen',
        'für Team Nord',
        'von Sven für Petra',
        'Jürgen gehört, Sven macht',
        'von Jürgen an Sven delegiert',
      ].sort(),
    );
    expect(await listed('anna')).toHaveLength(Object.keys(tasks).length);
  });

  it("answers 404 when a rep reads, changes, deletes or orders a colleague's task, and changes nothing", async () => {
    const petra = agents.petra as AuthedAgent;
    const foreign = tasks['für Sven'] as string;
    expect((await petra.get(`/api/v1/tasks/${foreign}`)).status).toBe(404);
    expect((await petra.patch(`/api/v1/tasks/${foreign}`).send({ status: 'done' })).status).toBe(404);
    expect((await petra.delete(`/api/v1/tasks/${foreign}`)).status).toBe(404);
    expect((await petra.get(`/api/v1/tasks/${foreign}/history`)).status).toBe(404);
    expect((await petra.post(`/api/v1/tasks/${foreign}/delegate`).send({ toUserId: ids.petra })).status).toBe(404);
    const own = tasks['von Sven für Petra'] as string;
    const move = await petra.post(`/api/v1/tasks/${own}/move`).send({ beforeId: foreign });
    expect(move.status).toBe(422);
    const depend = await petra.put(`/api/v1/tasks/${own}/dependencies`).send({ taskIds: [foreign] });
    expect(depend.status).toBe(422);
    expect(depend.body.errors).toEqual([expect.objectContaining({ pointer: '#/taskIds/0' })]);
    const filtered = await petra.get(
      `/api/v1/tasks?filter=${encodeURIComponent(JSON.stringify({ field: 'assigneeId', op: 'eq', value: ids.sven }))}`,
    );
    expect(filtered.body.items).toEqual([]);
    expect((await (agents.sven as AuthedAgent).get(`/api/v1/tasks/${foreign}`)).body.status).toBe('open');
  });

  it('lets a sales rep neither purge from the trash nor see trashed tasks of others', async () => {
    const anna = agents.anna as AuthedAgent;
    const task = (await anna.post('/api/v1/tasks').send({ title: 'Papierkorb Sven', assigneeId: ids.sven })).body.id;
    expect((await anna.delete(`/api/v1/tasks/${task}`)).status).toBe(204);
    const sven = agents.sven as AuthedAgent;
    expect((await sven.get('/api/v1/trash/tasks')).body.items.map((item: { id: string }) => item.id)).toContain(task);
    expect(
      (await (agents.petra as AuthedAgent).get('/api/v1/trash/tasks')).body.items.map(
        (item: { id: string }) => item.id,
      ),
    ).not.toContain(task);
    expect((await (agents.petra as AuthedAgent).post(`/api/v1/tasks/${task}/restore`)).status).toBe(404);
    expect((await sven.delete(`/api/v1/trash/tasks/${task}`)).status).toBe(403);
    expect((await sven.post(`/api/v1/tasks/${task}/restore`)).status).toBe(200);
  });

  it("counts in a record's 360° view only the tasks the viewer may see", async () => {
    const overview = async (who: string) =>
      (await (agents[who] as AuthedAgent).get(`/api/v1/records/organization/${bakery}/overview`)).body.tasks;
    expect((await overview('petra')).open).toBe(2);
    expect((await overview('martin')).open).toBe(5);
    expect((await overview('anna')).open).toBe(Object.keys(tasks).length);
  });
});
