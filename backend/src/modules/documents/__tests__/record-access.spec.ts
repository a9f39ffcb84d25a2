// Records whose kind is seen by owners only (deals and leads, when their modules register them):
// documents and mails on them follow the record's visibility. Tasks stand in for such a kind here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '../../../ids.ts';
import { registerLinkableType } from '../../../records/record-links.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

registerLinkableType('task', 'task', 'task');

describe('documents and mails on records seen by their owners only', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let annasTask: string;
  let juergensTask: string;

  const task = async (title: string, ownerId: string) => {
    const id = newId();
    await t.orm.em
      .getConnection()
      .execute('insert into task (id, tenant_id, title, owner_id) values (?, ?, ?, ?)', [
        id,
        contoso.id,
        title,
        ownerId,
      ]);
    return id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Sicht GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    annasTask = await task('Angebot nachfassen', await contoso.userId(contoso.upn('Anna Schmidt')));
    juergensTask = await task('Muster schicken', await contoso.userId(contoso.upn('Jürgen Weiß')));
  });
  afterAll(async () => {
    await t.close();
  });

  const mail = (id: string) => ({
    internetMessageId: `<${newId()}@kunde.example>`,
    subject: 'Muster',
    from: { address: 'kunde@kunde.example' },
    links: [{ type: 'task', id }],
  });

  it("lets a sales rep file to and upload on their own records, not on a colleague's", async () => {
    expect((await juergen.post('/api/v1/mails').send(mail(juergensTask))).status).toBe(201);
    const foreign = await juergen.post('/api/v1/mails').send(mail(annasTask));
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].pointer).toBe('#/links/0/id');
    const upload = (id: string) =>
      juergen.post(`/api/v1/records/task/${id}/documents`).attach('file', Buffer.from('%PDF-1.4\n%%EOF'), 'm.pdf');
    expect((await upload(juergensTask)).status).toBe(201);
    expect((await upload(annasTask)).status).toBe(404);
    expect((await juergen.get(`/api/v1/records/task/${annasTask}/mails`)).status).toBe(404);
    expect((await juergen.get(`/api/v1/records/task/${annasTask}/reference`)).status).toBe(404);
  });

  it('hides a document on a record the caller may not see', async () => {
    const doc = (
      await anna
        .post(`/api/v1/records/task/${annasTask}/documents`)
        .attach('file', Buffer.from('%PDF-1.4\n%%EOF geheim'), 'geheim.pdf')
    ).body;
    expect((await anna.get(`/api/v1/documents/${doc.id}`)).status).toBe(200);
    expect((await juergen.get(`/api/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await juergen.get(`/api/v1/documents/${doc.id}/content`)).status).toBe(404);
  });

  it('does not follow a subject reference to a record the caller may not see', async () => {
    const reference = (await anna.get(`/api/v1/records/task/${annasTask}/reference`)).body.reference;
    const res = await juergen
      .post('/api/v1/mails')
      .send({ ...mail(juergensTask), links: [], subject: `Re ${reference}` });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('urn:crm:problem:no_links');
  });
});
