import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('lists with the filter tree', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let api: AuthedAgent;
  let vipId: string;
  const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((item) => item.name);
  const filtered = (filter: unknown, extra = '') =>
    api.get(`/api/v1/organizations?filter=${encodeURIComponent(JSON.stringify(filter))}${extra}`);

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Listen GmbH', [{ displayName: 'Anna Schmidt' }]);
    api = await contoso.as(contoso.upn('Anna Schmidt'));
    await api.post('/api/v1/admin/custom-fields').send({
      entityType: 'organization',
      key: 'branches',
      labels: { de: 'Filialen', en: 'Branches' },
      type: 'number',
    });
    vipId = (await api.post('/api/v1/tags').send({ name: 'VIP' })).body.id;
    const organizations = [
      {
        name: 'Bäckerei Schmitt GmbH',
        industry: 'Handwerk',
        employeeCount: 12,
        city: 'Köln',
        postalCode: '50678',
        branches: 3,
      },
      {
        name: 'Autohaus Weiß AG',
        industry: 'Handel',
        employeeCount: 85,
        city: 'München',
        postalCode: '80331',
        branches: 1,
      },
      { name: 'Steuerberatung Krüger', industry: 'Beratung', employeeCount: 6, city: 'Köln', postalCode: '50667' },
      { name: 'adler Apotheke', industry: 'Handel', employeeCount: 9, city: 'Bonn', postalCode: '53111', branches: 2 },
    ];
    for (const org of organizations) {
      const res = await api.post('/api/v1/organizations?confirm=duplicate').send({
        name: org.name,
        industry: org.industry,
        employeeCount: org.employeeCount,
        addresses: [{ city: org.city, postalCode: org.postalCode, country: 'DE' }],
        ...(org.branches ? { customFields: { branches: org.branches } } : {}),
      });
      expect(res.status).toBe(201);
      if (org.name.startsWith('Autohaus')) await api.put(`/api/v1/records/organization/${res.body.id}/tags/${vipId}`);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('sorts by name regardless of case, and pages with a cursor', async () => {
    const first = await api.get('/api/v1/organizations?limit=3');
    expect(names(first)).toEqual(['adler Apotheke', 'Autohaus Weiß AG', 'Bäckerei Schmitt GmbH']);
    const rest = await api.get(`/api/v1/organizations?limit=3&cursor=${first.body.nextCursor}`);
    expect(names(rest)).toEqual(['Steuerberatung Krüger']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('filters with AND/OR groups over built-in fields', async () => {
    const res = await filtered({
      and: [
        { field: 'city', op: 'eq', value: 'Köln' },
        {
          or: [
            { field: 'employeeCount', op: 'gt', value: 10 },
            { field: 'name', op: 'contains', value: 'krüger' },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['Bäckerei Schmitt GmbH', 'Steuerberatung Krüger']);
    expect(names(await filtered({ field: 'postalCode', op: 'starts', value: '506' }))).toEqual([
      'Bäckerei Schmitt GmbH',
      'Steuerberatung Krüger',
    ]);
    expect(names(await filtered({ field: 'employeeCount', op: 'between', value: [9, 12] }))).toEqual([
      'adler Apotheke',
      'Bäckerei Schmitt GmbH',
    ]);
    expect(names(await filtered({ field: 'industry', op: 'in', value: ['Beratung', 'Handwerk'] }))).toEqual([
      'Bäckerei Schmitt GmbH',
      'Steuerberatung Krüger',
    ]);
  });

  it('filters by custom fields, emptiness and tags', async () => {
    expect(names(await filtered({ field: 'customFields.branches', op: 'gt', value: 1 }))).toEqual([
      'adler Apotheke',
      'Bäckerei Schmitt GmbH',
    ]);
    expect(names(await filtered({ field: 'customFields.branches', op: 'isEmpty' }))).toEqual(['Steuerberatung Krüger']);
    expect(names(await filtered({ field: 'tags', op: 'hasTag', value: vipId }))).toEqual(['Autohaus Weiß AG']);
    expect(names(await filtered({ field: 'name', op: 'ne', value: 'AUTOHAUS WEISS AG' }))).toHaveLength(4);
  });

  it('answers a bad filter with a problem naming the node and what to fix', async () => {
    const unknownField = await filtered({
      and: [
        { field: 'city', op: 'eq', value: 'Köln' },
        { field: 'shoeSize', op: 'eq', value: 42 },
      ],
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors[0]).toMatchObject({ in: 'query', pointer: '#/filter/and/1/field' });
    expect(unknownField.body.errors[0].detail).toMatch(/unknown field "shoeSize"; filter by name/);
    const removed = await filtered({ field: 'customFields.segment', op: 'eq', value: 'a' });
    expect(removed.status).toBe(400);
    expect(removed.body.errors[0].detail).toMatch(/custom field "segment" does not exist/);
    const wrongType = await filtered({ field: 'employeeCount', op: 'gt', value: 'viele' });
    expect(wrongType.body.errors[0]).toMatchObject({ pointer: '#/filter/value', detail: 'must be a number' });
    const notJson = await api.get('/api/v1/organizations?filter=%7Bname');
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors[0].pointer).toBe('#/filter');
    const badOp = await filtered({ field: 'name', op: 'like', value: 'x' });
    expect(badOp.status).toBe(400);
  });

  it('sorts by any field, custom fields too, both ways, undated and unset last', async () => {
    const byStaff = await api.get('/api/v1/organizations?sort=-employeeCount');
    expect(names(byStaff)).toEqual([
      'Autohaus Weiß AG',
      'Bäckerei Schmitt GmbH',
      'adler Apotheke',
      'Steuerberatung Krüger',
    ]);
    const byBranches = await api.get('/api/v1/organizations?sort=customFields.branches');
    expect(names(byBranches)).toEqual([
      'Autohaus Weiß AG',
      'adler Apotheke',
      'Bäckerei Schmitt GmbH',
      'Steuerberatung Krüger',
    ]);
    const byIndustry = await api.get('/api/v1/organizations?sort=-industry&limit=2');
    // Equal industries part by id, in the direction of the sort: the newer first.
    expect(names(byIndustry)).toEqual(['Bäckerei Schmitt GmbH', 'adler Apotheke']);
    const rest = await api.get(`/api/v1/organizations?sort=-industry&limit=2&cursor=${byIndustry.body.nextCursor}`);
    expect(names(rest)).toEqual(['Autohaus Weiß AG', 'Steuerberatung Krüger']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('gives the page at an offset and the total on request, filtered, counting only its own organisation', async () => {
    const other = await t.createTenant('Fabrikam Listen AG', [{ displayName: 'Frank Fischer' }]);
    const fabrikam = await other.as(other.upn('Frank Fischer'));
    await fabrikam.post('/api/v1/organizations').send({ name: 'Fremde Bäckerei' });

    const window = await api.get('/api/v1/organizations?sort=name&offset=2&limit=1&count=true');
    expect(window.body).toMatchObject({ total: 4, totalCapped: false });
    expect(names(window)).toEqual(['Bäckerei Schmitt GmbH']);
    // The cursor a window gives continues where it ended.
    const next = await api.get(`/api/v1/organizations?sort=name&limit=5&cursor=${window.body.nextCursor}`);
    expect(names(next)).toEqual(['Steuerberatung Krüger']);

    const inCologne = await filtered({ field: 'city', op: 'eq', value: 'Köln' }, '&count=true&limit=1');
    expect(inCologne.body.total).toBe(2);
    expect((await api.get('/api/v1/organizations')).body.total).toBeUndefined();
    expect((await fabrikam.get('/api/v1/organizations?count=true')).body.total).toBe(1);
  });

  it('answers an unknown sort field with a problem naming the fields, in German and English', async () => {
    const english = await api.get('/api/v1/organizations?sort=shoeSize').set('Accept-Language', 'en');
    expect(english.status).toBe(400);
    expect(english.headers['content-type']).toContain('application/problem+json');
    expect(english.body.errors[0]).toMatchObject({ pointer: '#/sort' });
    expect(english.body.errors[0].detail).toContain('employeeCount');
    const german = await api.get('/api/v1/organizations?sort=-shoeSize').set('Accept-Language', 'de');
    expect(german.status).toBe(400);
    expect(german.body.title).toBe('Die Anfrage ist nicht gültig');
    expect((await api.get('/api/v1/organizations?offset=-1')).status).toBe(400);
  });
});
