import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('prospect selections', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let admin: AuthedAgent;
  let inside: AuthedAgent;
  let rita: AuthedAgent;
  let tag: string;
  const orgs: Record<string, string> = {};

  const names = (items: { name: string }[]) => items.map((item) => item.name);

  const select = async (body: Record<string, unknown>, api = inside) => {
    const res = await api.post('/api/v1/prospect-selections').send(body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body as { id: string; version: number };
  };

  /** A CSV body as text, BOM included; supertest leaves text/csv to us. */
  const csv = (api: AuthedAgent, path: string) =>
    api
      .get(path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      });

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Akquise GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Ines Innendienst', appRoles: ['CRM.InsideSales'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    fabrikam = await t.createTenant('Fabrikam Akquise AG', [{ displayName: 'Zoë Bäcker' }]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    inside = await contoso.as(contoso.upn('Ines Innendienst'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    const segment = await admin.post('/api/v1/admin/custom-fields').send({
      entityType: 'organization',
      key: 'segment',
      labels: { de: 'Segment', en: 'Segment' },
      type: 'select',
      options: [
        { value: 'premium', labels: { de: 'Premium', en: 'Premium' } },
        { value: 'standard', labels: { de: 'Standard', en: 'Standard' } },
      ],
    });
    expect(segment.status).toBe(201);
    tag = (await admin.post('/api/v1/tags').send({ name: 'Zielkunde' })).body.id;
    const make = async (
      name: string,
      postalCode: string,
      industry: string,
      revenue: string | null,
      employeeCount: number | null,
      extra: Record<string, unknown> = {},
    ) => {
      const res = await admin.post('/api/v1/organizations?confirm=duplicate').send({
        name,
        industry,
        revenue,
        employeeCount,
        addresses: [{ street: 'Hauptstraße 1', postalCode, city: 'Irgendwo' }],
        ...extra,
      });
      expect({ name, status: res.status, body: res.body }).toMatchObject({ status: 201 });
      orgs[name] = res.body.id;
    };
    await make('Bäckerei Am Dom GmbH', '50667', 'Lebensmittel', '1250000.00', 12, {
      customFields: { segment: 'premium' },
      phones: [{ number: '+49 221 123456' }],
      emails: [{ address: 'info@am-dom.example' }],
      website: 'https://am-dom.example',
    });
    await make('Müller; Söhne "Backwaren" KG', '50999', 'Lebensmittel', '800000.00', 40);
    await make('=HYPERLINK("http://evil.example","Klick")', '51105', 'Lebensmittel', null, 3);
    await make('Brauerei Kölsch AG', '50670', 'Getränke', '5000000.00', 120, { customFields: { segment: 'standard' } });
    await make('Bonner Backstube', '53111', 'Lebensmittel', '2000000.00', 25, { customFields: { segment: 'premium' } });
    await make('Düsseldorfer Mühle', '40213', 'Lebensmittel', '3000000.00', 60);
    await make('Hamburger Hafenbäcker', '20095', 'Lebensmittel', '9000000.00', 300);
    expect((await admin.put(`/api/v1/records/organization/${orgs['Bonner Backstube']}/tags/${tag}`)).status).toBe(204);
    expect((await admin.put(`/api/v1/records/organization/${orgs['Bäckerei Am Dom GmbH']}/tags/${tag}`)).status).toBe(
      204,
    );
  });
  afterAll(async () => {
    await t.close();
  });

  describe('keeping selections', () => {
    it('saves a selection by postal code prefix and industry, counts and lists what it finds, a page at a time', async () => {
      const selection = await select({
        name: 'Köln Lebensmittel',
        description: 'PLZ 50–51, Branche Lebensmittel',
        filter: {
          and: [
            {
              or: [
                { field: 'postalCode', op: 'starts', value: '50' },
                { field: 'postalCode', op: 'starts', value: '51' },
              ],
            },
            { field: 'industry', op: 'eq', value: 'lebensmittel' },
          ],
        },
      });
      const count = await rita.get(`/api/v1/prospect-selections/${selection.id}/count`);
      expect(count.status).toBe(200);
      expect(count.body).toEqual({ id: selection.id, count: 3 });
      const first = await rita.get(`/api/v1/prospect-selections/${selection.id}/organizations?limit=2`);
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      const second = await rita.get(
        `/api/v1/prospect-selections/${selection.id}/organizations?limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      // By name in the database's collation; every organization once.
      expect(names([...first.body.items, ...second.body.items]).sort()).toEqual([
        '=HYPERLINK("http://evil.example","Klick")',
        'Bäckerei Am Dom GmbH',
        'Müller; Söhne "Backwaren" KG',
      ]);
      const dom = [...first.body.items, ...second.body.items].find((item) => item.name === 'Bäckerei Am Dom GmbH');
      expect(dom).toMatchObject({ revenue: '1250000.00', tags: [expect.objectContaining({ name: 'Zielkunde' })] });
      const list = await rita.get('/api/v1/prospect-selections');
      expect(list.body.items.map((item: { name: string }) => item.name)).toContain('Köln Lebensmittel');
    });

    it('selects by postal code range, revenue and employee ranges, tags and custom fields', async () => {
      const find = async (filter: object) => {
        const selection = await select({ name: `Auswahl ${Math.random()}`, filter });
        const res = await inside.get(`/api/v1/prospect-selections/${selection.id}/organizations?limit=50`);
        expect(res.status).toBe(200);
        return names(res.body.items).sort();
      };
      expect(await find({ field: 'postalCode', op: 'between', value: ['40000', '53999'] })).toEqual([
        '=HYPERLINK("http://evil.example","Klick")',
        'Bonner Backstube',
        'Brauerei Kölsch AG',
        'Bäckerei Am Dom GmbH',
        'Düsseldorfer Mühle',
        'Müller; Söhne "Backwaren" KG',
      ]);
      expect(
        await find({
          and: [
            { field: 'revenue', op: 'between', value: [1000000, 4000000] },
            { field: 'employeeCount', op: 'gt', value: 20 },
          ],
        }),
      ).toEqual(['Bonner Backstube', 'Düsseldorfer Mühle']);
      expect(await find({ field: 'tags', op: 'hasTag', value: tag })).toEqual([
        'Bonner Backstube',
        'Bäckerei Am Dom GmbH',
      ]);
      expect(await find({ field: 'customFields.segment', op: 'eq', value: 'premium' })).toEqual([
        'Bonner Backstube',
        'Bäckerei Am Dom GmbH',
      ]);
    });

    it('combines its filter with a saved filter of organizations', async () => {
      const saved = await admin.post('/api/v1/saved-filters').send({
        name: 'Große Betriebe',
        entityType: 'organization',
        scope: 'company',
        filter: { field: 'employeeCount', op: 'gt', value: 50 },
      });
      expect(saved.status).toBe(201);
      const selection = await select({
        name: 'Groß und NRW',
        filter: { field: 'postalCode', op: 'between', value: ['40000', '53999'] },
        savedFilterId: saved.body.id,
      });
      const res = await inside.get(`/api/v1/prospect-selections/${selection.id}/organizations`);
      expect(names(res.body.items).sort()).toEqual(['Brauerei Kölsch AG', 'Düsseldorfer Mühle']);
      const dealFilter = await admin.post('/api/v1/saved-filters').send({
        name: 'Deals',
        entityType: 'deal',
        scope: 'company',
        filter: { field: 'title', op: 'contains', value: 'x' },
      });
      const mismatch = await inside
        .post('/api/v1/prospect-selections')
        .send({ name: 'Falscher Filter', savedFilterId: dealFilter.body.id });
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.errors[0].pointer).toBe('#/savedFilterId');
      // A deleted saved filter leaves the selection with a clear problem, not a broader result.
      await admin.delete(`/api/v1/saved-filters/${saved.body.id}`);
      const orphaned = await inside.get(`/api/v1/prospect-selections/${selection.id}/count`);
      expect(orphaned.status).toBe(422);
      expect(orphaned.body.type).toBe('urn:crm:problem:prospect_selection_outdated');
    });

    it('refuses unknown fields, taken names, stale versions and sales reps', async () => {
      const unknown = await inside
        .post('/api/v1/prospect-selections')
        .send({ name: 'Kaputt', filter: { and: [{ field: 'shoeSize', op: 'eq', value: 42 }] } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0]).toMatchObject({ in: 'body', pointer: '#/filter/and/0/field' });
      const wrongOp = await inside
        .post('/api/v1/prospect-selections')
        .send({ name: 'Kaputt', filter: { field: 'revenue', op: 'starts', value: '1' } });
      expect(wrongOp.status).toBe(400);
      const taken = await inside.post('/api/v1/prospect-selections').send({ name: 'köln lebensmittel' });
      expect(taken.status).toBe(409);
      const selection = await select({ name: 'Zum Ändern' });
      expect((await rita.post('/api/v1/prospect-selections').send({ name: 'Ritas Liste' })).status).toBe(403);
      expect((await rita.patch(`/api/v1/prospect-selections/${selection.id}`).send({ name: 'X' })).status).toBe(403);
      expect((await rita.delete(`/api/v1/prospect-selections/${selection.id}`)).status).toBe(403);
      const stale = await inside
        .patch(`/api/v1/prospect-selections/${selection.id}`)
        .set('If-Match', '"4"')
        .send({ name: 'Geändert' });
      expect(stale.status).toBe(412);
      const changed = await inside
        .patch(`/api/v1/prospect-selections/${selection.id}`)
        .set('If-Match', '"1"')
        .send({ name: 'Geändert', filter: { field: 'industry', op: 'eq', value: 'Getränke' } });
      expect(changed.body).toMatchObject({ name: 'Geändert', version: 2 });
      expect((await inside.get(`/api/v1/prospect-selections/${selection.id}/count`)).body.count).toBe(1);
      expect((await inside.delete(`/api/v1/prospect-selections/${selection.id}`).set('If-Match', '"1"')).status).toBe(
        412,
      );
      expect((await inside.delete(`/api/v1/prospect-selections/${selection.id}`)).status).toBe(204);
      expect((await inside.get(`/api/v1/prospect-selections/${selection.id}`)).status).toBe(404);
    });

    it("keeps another organisation's selections out of reach", async () => {
      const selection = await select({
        name: 'Geheime Auswahl',
        filter: { field: 'industry', op: 'eq', value: 'Lebensmittel' },
      });
      const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
      for (const path of ['', '/count', '/organizations', '/export.csv']) {
        expect((await zoe.get(`/api/v1/prospect-selections/${selection.id}${path}`)).status).toBe(404);
      }
      expect((await zoe.patch(`/api/v1/prospect-selections/${selection.id}`).send({ name: 'X' })).status).toBe(404);
      expect((await zoe.get('/api/v1/prospect-selections')).body.items).toEqual([]);
      // Another organisation's saved filter is not one to choose.
      const theirs = await zoe.post('/api/v1/saved-filters').send({
        name: 'Fremdfilter',
        entityType: 'organization',
        scope: 'company',
        filter: { field: 'name', op: 'contains', value: 'a' },
      });
      const borrowed = await inside
        .post('/api/v1/prospect-selections')
        .send({ name: 'Geborgt', savedFilterId: theirs.body.id });
      expect(borrowed.status).toBe(422);
    });
  });

  describe('the CSV export', () => {
    it('streams an attachment for German Excel: BOM, semicolons, decimal commas, quoted and formula-safe cells', async () => {
      const selection = await select({
        name: 'Export Köln & Umgebung',
        filter: { field: 'postalCode', op: 'starts', value: '5' },
      });
      const res = await csv(inside, `/api/v1/prospect-selections/${selection.id}/export.csv`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="Export-Koln-Umgebung.csv"; filename*=UTF-8''Export-Koln-Umgebung.csv`,
      );
      const text = res.body as string;
      expect(text.startsWith('\uFEFF')).toBe(true);
      const lines = text.slice(1).split('\r\n');
      expect(lines.at(-1)).toBe('');
      expect(lines[0]).toBe(
        'Name;Branche;Mitarbeiter;Umsatz;Website;USt-IdNr.;E-Mail;Telefon;Straße;PLZ;Ort;Land;Tags;Segment;ID',
      );
      expect(lines).toHaveLength(1 + 5 + 1);
      expect(lines.find((line) => line.includes('HYPERLINK'))).toBe(
        `'=HYPERLINK(""http://evil.example"",""Klick"")`.replace(/^/, '"').replace(/$/, '"') +
          `;Lebensmittel;3;;;;;;Hauptstraße 1;51105;Irgendwo;DE;;;${orgs['=HYPERLINK("http://evil.example","Klick")']}`,
      );
      // The order of names follows the database's collation; find the row by its name.
      expect(lines.find((line) => line.startsWith('Bäckerei'))).toBe(
        `Bäckerei Am Dom GmbH;Lebensmittel;12;1250000,00;https://am-dom.example;;info@am-dom.example;'+49 221 123456;Hauptstraße 1;50667;Irgendwo;DE;Zielkunde;Premium;${orgs['Bäckerei Am Dom GmbH']}`,
      );
      expect(lines.find((line) => line.startsWith('"Müller'))).toBe(
        `"Müller; Söhne ""Backwaren"" KG";Lebensmittel;40;800000,00;;;;;Hauptstraße 1;50999;Irgendwo;DE;;;${orgs['Müller; Söhne "Backwaren" KG']}`,
      );
    });

    it('takes a comma or tab separator with decimal points, and leaves the BOM out when asked', async () => {
      const selection = await select({
        name: 'Export Komma',
        filter: { field: 'name', op: 'starts', value: 'Müller' },
      });
      const comma = await csv(
        inside,
        `/api/v1/prospect-selections/${selection.id}/export.csv?separator=comma&bom=false`,
      );
      const [header, row] = (comma.body as string).split('\r\n');
      expect(header?.startsWith('Name,Branche,')).toBe(true);
      expect(row?.startsWith('"Müller; Söhne ""Backwaren"" KG",Lebensmittel,40,800000.00,')).toBe(true);
      const tab = await csv(
        inside,
        `/api/v1/prospect-selections/${selection.id}/export.csv?separator=tab&decimal=comma`,
      );
      expect((tab.body as string).split('\r\n')[1]?.split('\t').slice(0, 4)).toEqual([
        '"Müller; Söhne ""Backwaren"" KG"',
        'Lebensmittel',
        '40',
        '800000,00',
      ]);
      const bad = await inside.get(`/api/v1/prospect-selections/${selection.id}/export.csv?separator=pipe`);
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
    });

    it('is for admins, sales managers and inside sales; an outdated selection answers a problem, not half a file', async () => {
      const selection = await select({
        name: 'Export Segment',
        filter: { field: 'customFields.segment', op: 'eq', value: 'premium' },
      });
      const rep = await rita.get(`/api/v1/prospect-selections/${selection.id}/export.csv`);
      expect(rep.status).toBe(403);
      expect(rep.headers['content-type']).toContain('application/problem+json');
      expect((await csv(admin, `/api/v1/prospect-selections/${selection.id}/export.csv`)).status).toBe(200);
      const fields = (await admin.get('/api/v1/custom-fields?entityType=organization')).body.items as {
        id: string;
        key: string;
      }[];
      const segment = fields.find((field) => field.key === 'segment') as { id: string };
      expect((await admin.delete(`/api/v1/admin/custom-fields/${segment.id}`)).status).toBe(204);
      const outdated = await inside.get(`/api/v1/prospect-selections/${selection.id}/export.csv`);
      expect(outdated.status).toBe(422);
      expect(outdated.body.type).toBe('urn:crm:problem:prospect_selection_outdated');
      expect(outdated.body.detail).toContain('segment');
    });

    it('streams thousands of organizations in batches, in name order, each once', async () => {
      const big = await t.createTenant('Contoso Massenexport GmbH', [{ displayName: 'Maria Masse' }]);
      const maria = await big.as(big.upn('Maria Masse'));
      await t.orm.em.getConnection().execute(
        `insert into organization (id, tenant_id, name, industry, addresses)
         select gen_random_uuid(), ?, 'Firma ' || lpad(n::text, 5, '0'), 'Handel',
                jsonb_build_array(jsonb_build_object('kind', 'visiting', 'street', null, 'postalCode', '8' || lpad(n::text, 4, '0'),
                                                     'city', 'München', 'country', 'DE'))
           from generate_series(1, 1234) as n`,
        [big.id],
      );
      const selection = await maria
        .post('/api/v1/prospect-selections')
        .send({ name: 'Alle Händler', filter: { field: 'industry', op: 'eq', value: 'Handel' } });
      expect(selection.status).toBe(201);
      expect((await maria.get(`/api/v1/prospect-selections/${selection.body.id}/count`)).body.count).toBe(1234);
      const res = await csv(maria, `/api/v1/prospect-selections/${selection.body.id}/export.csv`);
      const lines = (res.body as string).split('\r\n').slice(1, -1);
      expect(lines).toHaveLength(1234);
      const exported = lines.map((line) => line.split(';')[0]);
      expect(exported[0]).toBe('Firma 00001');
      expect(exported[499]).toBe('Firma 00500');
      expect(exported[500]).toBe('Firma 00501');
      expect(exported.at(-1)).toBe('Firma 01234');
      expect(new Set(exported).size).toBe(1234);
    });
  });
});
