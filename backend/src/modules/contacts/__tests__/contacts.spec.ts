import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('persons, organizations and business contacts', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let rep: AuthedAgent;
  let annaId: string;
  let bakeryId: string;

  const count = async (sql: string, params: unknown[]) => {
    const [row] = await t.orm.em.getConnection().execute<{ n: number }[]>(sql, params);
    return Number(row?.n);
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Kontakte GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    rep = await contoso.as(contoso.upn('Björn Müller'));
  });
  afterAll(async () => {
    await t.close();
  });

  it("creates Contoso's customer Bäckerei Schmitt GmbH", async () => {
    const res = await anna.post('/api/v1/organizations').send({
      name: 'Bäckerei Schmitt GmbH',
      emails: [{ address: 'Info@Baeckerei-Schmitt.de', kind: 'work' }],
      phones: [{ number: '0221 4711 0', kind: 'work' }],
      addresses: [{ kind: 'visiting', street: 'Severinstraße 12', postalCode: '50678', city: 'Köln', country: 'de' }],
      vatId: 'de 123 456 789',
      industry: 'Lebensmittelhandwerk',
      revenue: '1250000.00',
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/organizations/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      name: 'Bäckerei Schmitt GmbH',
      emails: [{ address: 'info@baeckerei-schmitt.de', kind: 'work' }],
      phones: [{ number: '0221 4711 0', e164: '+4922147110', kind: 'work' }],
      addresses: [{ kind: 'visiting', postalCode: '50678', city: 'Köln', country: 'DE' }],
      vatId: 'DE123456789',
      revenue: '1250000.00',
      version: 1,
      deletedAt: null,
    });
    bakeryId = res.body.id;
  });

  it('creates Anna Müller and joins her to the bakery as a business contact', async () => {
    const person = await anna.post('/api/v1/persons').send({
      firstName: 'Anna',
      lastName: 'Müller',
      emails: [{ address: 'anna.mueller@example.de', kind: 'private' }],
      phones: [{ number: '+49 171 2345678', kind: 'mobile' }],
    });
    expect(person.status).toBe(201);
    annaId = person.body.id;
    expect(person.body.ownerId).toBe(await contoso.userId(contoso.upn('Anna Schmidt')));
    const contact = await anna.post('/api/v1/business-contacts').send({
      personId: annaId,
      organizationId: bakeryId,
      email: 'A.Mueller@Baeckerei-Schmitt.de',
      phone: '0221 4711 23',
      position: 'Filialleiterin',
    });
    expect(contact.status).toBe(201);
    expect(contact.body).toMatchObject({
      personName: 'Anna Müller',
      organizationName: 'Bäckerei Schmitt GmbH',
      email: 'a.mueller@baeckerei-schmitt.de',
      phoneE164: '+49221471123',
      isPrimary: true,
    });
    const ofBakery = await anna.get(`/api/v1/business-contacts?organizationId=${bakeryId}`);
    expect(ofBakery.body.items.map((item: { personId: string }) => item.personId)).toEqual([annaId]);
  });

  it('finds her as "Mueller", with the match highlighted', async () => {
    const res = await rep.get('/api/v1/search?q=Mueller');
    expect(res.status).toBe(200);
    const hit = res.body.items.find(
      (item: { type: string; id: string }) => item.type === 'person' && item.id === annaId,
    );
    expect(hit).toMatchObject({ title: 'Anna Müller', highlight: 'Anna <mark>Müller</mark>' });
    const bakery = await rep.get(`/api/v1/search?q=${encodeURIComponent('bäckerei schm')}&type=organization`);
    expect(bakery.body.items.map((item: { id: string }) => item.id)).toEqual([bakeryId]);
  });

  it('finds her when her name is mistyped as "Mülker", which neither starts nor sounds like hers', async () => {
    const res = await rep.get(`/api/v1/search?q=${encodeURIComponent('Mülker')}&type=person`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((item: { id: string }) => item.id)).toContain(annaId);
  });

  it('warns when "Ana Müler" is entered, and saves her when told it is a different person', async () => {
    const draft = { firstName: 'Ana', lastName: 'Müler' };
    const warned = await rep.post('/api/v1/persons').send(draft);
    expect(warned.status).toBe(409);
    expect(warned.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(warned.body.type).toBe('urn:crm:problem:likely_duplicate');
    expect(warned.body.candidates[0]).toMatchObject({ id: annaId, type: 'person', title: 'Anna Müller' });
    expect(warned.body.candidates[0].reasons).toEqual(expect.arrayContaining(['same_sound', 'similar_spelling']));
    expect(
      await count("select count(*)::int as n from person where tenant_id = ? and last_name = 'Müler'", [contoso.id]),
    ).toBe(0);
    const check = await rep.post('/api/v1/duplicates/check').send({ type: 'person', record: draft });
    expect(check.status).toBe(200);
    expect(check.body.candidates[0].id).toBe(annaId);
    expect(check.body.candidates[0].score).toBeGreaterThanOrEqual(0.6);
    const saved = await rep.post('/api/v1/persons?confirm=duplicate').send(draft);
    expect(saved.status).toBe(201);
  });

  it("finds a person whose work address is the draft's email", async () => {
    const res = await rep.post('/api/v1/duplicates/check').send({
      type: 'person',
      record: { firstName: 'A.', lastName: 'Mustermann', emails: [{ address: 'A.Mueller@baeckerei-schmitt.de' }] },
    });
    expect(res.body.candidates[0]).toMatchObject({ id: annaId, reasons: expect.arrayContaining(['same_email']) });
    expect(res.body.candidates[0].score).toBeGreaterThanOrEqual(0.9);
  });

  it('finds a duplicate organization by VAT id whatever the name', async () => {
    const res = await rep
      .post('/api/v1/duplicates/check')
      .send({ type: 'organization', record: { name: 'Schmitt Backwaren', vatId: 'DE123456789' } });
    expect(res.body.candidates[0]).toMatchObject({ id: bakeryId, reasons: expect.arrayContaining(['same_vat_id']) });
  });

  it('looks up the owners of several email addresses at once, case-insensitively', async () => {
    const res = await rep.get(
      '/api/v1/lookup?email=A.MUELLER@baeckerei-schmitt.de,info@baeckerei-schmitt.de,nobody@example.de',
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        email: 'a.mueller@baeckerei-schmitt.de',
        persons: [],
        organizations: [],
        businessContacts: [
          expect.objectContaining({ personId: annaId, organizationId: bakeryId, personName: 'Anna Müller' }),
        ],
      },
      {
        email: 'info@baeckerei-schmitt.de',
        persons: [],
        organizations: [{ id: bakeryId, name: 'Bäckerei Schmitt GmbH' }],
        businessContacts: [],
      },
      { email: 'nobody@example.de', persons: [], organizations: [], businessContacts: [] },
    ]);
  });

  it('names every bad value with a pointer and what to fix, and writes nothing', async () => {
    const before = await count('select count(*)::int as n from history where tenant_id = ?', [contoso.id]);
    const res = await rep.post('/api/v1/persons').send({
      lastName: 'X'.repeat(101),
      emails: [{ address: 'anna@' }],
      phones: [{ number: '12' }, { number: 'call me' }],
      addresses: [{ postalCode: '1234', country: 'DE' }],
      birthday: '1980-13-40',
    });
    expect(res.status).toBe(400);
    const pointers = Object.fromEntries(
      res.body.errors.map((error: { pointer: string; detail: string }) => [error.pointer, error.detail]),
    );
    expect(pointers['#/lastName']).toBe('at most 100 characters');
    expect(pointers['#/emails/0/address']).toMatch(/not a valid email address/);
    expect(pointers['#/phones/1/number']).toMatch(/not a valid phone number/);
    expect(pointers['#/addresses/0/postalCode']).toBe('not a valid postal code for DE');
    expect(pointers['#/birthday']).toBeDefined();
    const vat = await rep.post('/api/v1/organizations').send({ name: 'Irgendwas AG', vatId: 'DE12345' });
    expect(vat.body.errors[0]).toMatchObject({ pointer: '#/vatId' });
    expect(await count('select count(*)::int as n from history where tenant_id = ?', [contoso.id])).toBe(before);
  });

  it('refuses a business contact with a person that does not exist, leaving no trace', async () => {
    const before = await count('select count(*)::int as n from history where tenant_id = ?', [contoso.id]);
    const res = await rep
      .post('/api/v1/business-contacts')
      .send({ personId: '0190f3c4-5b6a-7c8d-9e0f-123456789abc', organizationId: bakeryId });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('#/personId');
    expect(await count('select count(*)::int as n from history where tenant_id = ?', [contoso.id])).toBe(before);
  });

  it('joins a person to several organizations at once: every join saved, exactly one of them primary', async () => {
    const person = (
      await rep.post('/api/v1/persons?confirm=duplicate').send({ firstName: 'Gleich', lastName: 'Zeitig' })
    ).body.id;
    const organizations = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(
        async (n) =>
          (await rep.post('/api/v1/organizations?confirm=duplicate').send({ name: `Parallelwerk ${n} KG` })).body.id,
      ),
    );
    const joined = await Promise.all(
      organizations.map((organizationId) =>
        rep.post('/api/v1/business-contacts').send({ personId: person, organizationId }),
      ),
    );
    expect(joined.map((res) => res.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const primaries = joined.filter((res) => res.body.isPrimary);
    expect(primaries).toHaveLength(1);
  });

  it('changes a person with If-Match, refuses a stale change, and keeps the history of every field', async () => {
    const current = await rep.get(`/api/v1/persons/${annaId}`);
    const changed = await rep
      .patch(`/api/v1/persons/${annaId}`)
      .set('If-Match', current.headers.etag ?? '')
      .send({ title: 'Dr.', addresses: [{ street: 'Hohe Str. 1', postalCode: '50667', city: 'Köln' }] });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    const stale = await rep
      .patch(`/api/v1/persons/${annaId}`)
      .set('If-Match', current.headers.etag ?? '')
      .send({ title: null });
    expect(stale.status).toBe(412);
    expect((await rep.get(`/api/v1/persons/${annaId}`)).body.title).toBe('Dr.');
    const history = await rep.get(`/api/v1/history?type=person&id=${annaId}`);
    expect(history.status).toBe(200);
    const [first, second] = history.body.items;
    expect([first.field, second.field].sort()).toEqual(['addresses', 'title']);
    const title = history.body.items.find((item: { field: string }) => item.field === 'title');
    expect(title).toMatchObject({
      action: 'update',
      before: null,
      after: 'Dr.',
      changedBy: await contoso.userId(contoso.upn('Björn Müller')),
    });
    expect(history.body.items.at(-1)).toMatchObject({ action: 'create', field: null });
  });

  it('does not count a save without changes as a change', async () => {
    const current = await rep.get(`/api/v1/persons/${annaId}`);
    const { id, version, tags, createdAt, createdBy, updatedAt, updatedBy, deletedAt, ...fields } = current.body;
    const phones = fields.phones.map((phone: { number: string; kind: string }) => ({
      number: phone.number,
      kind: phone.kind,
    }));
    const saved = await rep
      .patch(`/api/v1/persons/${annaId}`)
      .set('If-Match', current.headers.etag ?? '')
      .send({ ...fields, phones });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(version);
    expect(saved.headers.etag).toBe(current.headers.etag);
  });

  it('moves a person to the trash with her business contact, and restores both', async () => {
    expect((await rep.delete(`/api/v1/persons/${annaId}`).set('If-Match', '"1"')).status).toBe(412);
    expect((await rep.delete(`/api/v1/persons/${annaId}`)).status).toBe(204);
    expect((await rep.get(`/api/v1/persons/${annaId}`)).status).toBe(404);
    expect((await rep.get('/api/v1/search?q=Mueller')).body.items.map((item: { id: string }) => item.id)).not.toContain(
      annaId,
    );
    const lookup = await rep.get('/api/v1/lookup?email=a.mueller@baeckerei-schmitt.de');
    expect(lookup.body.items[0].businessContacts).toEqual([]);
    const trash = await rep.get('/api/v1/trash');
    expect(trash.body.items).toEqual([
      expect.objectContaining({ type: 'person', id: annaId, title: 'Dr. Anna Müller' }),
    ]);

    expect((await rep.post(`/api/v1/persons/${annaId}/restore`)).status).toBe(204);
    expect((await rep.get(`/api/v1/persons/${annaId}`)).status).toBe(200);
    const back = await rep.get('/api/v1/lookup?email=a.mueller@baeckerei-schmitt.de');
    expect(back.body.items[0].businessContacts).toEqual([expect.objectContaining({ personId: annaId })]);
    expect((await rep.get('/api/v1/trash')).body.items).toEqual([]);
    const actions = (await rep.get(`/api/v1/history?type=person&id=${annaId}`)).body.items.map(
      (item: { action: string }) => item.action,
    );
    expect(actions.slice(0, 2)).toEqual(['restore', 'delete']);
  });

  it('empties the trash only for administrators', async () => {
    const doomed = await rep.post('/api/v1/persons').send({ lastName: 'Vergänglich' });
    await rep.delete(`/api/v1/persons/${doomed.body.id}`);
    expect((await rep.delete(`/api/v1/trash/persons/${doomed.body.id}`)).status).toBe(403);
    expect((await anna.delete(`/api/v1/trash/persons/${doomed.body.id}`)).status).toBe(204);
    expect((await anna.post(`/api/v1/persons/${doomed.body.id}/restore`)).status).toBe(404);
  });

  it('lists persons by name, a page at a time', async () => {
    for (const lastName of ['Zander', 'Becker', 'Öztürk']) {
      await rep.post('/api/v1/persons?confirm=duplicate').send({ firstName: 'Test', lastName });
    }
    const first = await rep.get('/api/v1/persons?limit=2');
    const rest = await rep.get(`/api/v1/persons?limit=10&cursor=${first.body.nextCursor}`);
    const names = [...first.body.items, ...rest.body.items].map((item: { lastName: string }) => item.lastName);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(names).toEqual(expect.arrayContaining(['Becker', 'Müler', 'Müller', 'Zander', 'Öztürk']));
    expect(rest.body.nextCursor).toBeNull();
  });
});
