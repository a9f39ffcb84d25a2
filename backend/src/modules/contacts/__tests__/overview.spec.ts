import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { overviewSectionNames } from '../../../records/overview.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('the 360° view', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let api: AuthedAgent;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Übersicht GmbH', [{ displayName: 'Anna Schmidt' }]);
    api = await contoso.as(contoso.upn('Anna Schmidt'));
  });
  afterAll(async () => {
    await t.close();
  });

  const organizationWith = async (name: string, employees: number, tags: number) => {
    const org = (await api.post('/api/v1/organizations?confirm=duplicate').send({ name })).body;
    for (let i = 0; i < employees; i++) {
      const person = (
        await api.post('/api/v1/persons?confirm=duplicate').send({ firstName: `Person${i}`, lastName: `${name} ${i}` })
      ).body;
      await api
        .post('/api/v1/business-contacts')
        .send({ personId: person.id, organizationId: org.id, position: 'Einkauf' });
    }
    for (let i = 0; i < tags; i++) {
      const tag = (await api.post('/api/v1/tags').send({ name: `${name}-Tag-${i}` })).body;
      await api.put(`/api/v1/records/organization/${org.id}/tags/${tag.id}`);
    }
    return org.id as string;
  };

  it('shows an organization with its employees, tags and newest history', async () => {
    const id = await organizationWith('Bäckerei Schmitt GmbH', 2, 1);
    const res = await api.get(`/api/v1/records/organization/${id}/overview`);
    expect(res.status).toBe(200);
    expect(res.body.record).toMatchObject({ id, name: 'Bäckerei Schmitt GmbH' });
    expect(res.body.businessContacts).toHaveLength(2);
    expect(res.body.businessContacts[0]).toMatchObject({ organizationId: id, position: 'Einkauf' });
    expect(res.body.tags).toEqual([expect.objectContaining({ name: 'Bäckerei Schmitt GmbH-Tag-0' })]);
    expect(res.body.history.changes).toBe(2);
    expect(res.body.history.newest[0]).toMatchObject({ field: 'tags' });
  });

  it('costs the same number of queries for 1 employee as for 20', async () => {
    const small = await organizationWith('Klein KG', 1, 1);
    const large = await organizationWith('Groß AG', 20, 8);
    const costOf = (id: string) =>
      t.countQueries(async () =>
        expect((await api.get(`/api/v1/records/organization/${id}/overview`)).status).toBe(200),
      );
    const [smallCost, largeCost] = [await costOf(small), await costOf(large)];
    expect(largeCost).toBe(smallCost);
    // begin, tenant context, principal, commit, and one query per section (history: three — its newest
    // entries, their count, and the names of the people, stages and reasons they refer to)
    expect(smallCost).toBeGreaterThanOrEqual(8);
    expect(smallCost).toBeLessThanOrEqual(6 + overviewSectionNames('organization').length);
  });

  it('answers 404 for a record of another tenant or one in the trash', async () => {
    const id = await organizationWith('Weg GmbH', 0, 0);
    await api.delete(`/api/v1/organizations/${id}`);
    expect((await api.get(`/api/v1/records/organization/${id}/overview`)).status).toBe(404);
    const fabrikam = await t.createTenant('Fabrikam Übersicht AG', [{ displayName: 'Zoë Bäcker' }]);
    const theirs = await (await fabrikam.as(fabrikam.upn('Zoë Bäcker')))
      .post('/api/v1/persons')
      .send({ lastName: 'Fremd' });
    expect((await api.get(`/api/v1/records/person/${theirs.body.id}/overview`)).status).toBe(404);
  });
});
