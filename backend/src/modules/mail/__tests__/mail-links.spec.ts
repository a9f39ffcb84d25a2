import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

let sequence = 0;
function sentMail(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    internetMessageId: `<sent${sequence}.${Date.now()}@contoso.example>`,
    conversationId: `AAQkADdraft${sequence}`,
    subject: 'Ihre Anfrage',
    from: { address: 'anna.schmidt@contoso.example', name: 'Anna Schmidt' },
    to: [{ address: 'kunde@obsthof.de' }],
    sentAt: new Date().toISOString(),
    bodyText: 'Vielen Dank für Ihre Anfrage.',
    ...overrides,
  };
}

describe('linking drafts and referencing records in subjects', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let person: string;
  let organization: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Entwurf GmbH', [{ displayName: 'Anna Schmidt' }]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    person = (await anna.post('/api/v1/persons').send({ firstName: 'Hildegard', lastName: 'Obermaier' })).body.id;
    organization = (await anna.post('/api/v1/organizations').send({ name: 'Obsthof Obermaier' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('files the sent mail to the records its draft was linked to, through the x-crm-link header', async () => {
    const trackingId = randomUUID();
    const first = await anna
      .post('/api/v1/mail-links')
      .send({ trackingId, conversationId: 'AAQkADcompose1', links: [{ type: 'organization', id: organization }] });
    expect(first.status).toBe(201);
    const changed = await anna.post('/api/v1/mail-links').send({ trackingId, links: [{ type: 'person', id: person }] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      trackingId,
      conversationId: 'AAQkADcompose1',
      links: [{ type: 'person', id: person }],
      appliedAt: null,
    });

    const filed = await anna.post('/api/v1/mails').send(sentMail({ internetHeaders: { 'X-CRM-Link': trackingId } }));
    expect(filed.status).toBe(201);
    expect(filed.body.links).toEqual([{ type: 'person', id: person, title: 'Hildegard Obermaier' }]);
    const remembered = (await anna.get(`/api/v1/mail-links/${trackingId}`)).body;
    expect(remembered).toMatchObject({ mailId: filed.body.id, appliedAt: expect.any(String) });
  });

  it('falls back to the conversation when the header is lost, for mail sent after the draft was linked', async () => {
    const conversationId = 'AAQkADconversation-fallback';
    const incoming = sentMail({
      conversationId,
      from: { address: 'kunde@obsthof.de' },
      sentAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    await anna
      .post('/api/v1/mail-links')
      .send({ trackingId: randomUUID(), conversationId, links: [{ type: 'organization', id: organization }] });
    // The customer's mail the draft answers was sent an hour before: it does not take the draft's links.
    const earlier = await anna.post('/api/v1/mails').send(incoming);
    expect(earlier.status).toBe(422);
    expect(earlier.body.type).toBe('urn:crm:problem:no_links');
    const reply = await anna.post('/api/v1/mails').send(sentMail({ conversationId }));
    expect(reply.status).toBe(201);
    expect(reply.body.links).toEqual([{ type: 'organization', id: organization, title: 'Obsthof Obermaier' }]);
    // Used once: the next mail of the conversation needs its own links.
    expect((await anna.post('/api/v1/mails').send(sentMail({ conversationId }))).status).toBe(422);
  });

  it('adds the links at once when the mail is filed already', async () => {
    const mail = sentMail({ links: [{ type: 'person', id: person }] });
    const filed = (await anna.post('/api/v1/mails').send(mail)).body;
    const res = await anna.post('/api/v1/mail-links').send({
      trackingId: randomUUID(),
      internetMessageId: mail.internetMessageId,
      links: [{ type: 'organization', id: organization }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mailId: filed.id, appliedAt: expect.any(String) });
    const links = (await anna.get(`/api/v1/mails/${filed.id}`)).body.links.map((l: { type: string }) => l.type);
    expect(links.sort()).toEqual(['organization', 'person']);
  });

  it('refuses bad tracking ids and unknown records, and keeps drafts to their organisation', async () => {
    expect((await anna.post('/api/v1/mail-links').send({ trackingId: 'x', links: [] })).status).toBe(400);
    const unknown = await anna
      .post('/api/v1/mail-links')
      .send({ trackingId: randomUUID(), links: [{ type: 'person', id: randomUUID() }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].pointer).toBe('#/links/0/id');

    const trackingId = randomUUID();
    await anna.post('/api/v1/mail-links').send({ trackingId, links: [{ type: 'person', id: person }] });
    const fabrikam = await t.createTenant('Fabrikam Entwurf AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    expect((await zoe.get(`/api/v1/mail-links/${trackingId}`)).status).toBe(404);
    const foreignLink = await zoe
      .post('/api/v1/mail-links')
      .send({ trackingId: randomUUID(), links: [{ type: 'person', id: person }] });
    expect(foreignLink.status).toBe(422);
    // Contoso's tracking id in a Fabrikam mail brings nothing of Contoso's.
    const theirs = await zoe.post('/api/v1/mails').send(sentMail({ internetHeaders: { 'x-crm-link': trackingId } }));
    expect(theirs.status).toBe(422);
    expect((await zoe.get(`/api/v1/records/person/${person}/reference`)).status).toBe(404);
  });

  it('hands out a stable reference per record and files mail carrying it in the subject', async () => {
    const reference = (await anna.get(`/api/v1/records/person/${person}/reference`)).body;
    expect(reference).toMatchObject({
      type: 'person',
      id: person,
      reference: expect.stringMatching(/^\[CRM-P-\d+\]$/),
    });
    expect((await anna.get(`/api/v1/records/person/${person}/reference`)).body).toEqual(reference);
    const ofOrganization = (await anna.get(`/api/v1/records/organization/${organization}/reference`)).body;
    expect(ofOrganization.reference).toMatch(/^\[CRM-O-\d+\]$/);
    expect(ofOrganization.number).not.toBe(reference.number);

    const filed = await anna
      .post('/api/v1/mails')
      .send(sentMail({ subject: `AW: Angebot ${reference.reference.toLowerCase()}`, links: [] }));
    expect(filed.status).toBe(201);
    expect(filed.body.links).toEqual([{ type: 'person', id: person, title: 'Hildegard Obermaier' }]);
    // The right number with the letter of another kind of record leads nowhere.
    const wrongLetter = await anna
      .post('/api/v1/mails')
      .send(sentMail({ subject: `Angebot [CRM-O-${reference.number}]`, links: [] }));
    expect(wrongLetter.status).toBe(422);
  });

  it('keeps a merged record reachable by its old reference, with its mails', async () => {
    const survivor = (await anna.post('/api/v1/persons').send({ firstName: 'Ottilie', lastName: 'Brandstätter' })).body
      .id;
    const duplicate = (
      await anna.post('/api/v1/persons?confirm=duplicate').send({ firstName: 'Ottilie', lastName: 'Brandstaetter' })
    ).body.id;
    const earlier = await anna.post('/api/v1/mails').send(sentMail({ links: [{ type: 'person', id: duplicate }] }));
    const own = (await anna.get(`/api/v1/records/person/${survivor}/reference`)).body.reference;
    const old = (await anna.get(`/api/v1/records/person/${duplicate}/reference`)).body.reference;
    const merged = await anna
      .post('/api/v1/duplicates/merge')
      .send({ type: 'person', survivorId: survivor, mergedId: duplicate });
    expect(merged.status).toBe(200);
    expect((await anna.get(`/api/v1/records/person/${survivor}/reference`)).body.reference).toBe(own);
    const filed = await anna.post('/api/v1/mails').send(sentMail({ subject: `Re: Termin ${old}`, links: [] }));
    expect(filed.body.links).toEqual([{ type: 'person', id: survivor, title: 'Ottilie Brandstätter' }]);
    // Mail filed to the duplicate before the merge is the survivor's now.
    const mails = (await anna.get(`/api/v1/records/person/${survivor}/mails`)).body.items.map(
      (m: { id: string }) => m.id,
    );
    expect(mails).toEqual(expect.arrayContaining([earlier.body.id, filed.body.id]));
  });
});
