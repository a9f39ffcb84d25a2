import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('merging duplicates', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let api: AuthedAgent;
  let bakeryId: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Merge GmbH', [{ displayName: 'Anna Schmidt' }]);
    api = await contoso.as(contoso.upn('Anna Schmidt'));
    bakeryId = (await api.post('/api/v1/organizations').send({ name: 'Bäckerei Schmitt GmbH' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('merges "Ana Müler" into Anna Müller: fields chosen, lists joined, links moved, history told, loser trashed', async () => {
    const anna = (
      await api.post('/api/v1/persons').send({
        firstName: 'Anna',
        lastName: 'Müller',
        emails: [{ address: 'anna.mueller@example.de' }],
      })
    ).body;
    const ana = (
      await api.post('/api/v1/persons?confirm=duplicate').send({
        title: 'Dr.',
        firstName: 'Ana',
        lastName: 'Müler',
        emails: [{ address: 'a.mueller@baeckerei-schmitt.de' }, { address: 'anna.mueller@example.de' }],
        phones: [{ number: '0171 2345678', kind: 'mobile' }],
      })
    ).body;
    const job = await api
      .post('/api/v1/business-contacts')
      .send({ personId: ana.id, organizationId: bakeryId, position: 'Filialleiterin' });
    expect(job.status).toBe(201);

    const res = await api
      .post('/api/v1/duplicates/merge')
      .set('If-Match', `"${anna.version}"`)
      .send({ type: 'person', survivorId: anna.id, mergedId: ana.id, take: { title: 'merged' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: anna.id,
      title: 'Dr.',
      firstName: 'Anna',
      lastName: 'Müller',
      emails: [
        { address: 'anna.mueller@example.de', kind: 'work' },
        { address: 'a.mueller@baeckerei-schmitt.de', kind: 'work' },
      ],
      phones: [expect.objectContaining({ e164: '+491712345678' })],
    });
    const jobs = await api.get(`/api/v1/business-contacts?personId=${anna.id}`);
    expect(jobs.body.items).toEqual([
      expect.objectContaining({ id: job.body.id, organizationName: 'Bäckerei Schmitt GmbH' }),
    ]);
    expect((await api.get(`/api/v1/persons/${ana.id}`)).status).toBe(404);
    expect((await api.get('/api/v1/trash')).body.items).toEqual([
      expect.objectContaining({ id: ana.id, type: 'person' }),
    ]);
    const history = (await api.get(`/api/v1/history?type=person&id=${anna.id}`)).body.items;
    expect(history[0]).toMatchObject({ action: 'merge', before: expect.objectContaining({ mergedId: ana.id }) });
    const lookup = await api.get('/api/v1/lookup?email=a.mueller@baeckerei-schmitt.de');
    expect(lookup.body.items[0].persons).toEqual([{ id: anna.id, name: 'Anna Müller' }]);
    const search = await api.get('/api/v1/search?q=M%C3%BCler&type=person');
    expect(search.body.items.map((item: { id: string }) => item.id)).not.toContain(ana.id);
  });

  it('refuses to merge a record with itself, across types, or from another tenant', async () => {
    const person = (await api.post('/api/v1/persons').send({ lastName: 'Einzeln' })).body;
    const self = await api
      .post('/api/v1/duplicates/merge')
      .send({ type: 'person', survivorId: person.id, mergedId: person.id });
    expect(self.status).toBe(409);
    expect(self.body.errors[0].pointer).toBe('#/mergedId');
    const across = await api
      .post('/api/v1/duplicates/merge')
      .send({ type: 'person', survivorId: person.id, mergedId: bakeryId });
    expect(across.status).toBe(404);
    const fabrikam = await t.createTenant('Fabrikam Merge AG', [{ displayName: 'Zoë Bäcker' }]);
    const theirs = (
      await (await fabrikam.as(fabrikam.upn('Zoë Bäcker'))).post('/api/v1/persons').send({ lastName: 'Einzeln' })
    ).body;
    const foreign = await api
      .post('/api/v1/duplicates/merge')
      .send({ type: 'person', survivorId: person.id, mergedId: theirs.id });
    expect(foreign.status).toBe(404);
    const unknownField = await api
      .post('/api/v1/duplicates/merge')
      .send({ type: 'person', survivorId: person.id, mergedId: theirs.id, take: { shoeSize: 'merged' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors[0].pointer).toBe('#/take/shoeSize');
  });
});
