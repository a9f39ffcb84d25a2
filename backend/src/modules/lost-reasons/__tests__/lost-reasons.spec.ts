import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPipelinesOfExistingTenants } from '../../../../../db/migrations/Migration20261124040000_sales.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('lost reasons', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let manager: AuthedAgent;
  let rep: AuthedAgent;
  const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((reason) => reason.name);

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Verlustgründe GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Max Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    manager = await contoso.as(contoso.upn('Max Manager'));
    rep = await contoso.as(contoso.upn('Rita Rep'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('starts with the usual reasons for deals and leads, in the organisation language', async () => {
    const deals = await rep.get('/api/v1/lost-reasons?objectType=deal');
    expect(deals.status).toBe(200);
    expect(names(deals)).toEqual([
      'Preis zu hoch',
      'Wettbewerber',
      'Kein Budget',
      'Kein Bedarf',
      'Zeitpunkt ungünstig',
      'Keine Rückmeldung',
    ]);
    expect(deals.body.items[0]).toMatchObject({ objectType: 'deal', active: true, description: null, version: 1 });
    expect(names(await rep.get('/api/v1/lost-reasons?objectType=lead'))).toContain('Nicht erreichbar');

    const english = await t.createTenant('Northwind Reasons Ltd', [
      { displayName: 'Nancy Davolio', preferredLanguage: 'en-US' },
    ]);
    const theirs = await (await english.as(english.upn('Nancy Davolio'))).get('/api/v1/lost-reasons?objectType=deal');
    expect(names(theirs)).toContain('Price too high');
  });

  it('gives organisations set up before sales existed the defaults once', async () => {
    const old = await t.createTenant('Fabrikam Altbestand AG', [{ displayName: 'Zoë Bäcker' }]);
    const connection = t.orm.em.getConnection();
    await connection.execute('delete from lost_reason where tenant_id = ?', [old.id]);
    const execute = (sql: string, params?: unknown[]) => connection.execute(sql, params ?? []);
    await seedPipelinesOfExistingTenants(execute);
    await seedPipelinesOfExistingTenants(execute);
    const api = await old.as(old.upn('Zoë Bäcker'));
    expect(names(await api.get('/api/v1/lost-reasons?objectType=deal'))).toHaveLength(6);
  });

  it('lets managers add, describe, retire and delete reasons; reps only read', async () => {
    const created = await manager
      .post('/api/v1/lost-reasons')
      .send({ objectType: 'deal', name: 'Lieferzeit zu lang', description: 'Kunde brauchte es vor Q3' });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body).toMatchObject({
      objectType: 'deal',
      name: 'Lieferzeit zu lang',
      description: 'Kunde brauchte es vor Q3',
      active: true,
      createdBy: await contoso.userId(contoso.upn('Max Manager')),
    });
    expect(names(await rep.get('/api/v1/lost-reasons?objectType=deal')).at(-1)).toBe('Lieferzeit zu lang');
    expect((await rep.post('/api/v1/lost-reasons').send({ objectType: 'deal', name: 'Meiner' })).status).toBe(403);
    expect((await rep.patch(`/api/v1/lost-reasons/${created.body.id}`).send({ active: false })).status).toBe(403);

    const twice = await manager.post('/api/v1/lost-reasons').send({ objectType: 'deal', name: 'lieferzeit zu LANG' });
    expect(twice.status).toBe(409);
    // The same name for leads is another reason.
    expect(
      (await manager.post('/api/v1/lost-reasons').send({ objectType: 'lead', name: 'Lieferzeit zu lang' })).status,
    ).toBe(201);

    const retired = await manager
      .patch(`/api/v1/lost-reasons/${created.body.id}`)
      .set('If-Match', '"1"')
      .send({ active: false, description: '' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ active: false, description: null, version: 2 });
    expect(new Date(retired.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(created.body.updatedAt).getTime(),
    );
    const stale = await manager
      .patch(`/api/v1/lost-reasons/${created.body.id}`)
      .set('If-Match', '"1"')
      .send({ active: true });
    expect(stale.status).toBe(412);
    expect(names(await rep.get('/api/v1/lost-reasons?objectType=deal&active=true'))).not.toContain(
      'Lieferzeit zu lang',
    );
    expect(names(await rep.get('/api/v1/lost-reasons?objectType=deal&active=false'))).toEqual(['Lieferzeit zu lang']);

    expect((await manager.delete(`/api/v1/lost-reasons/${created.body.id}`).set('If-Match', '"1"')).status).toBe(412);
    expect((await manager.delete(`/api/v1/lost-reasons/${created.body.id}`)).status).toBe(204);
    expect((await rep.get(`/api/v1/lost-reasons/${created.body.id}`)).status).toBe(404);
  });

  it('refuses bad input with a problem naming the field', async () => {
    const res = await manager.post('/api/v1/lost-reasons').send({ objectType: 'task', name: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
      '#/name',
      '#/objectType',
    ]);
  });

  it("answers 404 for another organisation's reason", async () => {
    const reason = (await rep.get('/api/v1/lost-reasons?objectType=deal')).body.items[0];
    const other = await t.createTenant('Fabrikam Gründe AG', [{ displayName: 'Zoë Bäcker' }]);
    const stranger = await other.as(other.upn('Zoë Bäcker'));
    expect((await stranger.get(`/api/v1/lost-reasons/${reason.id}`)).status).toBe(404);
    expect((await stranger.patch(`/api/v1/lost-reasons/${reason.id}`).send({ active: false })).status).toBe(404);
    expect((await stranger.delete(`/api/v1/lost-reasons/${reason.id}`)).status).toBe(404);
    expect((await rep.get(`/api/v1/lost-reasons/${reason.id}`)).body.active).toBe(true);
  });
});
