import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CRM_MODULES } from '../../../app.ts';
import type { CrmModule } from '../../../modules/module.ts';
import type { TaskChange } from '../../../records/task-events.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

const changes: TaskChange[] = [];
const listening: CrmModule = {
  name: 'task-change-listener',
  taskListeners: [
    async (_em, change) => {
      changes.push(change);
    },
  ],
};

describe('tasks', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let annaId: string;
  let juergenId: string;
  let bakery: string;
  let kaethe: string;

  const notifications = async (recipientId: string, kind: string) =>
    t.orm.em
      .getConnection()
      .execute<{ kind: string; payload: Record<string, unknown>; idempotency_key: string }[]>(
        'select kind, payload, idempotency_key from notification where recipient_id = ? and kind = ? order by created_at',
        [recipientId, kind],
      );
  const count = async (sql: string, params: unknown[]) => {
    const [row] = await t.orm.em.getConnection().execute<Record<string, unknown>[]>(sql, params);
    const value = Number(Object.values(row ?? {})[0]);
    if (Number.isNaN(value)) throw new Error(`not a count: ${sql}`);
    return value;
  };

  beforeAll(async () => {
    t = await createTestApp({ modules: [...CRM_MODULES, listening] });
    contoso = await t.createTenant('Contoso Aufgaben GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Ute Ehemalig', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    annaId = await contoso.userId(contoso.upn('Anna Schmidt'));
    juergenId = await contoso.userId(contoso.upn('Jürgen Weiß'));
    bakery = (await anna.post('/api/v1/organizations').send({ name: 'Bäckerei Schmitt GmbH' })).body.id;
    kaethe = (await anna.post('/api/v1/persons').send({ firstName: 'Käthe', lastName: 'Schäfer' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a task on a record for a colleague, who hears of it', async () => {
    changes.length = 0;
    const res = await anna.post('/api/v1/tasks').send({
      title: 'Angebot für Brötchenautomat nachfassen',
      description: 'Preis mit Herrn Schmitt klären',
      assigneeId: juergenId,
      dueAt: '2026-12-01T10:00:00+01:00',
      remindAt: '2026-12-01T09:45:00+01:00',
      priority: 'high',
      status: 'open',
      links: [
        { type: 'organization', id: bakery },
        { type: 'person', id: kaethe },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/tasks/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      title: 'Angebot für Brötchenautomat nachfassen',
      assigneeId: juergenId,
      ownerId: annaId,
      createdBy: annaId,
      status: 'open',
      priority: 'high',
      dueAt: '2026-12-01T09:00:00.000Z',
      allDay: false,
      dueOn: null,
      timeZone: 'Europe/Berlin',
      remindAt: '2026-12-01T08:45:00.000Z',
      delegation: null,
      substitution: null,
      dependsOn: [],
      version: 1,
    });
    expect(res.body.links).toEqual(
      expect.arrayContaining([
        { type: 'organization', id: bakery },
        { type: 'person', id: kaethe },
      ]),
    );
    expect(changes).toEqual([
      {
        before: null,
        after: expect.objectContaining({
          id: res.body.id,
          assigneeId: juergenId,
          status: 'open',
          dueAt: '2026-12-01T09:00:00.000Z',
          remindAt: '2026-12-01T08:45:00.000Z',
          deletedAt: null,
        }),
      },
    ]);
    const assigned = await notifications(juergenId, 'task.assigned');
    expect(assigned).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ taskId: res.body.id, title: 'Angebot für Brötchenautomat nachfassen' }),
      }),
    ]);
    const fetched = await anna.get(`/api/v1/tasks/${res.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('gives a task without assignee or team to its creator, without notifying her', async () => {
    const res = await anna.post('/api/v1/tasks').send({ title: 'Kaffee bestellen' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ assigneeId: annaId, teamId: null, status: 'open', priority: 'normal' });
    expect(await notifications(annaId, 'task.assigned')).toEqual([]);
  });

  it('computes the reminder from an offset and moves it with the due date', async () => {
    const created = await anna.post('/api/v1/tasks').send({
      title: 'Messe vorbereiten',
      dueAt: '2026-12-03T14:00:00+01:00',
      remindBefore: 'PT15M',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ remindAt: '2026-12-03T12:45:00.000Z', remindBefore: 'PT15M' });
    changes.length = 0;
    const moved = await anna
      .patch(`/api/v1/tasks/${created.body.id}`)
      .set('If-Match', '"1"')
      .send({ dueAt: '2026-12-04T09:00:00+01:00' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ remindAt: '2026-12-04T07:45:00.000Z', version: 2 });
    expect(moved.headers.etag).toBe('"2"');
    expect(changes).toEqual([
      {
        before: expect.objectContaining({ remindAt: '2026-12-03T12:45:00.000Z' }),
        after: expect.objectContaining({ remindAt: '2026-12-04T07:45:00.000Z', dueAt: '2026-12-04T08:00:00.000Z' }),
      },
    ]);
    const own = await anna.patch(`/api/v1/tasks/${created.body.id}`).send({ remindAt: '2026-12-01T08:00:00+01:00' });
    expect(own.body).toMatchObject({ remindAt: '2026-12-01T07:00:00.000Z', remindBefore: null });
    const noDue = await anna.post('/api/v1/tasks').send({ title: 'Ohne Termin', remindBefore: 'PT1H' });
    expect(noDue.status).toBe(422);
    expect(noDue.body.errors).toEqual([expect.objectContaining({ pointer: '#/remindBefore' })]);
  });

  it('keeps the day of an all-day task in its time zone', async () => {
    const res = await anna.post('/api/v1/tasks').send({
      title: 'Jahresgespräch',
      dueOn: '2026-12-07',
      timeZone: 'america/new_york',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      allDay: true,
      dueOn: '2026-12-07',
      timeZone: 'America/New_York',
      dueAt: '2026-12-07T05:00:00.000Z',
    });
    const berlin = await anna.patch(`/api/v1/tasks/${res.body.id}`).send({ timeZone: 'Europe/Berlin' });
    expect(berlin.body).toMatchObject({ allDay: true, dueOn: '2026-12-07', dueAt: '2026-12-06T23:00:00.000Z' });
    const timed = await anna.patch(`/api/v1/tasks/${res.body.id}`).send({ dueAt: '2026-12-08T10:00:00Z' });
    expect(timed.body).toMatchObject({ allDay: false, dueOn: null, dueAt: '2026-12-08T10:00:00.000Z' });
  });

  it('refuses impossible dates, unknown time zones and contradicting fields, naming each, storing nothing', async () => {
    const before = await count('select count(*) from task where tenant_id = ?', [contoso.id]);
    const cases: [object, string][] = [
      [{ title: 'x', dueAt: '2026-02-30T10:00:00+01:00' }, '#/dueAt'],
      [{ title: 'x', dueAt: '2026-12-01T10:00:00' }, '#/dueAt'],
      [{ title: 'x', dueAt: 'morgen früh' }, '#/dueAt'],
      [{ title: 'x', dueOn: '2027-02-29' }, '#/dueOn'],
      [{ title: 'x', timeZone: 'Mars/Olympus_Mons' }, '#/timeZone'],
      [{ title: 'x', timeZone: '+01:00' }, '#/timeZone'],
      [{ title: 'x', followUpOn: '2026-13-01' }, '#/followUpOn'],
      [{ title: 'x', remindBefore: '15 Minuten' }, '#/remindBefore'],
      [{ title: 'x', priority: 'sofort' }, '#/priority'],
      [{ title: 'x', status: 'erledigt' }, '#/status'],
      [{ title: '' }, '#/title'],
      [{ title: 'x', assigneeId: juergenId, teamId: juergenId }, '#/teamId'],
      [{ title: 'x', dueAt: '2026-12-01T10:00:00Z', dueOn: '2026-12-01' }, '#/dueOn'],
      [{ title: 'x', links: [{ type: 'planet', id: bakery }] }, '#/links/0/type'],
      [{ title: 'x', unknown: 1 }, '#'],
    ];
    for (const [body, pointer] of cases) {
      const res = await anna.post('/api/v1/tasks').send(body);
      expect({ body, status: res.status, type: res.headers['content-type'] }).toEqual({
        body,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
      });
      expect(res.body.errors.map((error: { pointer: string }) => error.pointer)).toContain(pointer);
    }
    expect(await count('select count(*) from task where tenant_id = ?', [contoso.id])).toBe(before);
  });

  it('refuses assignees of another organisation or deactivated ones, and records in the trash, with 422', async () => {
    const fabrikam = await t.createTenant('Fabrikam Aufgaben AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
    const foreign = await anna.post('/api/v1/tasks').send({ title: 'Fremd', assigneeId: zoe });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ pointer: '#/assigneeId' })]);
    const ute = await contoso.userId(contoso.upn('Ute Ehemalig'));
    expect((await anna.patch(`/api/v1/admin/users/${ute}`).send({ active: false })).status).toBe(200);
    const inactive = await anna.post('/api/v1/tasks').send({ title: 'Weg', assigneeId: ute });
    expect(inactive.status).toBe(422);
    expect(inactive.body.detail).toContain('deactivated');
    const owner = await anna.post('/api/v1/tasks').send({ title: 'Weg', ownerId: ute });
    expect(owner.body.errors).toEqual([expect.objectContaining({ pointer: '#/ownerId' })]);
    const team = await anna.post('/api/v1/tasks').send({ title: 'Team?', teamId: zoe });
    expect(team.status).toBe(422);
    expect(team.body.errors).toEqual([expect.objectContaining({ pointer: '#/teamId' })]);
    const gone = (await anna.post('/api/v1/persons').send({ lastName: 'Vergessen' })).body.id;
    expect((await anna.delete(`/api/v1/persons/${gone}`)).status).toBe(204);
    const trashed = await anna.post('/api/v1/tasks').send({ title: 'x', links: [{ type: 'person', id: gone }] });
    expect(trashed.status).toBe(422);
    expect(trashed.body.errors).toEqual([expect.objectContaining({ pointer: '#/links/0/id' })]);
    const task = (await anna.post('/api/v1/tasks').send({ title: 'Umhängen' })).body;
    const reassign = await anna.patch(`/api/v1/tasks/${task.id}`).send({ assigneeId: zoe });
    expect(reassign.status).toBe(422);
    expect((await anna.get(`/api/v1/tasks/${task.id}`)).body.assigneeId).toBe(annaId);
  });

  it('answers 412 to a stale If-Match and writes nothing', async () => {
    const task = (await anna.post('/api/v1/tasks').send({ title: 'Rückruf Herr Schmitt' })).body;
    expect(
      (await anna.patch(`/api/v1/tasks/${task.id}`).set('If-Match', '"1"').send({ priority: 'urgent' })).status,
    ).toBe(200);
    const stale = await anna.patch(`/api/v1/tasks/${task.id}`).set('If-Match', '"1"').send({ priority: 'low' });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('urn:crm:problem:stale_version');
    expect((await anna.delete(`/api/v1/tasks/${task.id}`).set('If-Match', '"1"')).status).toBe(412);
    expect((await anna.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ priority: 'urgent', version: 2 });
  });

  it('records every change in the history, and trashes, restores and purges like every record', async () => {
    const task = (
      await anna.post('/api/v1/tasks').send({ title: 'Muster schicken', links: [{ type: 'person', id: kaethe }] })
    ).body;
    await anna
      .patch(`/api/v1/tasks/${task.id}`)
      .send({ title: 'Muster und Preisliste schicken', status: 'in_progress' });
    await anna.patch(`/api/v1/tasks/${task.id}`).send({ links: [{ type: 'organization', id: bakery }] });
    changes.length = 0;
    expect((await anna.delete(`/api/v1/tasks/${task.id}`).set('If-Match', '"3"')).status).toBe(204);
    expect(changes).toEqual([
      {
        before: expect.objectContaining({ deletedAt: null }),
        after: expect.objectContaining({ deletedAt: expect.any(String) }),
      },
    ]);
    expect((await anna.get(`/api/v1/tasks/${task.id}`)).status).toBe(404);
    const trash = await anna.get('/api/v1/trash/tasks');
    expect(trash.body.items[0]).toMatchObject({
      id: task.id,
      title: 'Muster und Preisliste schicken',
      deletedBy: annaId,
    });
    const restored = await anna.post(`/api/v1/tasks/${task.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      id: task.id,
      deletedAt: null,
      links: [{ type: 'organization', id: bakery }],
    });
    expect((await anna.post(`/api/v1/tasks/${task.id}/restore`)).status).toBe(404);
    const history = await anna.get(`/api/v1/tasks/${task.id}/history?limit=50`);
    expect(history.status).toBe(200);
    const entries = history.body.items as { action: string; field: string | null; before: unknown; after: unknown }[];
    expect(entries.map((entry) => `${entry.action}:${entry.field ?? ''}`)).toEqual([
      'restore:',
      'delete:',
      'update:links',
      'update:title',
      'update:status',
      'create:',
    ]);
    expect(entries[2]).toMatchObject({
      before: [{ type: 'person', id: kaethe }],
      after: [{ type: 'organization', id: bakery }],
    });
    const page = await anna.get(`/api/v1/tasks/${task.id}/history?limit=2`);
    const next = await anna.get(`/api/v1/tasks/${task.id}/history?limit=50&cursor=${page.body.nextCursor}`);
    expect(next.body.items).toHaveLength(4);

    const rep = await contoso.as(contoso.upn('Jürgen Weiß'));
    await anna.delete(`/api/v1/tasks/${task.id}`);
    expect((await rep.delete(`/api/v1/trash/tasks/${task.id}`)).status).toBe(403);
    changes.length = 0;
    expect((await anna.delete(`/api/v1/trash/tasks/${task.id}`)).status).toBe(204);
    expect(changes).toEqual([{ before: expect.objectContaining({ id: task.id }), after: null }]);
    expect(await count('select count(*) from task where id = ?', [task.id])).toBe(0);
    expect(await count("select count(*) from record_link where item_type = 'task' and item_id = ?", [task.id])).toBe(0);
  });

  it('lists with the filter tree, a linked record, each order and a cursor', async () => {
    const tenant = await t.createTenant('Contoso Listen GmbH', [{ displayName: 'Lena Liste' }]);
    const lena = await tenant.as(tenant.upn('Lena Liste'));
    const shop = (await lena.post('/api/v1/organizations').send({ name: 'Laden' })).body.id;
    const make = async (title: string, extra: object) => {
      const res = await lena.post('/api/v1/tasks').send({ title, ...extra });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const a = await make('A', {
      dueAt: '2026-12-01T10:00:00Z',
      priority: 'low',
      links: [{ type: 'organization', id: shop }],
    });
    const b = await make('B', { dueAt: '2026-12-02T10:00:00Z', priority: 'urgent' });
    const c = await make('C', {
      priority: 'high',
      followUpOn: '2026-12-10',
      links: [{ type: 'organization', id: shop }],
    });
    const d = await make('D', { dueAt: '2026-11-30T10:00:00Z', priority: 'urgent', status: 'done' });
    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((item) => item.id);

    expect(ids(await lena.get('/api/v1/tasks'))).toEqual([d, a, b, c]);
    expect(ids(await lena.get('/api/v1/tasks?sort=-dueAt'))).toEqual([b, a, d, c]);
    expect(ids(await lena.get('/api/v1/tasks?sort=priority'))).toEqual([d, b, c, a]);
    expect(ids(await lena.get('/api/v1/tasks?sort=-updatedAt'))).toEqual([d, c, b, a]);
    expect(ids(await lena.get('/api/v1/tasks?sort=rank'))).toEqual([a, b, c, d]);
    for (const sort of ['dueAt', '-dueAt', 'priority', '-updatedAt', 'rank']) {
      const all = ids(await lena.get(`/api/v1/tasks?sort=${sort}`));
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await lena.get(`/api/v1/tasks?sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        walked.push(...ids(res));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect({ sort, walked }).toEqual({ sort, walked: all });
    }
    const filter = (tree: object) => `/api/v1/tasks?filter=${encodeURIComponent(JSON.stringify(tree))}`;
    expect(ids(await lena.get(filter({ field: 'status', op: 'ne', value: 'done' })))).toEqual([a, b, c]);
    expect(
      ids(
        await lena.get(
          filter({
            or: [
              { field: 'priority', op: 'in', value: ['urgent'] },
              { field: 'followUpOn', op: 'eq', value: '2026-12-10' },
            ],
          }),
        ),
      ),
    ).toEqual([d, b, c]);
    expect(ids(await lena.get(filter({ field: 'dueAt', op: 'lt', value: '2026-12-01T12:00:00Z' })))).toEqual([d, a]);
    expect(ids(await lena.get(filter({ field: 'dueAt', op: 'isEmpty', value: true })))).toEqual([c]);
    expect(ids(await lena.get(`/api/v1/tasks?record=organization:${shop}`))).toEqual([a, c]);
    const badField = await lena.get(filter({ field: 'mood', op: 'eq', value: 'x' }));
    expect(badField.status).toBe(400);
    expect(badField.body.errors[0].pointer).toBe('#/filter/field');
    expect((await lena.get('/api/v1/tasks?record=planet:0190f3c4-5b6a-7c8d-9e0f-123456789abc')).status).toBe(400);
    expect((await lena.get('/api/v1/tasks?record=organization')).status).toBe(400);
    const forged = Buffer.from(JSON.stringify(['not a time', a])).toString('base64url');
    expect((await lena.get(`/api/v1/tasks?cursor=${forged}`)).status).toBe(400);
  });

  it("shows a record's tasks in its 360° view: open count and the newest", async () => {
    const shop = (await anna.post('/api/v1/organizations').send({ name: 'Konditorei Krause' })).body.id;
    for (const [title, status] of [
      ['Torte probieren', 'done'],
      ['Vertrag schicken', 'open'],
      ['Lieferung planen', 'in_progress'],
    ])
      await anna.post('/api/v1/tasks').send({ title, status, links: [{ type: 'organization', id: shop }] });
    const overview = await anna.get(`/api/v1/records/organization/${shop}/overview`);
    expect(overview.status).toBe(200);
    expect(overview.body.tasks.open).toBe(2);
    expect(overview.body.tasks.newest.map((task: { title: string }) => task.title)).toEqual([
      'Lieferung planen',
      'Vertrag schicken',
      'Torte probieren',
    ]);
  });

  it('lists a page and shows the 360° view in as many queries for many tasks as for one', async () => {
    const small = (await anna.post('/api/v1/organizations').send({ name: 'Klein KG' })).body.id;
    const large = (await anna.post('/api/v1/organizations').send({ name: 'Groß AG' })).body.id;
    const prerequisite = (await anna.post('/api/v1/tasks').send({ title: 'Vorab' })).body.id;
    await anna.post('/api/v1/tasks').send({ title: 'Eine', links: [{ type: 'organization', id: small }] });
    for (let index = 0; index < 20; index += 1) {
      const res = await anna.post('/api/v1/tasks').send({
        title: `Viele ${index}`,
        assigneeId: index % 2 ? juergenId : annaId,
        links: [
          { type: 'organization', id: large },
          { type: 'person', id: kaethe },
        ],
      });
      await anna.post(`/api/v1/tasks/${res.body.id}/dependencies`).send({ taskId: prerequisite });
    }
    const cost = (path: string) => t.countQueries(async () => expect((await anna.get(path)).status).toBe(200));
    const overview = await cost(`/api/v1/records/organization/${small}/overview`);
    expect(await cost(`/api/v1/records/organization/${large}/overview`)).toBe(overview);
    const list = await cost(`/api/v1/tasks?record=organization:${small}`);
    expect(await cost(`/api/v1/tasks?record=organization:${large}`)).toBe(list);
    // begin, tenant context, principal, page, links, prerequisites, commit
    expect(list).toBeLessThanOrEqual(8);
  });

  it("answers another organisation's requests for Contoso's tasks with 404, and lists none of them", async () => {
    const task = (
      await anna.post('/api/v1/tasks').send({ title: 'Geheime Aufgabe', links: [{ type: 'organization', id: bakery }] })
    ).body;
    const fabrikam = await t.createTenant('Fabrikam Fremd AG', [{ displayName: 'Zoë Fremd' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Fremd'));
    expect((await zoe.get(`/api/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await zoe.patch(`/api/v1/tasks/${task.id}`).send({ title: 'Meins' })).status).toBe(404);
    expect((await zoe.delete(`/api/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await zoe.get(`/api/v1/tasks/${task.id}/history`)).status).toBe(404);
    expect((await zoe.post(`/api/v1/tasks/${task.id}/restore`)).status).toBe(404);
    const list = await zoe.get(`/api/v1/tasks?record=organization:${bakery}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    expect((await zoe.get('/api/v1/tasks')).body.items).toEqual([]);
    const linking = await zoe.post('/api/v1/tasks').send({ title: 'x', links: [{ type: 'organization', id: bakery }] });
    expect(linking.status).toBe(422);
  });

  it('sorts by any field, pages by offset and tells the total of the tasks one may see', async () => {
    for (const title of ['Sortier B', 'Sortier A', 'Sortier C']) {
      expect((await anna.post('/api/v1/tasks').send({ title })).status).toBe(201);
    }
    const filter = encodeURIComponent(JSON.stringify({ field: 'title', op: 'starts', value: 'Sortier' }));
    const titles = (res: { body: { items: { title: string }[] } }) => res.body.items.map((task) => task.title);
    const first = await anna.get(`/api/v1/tasks?sort=-title&filter=${filter}&count=true&limit=2`);
    expect(titles(first)).toEqual(['Sortier C', 'Sortier B']);
    expect(first.body).toMatchObject({ total: 3, totalCapped: false });
    const rest = await anna.get(`/api/v1/tasks?sort=-title&filter=${filter}&limit=2&cursor=${first.body.nextCursor}`);
    expect(titles(rest)).toEqual(['Sortier A']);
    expect(titles(await anna.get(`/api/v1/tasks?sort=title&filter=${filter}&offset=1&limit=1`))).toEqual(['Sortier B']);
    const unknown = await anna.get('/api/v1/tasks?sort=colour').set('Accept-Language', 'de');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].pointer).toBe('#/sort');
  });
});
