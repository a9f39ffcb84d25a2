import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type supertest from 'supertest';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

const LIMIT = 64 * 1024;
const PDF = (text: string) => Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${text}) >> endobj\ntrailer << >>\n%%EOF\n`);
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Reads any response body as bytes. */
const bytesOf = (request: supertest.Test) =>
  request.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

describe('documents on records', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let person: string;

  const upload = (
    agent: AuthedAgent,
    path: string,
    bytes: Buffer,
    filename: string,
    contentType = 'application/octet-stream',
  ) => agent.post(path).attach('file', bytes, { filename, contentType });
  const blobCount = async () =>
    Number(
      (
        await t.orm.em
          .getConnection()
          .execute<{ n: number }[]>('select count(*)::int as n from blob where tenant_id = ?', [contoso.id])
      )[0]?.n,
    );

  beforeAll(async () => {
    t = await createTestApp({ env: { DOCUMENT_MAX_BYTES: String(LIMIT) } });
    contoso = await t.createTenant('Contoso Dokumente GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    person = (await anna.post('/api/v1/persons').send({ firstName: 'Käthe', lastName: 'Schäfer' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('uploads a PDF to a person and downloads it with its type, name and hash', async () => {
    const bytes = PDF('Angebot');
    const res = await upload(anna, `/api/v1/records/person/${person}/documents`, bytes, 'Angebot Müller.pdf');
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/documents/${res.body.id}`);
    expect(res.body).toMatchObject({
      name: 'Angebot Müller.pdf',
      kind: 'file',
      contentType: 'application/pdf',
      size: bytes.length,
      sha256: sha256(bytes),
      latestVersion: 1,
      uploadedByName: 'Anna Schmidt',
      links: [{ type: 'person', id: person, title: 'Käthe Schäfer' }],
    });
    expect(res.body.versions).toHaveLength(1);

    const download = await bytesOf(anna.get(`/api/v1/documents/${res.body.id}/content`));
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="Angebot Mueller.pdf"; filename*=UTF-8''Angebot%20M%C3%BCller.pdf`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers.etag).toBe(`"${sha256(bytes)}"`);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    const again = await anna.get(`/api/v1/documents/${res.body.id}/content`).set('If-None-Match', `"${sha256(bytes)}"`);
    expect(again.status).toBe(304);

    const list = await anna.get(`/api/v1/records/person/${person}/documents`);
    expect(list.body.items.map((item: { id: string }) => item.id)).toContain(res.body.id);
  });

  it('keeps every version of a name: nothing replaced, old versions downloadable, same bytes change nothing', async () => {
    const path = `/api/v1/records/person/${person}/documents`;
    const first = await upload(anna, path, PDF('v1'), 'Vertrag.pdf', 'application/pdf');
    const second = await upload(juergen, path, PDF('v2'), 'vertrag.PDF', 'application/pdf');
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body).toMatchObject({ latestVersion: 2, uploadedByName: 'Jürgen Weiß', sha256: sha256(PDF('v2')) });
    const unchanged = await upload(anna, path, PDF('v2'), 'Vertrag.pdf', 'application/pdf');
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.latestVersion).toBe(2);

    const detail = await anna.get(`/api/v1/documents/${first.body.id}`);
    expect(detail.body.versions.map((v: { number: number; sha256: string }) => [v.number, v.sha256])).toEqual([
      [2, sha256(PDF('v2'))],
      [1, sha256(PDF('v1'))],
    ]);
    const old = await bytesOf(anna.get(`/api/v1/documents/${first.body.id}/versions/1/content`));
    expect((old.body as Buffer).toString()).toContain('(v1)');
    const latest = await bytesOf(anna.get(`/api/v1/documents/${first.body.id}/content`));
    expect((latest.body as Buffer).toString()).toContain('(v2)');
    expect((await anna.get(`/api/v1/documents/${first.body.id}/versions/3/content`)).status).toBe(404);

    const changes = (await anna.get(`/api/v1/documents/${first.body.id}/history`)).body.items;
    expect(changes.map((change: { action: string }) => change.action)).toEqual(['update', 'update', 'create']);
    expect(changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'latestVersion', before: 1, after: 2 })]),
    );
    const history = await anna.get(`/api/v1/history?type=person&id=${person}`);
    const documentsChanges = history.body.items.filter((item: { field: string }) => item.field === 'documents');
    expect(documentsChanges[0].after).toMatchObject({ id: first.body.id, name: 'vertrag.PDF', version: 2 });
  });

  it('stores the same bytes once per tenant, whatever the name', async () => {
    const bytes = PDF('einmal');
    const before = await blobCount();
    await upload(anna, `/api/v1/records/person/${person}/documents`, bytes, 'a.pdf');
    await upload(anna, `/api/v1/records/person/${person}/documents`, bytes, 'b.pdf');
    expect(await blobCount()).toBe(before + 1);
  });

  it('refuses a file over the limit with 413 saying the limit, and stores nothing', async () => {
    const before = await blobCount();
    const big = Buffer.concat([PDF('gross'), Buffer.alloc(LIMIT)]);
    const res = await upload(anna, `/api/v1/records/person/${person}/documents`, big, 'Riesig.pdf');
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: 'urn:crm:problem:document_too_large', limitBytes: LIMIT });
    expect(res.body.detail).toContain('64 kB');
    // Declared far beyond the limit: refused before reading.
    const huge = await upload(anna, `/api/v1/records/person/${person}/documents`, Buffer.alloc(LIMIT * 3), 'x.pdf');
    expect(huge.status).toBe(413);
    expect(await blobCount()).toBe(before);
    const names = (await anna.get(`/api/v1/records/person/${person}/documents`)).body.items.map(
      (item: { name: string }) => item.name,
    );
    expect(names).not.toContain('Riesig.pdf');
  });

  it('refuses programs and scripts with 415, contradicting types and empty files with 422', async () => {
    const path = `/api/v1/records/person/${person}/documents`;
    const exe = await upload(anna, path, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]), 'rechnung.pdf');
    expect(exe.status).toBe(415);
    expect(exe.body.type).toBe('urn:crm:problem:file_type_refused');
    expect(exe.body.detail).toContain('application/x-msdownload');
    const script = await upload(anna, path, Buffer.from('alert(1)'), 'tool.js', 'text/plain');
    expect(script.status).toBe(415);
    expect(script.body.detail).toContain('.js');
    const lying = await upload(anna, path, PNG, 'bild.pdf', 'application/pdf');
    expect(lying.status).toBe(422);
    expect(lying.body.detail).toContain('image/png');
    const notPdf = await upload(anna, path, Buffer.from('just text'), 'text.pdf', 'application/pdf');
    expect(notPdf.status).toBe(422);
    const empty = await upload(anna, path, Buffer.alloc(0), 'leer.txt', 'text/plain');
    expect(empty.status).toBe(422);
    expect(empty.body.type).toBe('urn:crm:problem:empty_file');
    const json = await anna.post(path).send({ file: 'nope' });
    expect(json.status).toBe(415);
    const wrongPart = await anna.post(path).attach('upload', PDF('x'), 'x.pdf');
    expect(wrongPart.status).toBe(400);
    expect(wrongPart.body.detail).toContain('"file"');
  });

  it('takes the bytes over the declared type, and keeps text files as declared', async () => {
    const path = `/api/v1/records/person/${person}/documents`;
    const png = await upload(anna, path, PNG, 'logo.png', 'application/octet-stream');
    expect(png.body.contentType).toBe('image/png');
    const csv = await upload(anna, path, Buffer.from('name;ort\nMüller;Köln\n'), 'kunden.csv', 'text/csv');
    expect(csv.body.contentType).toBe('text/csv');
    const html = await bytesOf(anna.get(`/api/v1/documents/${png.body.id}/content?disposition=inline`));
    expect(html.headers['content-disposition']).toBe('inline; filename="logo.png"');
    const csvInline = await anna.get(`/api/v1/documents/${csv.body.id}/content?disposition=inline`);
    expect(csvInline.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it("answers 404 for another organisation's records and documents", async () => {
    const fabrikam = await t.createTenant('Fabrikam Dokumente AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const mine = await upload(anna, `/api/v1/records/person/${person}/documents`, PDF('geheim'), 'Geheim.pdf');
    expect((await upload(zoe, `/api/v1/records/person/${person}/documents`, PDF('x'), 'x.pdf')).status).toBe(404);
    expect((await zoe.get(`/api/v1/records/person/${person}/documents`)).status).toBe(404);
    expect((await zoe.get(`/api/v1/documents/${mine.body.id}`)).status).toBe(404);
    expect((await zoe.get(`/api/v1/documents/${mine.body.id}/content`)).status).toBe(404);
    expect((await zoe.delete(`/api/v1/documents/${mine.body.id}`)).status).toBe(404);
    const unknownType = await anna.get(`/api/v1/records/invoice/${person}/documents`);
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.detail).toContain('person, organization, business_contact');
  });

  it('trashes, restores and purges; only the uploader, managers and admins trash, only admins purge', async () => {
    const bytes = PDF('papierkorb');
    const doc = (await upload(anna, `/api/v1/records/person/${person}/documents`, bytes, 'Papierkorb.pdf')).body;
    expect((await juergen.delete(`/api/v1/documents/${doc.id}`)).status).toBe(403);
    expect((await anna.delete(`/api/v1/documents/${doc.id}`).set('If-Match', '"99"')).status).toBe(412);
    expect((await anna.delete(`/api/v1/documents/${doc.id}`).set('If-Match', `"${doc.version}"`)).status).toBe(204);
    expect((await anna.get(`/api/v1/documents/${doc.id}`)).status).toBe(404);
    const list = (await anna.get(`/api/v1/records/person/${person}/documents`)).body.items;
    expect(list.map((item: { id: string }) => item.id)).not.toContain(doc.id);
    const trash = (await anna.get('/api/v1/trash/documents')).body.items;
    expect(trash[0]).toMatchObject({ id: doc.id, name: 'Papierkorb.pdf' });

    expect((await anna.post(`/api/v1/documents/${doc.id}/restore`)).status).toBe(200);
    expect((await anna.get(`/api/v1/documents/${doc.id}`)).status).toBe(200);
    expect((await anna.delete(`/api/v1/trash/documents/${doc.id}`)).status).toBe(404);

    expect((await anna.delete(`/api/v1/documents/${doc.id}`)).status).toBe(204);
    expect((await juergen.delete(`/api/v1/trash/documents/${doc.id}`)).status).toBe(403);
    const before = await blobCount();
    expect((await anna.delete(`/api/v1/trash/documents/${doc.id}`)).status).toBe(204);
    expect(await blobCount()).toBe(before - 1);
    const history = (await anna.get(`/api/v1/documents/${doc.id}/history`)).status;
    expect(history).toBe(404);
  });

  it('needs a signed-in user to upload', async () => {
    const { ERP_CONNECTOR_APP_ID, ERP_CONNECTOR_SECRET, CRM_SCOPE } = await import('../../../testing/test-app.ts');
    const token = await t.emulator.clientCredentialsToken({
      tenant: contoso.id,
      clientId: ERP_CONNECTOR_APP_ID,
      clientSecret: ERP_CONNECTOR_SECRET,
      scope: CRM_SCOPE.replace('access_as_user', '.default'),
    });
    const res = await t.http
      .post(`/api/v1/records/person/${person}/documents`)
      .set('Authorization', `Bearer ${token}`)
      .attach('file', PDF('app'), 'app.pdf');
    expect(res.status).toBe(403);
  });

  it('shows documents in the 360° view and moves them to the survivor of a merge', async () => {
    const twin = (
      await anna.post('/api/v1/persons?confirm=duplicate').send({ firstName: 'Kaethe', lastName: 'Schaefer' })
    ).body.id;
    const doc = (await upload(anna, `/api/v1/records/person/${twin}/documents`, PDF('zwilling'), 'Zwilling.pdf')).body;
    const overview = (await anna.get(`/api/v1/records/person/${twin}/overview`)).body;
    expect(overview.documents).toMatchObject({ count: 1, newest: [{ id: doc.id, name: 'Zwilling.pdf' }] });
    const merged = await anna
      .post('/api/v1/duplicates/merge')
      .send({ type: 'person', survivorId: person, mergedId: twin });
    expect(merged.status).toBe(200);
    const survivor = (await anna.get(`/api/v1/records/person/${person}/documents`)).body.items;
    expect(survivor.map((item: { id: string }) => item.id)).toContain(doc.id);
  });
});
