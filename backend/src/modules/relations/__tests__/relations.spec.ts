import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('relations between records', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let api: AuthedAgent;
  let ceoType: string;
  let juergen: string;
  let bakery: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Beziehungen GmbH', [{ displayName: 'Anna Schmidt' }]);
    api = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = (await api.post('/api/v1/persons').send({ firstName: 'Jürgen', lastName: 'Weiß' })).body.id;
    bakery = (await api.post('/api/v1/organizations').send({ name: 'Bäckerei Schmitt GmbH' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives a new organisation the usual relation types with their reverse names', async () => {
    const types = (await api.get('/api/v1/relation-types')).body.items;
    const ceo = types.find((type: { name: string }) => type.name === 'Geschäftsführer von');
    expect(ceo).toMatchObject({ reverseName: 'hat Geschäftsführer', active: true });
    ceoType = ceo.id;
  });

  it('relates a person to an organization and reads it from both sides', async () => {
    const res = await api.post('/api/v1/relations').send({
      typeId: ceoType,
      from: { type: 'person', id: juergen },
      to: { type: 'organization', id: bakery },
      note: 'seit 2019',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      label: 'Geschäftsführer von',
      direction: 'outgoing',
      other: { id: bakery, title: 'Bäckerei Schmitt GmbH' },
    });
    const fromBakery = (await api.get(`/api/v1/records/organization/${bakery}/relations`)).body.items;
    expect(fromBakery).toEqual([
      expect.objectContaining({
        label: 'hat Geschäftsführer',
        direction: 'incoming',
        other: { type: 'person', id: juergen, title: 'Jürgen Weiß' },
      }),
    ]);
    const overview = (await api.get(`/api/v1/records/person/${juergen}/overview`)).body;
    expect(overview.relations).toEqual([expect.objectContaining({ label: 'Geschäftsführer von' })]);
    const history = (await api.get(`/api/v1/history?type=organization&id=${bakery}`)).body.items;
    expect(history[0]).toMatchObject({
      field: 'relations',
      after: { relation: 'hat Geschäftsführer', to: { type: 'person', id: juergen } },
    });
    const again = await api
      .post('/api/v1/relations')
      .send({ typeId: ceoType, from: { type: 'person', id: juergen }, to: { type: 'organization', id: bakery } });
    expect(again.status).toBe(409);
  });

  it('refuses unknown types, records of another tenant or in the trash, and relating a record to itself', async () => {
    const unknownType = await api.post('/api/v1/relations').send({
      typeId: '0190f3c4-5b6a-7c8d-9e0f-123456789abc',
      from: { type: 'person', id: juergen },
      to: { type: 'organization', id: bakery },
    });
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.errors[0].pointer).toBe('#/typeId');
    const itself = await api
      .post('/api/v1/relations')
      .send({ typeId: ceoType, from: { type: 'person', id: juergen }, to: { type: 'person', id: juergen } });
    expect(itself.status).toBe(409);
    const fabrikam = await t.createTenant('Fabrikam Beziehungen AG', [{ displayName: 'Zoë Bäcker' }]);
    const theirs = (
      await (
        await fabrikam.as(fabrikam.upn('Zoë Bäcker'))
      )
        .post('/api/v1/organizations')
        .send({ name: 'Fremdfirma AG' })
    ).body.id;
    const foreign = await api
      .post('/api/v1/relations')
      .send({ typeId: ceoType, from: { type: 'person', id: juergen }, to: { type: 'organization', id: theirs } });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].pointer).toBe('#/to/id');
    const trashed = (await api.post('/api/v1/organizations').send({ name: 'Pleite GmbH' })).body.id;
    await api.delete(`/api/v1/organizations/${trashed}`);
    const toTrash = await api
      .post('/api/v1/relations')
      .send({ typeId: ceoType, from: { type: 'person', id: juergen }, to: { type: 'organization', id: trashed } });
    expect(toTrash.status).toBe(422);
  });

  it('hides relations to a record in the trash and brings them back on restore', async () => {
    await api.delete(`/api/v1/organizations/${bakery}`);
    expect((await api.get(`/api/v1/records/person/${juergen}/relations`)).body.items).toEqual([]);
    await api.post(`/api/v1/organizations/${bakery}/restore`);
    expect((await api.get(`/api/v1/records/person/${juergen}/relations`)).body.items).toHaveLength(1);
  });

  it('moves relations to the survivor of a merge', async () => {
    const copy = (await api.post('/api/v1/organizations?confirm=duplicate').send({ name: 'Bäckerei Schmitt' })).body.id;
    const partner = (await api.get('/api/v1/relation-types')).body.items.find(
      (type: { name: string }) => type.name === 'Partner von',
    ).id;
    await api
      .post('/api/v1/relations')
      .send({ typeId: partner, from: { type: 'organization', id: copy }, to: { type: 'person', id: juergen } });
    await api.post('/api/v1/duplicates/merge').send({ type: 'organization', survivorId: bakery, mergedId: copy });
    const labels = (await api.get(`/api/v1/records/organization/${bakery}/relations`)).body.items.map(
      (item: { label: string }) => item.label,
    );
    expect(labels.sort()).toEqual(['Partner von', 'hat Geschäftsführer']);
  });
});
