// Records seen by their owners only (deals: a rep's own, a manager's team's): documents and mails
// on them follow the record's visibility.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '../../../ids.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('documents and mails on deals, seen by their owners only', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let annasDeal: string;
  let juergensDeal: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Sicht GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    const organization = (await anna.post('/api/v1/organizations').send({ name: 'Mosterei Haas' })).body.id;
    const deal = async (agent: AuthedAgent, title: string) => {
      const res = await agent.post('/api/v1/deals').send({ title, organizationId: organization });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    annasDeal = await deal(anna, 'Saftpresse');
    juergensDeal = await deal(juergen, 'Abfüllanlage');
  });
  afterAll(async () => {
    await t.close();
  });

  const mail = (id: string) => ({
    internetMessageId: `<${newId()}@kunde.example>`,
    subject: 'Muster',
    from: { address: 'kunde@kunde.example' },
    links: [{ type: 'deal', id }],
  });

  it("lets a sales rep file to and upload on their own records, not on a colleague's", async () => {
    expect((await juergen.post('/api/v1/mails').send(mail(juergensDeal))).status).toBe(201);
    const foreign = await juergen.post('/api/v1/mails').send(mail(annasDeal));
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].pointer).toBe('#/links/0/id');
    const upload = (id: string) =>
      juergen.post(`/api/v1/records/deal/${id}/documents`).attach('file', Buffer.from('%PDF-1.4\n%%EOF'), 'm.pdf');
    expect((await upload(juergensDeal)).status).toBe(201);
    expect((await upload(annasDeal)).status).toBe(404);
    expect((await juergen.get(`/api/v1/records/deal/${annasDeal}/mails`)).status).toBe(404);
    expect((await juergen.get(`/api/v1/records/deal/${annasDeal}/reference`)).status).toBe(404);
  });

  it('hides a document on a record the caller may not see', async () => {
    const doc = (
      await anna
        .post(`/api/v1/records/deal/${annasDeal}/documents`)
        .attach('file', Buffer.from('%PDF-1.4\n%%EOF geheim'), 'geheim.pdf')
    ).body;
    expect((await anna.get(`/api/v1/documents/${doc.id}`)).status).toBe(200);
    expect((await juergen.get(`/api/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await juergen.get(`/api/v1/documents/${doc.id}/content`)).status).toBe(404);
  });

  it('does not follow a subject reference to a record the caller may not see', async () => {
    const reference = (await anna.get(`/api/v1/records/deal/${annasDeal}/reference`)).body.reference;
    const res = await juergen
      .post('/api/v1/mails')
      .send({ ...mail(juergensDeal), links: [], subject: `Re ${reference}` });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('urn:crm:problem:no_links');
  });
});
