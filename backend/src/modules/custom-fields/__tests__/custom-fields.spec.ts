import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('custom fields', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let rep: AuthedAgent;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Felder GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    rep = await contoso.as(contoso.upn('Björn Müller'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets admins define fields of every type with German and English labels', async () => {
    const fields = [
      {
        entityType: 'organization',
        key: 'customer_number',
        labels: { de: 'Kundennummer', en: 'Customer number' },
        type: 'text',
        required: true,
      },
      {
        entityType: 'organization',
        key: 'branches',
        labels: { de: 'Filialen', en: 'Branches' },
        type: 'number',
        position: 1,
      },
      {
        entityType: 'organization',
        key: 'newsletter',
        labels: { de: 'Newsletter', en: 'Newsletter' },
        type: 'boolean',
        position: 2,
      },
      {
        entityType: 'organization',
        key: 'customer_since',
        labels: { de: 'Kunde seit', en: 'Customer since' },
        type: 'date',
        position: 3,
      },
      {
        entityType: 'organization',
        key: 'segment',
        labels: { de: 'Segment', en: 'Segment' },
        type: 'select',
        position: 4,
        options: [
          { value: 'a', labels: { de: 'A-Kunde', en: 'A customer' } },
          { value: 'b', labels: { de: 'B-Kunde', en: 'B customer' } },
        ],
      },
    ];
    for (const field of fields) expect((await admin.post('/api/v1/admin/custom-fields').send(field)).status).toBe(201);
    const list = await rep.get('/api/v1/custom-fields?entityType=organization');
    expect(list.body.items.map((field: { key: string }) => field.key)).toEqual([
      'customer_number',
      'branches',
      'newsletter',
      'customer_since',
      'segment',
    ]);
    expect((await rep.post('/api/v1/admin/custom-fields').send(fields[1])).status).toBe(403);
    expect((await admin.post('/api/v1/admin/custom-fields').send(fields[1])).status).toBe(409);
    const noOptions = await admin
      .post('/api/v1/admin/custom-fields')
      .send({ entityType: 'person', key: 'mood', labels: { de: 'Laune', en: 'Mood' }, type: 'select' });
    expect(noOptions.body.errors[0].pointer).toBe('#/options');
  });

  it('validates every value on write and names each bad one', async () => {
    const res = await rep.post('/api/v1/organizations').send({
      name: 'Feldtest GmbH',
      customFields: { branches: 'drei', newsletter: 'ja', customer_since: '2026-13-01', segment: 'z', colour: 'blau' },
    });
    expect(res.status).toBe(400);
    const byPointer = Object.fromEntries(
      res.body.errors.map((error: { pointer: string; detail: string }) => [error.pointer, error.detail]),
    );
    expect(byPointer).toEqual({
      '#/customFields/branches': 'must be a number',
      '#/customFields/newsletter': 'must be true or false',
      '#/customFields/customer_since': 'must be a date like 2026-11-23',
      '#/customFields/segment': 'must be one of a, b',
      '#/customFields/colour': 'there is no custom field "colour" for organization',
      '#/customFields/customer_number': 'Customer number is required',
    });
  });

  it('stores valid values, changes single keys and refuses to clear a required one', async () => {
    const created = await rep.post('/api/v1/organizations').send({
      name: 'Feldtest GmbH',
      customFields: {
        customer_number: 'K-1001',
        branches: 3,
        newsletter: true,
        customer_since: '2019-04-01',
        segment: 'a',
      },
    });
    expect(created.status).toBe(201);
    const changed = await rep
      .patch(`/api/v1/organizations/${created.body.id}`)
      .send({ customFields: { branches: 4, newsletter: null } });
    expect(changed.body.customFields).toEqual({
      customer_number: 'K-1001',
      branches: 4,
      customer_since: '2019-04-01',
      segment: 'a',
    });
    const cleared = await rep
      .patch(`/api/v1/organizations/${created.body.id}`)
      .send({ customFields: { customer_number: null } });
    expect(cleared.status).toBe(400);
    expect(cleared.body.errors[0].pointer).toBe('#/customFields/customer_number');
    const history = (await rep.get(`/api/v1/history?type=organization&id=${created.body.id}`)).body.items;
    expect(history[0]).toMatchObject({ field: 'customFields', before: expect.objectContaining({ branches: 3 }) });
    // The change names the fields it changed with what a reader needs to tell them: label, type, options.
    expect(history[0].customFields).toEqual({
      branches: { labels: { de: 'Filialen', en: 'Branches' }, type: 'number', options: [] },
      newsletter: { labels: { de: 'Newsletter', en: 'Newsletter' }, type: 'boolean', options: [] },
    });
  });

  it("tells a change's fields and author after the author is deactivated", async () => {
    const created = await rep.post('/api/v1/organizations').send({
      name: 'Verlaufstest GmbH',
      customFields: { customer_number: 'K-1002', segment: 'a', customer_since: '2019-04-01' },
    });
    expect(created.status).toBe(201);
    const changed = await rep
      .patch(`/api/v1/organizations/${created.body.id}`)
      .send({ customFields: { segment: 'b', customer_since: '2020-01-15' } });
    expect(changed.status).toBe(200);
    const bjoern = await contoso.userId(contoso.upn('Björn Müller'));
    expect((await admin.patch(`/api/v1/admin/users/${bjoern}`).send({ active: false })).status).toBe(200);
    try {
      const history = (await admin.get(`/api/v1/history?type=organization&id=${created.body.id}`)).body.items;
      expect(history[0]).toMatchObject({
        field: 'customFields',
        changedBy: bjoern,
        changedByName: 'Björn Müller',
        customFields: {
          segment: {
            labels: { de: 'Segment', en: 'Segment' },
            type: 'select',
            options: [
              { value: 'a', labels: { de: 'A-Kunde', en: 'A customer' } },
              { value: 'b', labels: { de: 'B-Kunde', en: 'B customer' } },
            ],
          },
          customer_since: { labels: { de: 'Kunde seit', en: 'Customer since' }, type: 'date' },
        },
      });
      // Only the fields the change touched.
      expect(Object.keys(history[0].customFields).sort()).toEqual(['customer_since', 'segment']);
      // A change of anything else carries no definitions.
      expect(history.find((item: { action: string }) => item.action === 'create')?.customFields).toEqual({});
    } finally {
      expect((await admin.patch(`/api/v1/admin/users/${bjoern}`).send({ active: true })).status).toBe(200);
    }
  });
});

describe('required built-in fields', () => {
  let t: TestApp;
  let admin: AuthedAgent;

  beforeAll(async () => {
    t = await createTestApp();
    const tenant = await t.createTenant('Contoso Pflicht GmbH', [{ displayName: 'Anna Schmidt' }]);
    admin = await tenant.as(tenant.upn('Anna Schmidt'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('requires nothing by default, then what the organisation chooses', async () => {
    expect((await admin.get('/api/v1/admin/required-fields')).body).toEqual({});
    const person = await admin.post('/api/v1/persons').send({ lastName: 'Ohne Vorname' });
    expect(person.status).toBe(201);
    const set = await admin.put('/api/v1/admin/required-fields').send({ person: ['firstName', 'emails'] });
    expect(set.body).toEqual({ person: ['firstName', 'emails'] });
    const refused = await admin.post('/api/v1/persons').send({ lastName: 'Nochmal Ohne' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual(['#/firstName', '#/emails']);
    const update = await admin.patch(`/api/v1/persons/${person.body.id}`).send({ title: 'Dr.' });
    expect(update.status).toBe(400);
    expect((await admin.put('/api/v1/admin/required-fields').send({ person: ['shoeSize'] })).status).toBe(400);
  });
});
