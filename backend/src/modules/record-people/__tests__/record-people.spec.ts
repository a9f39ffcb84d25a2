import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('people on a record', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let api: AuthedAgent;
  let bakery: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Personen GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
    ]);
    api = await contoso.as(contoso.upn('Anna Schmidt'));
    bakery = (await api.post('/api/v1/organizations').send({ name: 'Bäckerei Schmitt GmbH' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('puts a responsible colleague and a further contact on an organization', async () => {
    const juergen = await contoso.userId(contoso.upn('Jürgen Weiß'));
    const tax = (await api.post('/api/v1/persons').send({ firstName: 'Käthe', lastName: 'Schäfer' })).body.id;
    expect(
      (await api.post(`/api/v1/records/organization/${bakery}/people`).send({ userId: juergen, role: 'Key Account' }))
        .status,
    ).toBe(201);
    expect(
      (await api.post(`/api/v1/records/organization/${bakery}/people`).send({ personId: tax, role: 'Steuerberaterin' }))
        .status,
    ).toBe(201);
    const people = (await api.get(`/api/v1/records/organization/${bakery}/people`)).body.items;
    expect(people).toEqual([
      expect.objectContaining({ kind: 'colleague', userId: juergen, name: 'Jürgen Weiß', role: 'Key Account' }),
      expect.objectContaining({ kind: 'contact', personId: tax, name: 'Käthe Schäfer', role: 'Steuerberaterin' }),
    ]);
    expect((await api.get(`/api/v1/records/organization/${bakery}/overview`)).body.people).toHaveLength(2);
    expect((await api.post(`/api/v1/records/organization/${bakery}/people`).send({ userId: juergen })).status).toBe(
      409,
    );
    expect((await api.delete(`/api/v1/record-people/${people[1].id}`)).status).toBe(204);
    expect((await api.get(`/api/v1/records/organization/${bakery}/people`)).body.items).toHaveLength(1);
  });

  it('refuses both or neither, unknown people, and records of another tenant', async () => {
    const neither = await api.post(`/api/v1/records/organization/${bakery}/people`).send({ role: 'x' });
    expect(neither.status).toBe(400);
    const unknown = await api
      .post(`/api/v1/records/organization/${bakery}/people`)
      .send({ personId: '0190f3c4-5b6a-7c8d-9e0f-123456789abc' });
    expect(unknown.status).toBe(422);
    const fabrikam = await t.createTenant('Fabrikam Personen AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
    const foreignUser = await api.post(`/api/v1/records/organization/${bakery}/people`).send({ userId: zoe });
    expect(foreignUser.status).toBe(422);
  });
});
