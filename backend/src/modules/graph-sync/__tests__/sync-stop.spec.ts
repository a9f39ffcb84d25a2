// Stopping a mailbox's sync leaves nothing behind at Graph or in the CRM: disconnecting it, losing
// access (403 from Graph) or deactivating its owner deletes the change notification subscriptions
// and forgets the delta cursors, and connecting again later starts clean, without duplicates.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../../graph/graph-gateway.ts';
import { inTenantTransaction, TENANT_FILTER } from '../../../http/tenancy.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { GraphSubscription, MailboxConnection, SyncCursor } from '../graph-sync.entity.ts';
import { runConnection, runTuning } from '../graph-sync.jobs.ts';
import { queueDueRuns } from '../graph-sync.service.ts';

/** What a connected mailbox syncs: contacts, the calendar, and the inbox and sent items that mail is filed from. */
const SYNCED = ['contacts', 'events', 'mail-inbox', 'mail-sentitems'];

describe('stopping the Outlook sync', () => {
  let t: TestApp;
  let server: Server;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let annaMailbox = '';
  let bjoernMailbox = '';
  let bjoernId = '';
  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };

  const inContoso = <T>(work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, contoso.id, work);
  const contosoEm = () => {
    const em = t.orm.em.fork() as EntityManager;
    em.setFilterParams(TENANT_FILTER, { tenantId: contoso.id });
    return em;
  };
  const connectionOf = (userId: string) => inContoso((em) => em.findOneOrFail(MailboxConnection, { userId }));
  const sync = async (userId: string) => runConnection(contosoEm(), (await connectionOf(userId)).id);
  /** What Graph holds for the mailbox, and what the CRM remembers of it. */
  const state = async (userId: string, mailbox: string) => {
    const connection = await connectionOf(userId);
    const atGraph = ((await t.emulator.graph.subscriptions()) as { id: string; resource: string }[]).filter((item) =>
      item.resource.includes(mailbox),
    );
    const [subscriptions, cursors] = await inContoso(async (em) => [
      await em.find(GraphSubscription, { connection: connection.id }),
      await em.find(SyncCursor, { connection: connection.id }),
    ]);
    return {
      atGraph: atGraph.map((item) => item.id).sort(),
      subscriptions: (subscriptions as GraphSubscription[]).map((row) => row.subscriptionId).sort(),
      cursors: (cursors as SyncCursor[]).map((row) => row.resource).sort(),
    };
  };
  /** The surnames in the mailbox's folder "CRM", as Outlook shows them. */
  const crmFolderSurnames = async (mailbox: string) => {
    const graph = new GraphGateway(t.config.entra).client(contoso.id);
    const folders = (await graph.api(`/users/${mailbox}/contactFolders`).filter("displayName eq 'CRM'").get()) as {
      value: { id: string }[];
    };
    const contacts = (await graph
      .api(`/users/${mailbox}/contactFolders/${folders.value[0]?.id}/contacts`)
      .top(100)
      .get()) as { value: { surname: string }[] };
    return contacts.value.map((contact) => contact.surname);
  };

  beforeAll(async () => {
    runTuning.current = { graph: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 100))) } };
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const { port } = server.address() as AddressInfo;
    t = await createTestApp({ env: { GRAPH_NOTIFICATION_URL: `http://localhost:${port}/api/graph/notifications` } });
    handler = t.app.callback();
    contoso = await t.createTenant('Contoso Stop GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.as(contoso.upn('Björn Müller'));
    await contoso.userId(contoso.upn('Anna Schmidt'));
    bjoernId = await contoso.userId(contoso.upn('Björn Müller'));
    annaMailbox = contoso.seed.users[0]?.id as string;
    bjoernMailbox = contoso.seed.users[1]?.id as string;
    for (const [agent, lastName] of [
      [anna, 'Brotmann'],
      [bjoern, 'Kessler'],
    ] as const) {
      const res = await agent.post('/api/v1/persons').send({ firstName: 'Klaus', lastName });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    runTuning.current = {};
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('deletes the subscriptions and forgets the cursors when a user disconnects, and starts clean when she connects again', async () => {
    expect((await anna.put('/api/v1/me/sync').send({ enabled: true })).status).toBe(200);
    const annaId = (await connectionOf(await contoso.userId(contoso.upn('Anna Schmidt')))).userId as string;
    await sync(annaId);
    const connected = await state(annaId, annaMailbox);
    expect(connected.cursors).toEqual(SYNCED);
    expect(connected.subscriptions).toHaveLength(SYNCED.length);
    expect(connected.atGraph).toEqual(connected.subscriptions);

    // Björn (no admin) may not stop Anna's sync.
    expect((await bjoern.put(`/api/v1/admin/sync/users/${annaId}`).send({ enabled: false })).status).toBe(403);
    expect((await state(annaId, annaMailbox)).atGraph).toHaveLength(SYNCED.length);

    const off = await anna.put('/api/v1/me/sync').send({ enabled: false });
    expect(off.body.mailboxes[0]).toMatchObject({ enabled: false });
    await sync(annaId);
    expect(await state(annaId, annaMailbox)).toEqual({ atGraph: [], subscriptions: [], cursors: [] });
    // A second run of the stopped mailbox asks Graph nothing.
    const usage = await t.emulator.graph.usage({ user: annaMailbox });
    await sync(annaId);
    expect(await t.emulator.graph.usage({ user: annaMailbox })).toBe(usage);

    expect((await anna.put('/api/v1/me/sync').send({ enabled: true })).status).toBe(200);
    await sync(annaId);
    const again = await state(annaId, annaMailbox);
    expect(again.cursors).toEqual(SYNCED);
    expect(again.subscriptions).toHaveLength(SYNCED.length);
    expect(again.subscriptions.some((id) => connected.subscriptions.includes(id))).toBe(false);
    expect(again.atGraph).toEqual(again.subscriptions);
    // The full round found the contact made before: Klaus is in the folder once.
    expect(await crmFolderSurnames(annaMailbox)).toEqual(['Brotmann']);
    expect((await anna.get('/api/v1/me/sync')).body.mailboxes[0]).toMatchObject({ status: 'ok', enabled: true });
  });

  it('forgets the cursors and subscriptions when Graph withdraws access, and starts clean on "sync now"', async () => {
    const annaId = await contoso.userId(contoso.upn('Anna Schmidt'));
    const before = await state(annaId, annaMailbox);
    const fault = await t.emulator.graph.addFault({
      status: 403,
      path: annaMailbox,
      times: 1000,
      code: 'ErrorAccessDenied',
      message: 'Access is denied. Check credentials and try again.',
    });
    await sync(annaId);
    const health = await anna.get('/api/v1/me/sync').set('Accept-Language', 'en');
    expect(health.body.mailboxes[0]).toMatchObject({ status: 'revoked', paused: true, resources: [] });
    expect(health.body.mailboxes[0].lastError).toMatchObject({ code: 'graph_access_revoked' });
    const revoked = await state(annaId, annaMailbox);
    expect(revoked.subscriptions).toEqual([]);
    expect(revoked.cursors).toEqual([]);

    await t.emulator.graph.removeFault(fault);
    expect((await anna.post('/api/v1/me/sync/run')).status).toBe(202);
    await sync(annaId);
    const healed = await state(annaId, annaMailbox);
    expect(healed.cursors).toEqual(SYNCED);
    expect(healed.subscriptions).toHaveLength(SYNCED.length);
    expect(healed.subscriptions.some((id) => before.subscriptions.includes(id))).toBe(false);
    expect(await crmFolderSurnames(annaMailbox)).toEqual(['Brotmann']);
    expect((await anna.get('/api/v1/me/sync')).body.mailboxes[0]).toMatchObject({ status: 'ok', lastError: null });
  });

  it("stops a deactivated user's sync: the next poll deletes the subscriptions and forgets the cursors", async () => {
    expect((await anna.put(`/api/v1/admin/sync/users/${bjoernId}`).send({ enabled: true })).status).toBe(200);
    await sync(bjoernId);
    expect((await state(bjoernId, bjoernMailbox)).atGraph).toHaveLength(SYNCED.length);

    const user = await anna.get(`/api/v1/admin/users/${bjoernId}`);
    const etag = user.headers.etag as string | undefined;
    const deactivated = await anna
      .patch(`/api/v1/admin/users/${bjoernId}`)
      .set(etag ? { 'If-Match': etag } : {})
      .send({ active: false });
    expect(deactivated.status).toBe(200);

    // The poll picks his mailbox (only his) although it was tried just now.
    expect(await inContoso((em) => queueDueRuns(em, 3_600))).toBe(1);
    await sync(bjoernId);
    expect(await state(bjoernId, bjoernMailbox)).toEqual({ atGraph: [], subscriptions: [], cursors: [] });
    const health = await anna.get('/api/v1/admin/sync');
    expect(
      (health.body.mailboxes as { userId: string; enabled: boolean }[]).find((item) => item.userId === bjoernId),
    ).toMatchObject({ enabled: false });
  });
});
