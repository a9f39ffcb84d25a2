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
});
