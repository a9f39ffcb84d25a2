// Shared mailboxes filed end to end (Y3): an admin names a team mailbox, the sync reads its inbox and
// sent items through the real Graph SDK with the app's own access, as the emulator's application
// access policy allows it, and what the tenant's capture rules let through is filed once.
import type { MailInput } from '@crm/m365-emulator';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../../graph/graph-gateway.ts';
import { inTenantTransaction, TENANT_FILTER } from '../../../http/tenancy.ts';
import { createLogger } from '../../../logger.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { MailboxConnection, SyncCursor } from '../../graph-sync/graph-sync.entity.ts';
import { runConnection } from '../../graph-sync/graph-sync.jobs.ts';
import { DENIED_RETRY_MS, queueDueRuns } from '../../graph-sync/graph-sync.service.ts';
import { runMailboxSync } from '../../graph-sync/sync-run.ts';
import { inboxResource, sentItemsResource } from '../messages.resource.ts';

let sequence = 0;
const messageId = (name: string) => `<${name}-${++sequence}-${Date.now()}@lange-logistik.example>`;

interface SharedMailboxItem {
  id: string;
  address: string;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  backlog: number;
  lastError: { code: string; title: string; detail: string } | null;
}

describe('shared mailboxes filed through Graph', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let fabrikam: AuthedAgent;
  let annaUpn = '';
  let vertriebUpn = '';
  let serviceUpn = '';
  let annaConnection = '';
  let petra = '';

  const inContoso = <T>(work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, contoso.id, work);
  const contosoEm = () => {
    const em = t.orm.em.fork() as EntityManager;
    em.setFilterParams(TENANT_FILTER, { tenantId: contoso.id });
    return em;
  };
  const deliver = (user: string, message: MailInput, folder = 'inbox') =>
    t.emulator.graph.deliverMail({ user, tenantId: contoso.id, folder, message }) as Promise<{
      internetMessageId: string;
    }>;
  const name = async (address: string) => {
    const res = await anna.post('/api/v1/shared-mailboxes').send({ address });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const connectionOf = (sharedMailboxId: string) =>
    inContoso((em) => em.findOneOrFail(MailboxConnection, { sharedMailboxId }));
  const syncShared = async (sharedMailboxId: string) =>
    runConnection(contosoEm(), (await connectionOf(sharedMailboxId)).id);
  const sharedMailbox = async (address: string, language = 'en') => {
    const res = await anna.get('/api/v1/shared-mailboxes').set('Accept-Language', language);
    expect(res.status).toBe(200);
    return (res.body.items as SharedMailboxItem[]).find((item) => item.address === address) as SharedMailboxItem;
  };
  const filed = async (internetMessageId: string) =>
    (await anna.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(internetMessageId)}`)).body.items as {
      id: string;
    }[];
  const subjectsOnPetra = async () => {
    const res = await anna.get(`/api/v1/records/person/${petra}/mails`);
    expect(res.status).toBe(200);
    return (res.body.items as { subject: string }[]).map((mail) => mail.subject).sort();
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Teampostfach GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Vertrieb' },
      { displayName: 'Kundenservice' },
    ]);
    annaUpn = contoso.upn('Anna Schmidt');
    vertriebUpn = contoso.upn('Vertrieb').toLowerCase();
    serviceUpn = contoso.upn('Kundenservice').toLowerCase();
    anna = await contoso.as(annaUpn);
    const other = await t.createTenant('Fabrikam Teampostfach AG', [{ displayName: 'Fritz Fabrikam' }]);
    fabrikam = await other.as(other.upn('Fritz Fabrikam'));

    petra = (
      await anna
        .post('/api/v1/persons')
        .send({ firstName: 'Petra', lastName: 'Lange', emails: [{ address: 'petra.lange@lange-logistik.example' }] })
    ).body.id;
    const annaId = await contoso.userId(annaUpn);
    annaConnection = await inContoso(async (em) => {
      const made = em.create(MailboxConnection, {
        tenant: contoso.id,
        userId: annaId,
        mailbox: contoso.seed.users[0]?.id as string,
        enabledBy: 'self',
      });
      await em.flush();
      return made.id;
    });
    // Exchange lets the app reach Anna's mailbox and the sales team's, not customer service's.
    await t.emulator.graph.setAccessPolicy({ tenantId: contoso.id, mailboxes: [annaUpn, vertriebUpn] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("files a shared mailbox's received and sent mail once, and the audit says from which mailbox", async () => {
    const vertrieb = await name(vertriebUpn);
    // Petra writes to the team and Anna in copy: both mailboxes hold the same mail.
    const request = {
      subject: 'Anfrage Hafenkran',
      body: { contentType: 'text', content: 'Bitte um ein Angebot.' },
      from: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' },
      toRecipients: [{ address: vertriebUpn }],
      ccRecipients: [{ address: annaUpn }],
      internetMessageId: messageId('anfrage'),
    } satisfies MailInput;
    await deliver(vertriebUpn, request);
    await deliver(annaUpn, request);
    const answer = await deliver(
      vertriebUpn,
      {
        subject: 'AW: Anfrage Hafenkran',
        body: { contentType: 'text', content: 'Gern, anbei folgt das Angebot.' },
        from: { address: vertriebUpn, name: 'Vertrieb' },
        toRecipients: [{ address: 'petra.lange@lange-logistik.example' }],
        internetMessageId: messageId('antwort'),
      },
      'sentitems',
    );

    await syncShared(vertrieb);
    // Anna's mailbox files its mail as every user's does (only the mail resources: this test is about mail).
    await runMailboxSync(t.orm.em as EntityManager, contoso.id, annaConnection, {
      resources: [inboxResource, sentItemsResource],
      services: { config: t.config, logger: createLogger(t.config), graph: new GraphGateway(t.config.entra) },
    });

    expect(await subjectsOnPetra()).toEqual(['AW: Anfrage Hafenkran', 'Anfrage Hafenkran']);
    const copies = await filed(request.internetMessageId);
    expect(copies).toHaveLength(1);
    const capture = await anna.get(`/api/v1/mails/${copies[0]?.id}/capture`);
    expect(capture.status).toBe(200);
    expect(capture.body.entries).toEqual([
      expect.objectContaining({
        action: 'filed',
        folder: 'inbox',
        mailbox: { kind: 'shared', address: vertriebUpn },
        userName: 'Anna Schmidt',
      }),
      expect.objectContaining({
        action: 'filed',
        folder: 'inbox',
        mailbox: { kind: 'user', address: annaUpn.toLowerCase() },
      }),
    ]);
    const sent = (await filed(answer.internetMessageId))[0]?.id;
    expect((await anna.get(`/api/v1/mails/${sent}/capture`)).body.entries).toEqual([
      expect.objectContaining({ folder: 'sentitems', mailbox: { kind: 'shared', address: vertriebUpn } }),
    ]);

    // Its health: filed to the end, nothing left, no error; only its mail is read, not contacts or calendar.
    expect(await sharedMailbox(vertriebUpn)).toMatchObject({
      lastSuccessAt: expect.any(String),
      backlog: 0,
      lastError: null,
    });
    const vertriebConnection = (await connectionOf(vertrieb)).id;
    const cursors = await inContoso(async (em) =>
      (await em.find(SyncCursor, { connection: vertriebConnection })).map((row) => row.resource).sort(),
    );
    expect(cursors).toEqual(['mail-inbox', 'mail-sentitems']);
    // Shared mailboxes are not among the users' mailboxes.
    const admin = await anna.get('/api/v1/admin/sync');
    expect(admin.status).toBe(200);
    expect(admin.body.mailboxes.map((mailbox: { userName: string }) => mailbox.userName)).toEqual(['Anna Schmidt']);

    // Another organisation does not see the filing.
    expect((await fabrikam.get(`/api/v1/mails/${copies[0]?.id}/capture`)).status).toBe(404);
  }, 120_000);

  it('tells in plain German and English that Microsoft 365 refuses a mailbox outside the access policy, without trying again in a loop', async () => {
    const service = await name(serviceUpn);
    const request = {
      subject: 'Reklamation Hafenkran',
      from: { address: 'petra.lange@lange-logistik.example' },
      toRecipients: [{ address: serviceUpn }],
      internetMessageId: messageId('reklamation'),
    } satisfies MailInput;
    await deliver(serviceUpn, request);

    await syncShared(service);

    expect(await filed(request.internetMessageId)).toEqual([]);
    const en = await sharedMailbox(serviceUpn, 'en');
    expect(en).toMatchObject({ lastSuccessAt: null, lastError: { code: 'graph_mailbox_denied' } });
    expect(en.lastError?.detail).toContain('application access policy');
    const de = await sharedMailbox(serviceUpn, 'de');
    expect(de.lastError?.detail).toContain('Anwendungszugriffsrichtlinie');

    // Neither the poll nor another run asks Graph again right away.
    expect(await inContoso((em) => queueDueRuns(em, 300))).toBe(0);
    await syncShared(service);
    expect((await sharedMailbox(serviceUpn)).lastAttemptAt).toBe(en.lastAttemptAt);

    // The Exchange admin adds it to the policy; the poll's next try (an hour on) files its mail.
    await t.emulator.graph.setAccessPolicy({ tenantId: contoso.id, mailboxes: [annaUpn, vertriebUpn, serviceUpn] });
    await inContoso(async (em) => {
      const connection = await em.findOneOrFail(MailboxConnection, { sharedMailboxId: service });
      // An hour passes.
      connection.pausedAt = new Date(Date.now() - DENIED_RETRY_MS - 1000);
      connection.lastAttemptAt = connection.pausedAt;
      await em.flush();
    });
    expect(await inContoso((em) => queueDueRuns(em, 300))).toBe(1);
    await syncShared(service);

    expect(await filed(request.internetMessageId)).toHaveLength(1);
    expect(await sharedMailbox(serviceUpn)).toMatchObject({ lastSuccessAt: expect.any(String), lastError: null });
  }, 120_000);
});
