// Automatic filing end to end: mail arrives in a mailbox of the emulator, the sync reads the message
// delta through the real Graph SDK, and what the capture rules let through is on the person's record.

import type { MailInput } from '@crm/m365-emulator';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../../graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { createLogger } from '../../../logger.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { MailboxConnection } from '../../graph-sync/graph-sync.entity.ts';
import { runMailboxSync } from '../../graph-sync/sync-run.ts';
import { inboxResource, sentItemsResource } from '../messages.resource.ts';

const PDF = Buffer.from('%PDF-1.4 Angebot Hafenkran').toString('base64');
let sequence = 0;
const messageId = (name: string) => `<${name}-${++sequence}-${Date.now()}@lange-logistik.example>`;

describe('automatic mail filing through Graph', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let fabrikam: AuthedAgent;
  let annaUpn = '';
  let juergenUpn = '';
  let connectionId = '';
  let petra = '';
  let lange = '';
  let domain = '';

  const sync = () =>
    runMailboxSync(t.orm.em as EntityManager, contoso.id, connectionId, {
      resources: [inboxResource, sentItemsResource],
      services: { config: t.config, logger: createLogger(t.config), graph: new GraphGateway(t.config.entra) },
    });
  const deliver = (message: MailInput, folder = 'inbox') =>
    t.emulator.graph.deliverMail({ user: annaUpn, tenantId: contoso.id, folder, message }) as Promise<{
      id: string;
      internetMessageId: string;
    }>;
  const mailsOf = async (type: string, id: string) => {
    const res = await anna.get(`/api/v1/records/${type}/${id}/mails`);
    expect(res.status).toBe(200);
    return res.body.items as { id: string; subject: string; attachmentCount: number }[];
  };
  const filedId = async (internetMessageId: string) =>
    (await anna.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(internetMessageId)}`)).body.items[0]?.id as
      | string
      | undefined;
  const count = async (table: string) =>
    Number(
      (
        await t.orm.em
          .getConnection()
          .execute<{ n: number }[]>(`select count(*)::int as n from ${table} where tenant_id = ?`, [contoso.id])
      )[0]?.n,
    );

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Posteingang GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
    ]);
    annaUpn = contoso.upn('Anna Schmidt');
    juergenUpn = contoso.upn('Jürgen Weiß');
    domain = annaUpn.split('@')[1] as string;
    anna = await contoso.as(annaUpn);
    juergen = await contoso.as(juergenUpn);
    const other = await t.createTenant('Fabrikam Posteingang AG', [{ displayName: 'Fritz Fabrikam' }]);
    fabrikam = await other.as(other.upn('Fritz Fabrikam'));
    await juergen.get('/api/v1/me');

    lange = (await anna.post('/api/v1/organizations').send({ name: 'Lange Logistik GmbH' })).body.id;
    petra = (
      await anna
        .post('/api/v1/persons')
        .send({ firstName: 'Petra', lastName: 'Lange', emails: [{ address: 'petra.lange@lange-logistik.example' }] })
    ).body.id;
    expect(
      (
        await anna
          .post('/api/v1/business-contacts')
          .send({ personId: petra, organizationId: lange, position: 'Einkauf', isPrimary: true })
      ).status,
    ).toBe(201);
    const annaId = await contoso.userId(annaUpn);
    const mailbox = contoso.seed.users[0]?.id as string;
    connectionId = await inTenantTransaction(t.orm.em as EntityManager, contoso.id, async (em) => {
      const made = em.create(MailboxConnection, { tenant: contoso.id, userId: annaId, mailbox, enabledBy: 'self' });
      await em.flush();
      return made.id;
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('files received and sent mail with a known address on the person and her organization, with attachments', async () => {
    const offer = await deliver({
      subject: 'Angebot Hafenkran',
      body: { contentType: 'html', content: '<p>Guten Tag Frau Schmidt,</p><p>anbei das Angebot.</p>' },
      from: { address: 'Petra.Lange@lange-logistik.example', name: 'Petra Lange' },
      toRecipients: [{ address: annaUpn, name: 'Anna Schmidt' }],
      internetMessageId: messageId('angebot'),
      attachments: [{ name: 'Angebot.pdf', contentType: 'application/pdf', contentBytes: PDF }],
    });
    const answer = await deliver(
      {
        subject: 'AW: Angebot Hafenkran',
        body: { contentType: 'text', content: 'Danke, wir melden uns.' },
        from: { address: annaUpn, name: 'Anna Schmidt' },
        toRecipients: [{ address: 'petra.lange@lange-logistik.example' }],
        internetMessageId: messageId('antwort'),
      },
      'sentitems',
    );

    const report = await sync();
    expect(report.outcome).toBe('synced');

    const onPetra = await mailsOf('person', petra);
    expect(onPetra.map((mail) => mail.subject).sort()).toEqual(['AW: Angebot Hafenkran', 'Angebot Hafenkran']);
    expect(onPetra.find((mail) => mail.subject === 'Angebot Hafenkran')?.attachmentCount).toBe(1);
    expect((await mailsOf('organization', lange)).map((mail) => mail.subject).sort()).toEqual([
      'AW: Angebot Hafenkran',
      'Angebot Hafenkran',
    ]);
    const id = (await filedId(offer.internetMessageId)) as string;
    const mail = await anna.get(`/api/v1/mails/${id}`);
    expect(mail.body).toMatchObject({
      subject: 'Angebot Hafenkran',
      from: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' },
      attachments: [expect.objectContaining({ name: 'Angebot.pdf' })],
      bodyText: expect.stringContaining('anbei das Angebot'),
    });

    const capture = await anna.get(`/api/v1/mails/${id}/capture`);
    expect(capture.status).toBe(200);
    expect(capture.body).toMatchObject({
      mailId: id,
      internetMessageId: offer.internetMessageId,
      filed: true,
      automatic: true,
      unfiled: false,
      entries: [
        {
          action: 'filed',
          rule: 'known_address',
          matched: ['petra.lange@lange-logistik.example'],
          folder: 'inbox',
          userName: 'Anna Schmidt',
        },
      ],
    });
    // Found by search as a mail filed by hand is: subject, sender, body.
    for (const q of ['Hafenkran', 'petra.lange@lange-logistik.example', 'anbei']) {
      const hits = (await anna.get(`/api/v1/search?q=${encodeURIComponent(q)}&type=mail`)).body.items;
      expect({ q, ids: hits.map((hit: { id: string }) => hit.id) }).toEqual({ q, ids: expect.arrayContaining([id]) });
    }
    // Each record says in its history that the mail came.
    const history = await anna.get(`/api/v1/history?type=person&id=${petra}`);
    expect(JSON.stringify(history.body)).toContain('AW: Angebot Hafenkran');
    const sentId = (await filedId(answer.internetMessageId)) as string;
    expect((await anna.get(`/api/v1/mails/${sentId}/capture`)).body.entries[0]).toMatchObject({ folder: 'sentitems' });
    // Sync health covers mail: inbox and sent items read to their end, nothing left, no error.
    const health = (await anna.get('/api/v1/me/sync')).body.mailboxes[0].health;
    expect(health.mail).toEqual({ lastSuccessAt: expect.any(String), backlog: 0, lastError: null });
    expect(health.contacts).toEqual({ lastSuccessAt: null, backlog: 0, lastError: null });
  });

  it('files nothing internal, excluded, private or from strangers, and nothing twice on the next run', async () => {
    const admin = await anna.put('/api/v1/capture-rules').send({
      enabled: true,
      internalDomains: null,
      excludedAddresses: ['betriebsrat@lange-logistik.example'],
      excludedDomains: [],
      folders: ['inbox', 'sentitems'],
      lookbackDays: 30,
    });
    expect(admin.status).toBe(200);
    // The tenant's verified domain, learnt from Graph, is internal by default.
    expect(admin.body.effectiveInternalDomains).toContain(domain);

    const mails = await count('mail');
    const documents = await count('document');
    const kept = [
      await deliver({
        subject: 'Intern: Kantine',
        from: { address: juergenUpn },
        toRecipients: [{ address: annaUpn }],
        internetMessageId: messageId('intern'),
      }),
      await deliver({
        subject: 'Betriebsrat',
        from: { address: 'petra.lange@lange-logistik.example' },
        ccRecipients: [{ address: 'betriebsrat@lange-logistik.example' }],
        internetMessageId: messageId('betriebsrat'),
      }),
      await deliver({
        subject: 'Privat',
        from: { address: 'petra.lange@lange-logistik.example' },
        sensitivity: 'private',
        internetMessageId: messageId('privat'),
        attachments: [{ name: 'Urlaub.pdf', contentType: 'application/pdf', contentBytes: PDF }],
      }),
      await deliver({
        subject: 'Vertraulich',
        from: { address: 'petra.lange@lange-logistik.example' },
        sensitivity: 'confidential',
        internetMessageId: messageId('vertraulich'),
      }),
      await deliver({
        subject: 'Newsletter',
        from: { address: 'news@fremd.example' },
        internetMessageId: messageId('newsletter'),
      }),
    ];
    const usage = await t.emulator.graph.usage({ user: annaUpn, tenantId: contoso.id });
    await sync();
    for (const message of kept) expect(await filedId(message.internetMessageId)).toBeUndefined();
    expect(await count('mail')).toBe(mails);
    expect(await count('document')).toBe(documents);
    // Kept-out mail is never fetched: its attachments were not asked for (delta pages and the organization only).
    expect((await t.emulator.graph.usage({ user: annaUpn, tenantId: contoso.id })) - usage).toBeLessThanOrEqual(2);

    // A second run, and a full one after Graph dropped the delta tokens, file nothing twice.
    const audits = await count('mail_capture_audit');
    await sync();
    await t.emulator.graph.expireDeltaTokens();
    await sync();
    expect(await count('mail')).toBe(mails);
    expect(await count('mail_capture_audit')).toBe(audits);
    expect(await mailsOf('person', petra)).toHaveLength(2);
  });

  it('keeps a mail the add-in filed and the sync filed as one mail', async () => {
    const internetMessageId = messageId('beide');
    const byHand = await anna.post('/api/v1/mails').send({
      internetMessageId,
      subject: 'Lieferung KW 50',
      from: { address: 'petra.lange@lange-logistik.example' },
      to: [{ address: annaUpn }],
      bodyText: 'Die Lieferung kommt Dienstag.',
      links: [{ type: 'organization', id: lange }],
    });
    expect(byHand.status).toBe(201);
    await deliver({
      subject: 'Lieferung KW 50',
      from: { address: 'petra.lange@lange-logistik.example' },
      toRecipients: [{ address: annaUpn }],
      internetMessageId,
    });
    await sync();
    const filings = await anna.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(internetMessageId)}`);
    expect(filings.body.items).toHaveLength(1);
    expect(filings.body.items[0].id).toBe(byHand.body.id);
    expect(filings.body.items[0].links.map((link: { type: string }) => link.type).sort()).toEqual([
      'organization',
      'person',
    ]);
    expect((await anna.get(`/api/v1/mails/${byHand.body.id}/capture`)).body).toMatchObject({ automatic: true });
  });

  it('un-files a mail for good: off the records, audited, not filed again by the sync', async () => {
    const message = await deliver({
      subject: 'Reklamation',
      from: { address: 'petra.lange@lange-logistik.example' },
      internetMessageId: messageId('reklamation'),
    });
    await sync();
    const id = (await filedId(message.internetMessageId)) as string;
    expect(id).toBeDefined();

    // Jürgen neither filed it nor manages: refused, in his language.
    const refused = await juergen.delete(`/api/v1/mails/${id}/capture`).set('Accept-Language', 'de');
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    // Another organisation knows no such mail.
    expect((await fabrikam.get(`/api/v1/mails/${id}/capture`)).status).toBe(404);
    expect((await fabrikam.delete(`/api/v1/mails/${id}/capture`)).status).toBe(404);
    expect((await anna.get('/api/v1/mails/not-an-id/capture')).status).toBe(400);

    const unfiled = await anna.delete(`/api/v1/mails/${id}/capture`);
    expect(unfiled.status).toBe(200);
    expect(unfiled.body).toMatchObject({
      filed: false,
      unfiled: true,
      entries: [{ action: 'filed' }, { action: 'unfiled', userName: 'Anna Schmidt', rule: null }],
    });
    expect((await mailsOf('person', petra)).map((mail) => mail.id)).not.toContain(id);
    // Again: nothing more to do, the audit keeps one un-filing.
    expect((await anna.delete(`/api/v1/mails/${id}/capture`)).body.entries).toHaveLength(2);

    await t.emulator.graph.expireDeltaTokens();
    await sync();
    expect(await filedId(message.internetMessageId)).toBeUndefined();
    expect((await anna.get(`/api/v1/mails/${id}/capture`)).body.entries).toHaveLength(2);
  });

  it('files nothing of a user who opted out, nor from folders the organisation left out', async () => {
    const optOut = await anna.put('/api/v1/me/capture-rules').send({ optOut: true, excludedAddresses: [] });
    expect(optOut.status).toBe(200);
    const message = await deliver({
      subject: 'Nach dem Opt-out',
      from: { address: 'petra.lange@lange-logistik.example' },
      internetMessageId: messageId('optout'),
    });
    await sync();
    expect(await filedId(message.internetMessageId)).toBeUndefined();

    const mine = await anna.get('/api/v1/me/capture-rules');
    await anna
      .put('/api/v1/me/capture-rules')
      .set('If-Match', mine.headers.etag as string)
      .send({ optOut: false, excludedAddresses: [] });
    const rules = await anna.get('/api/v1/capture-rules');
    await anna
      .put('/api/v1/capture-rules')
      .set('If-Match', rules.headers.etag as string)
      .send({
        enabled: true,
        internalDomains: rules.body.internalDomains,
        excludedAddresses: rules.body.excludedAddresses,
        excludedDomains: rules.body.excludedDomains,
        folders: ['inbox'],
        lookbackDays: rules.body.lookbackDays,
      });
    const sent = await deliver(
      {
        subject: 'Gesendet, nicht abgelegt',
        from: { address: annaUpn },
        toRecipients: [{ address: 'petra.lange@lange-logistik.example' }],
        internetMessageId: messageId('gesendet'),
      },
      'sentitems',
    );
    await sync();
    expect(await filedId(sent.internetMessageId)).toBeUndefined();
    // Back in: mail of the opt-out time stays unfiled, mail from now on is filed.
    expect(await filedId(message.internetMessageId)).toBeUndefined();
    const later = await deliver({
      subject: 'Wieder dabei',
      from: { address: 'petra.lange@lange-logistik.example' },
      internetMessageId: messageId('wieder'),
    });
    await sync();
    expect(await filedId(later.internetMessageId)).toBeDefined();
  });
});
