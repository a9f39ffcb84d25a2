// Automatic filing to open deals by the tenant's rule (linkOpenDeals): mail arrives in a rep's mailbox
// of the emulator, the sync reads it through the real Graph SDK, and it lands on the person's open deal
// when that is her only one (the default), on all of them, or on none; never on a deal the rep may not see.

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

let sequence = 0;
const messageId = (name: string) => `<${name}-${++sequence}-${Date.now()}@kunde.example>`;

describe('automatic mail filing to open deals', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let rita: AuthedAgent;
  let rolf: AuthedAgent;
  let ritaUpn = '';
  let connectionId = '';
  const deals: Record<string, string> = {};

  const sync = () =>
    runMailboxSync(t.orm.em as EntityManager, contoso.id, connectionId, {
      resources: [inboxResource, sentItemsResource],
      services: { config: t.config, logger: createLogger(t.config), graph: new GraphGateway(t.config.entra) },
    });
  const deliver = (message: MailInput) =>
    t.emulator.graph.deliverMail({ user: ritaUpn, tenantId: contoso.id, folder: 'inbox', message }) as Promise<{
      internetMessageId: string;
    }>;
  /** Files a mail from this address through the sync; answers its id. */
  const mailFrom = async (address: string, subject: string) => {
    const { internetMessageId } = await deliver({ subject, from: { address }, internetMessageId: messageId(subject) });
    expect((await sync()).outcome).toBe('synced');
    const found = await rita.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(internetMessageId)}`);
    expect(found.body.items).toHaveLength(1);
    return found.body.items[0].id as string;
  };
  const dealsOf = async (mailId: string) =>
    ((await rita.get(`/api/v1/mails/${mailId}`)).body.links as { type: string; id: string }[])
      .filter((link) => link.type === 'deal')
      .map((link) => link.id)
      .sort();
  const setRule = async (linkOpenDeals: string) => {
    const current = await anna.get('/api/v1/capture-rules');
    const { enabled, internalDomains, excludedAddresses, excludedDomains, folders, lookbackDays } = current.body;
    return anna
      .put('/api/v1/capture-rules')
      .set('If-Match', current.headers.etag ?? '"0"')
      .send({ enabled, internalDomains, excludedAddresses, excludedDomains, folders, lookbackDays, linkOpenDeals });
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Abschluss GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    ritaUpn = contoso.upn('Rita Rep');
    rita = await contoso.as(ritaUpn);
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    const person = async (firstName: string, address: string) =>
      (await anna.post('/api/v1/persons').send({ firstName, lastName: 'Kunde', emails: [{ address }] })).body
        .id as string;
    const petra = await person('Petra', 'petra@kunde.example');
    const klaus = await person('Klaus', 'klaus@kunde.example');
    const olga = await person('Olga', 'olga@kunde.example');
    const deal = async (agent: AuthedAgent, title: string, personId: string) => {
      const res = await agent.post('/api/v1/deals').send({ title, personId });
      expect(res.status).toBe(201);
      deals[title] = res.body.id;
    };
    await deal(rita, 'Hafenkran', petra);
    await deal(rita, 'Altauftrag', petra);
    await deal(rita, 'Stapler', klaus);
    await deal(rita, 'Regal', klaus);
    await deal(rolf, 'Rolfs Geheimsache', olga);
    const pipeline = (await rita.get('/api/v1/pipelines?kind=deal')).body.items[0];
    const won = pipeline.stages.find((stage: { name: string }) => stage.name === 'Gewonnen').id;
    const closed = await rita.patch(`/api/v1/deals/${deals.Altauftrag}`).set('If-Match', '"1"').send({ stageId: won });
    expect(closed.body.status).toBe('won');

    const ritaId = await contoso.userId(ritaUpn);
    const mailbox = contoso.seed.users[1]?.id as string;
    connectionId = await inTenantTransaction(t.orm.em as EntityManager, contoso.id, async (em) => {
      const made = em.create(MailboxConnection, { tenant: contoso.id, userId: ritaId, mailbox, enabledBy: 'self' });
      await em.flush();
      return made.id;
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("files to a person's only open deal by default, and the audit names the rule", async () => {
    expect((await anna.get('/api/v1/capture-rules')).body.linkOpenDeals).toBe('single');

    const id = await mailFrom('petra@kunde.example', 'Hafenkran Termin');
    // The won deal does not count: the Hafenkran is her only open deal.
    expect(await dealsOf(id)).toEqual([deals.Hafenkran]);
    const onDeal = await rita.get(`/api/v1/records/deal/${deals.Hafenkran}/mails`);
    expect(onDeal.body.items.map((mail: { id: string }) => mail.id)).toEqual([id]);
    expect((await rita.get(`/api/v1/mails/${id}/capture`)).body.entries).toEqual([
      expect.objectContaining({ action: 'filed', rule: 'known_address', dealRule: 'single', deals: [deals.Hafenkran] }),
    ]);
  });

  it('files to no deal of a person with several open deals, nor to a deal the mailbox owner may not see', async () => {
    const klaus = await mailFrom('klaus@kunde.example', 'Stapler oder Regal');
    expect(await dealsOf(klaus)).toEqual([]);
    expect((await rita.get(`/api/v1/mails/${klaus}/capture`)).body.entries[0]).toMatchObject({
      dealRule: null,
      deals: [],
    });
    // Olga's only open deal is Rolf's, which Rita does not see: the mail stays on Olga.
    const olga = await mailFrom('olga@kunde.example', 'Frage an Rolf');
    expect(await dealsOf(olga)).toEqual([]);
    expect((await rolf.get(`/api/v1/records/deal/${deals['Rolfs Geheimsache']}/mails`)).body.items).toEqual([]);
  });

  it('files to every open deal under "all" and to none under "none"; only admins set it, bad values are refused', async () => {
    const bad = await setRule('some');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const byRep = await rita
      .put('/api/v1/capture-rules')
      .set('Accept-Language', 'de')
      .send({
        enabled: true,
        internalDomains: null,
        excludedAddresses: [],
        excludedDomains: [],
        folders: ['inbox'],
        lookbackDays: 30,
        linkOpenDeals: 'all',
      });
    expect(byRep.status).toBe(403);

    const all = await setRule('all');
    expect(all.status).toBe(200);
    expect(all.body.linkOpenDeals).toBe('all');
    const both = await mailFrom('klaus@kunde.example', 'Beide Angebote');
    expect(await dealsOf(both)).toEqual([deals.Stapler, deals.Regal].sort());
    expect((await rita.get(`/api/v1/mails/${both}/capture`)).body.entries[0]).toMatchObject({
      dealRule: 'all',
      deals: expect.arrayContaining([deals.Stapler, deals.Regal]),
    });

    expect((await setRule('none')).body.linkOpenDeals).toBe('none');
    const none = await mailFrom('petra@kunde.example', 'Ohne Vorgang');
    expect(await dealsOf(none)).toEqual([]);
    expect((await rita.get(`/api/v1/mails/${none}/capture`)).body.entries[0]).toMatchObject({ dealRule: null });
  });
});
