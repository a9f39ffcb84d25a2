import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('mail templates', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let rita: AuthedAgent;
  let rolf: AuthedAgent;
  let dealId: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Vorlagen GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    const org = (await admin.post('/api/v1/organizations').send({ name: 'Lange & Söhne Logistik' })).body.id;
    const person = (await admin.post('/api/v1/persons').send({ firstName: 'Petra', lastName: 'Lange' })).body.id;
    const deal = await rita
      .post('/api/v1/deals')
      .send({ title: 'Hafenkran <Nord>', value: '1000.00', organizationId: org, personId: person });
    expect(deal.status).toBe(201);
    dealId = deal.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it("keeps a rep's template to themselves, sanitizes its body and fills it from a deal", async () => {
    const created = await rita.post('/api/v1/mail-templates').send({
      name: 'Angebot',
      subject: 'Angebot {{deal.title}} für {{organization.name}}',
      bodyHtml:
        '<p onclick="steal()">Guten Tag {{person.firstName}} {{person.lastName}},</p><script>alert(1)</script><p>{{me.displayName}} {{unknown.thing}}</p>',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Angebot', scope: 'private', version: 1 });
    expect(created.body.bodyHtml).not.toMatch(/script|onclick/);
    const id = created.body.id;

    expect((await rolf.get('/api/v1/mail-templates')).body.items.map((item: { id: string }) => item.id)).not.toContain(
      id,
    );
    expect((await rolf.get(`/api/v1/mail-templates/${id}`)).status).toBe(404);
    expect((await rolf.patch(`/api/v1/mail-templates/${id}`).send({ name: 'Meins' })).status).toBe(404);
    expect((await rolf.delete(`/api/v1/mail-templates/${id}`)).status).toBe(404);

    const filled = await rita.post(`/api/v1/mail-templates/${id}/fill`).send({ record: { type: 'deal', id: dealId } });
    expect(filled.status).toBe(200);
    expect(filled.body.reference).toMatch(/^\[CRM-D-\d+\]$/);
    expect(filled.body.subject).toBe(`Angebot Hafenkran <Nord> für Lange & Söhne Logistik ${filled.body.reference}`);
    expect(filled.body.bodyHtml).toContain('Guten Tag Petra Lange,');
    expect(filled.body.bodyHtml).toContain('Rita Rep {{unknown.thing}}');
    // Asked again, the deal keeps its reference.
    const again = await rita.post(`/api/v1/mail-templates/${id}/fill`).send({ record: { type: 'deal', id: dealId } });
    expect(again.body.reference).toBe(filled.body.reference);
  });

  it('fills only from records the user may see', async () => {
    const mine = await rolf.post('/api/v1/mail-templates').send({ name: 'Kurz', subject: '{{deal.title}}' });
    expect(mine.status).toBe(201);
    // Rita's deal is hers: Rolf (a rep) does not see it.
    const hidden = await rolf
      .post(`/api/v1/mail-templates/${mine.body.id}/fill`)
      .send({ record: { type: 'deal', id: dealId } });
    expect(hidden.status).toBe(404);
  });

  it('lets only admins keep company templates, which everyone uses', async () => {
    const refused = await rita
      .post('/api/v1/mail-templates')
      .set('Accept-Language', 'de')
      .send({ name: 'Firma', scope: 'company' });
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.detail).toMatch(/Nur ein CRM-Administrator/);

    const company = await admin.post('/api/v1/mail-templates').send({
      name: 'Nachfass',
      subject: 'Ihre Anfrage',
      bodyHtml: '<p>Hallo {{person.firstName}}</p>',
      scope: 'company',
    });
    expect(company.status).toBe(201);
    expect(company.body).toMatchObject({ scope: 'company', ownerId: null });
    const listed = (await rolf.get('/api/v1/mail-templates')).body.items;
    expect(listed[0]).toMatchObject({ id: company.body.id, scope: 'company' });
    expect((await rolf.patch(`/api/v1/mail-templates/${company.body.id}`).send({ name: 'Anders' })).status).toBe(403);

    const stale = await admin
      .patch(`/api/v1/mail-templates/${company.body.id}`)
      .set('If-Match', '"7"')
      .send({ subject: 'Neu' });
    expect(stale.status).toBe(412);
    const changed = await admin
      .patch(`/api/v1/mail-templates/${company.body.id}`)
      .set('If-Match', '"1"')
      .send({ subject: 'Ihre Anfrage bei uns' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ subject: 'Ihre Anfrage bei uns', version: 2 });
    expect((await admin.delete(`/api/v1/mail-templates/${company.body.id}`).set('If-Match', '"2"')).status).toBe(204);
    expect((await rolf.get(`/api/v1/mail-templates/${company.body.id}`)).status).toBe(404);
  });

  it('refuses bad input and duplicate names with problem+json in the request language', async () => {
    const empty = await rita.post('/api/v1/mail-templates').set('Accept-Language', 'en').send({ name: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await rita.post('/api/v1/mail-templates').send({ name: 'X', colour: 'red' })).status).toBe(400);
    expect((await rita.post('/api/v1/mail-templates').send({ name: 'Doppelt' })).status).toBe(201);
    const twice = await rita.post('/api/v1/mail-templates').set('Accept-Language', 'en').send({ name: 'doppelt' });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toMatch(/already a mail template "doppelt"/);
    expect((await rita.get('/api/v1/mail-templates/not-a-uuid')).status).toBe(400);
  });

  it("never shows another tenant's templates", async () => {
    const fabrikam = await t.createTenant('Fabrikam Vorlagen AG', [{ displayName: 'Zoe Admin' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoe Admin'));
    const theirs = await zoe.post('/api/v1/mail-templates').send({ name: 'Geheim', scope: 'company' });
    expect(theirs.status).toBe(201);
    expect((await admin.get(`/api/v1/mail-templates/${theirs.body.id}`)).status).toBe(404);
    expect((await admin.get('/api/v1/mail-templates')).body.items.map((item: { id: string }) => item.id)).not.toContain(
      theirs.body.id,
    );
    expect((await admin.delete(`/api/v1/mail-templates/${theirs.body.id}`)).status).toBe(404);
  });
});
