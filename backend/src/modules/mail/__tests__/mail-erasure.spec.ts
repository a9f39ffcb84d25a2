// A person erased under GDPR (deleted for good from the trash): the mails filed only for her go with
// their attachments; a mail also filed for someone else stays, with her address anonymised.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '../../../ids.ts';
import { type AuthedAgent, createTestApp, type TestApp } from '../../../testing/test-app.ts';

const PDF = Buffer.from('%PDF-1.4 Nur für Petra').toString('base64');

describe('GDPR erasure of a person and her filed mail', () => {
  let t: TestApp;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let petra = '';
  let klaus = '';

  beforeAll(async () => {
    t = await createTestApp();
    const contoso = await t.createTenant('Contoso Löschung GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    const person = async (firstName: string, address: string) =>
      (await anna.post('/api/v1/persons').send({ firstName, lastName: 'Kundin', emails: [{ address }] })).body
        .id as string;
    petra = await person('Petra', 'petra@kunde.example');
    klaus = await person('Klaus', 'klaus@kunde.example');
  });
  afterAll(async () => {
    await t.close();
  });

  const file = async (subject: string, links: string[], extra: Record<string, unknown> = {}) => {
    const res = await anna.post('/api/v1/mails').send({
      internetMessageId: `<${newId()}@kunde.example>`,
      subject,
      from: { address: 'Petra@Kunde.example', name: 'Petra Kundin' },
      to: [{ address: 'klaus@kunde.example', name: 'Klaus Kundin' }],
      bodyText: 'Schreiben Sie mir an petra@kunde.example.',
      links: links.map((id) => ({ type: 'person', id })),
      attachments: [],
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; attachments: { id: string }[] };
  };
  const search = async (q: string) =>
    (await anna.get(`/api/v1/search?q=${encodeURIComponent(q)}&type=mail`)).body.items.map(
      (hit: { id: string }) => hit.id,
    );

  it('erases the mails filed only for her and anonymises her in mails filed for others too', async () => {
    const hers = await file('Kündigung Wohnungsbauprämie', [petra], {
      attachments: [{ name: 'Kuendigung.pdf', contentType: 'application/pdf', isInline: false, contentBase64: PDF }],
    });
    const shared = await file('Gemeinsamer Termin Hafenkran', [petra, klaus]);
    expect(await search('Wohnungsbauprämie')).toContain(hers.id);
    const documentId = hers.attachments[0]?.id as string;
    expect((await anna.get(`/api/v1/documents/${documentId}`)).status).toBe(200);

    expect((await anna.delete(`/api/v1/persons/${petra}`)).status).toBe(204);
    // Only an administrator erases; a rep is refused, in German, and nothing changes.
    const refused = await juergen.delete(`/api/v1/trash/persons/${petra}`).set('Accept-Language', 'de');
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await anna.get(`/api/v1/mails/${hers.id}`)).status).toBe(200);

    expect((await anna.delete(`/api/v1/trash/persons/${petra}`)).status).toBe(204);

    expect((await anna.get(`/api/v1/mails/${hers.id}`)).status).toBe(404);
    expect((await anna.get(`/api/v1/documents/${documentId}`)).status).toBe(404);
    expect(await search('Wohnungsbauprämie')).not.toContain(hers.id);

    const kept = await anna.get(`/api/v1/mails/${shared.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.from).toEqual({ address: 'erased@anonymised.invalid', name: null });
    expect(kept.body.to).toEqual([{ address: 'klaus@kunde.example', name: 'Klaus Kundin' }]);
    expect(kept.body.bodyText).not.toContain('petra@kunde.example');
    expect(kept.body.links.map((link: { id: string }) => link.id)).toEqual([klaus]);
    expect(await search('Hafenkran')).toContain(shared.id);
    expect(await search('petra@kunde.example')).toEqual([]);
    expect(JSON.stringify((await anna.get(`/api/v1/history?type=mail&id=${shared.id}`)).body)).not.toContain(
      'petra@kunde.example',
    );
  });
});
