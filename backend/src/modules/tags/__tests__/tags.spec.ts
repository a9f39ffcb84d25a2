import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('tags', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let rep: AuthedAgent;
  let personId: string;
  let vipId: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Tags GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    rep = await contoso.as(contoso.upn('Björn Müller'));
    personId = (await rep.post('/api/v1/persons').send({ firstName: 'Jürgen', lastName: 'Weiß' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets admins create tags with a color and refuses a second of the same name', async () => {
    const res = await admin.post('/api/v1/tags').send({ name: 'VIP', color: '#d13438' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'VIP', color: '#d13438', usage: 0 });
    vipId = res.body.id;
    expect((await admin.post('/api/v1/tags').send({ name: 'vip' })).status).toBe(409);
    expect((await admin.post('/api/v1/tags').send({ name: 'Messe', color: 'red' })).body.errors[0].pointer).toBe(
      '#/color',
    );
    expect((await rep.post('/api/v1/tags').send({ name: 'Meins' })).status).toBe(403);
  });

  it('tags and untags a record, idempotently, with history', async () => {
    expect((await rep.put(`/api/v1/records/person/${personId}/tags/${vipId}`)).status).toBe(204);
    expect((await rep.put(`/api/v1/records/person/${personId}/tags/${vipId}`)).status).toBe(204);
    const person = await rep.get(`/api/v1/persons/${personId}`);
    expect(person.body.tags).toEqual([{ id: vipId, name: 'VIP', color: '#d13438' }]);
    const list = await rep.get('/api/v1/persons');
    expect(list.body.items.find((item: { id: string }) => item.id === personId).tags).toHaveLength(1);
    expect((await rep.get('/api/v1/tags')).body.items).toEqual([expect.objectContaining({ id: vipId, usage: 1 })]);
    const history = (await rep.get(`/api/v1/history?type=person&id=${personId}`)).body.items;
    expect(history[0]).toMatchObject({ field: 'tags', before: [], after: ['VIP'] });
    expect((await rep.delete(`/api/v1/records/person/${personId}/tags/${vipId}`)).status).toBe(204);
    expect((await rep.get(`/api/v1/persons/${personId}`)).body.tags).toEqual([]);
  });

  it('refuses to tag what does not exist or lies in the trash', async () => {
    const unknownTag = await rep.put(`/api/v1/records/person/${personId}/tags/0190f3c4-5b6a-7c8d-9e0f-123456789abc`);
    expect(unknownTag.status).toBe(404);
    const trashed = (await rep.post('/api/v1/persons').send({ lastName: 'Papierkorb' })).body.id;
    await rep.delete(`/api/v1/persons/${trashed}`);
    expect((await rep.put(`/api/v1/records/person/${trashed}/tags/${vipId}`)).status).toBe(404);
    expect((await rep.put(`/api/v1/records/invoice/${personId}/tags/${vipId}`)).status).toBe(400);
  });

  it('renames with If-Match, and deleting a tag takes it off every record', async () => {
    await rep.put(`/api/v1/records/person/${personId}/tags/${vipId}`);
    const renamed = await admin.patch(`/api/v1/tags/${vipId}`).set('If-Match', '"1"').send({ name: 'Schlüsselkunde' });
    expect(renamed.status).toBe(200);
    expect((await admin.patch(`/api/v1/tags/${vipId}`).set('If-Match', '"1"').send({ color: '#000000' })).status).toBe(
      412,
    );
    expect((await rep.get(`/api/v1/persons/${personId}`)).body.tags[0].name).toBe('Schlüsselkunde');
    expect((await admin.delete(`/api/v1/tags/${vipId}`)).status).toBe(204);
    expect((await rep.get(`/api/v1/persons/${personId}`)).body.tags).toEqual([]);
  });
});
