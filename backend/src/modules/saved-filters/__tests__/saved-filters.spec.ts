import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('saved filters', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let rita: AuthedAgent;
  let rolf: AuthedAgent;
  let pipeline: { id: string; stages: { id: string; name: string }[] };
  const titles = (res: { body: { items: { title: string }[] } }) => res.body.items.map((item) => item.title).sort();

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Filter GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    pipeline = (await rita.get('/api/v1/pipelines?kind=deal')).body.items[0];
    const org = (await admin.post('/api/v1/organizations').send({ name: 'Filterkunde GmbH' })).body.id;
    for (const [title, value] of [
      ['Klein', '100.00'],
      ['Mittel', '5000.00'],
      ['Groß', '90000.00'],
    ] as const) {
      expect((await rita.post('/api/v1/deals').send({ title, value, organizationId: org })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it("keeps a rep's filters to themselves and applies them to the deal list and the board", async () => {
    const created = await rita.post('/api/v1/saved-filters').send({
      name: 'Große Deals',
      entityType: 'deal',
      filter: { field: 'value', op: 'gt', value: 1000 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Große Deals', entityType: 'deal', scope: 'private', version: 1 });
    const id = created.body.id;
    expect(titles(await rita.get(`/api/v1/deals?savedFilterId=${id}`))).toEqual(['Groß', 'Mittel']);
    const both = await rita.get(
      `/api/v1/deals?savedFilterId=${id}&filter=${encodeURIComponent(JSON.stringify({ field: 'title', op: 'starts', value: 'gr' }))}`,
    );
    expect(titles(both)).toEqual(['Groß']);
    const board = await rita.get(`/api/v1/pipelines/${pipeline.id}/board?savedFilterId=${id}`);
    expect(board.status).toBe(200);
    expect(board.body.stages[0]).toMatchObject({
      count: 2,
      sums: [{ currency: 'EUR', value: '95000.00', weighted: '9500.00' }],
    });

    expect((await rolf.get('/api/v1/saved-filters')).body.items.map((f: { id: string }) => f.id)).not.toContain(id);
    expect((await rolf.get(`/api/v1/saved-filters/${id}`)).status).toBe(404);
    expect((await rolf.patch(`/api/v1/saved-filters/${id}`).send({ name: 'Meins' })).status).toBe(404);
    const borrowed = await rolf.get(`/api/v1/deals?savedFilterId=${id}`);
    expect(borrowed.status).toBe(422);
    expect(borrowed.body.errors[0].pointer).toBe('#/savedFilterId');
    // The same name is free for someone else.
    expect(
      (
        await rolf
          .post('/api/v1/saved-filters')
          .send({ name: 'Große Deals', entityType: 'deal', filter: { field: 'value', op: 'gt', value: 1 } })
      ).status,
    ).toBe(201);
    const twice = await rita
      .post('/api/v1/saved-filters')
      .send({ name: 'große deals', entityType: 'deal', filter: { field: 'value', op: 'gt', value: 1 } });
    expect(twice.status).toBe(409);

    const renamed = await rita
      .patch(`/api/v1/saved-filters/${id}`)
      .set('If-Match', '"1"')
      .send({ name: 'Sehr große Deals', filter: { field: 'value', op: 'gt', value: 10000 } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.version).toBe(2);
    expect(titles(await rita.get(`/api/v1/deals?savedFilterId=${id}`))).toEqual(['Groß']);
    expect((await rita.patch(`/api/v1/saved-filters/${id}`).set('If-Match', '"1"').send({ name: 'x' })).status).toBe(
      412,
    );
    expect((await rita.delete(`/api/v1/saved-filters/${id}`)).status).toBe(204);
    expect((await rita.get(`/api/v1/saved-filters/${id}`)).status).toBe(404);
  });

  it('shares company filters with everyone, kept by admins alone', async () => {
    const denied = await rita.post('/api/v1/saved-filters').send({
      name: 'Für alle',
      entityType: 'deal',
      scope: 'company',
      filter: { field: 'status', op: 'eq', value: 'open' },
    });
    expect(denied.status).toBe(403);
    const shared = await admin.post('/api/v1/saved-filters').send({
      name: 'Offene Deals',
      entityType: 'deal',
      scope: 'company',
      filter: { field: 'status', op: 'eq', value: 'open' },
    });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ scope: 'company', ownerId: null });
    const seen = await rolf.get('/api/v1/saved-filters?entityType=deal');
    expect(seen.body.items[0]).toMatchObject({ id: shared.body.id, scope: 'company' });
    expect((await rolf.patch(`/api/v1/saved-filters/${shared.body.id}`).send({ name: 'Meins' })).status).toBe(403);
    expect((await rolf.delete(`/api/v1/saved-filters/${shared.body.id}`)).status).toBe(403);
    expect(titles(await rita.get(`/api/v1/deals?savedFilterId=${shared.body.id}`))).toEqual([
      'Groß',
      'Klein',
      'Mittel',
    ]);
  });

  it('refuses trees that do not fit the entity type when saving', async () => {
    const res = await rita.post('/api/v1/saved-filters').send({
      name: 'Kaputt',
      entityType: 'deal',
      filter: {
        and: [
          { field: 'lastName', op: 'eq', value: 'x' },
          { field: 'customFields.gibtsnicht', op: 'eq', value: 'y' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ in: 'body', pointer: '#/filter/and/0/field' }),
      expect.objectContaining({ in: 'body', pointer: '#/filter/and/1/field' }),
    ]);
    const persons = await rita
      .post('/api/v1/saved-filters')
      .send({ name: 'Schmitts', entityType: 'person', filter: { field: 'lastName', op: 'eq', value: 'Schmitt' } });
    expect(persons.status).toBe(201);
    const mismatch = await rita.get(`/api/v1/deals?savedFilterId=${persons.body.id}`);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.type).toBe('urn:crm:problem:saved_filter_type_mismatch');
  });

  it('saves filters of the activities list too, checks their fields, and tells each change in history', async () => {
    const open = { field: 'done', op: 'eq', value: false };
    const created = await rita
      .post('/api/v1/saved-filters')
      .send({ name: 'Offene Termine', entityType: 'activity', filter: open });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ entityType: 'activity', scope: 'private', createdBy: expect.any(String) });
    const wrongField = await rita
      .post('/api/v1/saved-filters')
      .send({ name: 'Kaputt', entityType: 'activity', filter: { field: 'lastName', op: 'eq', value: 'x' } });
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.errors[0]).toMatchObject({ in: 'body', pointer: '#/filter/field' });
    const taken = await rita
      .post('/api/v1/saved-filters')
      .send({ name: 'offene termine', entityType: 'activity', filter: open });
    expect(taken.status).toBe(409);
    // The same name is free for another user and for another list.
    expect(
      (await rolf.post('/api/v1/saved-filters').send({ name: 'Offene Termine', entityType: 'activity', filter: open }))
        .status,
    ).toBe(201);
    expect(
      (
        await rita
          .post('/api/v1/saved-filters')
          .send({ name: 'Offene Termine', entityType: 'task', filter: { field: 'status', op: 'eq', value: 'open' } })
      ).status,
    ).toBe(201);

    const renamed = await rita
      .patch(`/api/v1/saved-filters/${created.body.id}`)
      .set('If-Match', '"1"')
      .send({ name: 'Meine offenen Termine' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Meine offenen Termine', version: 2 });
    const mine = (await rita.get('/api/v1/saved-filters?entityType=activity')).body.items;
    expect(mine.map((item: { name: string }) => item.name)).toEqual(['Meine offenen Termine']);
    expect((await rita.delete(`/api/v1/saved-filters/${created.body.id}`).set('If-Match', '"1"')).status).toBe(412);
    expect((await rita.delete(`/api/v1/saved-filters/${created.body.id}`).set('If-Match', '"2"')).status).toBe(204);

    const history = await t.orm.em
      .fork()
      .getConnection()
      .execute<{ action: string; field: string | null; before: unknown; after: unknown }[]>(
        "select action, field, before, after from history where record_type = 'saved_filter' and record_id = ? order by changed_at, action",
        [created.body.id],
      );
    expect(history.map((row) => row.action)).toEqual(['create', 'update', 'delete']);
    expect(JSON.stringify(history[1])).toContain('Meine offenen Termine');
  });

  it('answers a clear problem naming the custom field a saved filter needs once it was removed', async () => {
    const field = await admin.post('/api/v1/admin/custom-fields').send({
      entityType: 'deal',
      key: 'region',
      labels: { de: 'Region', en: 'Region' },
      type: 'text',
    });
    expect(field.status).toBe(201);
    const saved = await rita.post('/api/v1/saved-filters').send({
      name: 'Region Süd',
      entityType: 'deal',
      filter: {
        or: [
          { field: 'customFields.region', op: 'eq', value: 'Süd' },
          { field: 'value', op: 'gt', value: 50000 },
        ],
      },
    });
    expect(saved.status).toBe(201);
    expect(titles(await rita.get(`/api/v1/deals?savedFilterId=${saved.body.id}`))).toEqual(['Groß']);
    expect((await admin.delete(`/api/v1/admin/custom-fields/${field.body.id}`)).status).toBe(204);

    for (const path of ['/api/v1/deals', `/api/v1/pipelines/${pipeline.id}/board`]) {
      const res = await rita.get(`${path}?savedFilterId=${saved.body.id}`);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.type).toBe('urn:crm:problem:saved_filter_outdated');
      expect(res.body.detail).toContain('"region"');
      expect(res.body.detail).toContain('Region Süd');
    }
  });

  it("answers 404 for another organisation's saved filter", async () => {
    const mine = await admin.post('/api/v1/saved-filters').send({
      name: 'Geheimfilter',
      entityType: 'deal',
      scope: 'company',
      filter: { field: 'status', op: 'eq', value: 'won' },
    });
    const other = await t.createTenant('Fabrikam Filter AG', [{ displayName: 'Zoë Bäcker' }]);
    const stranger = await other.as(other.upn('Zoë Bäcker'));
    expect((await stranger.get(`/api/v1/saved-filters/${mine.body.id}`)).status).toBe(404);
    expect((await stranger.delete(`/api/v1/saved-filters/${mine.body.id}`)).status).toBe(404);
    expect((await stranger.get(`/api/v1/deals?savedFilterId=${mine.body.id}`)).status).toBe(422);
    expect((await stranger.get('/api/v1/saved-filters')).body.items).toEqual([]);
  });
});
