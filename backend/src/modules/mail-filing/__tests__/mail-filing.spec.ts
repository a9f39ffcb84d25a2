// Filing by reference (Y7) through the real Graph SDK against the emulator: the pane names the
// message, the server answers at once with a pending filing and a job fetches the mail and its
// attachments and files it; 429s on the way, a repeated request and an upload of the same mail at the
// same moment each end in exactly one filed mail, and nobody but the requester sees the filing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { db } from '../../../records/sql.ts';
import { eventually } from '../../../testing/eventually.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { GraphRequestBudget } from '../../graph-sync/graph-sync.entity.ts';
import { REQUEST_BUDGET } from '../../graph-sync/sync-run.ts';
import { MailFilingRequest } from '../mail-filing.entity.ts';
import { filingTuning } from '../mail-filing.service.ts';

const PDF = Buffer.from('%PDF-1.4 Angebot Lange Logistik').toString('base64');
const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 50)));

describe('filing a mail by reference', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let anna: AuthedAgent;
  let ben: AuthedAgent;
  let annaUpn = '';
  let petraId = '';
  let serial = 0;

  beforeAll(async () => {
    filingTuning.current = { sleep: fastSleep };
    t = await createTestApp({ env: { JOBS_POLL_SECONDS: '0.5' }, jobs: { work: true } });
    tenant = await t.createTenant('Contoso Ablage GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Ben Wolf' },
    ]);
    annaUpn = tenant.upn('Anna Schmidt');
    anna = await tenant.as(annaUpn);
    ben = await tenant.as(tenant.upn('Ben Wolf'));
    const petra = await anna
      .post('/api/v1/persons')
      .send({ firstName: 'Petra', lastName: 'Lange', emails: [{ address: 'petra.lange@lange-logistik.example' }] });
    expect(petra.status).toBe(201);
    petraId = petra.body.id;
  });
  afterAll(async () => {
    filingTuning.current = {};
    await t?.emulator.graph.clearFaults();
    await t?.close();
  });

  async function deliver(subject: string) {
    serial += 1;
    return (await t.emulator.graph.deliverMail({
      user: annaUpn,
      tenantId: tenant.id,
      folder: 'inbox',
      message: {
        subject,
        from: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' },
        toRecipients: [{ address: annaUpn }],
        body: { contentType: 'html', content: `<p>${subject}</p>` },
        internetMessageId: `<ablage-${serial}-${Date.now()}@lange-logistik.example>`,
        attachments: [{ name: `Angebot-${serial}.pdf`, contentType: 'application/pdf', contentBytes: PDF }],
      },
    })) as { immutableId: string; internetMessageId: string };
  }

  const fileByReference = (messageId: string, key: string, agent = anna) =>
    agent.post('/api/v1/mail-filings').send({
      messageId,
      mailbox: annaUpn,
      links: [{ type: 'person', id: petraId }],
      idempotencyKey: key,
    });

  const settled = (id: string, agent = anna) =>
    eventually(
      () => agent.get(`/api/v1/mail-filings/${id}`),
      (answer) => answer.status === 200 && answer.body.state !== 'pending',
      { timeoutMs: 60_000, what: `filing ${id} settled` },
    );

  const mailsWith = (internetMessageId: string) =>
    inTenantTransaction(t.orm.em as EntityManager, tenant.id, (em) =>
      db(em).selectFrom('mail').select('id').where('internet_message_id', '=', internetMessageId).execute(),
    );

  it('answers at once with a pending filing that ends filed after Graph answered 429 a few times', async () => {
    const message = await deliver('Angebot Kühlcontainer');
    await t.emulator.graph.addFault({ status: 429, path: '/messages/', times: 4, retryAfterSeconds: 1 });
    const taken = await fileByReference(message.immutableId, 'pane-click-0001');
    expect(taken.status).toBe(202);
    expect(taken.body.state).toBe('pending');
    expect(taken.headers.location).toBe(`/api/v1/mail-filings/${taken.body.id}`);
    const done = await settled(taken.body.id);
    expect(done.body).toMatchObject({ state: 'filed', problem: null });
    const mail = await anna.get(`/api/v1/mails/${done.body.mailId}`);
    expect(mail.status).toBe(200);
    expect(mail.body.subject).toBe('Angebot Kühlcontainer');
    expect(mail.body.attachments.map((a: { name: string }) => a.name)).toEqual([`Angebot-${serial}.pdf`]);
    expect(mail.body.links.map((l: { id: string }) => l.id)).toContain(petraId);
    expect(await mailsWith(message.internetMessageId)).toHaveLength(1);
  });

  it('treats a repeated request with the same key as the same filing, filed once', async () => {
    const message = await deliver('Lieferschein 4711');
    const [first, second] = await Promise.all([
      fileByReference(message.immutableId, 'pane-click-0002'),
      fileByReference(message.immutableId, 'pane-click-0002'),
    ]);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    const done = await settled(first.body.id);
    expect(done.body.state).toBe('filed');
    const again = await fileByReference(message.immutableId, 'pane-click-0002');
    expect(again.body).toMatchObject({ id: first.body.id, state: 'filed', mailId: done.body.mailId });
    expect(await mailsWith(message.internetMessageId)).toHaveLength(1);
    // The same key for another mail is refused, in the user's language.
    const other = await deliver('Rechnung 99');
    const reused = await fileByReference(other.immutableId, 'pane-click-0002');
    expect(reused.status).toBe(409);
    expect(reused.body.type).toBe('urn:crm:problem:mail_filing_key_reused');
  });

  it('ends an upload and a filing by reference of the same mail at the same moment as one mail', async () => {
    const message = await deliver('Rahmenvertrag 2027');
    const [upload, byReference] = await Promise.all([
      anna.post('/api/v1/mails').send({
        internetMessageId: message.internetMessageId,
        subject: 'Rahmenvertrag 2027',
        from: { address: 'petra.lange@lange-logistik.example' },
        to: [{ address: annaUpn }],
        bodyText: 'Rahmenvertrag 2027',
        attachments: [],
        links: [{ type: 'person', id: petraId }],
      }),
      fileByReference(message.immutableId, 'pane-click-0003'),
    ]);
    expect([200, 201]).toContain(upload.status);
    expect(byReference.status).toBe(202);
    const done = await settled(byReference.body.id);
    expect(done.body).toMatchObject({ state: 'filed', mailId: upload.body.id });
    expect(await mailsWith(message.internetMessageId)).toHaveLength(1);
  });

  it('shows a filing only to its requester: another user or organisation gets 404', async () => {
    const message = await deliver('Vertraulich');
    const taken = await fileByReference(message.immutableId, 'pane-click-0004');
    expect(taken.status).toBe(202);
    expect((await ben.get(`/api/v1/mail-filings/${taken.body.id}`)).status).toBe(404);
    // A pane opened again on the mail finds its own filing of it; a colleague's pane finds none.
    const mine = await anna.get('/api/v1/mail-filings').query({ messageId: message.immutableId });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((filing: { id: string }) => filing.id)).toEqual([taken.body.id]);
    const theirs = await ben.get('/api/v1/mail-filings').query({ messageId: message.immutableId });
    expect(theirs.body).toEqual({ items: [] });
    const unnamed = await anna.get('/api/v1/mail-filings').set('Accept-Language', 'de');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.type).toBe('urn:crm:problem:validation_failed');
    const other = await t.createTenant('Fabrikam Ablage AG', [{ displayName: 'Carla Neu' }]);
    const carla = await other.as(other.upn('Carla Neu'));
    const crossing = await carla.get(`/api/v1/mail-filings/${taken.body.id}`).set('Accept-Language', 'de');
    expect(crossing.status).toBe(404);
    expect(crossing.body.detail).toContain('keine Ablage');
    await settled(taken.body.id);
  });

  it('says Graph cannot reach a mailbox that is not the requester’s, so the pane uploads instead', async () => {
    const message = await deliver('Fremdes Postfach');
    const refused = await fileByReference(message.immutableId, 'pane-click-0005', ben);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:crm:problem:mail_filing_graph_unreachable');
    expect(refused.body.detail).toContain('Upload the mail from the add-in');
  });

  it('fails a filing whose mail is gone with a problem the pane can show', async () => {
    const message = await deliver('Gelöscht');
    await t.emulator.graph.deleteMessage({ user: annaUpn, tenantId: tenant.id, id: message.immutableId });
    const taken = await fileByReference(message.immutableId, 'pane-click-0006');
    const done = await settled(taken.body.id);
    expect(done.body.state).toBe('failed');
    expect(done.body.problem.code).toBe('mail_filing_message_gone');
    expect(await mailsWith(message.internetMessageId)).toHaveLength(0);
  });

  it("counts its Graph requests in the budget it shares with the mailbox's sync, and waits while that is used up", async () => {
    const connected = await anna.put('/api/v1/me/sync').send({ enabled: true });
    expect(connected.status).toBe(200);
    const connection = connected.body.mailboxes[0].id as string;
    await eventually(
      () => anna.get('/api/v1/me/sync'),
      (answer) => answer.body.mailboxes[0].status === 'ok',
      { timeoutMs: 60_000, what: 'the first sync of the mailbox' },
    );
    const inTenant = <T>(work: (em: EntityManager) => Promise<T>) =>
      inTenantTransaction(t.orm.em as EntityManager, tenant.id, work);
    const used = () => inTenant(async (em) => (await em.findOneOrFail(GraphRequestBudget, { connection })).used);

    const before = await used();
    const booked = await deliver('Angebot Wechselbrücken');
    const done = await settled((await fileByReference(booked.immutableId, 'pane-click-0007')).body.id);
    expect(done.body.state).toBe('filed');
    // The message and its attachments: at least two requests, booked where the sync books its own.
    expect(await used()).toBeGreaterThanOrEqual(before + 2);

    await inTenant(async (em) => {
      (await em.findOneOrFail(GraphRequestBudget, { connection })).used = REQUEST_BUDGET;
      await em.flush();
    });
    const waiting = await deliver('Angebot Kühlkette');
    const taken = await fileByReference(waiting.immutableId, 'pane-click-0008');
    expect(taken.status).toBe(202);
    const tried = await eventually(
      () => inTenant((em) => em.findOneOrFail(MailFilingRequest, { id: taken.body.id }, { refresh: true })),
      (filing) => filing.attempts >= 1,
      { timeoutMs: 60_000, what: 'the filing tried once' },
    );
    // Nothing was asked of Graph beyond the budget: the filing waits for the next window, still pending.
    expect(tried.state).toBe('pending');
    expect(await used()).toBe(REQUEST_BUDGET);
    expect((await anna.get(`/api/v1/mail-filings/${taken.body.id}`)).body).toMatchObject({ state: 'pending' });
  });
});
