// GET /api/v1/users: any signed-in user finds the organisation's active colleagues by name or email
// (for an owner filter), never another organisation's users, never a deactivated one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('GET /api/v1/users: colleagues to pick', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  const upn = (name: string) => contoso.upn(name);

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Picker Contoso GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Käthe Schäfer', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Ida Neu', appRoles: ['CRM.SalesRep'] },
    ]);
    fabrikam = await t.createTenant('Picker Fabrikam AG', [
      { displayName: 'Fritz Fremd' },
      { displayName: 'Björn Anders', appRoles: ['CRM.SalesRep'] },
    ]);
    for (const name of ['Björn Müller', 'Käthe Schäfer', 'Ida Neu']) await contoso.userId(upn(name));
    await fabrikam.userId(fabrikam.upn('Björn Anders'));
  });
  afterAll(async () => {
    await t.close();
  });

  it("lists a sales rep the organisation's active users by name: id, name and email only", async () => {
    const rep = await contoso.as(upn('Björn Müller'));
    const res = await rep.get('/api/v1/users');
    expect(res.status).toBe(200);
    expect(res.body.items.map((user: { displayName: string }) => user.displayName)).toEqual([
      'Anna Schmidt',
      'Björn Müller',
      'Ida Neu',
      'Käthe Schäfer',
    ]);
    expect(res.body.items[0]).toEqual({
      id: await contoso.userId(upn('Anna Schmidt')),
      displayName: 'Anna Schmidt',
      email: upn('Anna Schmidt'),
    });
  });

  it("finds by part of the name or the email, and never another organisation's users", async () => {
    const rep = await contoso.as(upn('Käthe Schäfer'));
    const byName = await rep.get('/api/v1/users').query({ q: 'björn' });
    expect(byName.body.items).toEqual([
      { id: await contoso.userId(upn('Björn Müller')), displayName: 'Björn Müller', email: upn('Björn Müller') },
    ]);
    const byEmail = await rep.get('/api/v1/users').query({ q: upn('Ida Neu').split('@')[0] ?? '' });
    expect(byEmail.body.items.map((user: { displayName: string }) => user.displayName)).toEqual(['Ida Neu']);
    const theirs = await (await fabrikam.as(fabrikam.upn('Björn Anders'))).get('/api/v1/users').query({ q: 'björn' });
    expect(theirs.body.items.map((user: { displayName: string }) => user.displayName)).toEqual(['Björn Anders']);
    // Another organisation's name finds nothing here; a wildcard is just a character.
    expect((await rep.get('/api/v1/users').query({ q: 'Fremd' })).body.items).toEqual([]);
    expect((await rep.get('/api/v1/users').query({ q: '%' })).body.items).toEqual([]);
  });

  it('leaves a deactivated user out, and limits how many come', async () => {
    const admin = await contoso.as(upn('Anna Schmidt'));
    const idaId = await contoso.userId(upn('Ida Neu'));
    expect((await admin.patch(`/api/v1/admin/users/${idaId}`).send({ active: false })).status).toBe(200);
    try {
      const rep = await contoso.as(upn('Björn Müller'));
      const res = await rep.get('/api/v1/users');
      expect(res.body.items.map((user: { id: string }) => user.id)).not.toContain(idaId);
      const two = await rep.get('/api/v1/users').query({ limit: 2 });
      expect(two.body.items).toHaveLength(2);
    } finally {
      expect((await admin.patch(`/api/v1/admin/users/${idaId}`).send({ active: true })).status).toBe(200);
    }
  });

  it("refuses bad input as a problem in the caller's language, and anyone not signed in", async () => {
    const rep = await contoso.as(upn('Björn Müller'));
    const german = await rep.get('/api/v1/users').query({ limit: 500 }).set('Accept-Language', 'de-DE');
    expect(german.status).toBe(400);
    expect(german.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(german.body.errors).toEqual([expect.objectContaining({ pointer: '#/limit' })]);
    const english = await rep
      .get('/api/v1/users')
      .query({ q: 'x'.repeat(101) })
      .set('Accept-Language', 'en');
    expect(english.status).toBe(400);
    expect(english.body.errors).toEqual([expect.objectContaining({ pointer: '#/q' })]);
    expect(german.body.title).not.toBe(english.body.title);
    expect((await t.http.get('/api/v1/users')).status).toBe(401);
  });
});
