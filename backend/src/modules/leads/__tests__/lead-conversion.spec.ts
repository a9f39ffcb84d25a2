import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

interface Stage {
  id: string;
  name: string;
}

describe('converting leads', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let admin: AuthedAgent;
  let inside: AuthedAgent;
  let rita: AuthedAgent;
  let ritaId: string;
  let dealPipeline: { id: string; stages: Stage[] };
  let leadPipeline: { id: string; stages: Stage[] };
  const dealStage = (name: string) => (dealPipeline.stages.find((stage) => stage.name === name) as Stage).id;
  const leadStage = (name: string) => (leadPipeline.stages.find((stage) => stage.name === name) as Stage).id;

  const count = async (sql: string, params: unknown[] = []) =>
    ((await t.orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from ${sql}`, params))[0]?.n ??
      0) as number;

  /** Rows a conversion may make, to show that a refused one made none. */
  const footprint = async () => ({
    persons: await count('person where tenant_id = ?', [contoso.id]),
    organizations: await count('organization where tenant_id = ?', [contoso.id]),
    businessContacts: await count('business_contact where tenant_id = ?', [contoso.id]),
    deals: await count('deal where tenant_id = ?', [contoso.id]),
    history: await count('history where tenant_id = ?', [contoso.id]),
  });

  // Names that neither sound nor look alike, so that only the duplicates a test plants are found.
  const PEOPLE = [
    ['Jürgen', 'Weißbach', 'Großbäckerei Weißbach GmbH'],
    ['Karla', 'Obermaier', 'Mühlenwerke Tannenhof KG'],
    ['Ludwig', 'Pfannenstiel', 'Zuckerbäckerei Lindqvist AG'],
    ['Greta', 'Yilmaz', 'Brezelfabrik Quast OHG'],
    ['Tobias', 'Fuchsberger', 'Konditorei Regenbogen GmbH'],
    ['Heike', 'Zimmerli', 'Backstube Ostwind e.K.'],
    ['Volker', 'Achterberg', 'Teigwaren Nordlicht GmbH'],
    ['Sabine', 'Kowalczyk', 'Feinkost Uhlenhorst AG'],
    ['Anton', 'Ruprecht', 'Hefewerk Sonnenschein GmbH'],
    ['Lena', 'Eichhorn', 'Mehlhandel Vogelsang KG'],
    ['Paul', 'Nussbaumer', 'Waffelmanufaktur Ibach GmbH'],
    ['Ida', 'Trautwein', 'Lebkuchen Xaver Dengler OHG'],
    ['Moritz', 'Gábor', 'Stollenhaus Wintermärchen GmbH'],
    ['Frieda', 'Blumenthal', 'Keksmeister Pohl & Söhne KG'],
    ['Olaf', 'Schwarzkopf', 'Getreidespeicher Ahlborn AG'],
    ['Emma', 'Dietrichsen', 'Patisserie Quellental GmbH'],
  ] as const;
  let seq = 0;
  const newLead = async (api: AuthedAgent, body: Record<string, unknown> = {}) => {
    const [firstName, lastName, companyName] = PEOPLE[seq % PEOPLE.length] as (typeof PEOPLE)[number];
    seq += 1;
    const res = await api.post('/api/v1/leads').send({
      firstName,
      lastName,
      email: `${lastName.toLowerCase()}@kunde-${seq}.example`,
      phone: `0221 55${String(1000 + seq * 37)}`,
      position: 'Einkaufsleiter',
      companyName,
      website: `https://kunde-${seq}.example`,
      industry: 'Lebensmittel',
      street: 'Hohe Straße 12',
      postalCode: '50667',
      city: 'Köln',
      source: 'Messe',
      value: '12500.00',
      ...body,
    });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body as { id: string; version: number; title: string } & Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Konvertierung GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Ines Innendienst', appRoles: ['CRM.InsideSales'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    fabrikam = await t.createTenant('Fabrikam Konvertierung AG', [{ displayName: 'Zoë Bäcker' }]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    inside = await contoso.as(contoso.upn('Ines Innendienst'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    ritaId = await contoso.userId(contoso.upn('Rita Rep'));
    dealPipeline = (await admin.get('/api/v1/pipelines?kind=deal')).body.items[0];
    leadPipeline = (await admin.get('/api/v1/pipelines?kind=lead')).body.items[0];
  });
  afterAll(async () => {
    await t.close();
  });

  it('makes a person, an organization, their business contact and a deal from the lead, and the lead read-only', async () => {
    const lead = await newLead(rita, { title: 'Anfrage Ofenlinie' });
    const res = await rita.post(`/api/v1/leads/${lead.id}/convert`).send({
      deal: { pipelineId: dealPipeline.id, stageId: dealStage('Angebot'), expectedCloseDate: '2027-03-31' },
    });
    expect(res.status).toBe(200);
    const { personId, organizationId, businessContactId, dealId } = res.body.convertedTo;
    expect(res.body.created).toEqual({ person: true, organization: true, businessContact: true, deal: true });
    expect(res.body.lead).toMatchObject({
      status: 'converted',
      stageId: leadStage('Konvertiert'),
      convertedTo: { personId, organizationId, businessContactId, dealId },
      version: 2,
    });
    expect(res.headers.etag).toBe('"2"');

    const person = (await rita.get(`/api/v1/persons/${personId}`)).body;
    expect(person).toMatchObject({
      firstName: lead.firstName,
      lastName: lead.lastName,
      emails: [{ address: lead.email, kind: 'work' }],
      phones: [expect.objectContaining({ number: lead.phone })],
      ownerId: ritaId,
    });
    const organization = (await rita.get(`/api/v1/organizations/${organizationId}`)).body;
    expect(organization).toMatchObject({
      name: lead.companyName,
      website: lead.website,
      industry: 'Lebensmittel',
      addresses: [{ kind: 'visiting', street: 'Hohe Straße 12', postalCode: '50667', city: 'Köln', country: 'DE' }],
    });
    const contact = (await rita.get(`/api/v1/business-contacts/${businessContactId}`)).body;
    expect(contact).toMatchObject({ personId, organizationId, position: 'Einkaufsleiter', email: lead.email });
    const deal = (await rita.get(`/api/v1/deals/${dealId}`)).body;
    expect(deal).toMatchObject({
      title: 'Anfrage Ofenlinie',
      value: '12500.00',
      currency: 'EUR',
      stageId: dealStage('Angebot'),
      personId,
      organizationId,
      businessContactId,
      ownerId: ritaId,
      expectedCloseDate: '2027-03-31',
    });

    const again = await rita.post(`/api/v1/leads/${lead.id}/convert`).send({});
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('urn:crm:problem:lead_already_converted');
    expect(again.body.convertedTo).toMatchObject({ dealId });
    const edit = await rita.patch(`/api/v1/leads/${lead.id}`).send({ city: 'Bonn' });
    expect(edit.status).toBe(409);
    expect(edit.body.type).toBe('urn:crm:problem:lead_converted');
    expect((await rita.post(`/api/v1/leads/${lead.id}/move`).send({ stageId: leadStage('Neu') })).status).toBe(409);
    // The person's 360° view names the lead it came from.
    const overview = await rita.get(`/api/v1/records/person/${personId}/overview`);
    expect(overview.body.leads.map((item: { id: string }) => item.id)).toEqual([lead.id]);
    const history = await rita.get(`/api/v1/history?type=lead&id=${lead.id}`);
    expect(history.body.items.map((item: { field: string | null }) => item.field)).toEqual(
      expect.arrayContaining(['status', 'convertedTo', 'stageId']),
    );
  });

  it('refuses likely duplicates with their candidates and makes nothing, then links or confirms', async () => {
    const existing = await admin.post('/api/v1/persons').send({
      firstName: 'Hildegard',
      lastName: 'Doppelmayr',
      emails: [{ address: 'h.doppelmayr@doppel-gmbh.de' }],
    });
    const existingOrg = await admin.post('/api/v1/organizations').send({ name: 'Doppelmayr Backwaren GmbH' });
    const lead = await newLead(rita, {
      firstName: 'Hildegard',
      lastName: 'Doppelmayr',
      email: 'h.doppelmayr@doppel-gmbh.de',
      companyName: 'Doppelmayr Backwaren GmbH',
    });
    const before = await footprint();
    const refused = await rita.post(`/api/v1/leads/${lead.id}/convert`).send({ deal: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:crm:problem:likely_duplicate');
    expect(refused.body.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: existing.body.id,
          type: 'person',
          reasons: expect.arrayContaining(['same_email']),
        }),
        expect.objectContaining({ id: existingOrg.body.id, type: 'organization' }),
      ]),
    );
    expect(await footprint()).toEqual(before);
    expect((await rita.get(`/api/v1/leads/${lead.id}`)).body.status).toBe('open');

    const linked = await rita.post(`/api/v1/leads/${lead.id}/convert`).send({
      person: { existingId: existing.body.id },
      organization: { existingId: existingOrg.body.id },
    });
    expect(linked.status).toBe(200);
    expect(linked.body.created).toEqual({ person: false, organization: false, businessContact: true, deal: false });
    expect(linked.body.convertedTo).toMatchObject({
      personId: existing.body.id,
      organizationId: existingOrg.body.id,
      dealId: null,
    });

    const twin = await newLead(rita, {
      firstName: 'Hildegard',
      lastName: 'Doppelmayr',
      email: 'h.doppelmayr@doppel-gmbh.de',
      companyName: 'Doppelmayr Backwaren GmbH',
    });
    const confirmed = await rita.post(`/api/v1/leads/${twin.id}/convert`).send({ confirm: 'duplicate' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.created).toMatchObject({ person: true, organization: true });
    // Linking the existing pair again finds their business contact instead of making a second.
    const third = await newLead(rita, { companyName: null, firstName: 'Hilde', lastName: 'Dritte' });
    const reuse = await rita.post(`/api/v1/leads/${third.id}/convert`).send({
      person: { existingId: existing.body.id },
      organization: { existingId: existingOrg.body.id },
    });
    expect(reuse.body.convertedTo.businessContactId).toBe(linked.body.convertedTo.businessContactId);
    expect(reuse.body.created.businessContact).toBe(false);
  });

  it('makes nothing at all when any part fails: a deal stage of another pipeline, an unknown person, a lost lead', async () => {
    const lead = await newLead(rita);
    const before = await footprint();
    const wrongStage = await rita
      .post(`/api/v1/leads/${lead.id}/convert`)
      .send({ deal: { pipelineId: dealPipeline.id, stageId: leadStage('Neu') } });
    expect(wrongStage.status).toBe(422);
    expect(wrongStage.body.type).toBe('urn:crm:problem:conversion_failed');
    expect(wrongStage.body.errors[0].pointer).toBe('#/deal/stageId');
    const badValue = await rita
      .post(`/api/v1/leads/${lead.id}/convert`)
      .send({ deal: { value: '1.5', currency: 'JPY' } });
    expect(badValue.status).toBe(422);
    expect(badValue.body.errors[0].pointer).toBe('#/deal/value');
    const nobody = await rita
      .post(`/api/v1/leads/${lead.id}/convert`)
      .send({ person: { existingId: lead.id }, organization: null });
    expect(nobody.status).toBe(422);
    expect(nobody.body.errors[0].pointer).toBe('#/person/existingId');
    const nothing = await rita.post(`/api/v1/leads/${lead.id}/convert`).send({ person: null, organization: null });
    expect(nothing.status).toBe(422);
    const shape = await rita.post(`/api/v1/leads/${lead.id}/convert`).send({ person: { create: false } });
    expect(shape.status).toBe(400);
    expect(await footprint()).toEqual(before);
    expect((await rita.get(`/api/v1/leads/${lead.id}`)).body).toMatchObject({ status: 'open', version: 1 });

    const noName = await newLead(rita, { lastName: null, firstName: 'Nur', companyName: 'Nur Firma GmbH' });
    const personless = await rita.post(`/api/v1/leads/${noName.id}/convert`).send({ person: { create: true } });
    expect(personless.status).toBe(422);
    expect(personless.body.errors[0].pointer).toBe('#/person/lastName');
    const companyOnly = await rita.post(`/api/v1/leads/${noName.id}/convert`).send({});
    expect(companyOnly.body.created).toEqual({
      person: false,
      organization: true,
      businessContact: false,
      deal: false,
    });

    const lost = await newLead(rita);
    const reason = (await rita.get('/api/v1/lost-reasons?objectType=lead')).body.items[0].id;
    await rita.patch(`/api/v1/leads/${lost.id}`).send({ status: 'lost', lostReasonId: reason });
    const refused = await rita.post(`/api/v1/leads/${lost.id}/convert`).send({});
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:crm:problem:lead_lost');
  });

  it("gives the deal of a rep's lead converted by inside sales to the rep", async () => {
    const lead = await newLead(inside, { ownerId: ritaId });
    const res = await inside.post(`/api/v1/leads/${lead.id}/convert`).send({ deal: { title: 'Übergabe an Rita' } });
    expect(res.status).toBe(200);
    const deal = await rita.get(`/api/v1/deals/${res.body.convertedTo.dealId}`);
    expect(deal.body).toMatchObject({ title: 'Übergabe an Rita', ownerId: ritaId });
    const other = await newLead(rita);
    const insideId = await contoso.userId(contoso.upn('Ines Innendienst'));
    const foreign = await rita.post(`/api/v1/leads/${other.id}/convert`).send({ deal: { ownerId: insideId } });
    expect(foreign.status).toBe(403);
  });

  it('converts a lead once when two people convert it at the same time', async () => {
    const lead = await newLead(rita);
    const [first, second] = await Promise.all([
      rita.post(`/api/v1/leads/${lead.id}/convert`).send({ deal: {} }),
      inside.post(`/api/v1/leads/${lead.id}/convert`).send({ deal: {} }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect(await count('deal where tenant_id = ? and title = ?', [contoso.id, lead.title])).toBe(1);
    expect(await count('person where tenant_id = ? and last_name = ?', [contoso.id, lead.lastName])).toBe(1);
  });

  it("carries the lead's tasks and tags over to what it became", async () => {
    const lead = await newLead(rita);
    const task = await rita.post('/api/v1/tasks').send({ title: 'Rückruf', links: [{ type: 'lead', id: lead.id }] });
    expect(task.status).toBe(201);
    const tag = (await admin.post('/api/v1/tags').send({ name: 'Südback' })).body.id;
    expect((await rita.put(`/api/v1/records/lead/${lead.id}/tags/${tag}`)).status).toBe(204);
    const res = await rita.post(`/api/v1/leads/${lead.id}/convert`).send({ deal: {} });
    const { personId, dealId } = res.body.convertedTo;
    const ofDeal = await rita.get(`/api/v1/tasks?record=deal:${dealId}`);
    expect(ofDeal.body.items.map((item: { id: string }) => item.id)).toContain(task.body.id);
    const ofPerson = await rita.get(`/api/v1/tasks?record=person:${personId}`);
    expect(ofPerson.body.items.map((item: { id: string }) => item.id)).toContain(task.body.id);
    expect((await rita.get(`/api/v1/deals/${dealId}`)).body.tags).toEqual([
      expect.objectContaining({ name: 'Südback' }),
    ]);
  });

  describe('the field mapping', () => {
    it('answers the default mapping with the fields both sides have', async () => {
      const res = await rita.get('/api/v1/lead-field-mapping');
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body.isDefault).toBe(true);
      expect(res.body.mappings).toEqual(
        expect.arrayContaining([
          { from: 'companyName', to: 'organization.name' },
          { from: 'email', to: 'person.email' },
          { from: 'value', to: 'deal.value' },
        ]),
      );
      expect(res.body.targetFields).toEqual(
        expect.arrayContaining([{ field: 'businessContact.position', type: 'text' }]),
      );
    });

    it('is saved by admins only, checked against both sides, with If-Match', async () => {
      const mappings = [{ from: 'companyName', to: 'organization.name' }];
      expect((await rita.put('/api/v1/lead-field-mapping').send({ mappings })).status).toBe(403);
      expect((await inside.put('/api/v1/lead-field-mapping').send({ mappings })).status).toBe(403);
      const bad = await admin.put('/api/v1/lead-field-mapping').send({
        mappings: [
          { from: 'companyName', to: 'organization.name' },
          { from: 'shoeSize', to: 'person.firstName' },
          { from: 'city', to: 'deal.customFields.nope' },
          { from: 'value', to: 'person.lastName' },
          { from: 'industry', to: 'organization.name' },
          { from: 'email', to: 'galaxy.email' },
        ],
      });
      expect(bad.status).toBe(422);
      expect(bad.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual([
        '#/mappings/1/from',
        '#/mappings/2/to',
        '#/mappings/3/to',
        '#/mappings/4/to',
        '#/mappings/5/to',
      ]);
      expect((await admin.put('/api/v1/lead-field-mapping').set('If-Match', '"3"').send({ mappings })).status).toBe(
        412,
      );
      const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
      expect((await zoe.get('/api/v1/lead-field-mapping')).body.isDefault).toBe(true);
    });

    it('fills custom fields of the deal and organization from the lead, and refuses once a field is gone', async () => {
      const field = async (entityType: string, key: string, type: string) => {
        const res = await admin
          .post('/api/v1/admin/custom-fields')
          .send({ entityType, key, labels: { de: key, en: key }, type });
        expect(res.status).toBe(201);
        return res.body as { id: string; version: number };
      };
      await field('lead', 'budget', 'number');
      await field('deal', 'budget_eur', 'number');
      const quelle = await field('organization', 'quelle', 'text');
      const current = await admin.get('/api/v1/lead-field-mapping');
      const saved = await admin
        .put('/api/v1/lead-field-mapping')
        .set('If-Match', current.headers.etag as string)
        .send({
          mappings: [
            ...current.body.mappings,
            { from: 'customFields.budget', to: 'deal.customFields.budget_eur' },
            { from: 'source', to: 'organization.customFields.quelle' },
          ],
        });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ isDefault: false, version: 1 });
      expect(saved.headers.etag).toBe('"1"');

      const lead = await newLead(rita, { source: 'Messe Südback', customFields: { budget: 40000 } });
      const res = await rita.post(`/api/v1/leads/${lead.id}/convert`).send({ deal: {} });
      expect(res.status).toBe(200);
      const deal = (await rita.get(`/api/v1/deals/${res.body.convertedTo.dealId}`)).body;
      expect(deal.customFields).toEqual({ budget_eur: 40000 });
      const organization = (await rita.get(`/api/v1/organizations/${res.body.convertedTo.organizationId}`)).body;
      expect(organization.customFields).toEqual({ quelle: 'Messe Südback' });

      expect((await admin.delete(`/api/v1/admin/custom-fields/${quelle.id}`)).status).toBe(204);
      const stale = await newLead(rita);
      const before = await footprint();
      const refused = await rita.post(`/api/v1/leads/${stale.id}/convert`).send({});
      expect(refused.status).toBe(422);
      expect(refused.body.type).toBe('urn:crm:problem:lead_field_mapping_outdated');
      expect(refused.body.detail).toContain('organization.customFields.quelle');
      expect(await footprint()).toEqual(before);
    });
  });
});
