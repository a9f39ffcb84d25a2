import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type AuthedAgent,
  CRM_SCOPE,
  createTestApp,
  ERP_CONNECTOR_APP_ID,
  ERP_CONNECTOR_SECRET,
  type TestApp,
  type TestTenant,
} from '../../../testing/test-app.ts';

const DOCUMENT_LIMIT = 32 * 1024;
const FILING_LIMIT = 128 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${text}) >> endobj\n%%EOF\n`);
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let sequence = 0;
/** A mail as the Outlook pane reads it, with a fresh internet message id. */
function outlookMail(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    internetMessageId: `<AM0PR${sequence}.${Date.now()}@kunde.example>`,
    conversationId: `AAQkADconv${sequence}`,
    subject: 'Angebot Frühjahrskampagne',
    from: { address: 'Anna Müller <ANNA.Mueller@Kunde.DE>' },
    to: [{ address: 'Vertrieb@Contoso.Example', name: 'Vertrieb' }],
    cc: [{ address: 'einkauf@kunde.de', name: 'einkauf@kunde.de' }],
    sentAt: '2026-11-20T09:30:00+01:00',
    receivedAt: '2026-11-20T09:30:05+01:00',
    bodyHtml: '<p>Guten Tag,</p><p>anbei unser Angebot für die Zwetschgenernte.</p>',
    bodyText: 'Guten Tag, anbei unser Angebot für die Zwetschgenernte.',
    attachments: [],
    links: [],
    ...overrides,
  };
}

const attachment = (name: string, bytes: Buffer, contentType = 'application/pdf') => ({
  name,
  contentType,
  size: bytes.length,
  isInline: false,
  contentBase64: bytes.toString('base64'),
});

describe('filing mail from Outlook', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let person: string;
  let organization: string;

  const count = async (table: string) =>
    Number(
      (
        await t.orm.em
          .getConnection()
          .execute<{ n: number }[]>(`select count(*)::int as n from ${table} where tenant_id = ?`, [contoso.id])
      )[0]?.n,
    );

  beforeAll(async () => {
    t = await createTestApp({
      env: { DOCUMENT_MAX_BYTES: String(DOCUMENT_LIMIT), MAIL_FILING_MAX_BYTES: String(FILING_LIMIT) },
    });
    contoso = await t.createTenant('Contoso Post GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    person = (
      await anna
        .post('/api/v1/persons')
        .send({ firstName: 'Anna', lastName: 'Müller', emails: [{ address: 'anna.mueller@kunde.de' }] })
    ).body.id;
    organization = (await anna.post('/api/v1/organizations').send({ name: 'Obsthof Müller KG' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('files a mail with two attachments to a person and an organization, once', async () => {
    const offer = pdf('Angebot');
    const prices = pdf('Preisliste');
    const body = outlookMail({
      attachments: [attachment('Angebot 2027.pdf', offer), attachment('Preisliste.pdf', prices)],
      links: [
        { type: 'person', id: person },
        { type: 'organization', id: organization },
      ],
    });
    const res = await anna.post('/api/v1/mails').send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      created: true,
      internetMessageId: body.internetMessageId,
      subject: 'Angebot Frühjahrskampagne',
      links: expect.arrayContaining([
        { type: 'person', id: person, title: 'Anna Müller' },
        { type: 'organization', id: organization, title: 'Obsthof Müller KG' },
      ]),
    });
    expect(res.body.attachments.map((a: { name: string; sha256: string }) => [a.name, a.sha256])).toEqual([
      ['Angebot 2027.pdf', sha256(offer)],
      ['Preisliste.pdf', sha256(prices)],
    ]);

    const again = await anna.post('/api/v1/mails').send(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, id: res.body.id, addedLinks: [] });
    expect(again.body.attachments).toHaveLength(2);

    for (const [type, id] of [
      ['person', person],
      ['organization', organization],
    ]) {
      const documents = (await anna.get(`/api/v1/records/${type}/${id}/documents`)).body.items;
      expect(documents.filter((d: { mailId: string }) => d.mailId === res.body.id)).toHaveLength(2);
      const mails = (await anna.get(`/api/v1/records/${type}/${id}/mails`)).body.items;
      expect(mails[0]).toMatchObject({
        id: res.body.id,
        subject: 'Angebot Frühjahrskampagne',
        from: { address: 'anna.mueller@kunde.de', name: 'Anna Müller' },
        attachmentCount: 2,
        snippet: expect.stringContaining('Zwetschgenernte'),
      });
      const history = (await anna.get(`/api/v1/history?type=${type}&id=${id}`)).body.items;
      const filed = history.filter((entry: { field: string }) => entry.field === 'mails');
      expect(filed).toHaveLength(1);
      expect(filed[0].after).toEqual({ id: res.body.id, subject: 'Angebot Frühjahrskampagne' });
    }
    const overview = (await anna.get(`/api/v1/records/person/${person}/overview`)).body;
    expect(overview.mails).toMatchObject({ count: 1, newest: [{ id: res.body.id }] });

    const download = await anna.get(res.body.attachments[0].contentUrl);
    expect(download.headers['content-type']).toBe('application/pdf');
  });

  it('shows the filed mail with sanitized HTML, normalised addresses and its links', async () => {
    const filed = await anna.post('/api/v1/mails').send(
      outlookMail({
        subject: 'Lieferung Äpfel',
        bodyText: null,
        bodyHtml:
          '<html><head><style>p{color:red}</style><title>x</title></head><body><p style="color:#333;background-image:url(https://evil.example/x)">Die Äpfel &amp; Birnen kommen <b>Montag</b>.</p>' +
          '<script>alert(1)</script><img src="https://evil.example/pixel.gif" onerror="alert(2)">' +
          '<a href="javascript:alert(3)">klick</a><a href="https://kunde.de/katalog">Katalog</a>' +
          '<img src="cid:logo@01DA"><img src="http://tracker.example/p.gif"><img src="data:text/html;base64,PHNjcmlwdD4=">' +
          '<iframe src="https://evil.example"></iframe><svg onload="alert(4)"></svg></body></html>',
        links: [{ type: 'person', id: person }],
      }),
    );
    expect(filed.status).toBe(201);
    const mail = (await anna.get(`/api/v1/mails/${filed.body.id}`)).body;
    expect(mail.from).toEqual({ address: 'anna.mueller@kunde.de', name: 'Anna Müller' });
    expect(mail.to).toEqual([{ address: 'vertrieb@contoso.example', name: 'Vertrieb' }]);
    expect(mail.cc).toEqual([{ address: 'einkauf@kunde.de', name: null }]);
    expect(mail.bodyHtml).not.toMatch(/script|onerror|javascript:|iframe|svg|onload|url\(|http:\/\/tracker|data:text/i);
    expect(mail.bodyHtml).toContain('<b>Montag</b>');
    expect(mail.bodyHtml).toContain('src="cid:logo@01DA"');
    expect(mail.bodyHtml).toContain('src="https://evil.example/pixel.gif"');
    expect(mail.bodyHtml).toContain(
      'href="https://kunde.de/katalog" target="_blank" rel="noopener noreferrer nofollow"',
    );
    expect(mail.bodyHtml).toContain('style="color:#333"');
    expect(mail.bodyText).toContain('Die Äpfel & Birnen kommen Montag.');
    expect(mail.filedByName).toBe('Anna Schmidt');
    expect(mail.links).toEqual([{ type: 'person', id: person, title: 'Anna Müller' }]);
    const raw = await t.orm.em
      .getConnection()
      .execute<{ body_html: string }[]>('select body_html from mail where id = ?', [filed.body.id]);
    expect(raw[0]?.body_html).not.toContain('<script>');
  });

  it('makes filed mail findable by search, typed mail, by subject, sender, recipient and body text', async () => {
    const filed = await anna.post('/api/v1/mails').send(
      outlookMail({
        subject: 'Reklamation Quittengelee',
        from: { address: 'Bernd Krüger <B.Krueger@Feinkost.DE>' },
        bodyText: 'Die Lieferung war leider beschädigt, bitte um Gutschrift.',
        bodyHtml: null,
        links: [{ type: 'organization', id: organization }],
      }),
    );
    for (const q of ['Quittengelee', 'Krüger', 'b.krueger@feinkost.de', 'Gutschrift', 'vertrieb@contoso']) {
      const hits = (await anna.get(`/api/v1/search?q=${encodeURIComponent(q)}&type=mail`)).body.items;
      expect({ q, ids: hits.map((hit: { id: string }) => hit.id) }).toEqual({
        q,
        ids: expect.arrayContaining([filed.body.id]),
      });
      expect(hits[0]).toMatchObject({ type: 'mail' });
    }
    // The address lookup finds contacts, not mails.
    const lookup = (await anna.get('/api/v1/lookup?email=b.krueger@feinkost.de')).body.items[0];
    expect(lookup).toEqual({ email: 'b.krueger@feinkost.de', persons: [], organizations: [], businessContacts: [] });
  });

  it('adds only new links when a mail is filed again, with its attachments and history', async () => {
    const body = outlookMail({
      attachments: [attachment('Vertrag.pdf', pdf('vertrag'))],
      links: [{ type: 'person', id: person }],
    });
    const first = (await anna.post('/api/v1/mails').send(body)).body;
    const documentsBefore = await count('document');
    const second = await juergen
      .post('/api/v1/mails')
      .send({ ...body, attachments: [], bodyHtml: null, links: [{ type: 'organization', id: organization }] });
    expect(second.status).toBe(200);
    expect(second.body.addedLinks).toEqual([{ type: 'organization', id: organization }]);
    expect(second.body.links).toHaveLength(2);
    expect(await count('document')).toBe(documentsBefore);
    const onOrganization = (await anna.get(`/api/v1/records/organization/${organization}/documents`)).body.items;
    expect(onOrganization.map((d: { id: string }) => d.id)).toContain(first.attachments[0].id);
  });

  it('refuses a draft, an empty filing and unknown records with 422, storing nothing', async () => {
    const mailsBefore = await count('mail');
    const draft = await anna
      .post('/api/v1/mails')
      .send(outlookMail({ internetMessageId: undefined, links: [{ type: 'person', id: person }] }));
    expect(draft.status).toBe(422);
    expect(draft.body).toMatchObject({ type: 'urn:crm:problem:mail_not_sent' });
    expect(draft.body.detail).toMatch(/Send it \(or save it\) first/);
    const blank = await anna
      .post('/api/v1/mails')
      .send(outlookMail({ internetMessageId: '  ', links: [{ type: 'person', id: person }] }));
    expect(blank.status).toBe(422);
    const nowhere = await anna.post('/api/v1/mails').send(outlookMail({ links: [] }));
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.type).toBe('urn:crm:problem:no_links');
    const unknownType = await anna
      .post('/api/v1/mails')
      .send(outlookMail({ links: [{ type: 'invoice', id: person }] }));
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.errors[0].pointer).toBe('#/links/0/type');
    const noAddress = await anna
      .post('/api/v1/mails')
      .send(outlookMail({ from: { address: '' }, links: [{ type: 'person', id: person }] }));
    expect(noAddress.status).toBe(400);
    expect(await count('mail')).toBe(mailsBefore);
  });

  it('answers 413 saying the limit for a large attachment, body or request, and keeps nothing half', async () => {
    const before = { mails: await count('mail'), documents: await count('document'), blobs: await count('blob') };
    const bigAttachment = await anna.post('/api/v1/mails').send(
      outlookMail({
        attachments: [attachment('klein.pdf', pdf('klein')), attachment('gross.pdf', Buffer.alloc(DOCUMENT_LIMIT + 1))],
        links: [{ type: 'person', id: person }],
      }),
    );
    expect(bigAttachment.status).toBe(413);
    expect(bigAttachment.body).toMatchObject({ limitBytes: DOCUMENT_LIMIT, errors: [{ pointer: '#/attachments/1' }] });
    expect(bigAttachment.body.detail).toContain('32 kB');
    const bigRequest = await anna
      .post('/api/v1/mails')
      .send(outlookMail({ bodyText: 'x'.repeat(FILING_LIMIT), links: [{ type: 'person', id: person }] }));
    expect(bigRequest.status).toBe(413);
    expect(bigRequest.body.detail).toContain('128 kB');
    // A program among the attachments refuses the whole filing: the first attachment is not kept either.
    const program = await anna.post('/api/v1/mails').send(
      outlookMail({
        attachments: [
          attachment('ok.pdf', pdf('ok')),
          attachment('setup.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]), 'application/octet-stream'),
        ],
        links: [{ type: 'person', id: person }],
      }),
    );
    expect(program.status).toBe(415);
    expect(program.body.errors[0].pointer).toBe('#/attachments/1');
    const notBase64 = await anna.post('/api/v1/mails').send(
      outlookMail({
        attachments: [{ name: 'a.pdf', isInline: false, contentBase64: 'not base64!' }],
        links: [{ type: 'person', id: person }],
      }),
    );
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.errors[0].pointer).toBe('#/attachments/0/contentBase64');
    expect({ mails: await count('mail'), documents: await count('document'), blobs: await count('blob') }).toEqual(
      before,
    );
  });

  it('keeps inline images as inline documents of the mail, and a cloud attachment as a link only', async () => {
    const res = await anna.post('/api/v1/mails').send(
      outlookMail({
        bodyHtml: '<p>Unser Logo: <img src="cid:logo@01DA"></p>',
        attachments: [
          {
            name: 'image001.png',
            contentType: 'image/png',
            isInline: true,
            contentId: '<logo@01DA>',
            contentBase64: PNG.toString('base64'),
          },
          {
            name: 'Präsentation.pptx',
            contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
            isInline: false,
            cloudUrl: 'https://contoso-my.sharepoint.com/personal/anna/Praesentation.pptx',
          },
        ],
        links: [{ type: 'person', id: person }],
      }),
    );
    expect(res.status).toBe(201);
    const [inline, cloud] = res.body.attachments;
    expect(inline).toMatchObject({ isInline: true, contentId: 'logo@01DA', contentType: 'image/png', kind: 'file' });
    expect(cloud).toMatchObject({
      kind: 'cloud',
      cloudUrl: 'https://contoso-my.sharepoint.com/personal/anna/Praesentation.pptx',
      sha256: null,
      size: null,
      contentUrl: null,
    });
    const onPerson = (await anna.get(`/api/v1/records/person/${person}/documents`)).body.items.map(
      (d: { id: string }) => d.id,
    );
    expect(onPerson).toContain(cloud.id);
    expect(onPerson).not.toContain(inline.id);
    const content = await anna.get(`/api/v1/documents/${cloud.id}/content`);
    expect(content.status).toBe(409);
    expect(content.body.cloudUrl).toContain('sharepoint.com');
    const http = await anna.post('/api/v1/mails').send(
      outlookMail({
        attachments: [{ name: 'x', isInline: false, cloudUrl: 'http://insecure.example/x' }],
        links: [{ type: 'person', id: person }],
      }),
    );
    expect(http.status).toBe(400);
  });

  it("keeps tenants apart: another organisation's records, mails and message ids", async () => {
    const fabrikam = await t.createTenant('Fabrikam Post AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const theirPerson = (await zoe.post('/api/v1/persons').send({ firstName: 'Yusuf', lastName: 'Öztürk' })).body.id;
    const body = outlookMail({ links: [{ type: 'person', id: person }] });
    const mine = (await anna.post('/api/v1/mails').send(body)).body;

    const foreign = await zoe.post('/api/v1/mails').send({ ...body, links: [{ type: 'person', id: person }] });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].pointer).toBe('#/links/0/id');
    expect((await zoe.get(`/api/v1/mails/${mine.id}`)).status).toBe(404);
    expect(
      (await zoe.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(body.internetMessageId)}`)).body.items,
    ).toEqual([]);
    expect((await zoe.get(`/api/v1/records/person/${person}/mails`)).status).toBe(404);
    const unfile = await zoe.delete(`/api/v1/mails/${mine.id}/links`).send({ links: [{ type: 'person', id: person }] });
    expect(unfile.status).toBe(404);
    // The same mail filed in another organisation is that organisation's own.
    const theirs = await zoe.post('/api/v1/mails').send({ ...body, links: [{ type: 'person', id: theirPerson }] });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.id);
    expect(theirs.body.links).toEqual([{ type: 'person', id: theirPerson, title: 'Yusuf Öztürk' }]);
  });

  it('tells the pane where a mail is filed, and lets whoever filed it unfile it', async () => {
    const body = outlookMail({
      attachments: [attachment('Notiz.pdf', pdf('notiz'))],
      links: [
        { type: 'person', id: person },
        { type: 'organization', id: organization },
      ],
    });
    const filed = (await anna.post('/api/v1/mails').send(body)).body;
    const where = await anna.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(body.internetMessageId)}`);
    expect(where.body.items).toHaveLength(1);
    expect(where.body.items[0]).toMatchObject({
      id: filed.id,
      links: expect.arrayContaining([expect.objectContaining({ title: 'Obsthof Müller KG' })]),
    });

    const notTheirs = await juergen
      .delete(`/api/v1/mails/${filed.id}/links`)
      .send({ links: [{ type: 'person', id: person }] });
    expect(notTheirs.status).toBe(403);
    const fromOrganization = await anna
      .delete(`/api/v1/mails/${filed.id}/links`)
      .send({ links: [{ type: 'organization', id: organization }] });
    expect(fromOrganization.status).toBe(200);
    expect(fromOrganization.body).toMatchObject({ filed: true, links: [{ type: 'person', id: person }] });
    const orgDocuments = (await anna.get(`/api/v1/records/organization/${organization}/documents`)).body.items;
    expect(orgDocuments.map((d: { id: string }) => d.id)).not.toContain(filed.attachments[0].id);
    const orgHistory = (await anna.get(`/api/v1/history?type=organization&id=${organization}`)).body.items;
    expect(orgHistory[0]).toMatchObject({ field: 'mails', before: { id: filed.id }, after: null });

    const last = await anna.delete(`/api/v1/mails/${filed.id}/links`).send({ links: [{ type: 'person', id: person }] });
    expect(last.body).toMatchObject({ filed: false, links: [] });
    expect((await anna.get(`/api/v1/mails/${filed.id}`)).status).toBe(404);
    expect(
      (await anna.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(body.internetMessageId)}`)).body.items,
    ).toEqual([]);
    const search = (await anna.get('/api/v1/search?q=Notiz&type=mail')).body.items;
    expect(search.map((hit: { id: string }) => hit.id)).not.toContain(filed.id);

    const refiled = await juergen.post('/api/v1/mails').send({ ...body, links: [{ type: 'person', id: person }] });
    expect(refiled.status).toBe(200);
    expect(refiled.body).toMatchObject({ id: filed.id, created: false, links: [{ type: 'person', id: person }] });
    expect((await anna.get(`/api/v1/mails/${filed.id}`)).status).toBe(200);
  });

  it("lists a record's mails newest first by their own dates, page by page", async () => {
    const shop = (await anna.post('/api/v1/organizations').send({ name: 'Hofladen Sonnenschein' })).body.id;
    const links = [{ type: 'organization', id: shop }];
    for (const day of ['2026-03-01', '2026-01-15', '2026-02-10']) {
      await anna
        .post('/api/v1/mails')
        .send(outlookMail({ subject: `Bestellung ${day}`, sentAt: `${day}T10:00:00+01:00`, links }));
    }
    const first = (await anna.get(`/api/v1/records/organization/${shop}/mails?limit=2`)).body;
    expect(first.items.map((m: { subject: string }) => m.subject)).toEqual([
      'Bestellung 2026-03-01',
      'Bestellung 2026-02-10',
    ]);
    const second = (await anna.get(`/api/v1/records/organization/${shop}/mails?limit=2&cursor=${first.nextCursor}`))
      .body;
    expect(second).toEqual({
      items: [expect.objectContaining({ subject: 'Bestellung 2026-01-15' })],
      nextCursor: null,
    });
    const overview = (await anna.get(`/api/v1/records/organization/${shop}/overview`)).body.mails;
    expect(overview.count).toBe(3);
    expect(overview.newest.map((m: { subject: string }) => m.subject)[0]).toBe('Bestellung 2026-03-01');
  });

  it('lists a page of mails in a fixed number of queries, whatever their attachments', async () => {
    const farm = (await anna.post('/api/v1/organizations').send({ name: 'Gut Lindenhof' })).body.id;
    const links = [{ type: 'organization', id: farm }];
    const page = () => anna.get(`/api/v1/records/organization/${farm}/mails`);
    await anna.post('/api/v1/mails').send(outlookMail({ links }));
    const one = await t.countQueries(page);
    for (let i = 0; i < 4; i++) {
      await anna
        .post('/api/v1/mails')
        .send(outlookMail({ links, attachments: [attachment(`a${i}.pdf`, pdf(`a${i}`))] }));
    }
    expect(await t.countQueries(page)).toBe(one);
  });

  it('files the same mail sent twice at once as one mail', async () => {
    const body = outlookMail({ links: [{ type: 'person', id: person }] });
    const [a, b] = await Promise.all([anna.post('/api/v1/mails').send(body), juergen.post('/api/v1/mails').send(body)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
  });

  it('needs a signed-in user to file', async () => {
    const token = await t.emulator.clientCredentialsToken({
      tenant: contoso.id,
      clientId: ERP_CONNECTOR_APP_ID,
      clientSecret: ERP_CONNECTOR_SECRET,
      scope: CRM_SCOPE.replace('access_as_user', '.default'),
    });
    const res = await t.http
      .post('/api/v1/mails')
      .set('Authorization', `Bearer ${token}`)
      .send(outlookMail({ links: [{ type: 'person', id: person }] }));
    expect(res.status).toBe(403);
  });
});
