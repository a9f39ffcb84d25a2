// Sending mail from the CRM end to end: the mail goes out through the real Graph SDK to the emulator,
// a colleague it is addressed to receives it, it is filed at once on the deal and its person, and the
// sync of Sent Items afterwards files nothing twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../../graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { createLogger } from '../../../logger.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { MailboxConnection } from '../../graph-sync/graph-sync.entity.ts';
import { runMailboxSync } from '../../graph-sync/sync-run.ts';
import { sentItemsResource } from '../../mail-capture/messages.resource.ts';

const PETRA = 'petra.lange@lange-logistik.example';

interface GraphMessage {
  subject: string;
  internetMessageId: string;
  body: { content: string };
}

describe('sending mail from the CRM', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let rolf: AuthedAgent;
  let fritz: AuthedAgent;
  let annaUpn = '';
  let juergenUpn = '';
  let annaObjectId = '';
  let petra = '';
  let deal = '';
  let gateway: GraphGateway;

  const folder = async (upn: string, name: string): Promise<GraphMessage[]> =>
    (
      (await gateway
        .client(contoso.id)
        .api(`/users/${upn}/mailFolders/${name}/messages`)
        .top(100)
        .select(['subject', 'internetMessageId', 'body'])
        .get()) as { value: GraphMessage[] }
    ).value;
  const mailsOf = async (type: string, id: string) =>
    (await anna.get(`/api/v1/records/${type}/${id}/mails`)).body.items as { id: string; subject: string }[];
  const storedCount = async (internetMessageId: string) =>
    (await anna.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(internetMessageId)}`)).body.items.length;

  beforeAll(async () => {
    t = await createTestApp();
    gateway = new GraphGateway(t.config.entra);
    contoso = await t.createTenant('Contoso Versand GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    annaUpn = contoso.upn('Anna Schmidt');
    juergenUpn = contoso.upn('Jürgen Weiß');
    annaObjectId = contoso.seed.users[0]?.id as string;
    anna = await contoso.as(annaUpn);
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    const other = await t.createTenant('Fabrikam Versand AG', [{ displayName: 'Fritz Fabrikam' }]);
    fritz = await other.as(other.upn('Fritz Fabrikam'));

    const lange = (await anna.post('/api/v1/organizations').send({ name: 'Lange Logistik GmbH' })).body.id;
    petra = (
      await anna.post('/api/v1/persons').send({ firstName: 'Petra', lastName: 'Lange', emails: [{ address: PETRA }] })
    ).body.id;
    await anna.post('/api/v1/business-contacts').send({ personId: petra, organizationId: lange, isPrimary: true });
    const made = await anna
      .post('/api/v1/deals')
      .send({ title: 'Hafenkran', value: '250000.00', organizationId: lange, personId: petra });
    expect(made.status).toBe(201);
    deal = made.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends a mail about a deal: the colleague in cc gets it, it is filed once on the deal and its person, and stays once after the sync', async () => {
    const sent = await anna.post('/api/v1/mails/send').send({
      to: [PETRA],
      cc: [juergenUpn],
      bcc: ['ablage@lange-logistik.example'],
      subject: 'Ihr Angebot Hafenkran',
      bodyHtml: '<p>Guten Tag Frau {{person.lastName}},</p><p>anbei das Angebot.</p><script>alert(1)</script>',
      record: { type: 'deal', id: deal },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.reference).toMatch(/^\[CRM-D-\d+\]$/);
    expect(sent.body.subject).toBe(`Ihr Angebot Hafenkran ${sent.body.reference}`);
    expect(sent.body.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'deal', id: deal }),
        expect.objectContaining({ type: 'person', id: petra }),
      ]),
    );
    const { internetMessageId } = sent.body;
    // The bcc is kept, and shown to the sender only.
    expect((await anna.get(`/api/v1/mails/${sent.body.id}`)).body.bcc).toEqual([
      { address: 'ablage@lange-logistik.example', name: null },
    ]);
    expect((await rolf.get(`/api/v1/mails/${sent.body.id}`)).body.bcc).toBeUndefined();

    const inSent = (await folder(annaUpn, 'sentitems')).filter((m) => m.internetMessageId === internetMessageId);
    expect(inSent).toHaveLength(1);
    expect(inSent[0]?.subject).toBe(sent.body.subject);
    expect(inSent[0]?.body.content).toContain('Guten Tag Frau Lange,');
    expect(inSent[0]?.body.content).not.toContain('<script');
    const received = (await folder(juergenUpn, 'inbox')).filter((m) => m.internetMessageId === internetMessageId);
    expect(received).toHaveLength(1);

    const onDeal = async () => (await mailsOf('deal', deal)).filter((mail) => mail.id === sent.body.id);
    expect(await onDeal()).toHaveLength(1);
    expect((await mailsOf('person', petra)).map((mail) => mail.id)).toContain(sent.body.id);
    const stored = await anna.get(`/api/v1/mails/${sent.body.id}`);
    expect(stored.body).toMatchObject({
      from: { address: annaUpn },
      to: [{ address: PETRA }],
      cc: [{ address: juergenUpn }],
    });

    // Anna's mailbox syncs: its Sent Items hold the mail, which is filed already.
    const annaId = await contoso.userId(annaUpn);
    const connectionId = await inTenantTransaction(t.orm.em as EntityManager, contoso.id, async (em) => {
      const made = em.create(MailboxConnection, {
        tenant: contoso.id,
        userId: annaId,
        mailbox: annaObjectId,
        enabledBy: 'self',
      });
      await em.flush();
      return made.id;
    });
    const report = await runMailboxSync(t.orm.em as EntityManager, contoso.id, connectionId, {
      resources: [sentItemsResource],
      services: { config: t.config, logger: createLogger(t.config), graph: gateway },
    });
    expect(report.outcome).toBe('synced');
    // The sync found the mail in Sent Items and filed it onto the one stored already.
    const capture = await anna.get(`/api/v1/mails/${sent.body.id}/capture`);
    expect(capture.body).toMatchObject({ internetMessageId, automatic: true });
    expect(await storedCount(internetMessageId)).toBe(1);
    expect(await onDeal()).toHaveLength(1);
    expect((await mailsOf('person', petra)).filter((mail) => mail.id === sent.body.id)).toHaveLength(1);
  });

  it('sends from a template, filled from the record, keeping a reference the subject has', async () => {
    const template = await anna.post('/api/v1/mail-templates').send({
      name: 'Nachfass',
      subject: 'Nachfrage zu {{deal.title}}',
      bodyHtml: '<p>Hallo {{person.firstName}}, viele Grüße {{me.displayName}}</p>',
    });
    expect(template.status).toBe(201);
    const sent = await anna
      .post('/api/v1/mails/send')
      .send({ to: [PETRA], templateId: template.body.id, record: { type: 'deal', id: deal } });
    expect(sent.status).toBe(201);
    expect(sent.body.subject).toBe(`Nachfrage zu Hafenkran ${sent.body.reference}`);
    const mail = await anna.get(`/api/v1/mails/${sent.body.id}`);
    expect(mail.body.bodyHtml).toContain('Hallo Petra, viele Grüße Anna Schmidt');

    const again = await anna.post('/api/v1/mails/send').send({
      to: [PETRA],
      subject: `AW: ${sent.body.reference} Nachfrage`,
      bodyHtml: '<p>Nachtrag</p>',
      record: { type: 'deal', id: deal },
    });
    expect(again.body.subject).toBe(`AW: ${sent.body.reference} Nachfrage`);
  });

  it('refuses no recipients and bad addresses in the request language, sending nothing', async () => {
    const before = (await folder(annaUpn, 'sentitems')).length;
    const none = await anna
      .post('/api/v1/mails/send')
      .set('Accept-Language', 'de')
      .send({ to: [], subject: 'Leer', record: { type: 'deal', id: deal } });
    expect(none.status).toBe(422);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(none.body).toMatchObject({
      type: 'urn:crm:problem:mail_without_recipients',
      errors: [expect.objectContaining({ pointer: '#/to' })],
    });
    expect(none.body.detail).toMatch(/mindestens einen Empfänger/);
    const bad = await anna
      .post('/api/v1/mails/send')
      .set('Accept-Language', 'en')
      .send({ to: [PETRA], cc: ['petra at lange'], record: { type: 'deal', id: deal } });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      type: 'urn:crm:problem:mail_bad_address',
      errors: [expect.objectContaining({ pointer: '#/cc/0' })],
    });
    expect(bad.body.detail).toMatch(/"petra at lange" is not an e-mail address/);
    const noRecord = await anna.post('/api/v1/mails/send').send({ to: [PETRA] });
    expect(noRecord.status).toBe(400);
    expect((await folder(annaUpn, 'sentitems')).length).toBe(before);
  });

  it('sends only about records the user sees, and never about another tenant’s', async () => {
    const hidden = await rolf
      .post('/api/v1/mails/send')
      .send({ to: [PETRA], subject: 'x', record: { type: 'deal', id: deal } });
    expect(hidden.status).toBe(404);
    const foreign = await fritz
      .post('/api/v1/mails/send')
      .send({ to: [PETRA], subject: 'x', record: { type: 'person', id: petra } });
    expect(foreign.status).toBe(404);
    const template = await anna.post('/api/v1/mail-templates').send({ name: 'Privat' });
    const notMine = await rolf
      .post('/api/v1/mails/send')
      .send({ to: [PETRA], templateId: template.body.id, record: { type: 'person', id: petra } });
    expect(notMine.status).toBe(404);
  });

  it('says so when Graph refuses: no access, a refused mail, throttling; nothing is filed', async () => {
    const path = `/users/${annaObjectId}/sendMail`;
    const send = (subject: string) =>
      anna
        .post('/api/v1/mails/send')
        .set('Accept-Language', 'en')
        .send({ to: [PETRA], subject, record: { type: 'person', id: petra } });
    const filedSubjects = async () => (await mailsOf('person', petra)).map((mail) => mail.subject).join('\n');

    await t.emulator.graph.addFault({ status: 403, path, code: 'ErrorAccessDenied', message: 'Access is denied.' });
    const denied = await send('Ohne Recht');
    expect(denied.status).toBe(409);
    expect(denied.body).toMatchObject({ type: 'urn:crm:problem:mail_send_no_graph_access' });
    expect(denied.body.detail).toMatch(/Mail\.Send/);

    await t.emulator.graph.addFault({ status: 400, path, code: 'ErrorMessageSizeExceeded', message: 'Too big.' });
    const refused = await send('Abgelehnt');
    expect(refused.status).toBe(502);
    expect(refused.body.detail).toMatch(/ErrorMessageSizeExceeded/);

    await t.emulator.graph.addFault({ status: 429, path, retryAfterSeconds: 12 });
    const throttled = await send('Gedrosselt');
    expect(throttled.status).toBe(503);
    expect(throttled.headers['retry-after']).toBe('12');

    expect(await filedSubjects()).not.toMatch(/Ohne Recht|Abgelehnt|Gedrosselt/);
  });
});
