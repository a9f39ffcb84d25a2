// Change notifications end to end: the emulator posts to our webhook on a real port, the webhook
// only queues runs, job workers run them. A wrong clientState is refused and starts nothing; a
// lost notification is made good by the `missed` lifecycle event or the next notification.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { eventually } from '../../../testing/eventually.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { ContactLink, GraphSubscription } from '../graph-sync.entity.ts';
import { runTuning } from '../graph-sync.jobs.ts';
import { queueRunsForCrmChanges } from '../graph-sync.service.ts';

describe('Graph change notifications', () => {
  let t: TestApp;
  let server: Server;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let annaMailbox = '';
  let personId = '';
  let outlookId = '';
  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };

  const inContoso = <T>(work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, contoso.id, work);
  const firstName = async () =>
    ((await anna.get(`/api/v1/persons/${personId}`)).body as { firstName: string }).firstName;
  const subscription = () => inContoso((em) => em.findOne(GraphSubscription, { resource: 'contacts' }));
  const queuedRuns = async (connectionId: string) => {
    const rows = await t.orm.em
      .getConnection()
      .execute<{ count: string }[]>(
        `select count(*)::text as count from pgboss.job where name = 'graph-sync-run' and singleton_key = ?`,
        [connectionId],
      );
    return Number(rows[0]?.count ?? 0);
  };

  const pendingRuns = async (connectionId: string) => {
    const rows = await t.orm.em
      .getConnection()
      .execute<{ count: string }[]>(
        `select count(*)::text as count from pgboss.job where name = 'graph-sync-run' and singleton_key = ? and state in ('created', 'retry', 'active')`,
        [connectionId],
      );
    return Number(rows[0]?.count ?? 0);
  };

  beforeAll(async () => {
    runTuning.current = { graph: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 100))) } };
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const { port } = server.address() as AddressInfo;
    t = await createTestApp({
      env: { GRAPH_NOTIFICATION_URL: `http://localhost:${port}/api/graph/notifications`, JOBS_POLL_SECONDS: '0.5' },
      jobs: { work: true },
    });
    handler = t.app.callback();
    contoso = await t.createTenant('Contoso Webhook GmbH', [{ displayName: 'Anna Schmidt' }]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    annaMailbox = contoso.seed.users[0]?.id as string;
    const res = await anna.post('/api/v1/persons').send({ firstName: 'Klaus', lastName: 'Brotmann' });
    expect(res.status).toBe(201);
    personId = res.body.id;
  });

  afterAll(async () => {
    runTuning.current = {};
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers the validation handshake with the token as plain text', async () => {
    const res = await t.http
      .post('/api/graph/notifications?validationToken=Validation%3A%20Testing%20client')
      .set('Content-Type', 'text/plain');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toBe('Validation: Testing client');
  });

  it('subscribes once the mailbox is connected, and a change in Outlook reaches the CRM through a notification', async () => {
    expect((await anna.put('/api/v1/me/sync').send({ enabled: true })).status).toBe(200);
    const link = await eventually(
      () => inContoso((em) => em.findOne(ContactLink, { person: personId })),
      (found) => found?.outlookId != null,
      { what: 'the person in Outlook', timeoutMs: 30_000 },
    );
    outlookId = link?.outlookId as string;
    const ours = await eventually(subscription, (found) => found !== null, {
      what: 'a subscription',
      timeoutMs: 30_000,
    });
    const atGraph = (await t.emulator.graph.subscriptions()) as { id: string; notificationUrl: string }[];
    expect(atGraph.find((item) => item.id === ours?.subscriptionId)?.notificationUrl).toMatch(
      /\/api\/graph\/notifications$/,
    );

    await t.emulator.graph.updateContact({ user: annaMailbox, id: outlookId, changes: { givenName: 'Klaus-Dieter' } });
    await eventually(firstName, (name) => name === 'Klaus-Dieter', {
      what: 'the Outlook edit in the CRM',
      timeoutMs: 30_000,
    });
  });

  it('refuses a notification with a wrong clientState, logs it and starts nothing', async () => {
    const sub = await subscription();
    const connectionId = sub?.connection.id as string;
    const before = await queuedRuns(connectionId);
    const res = await t.http.post('/api/graph/notifications').send({
      value: [
        {
          subscriptionId: sub?.subscriptionId,
          clientState: 'guessed',
          tenantId: contoso.id,
          changeType: 'updated',
          resource: `Users/${annaMailbox}/Contacts/${outlookId}`,
        },
      ],
    });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await queuedRuns(connectionId)).toBe(before);
  });

  it('makes good a lost notification when Graph says it missed some', async () => {
    await t.emulator.graph.loseNotifications({ times: 1, sendMissed: true });
    await t.emulator.graph.updateContact({ user: annaMailbox, id: outlookId, changes: { givenName: 'Klaus-Peter' } });
    await eventually(firstName, (name) => name === 'Klaus-Peter', {
      what: 'the edit after a missed notification',
      timeoutMs: 30_000,
    });
  });

  it('catches up a silently lost notification with the next one', async () => {
    await t.emulator.graph.loseNotifications({ times: 1 });
    await t.emulator.graph.updateContact({ user: annaMailbox, id: outlookId, changes: { givenName: 'Klaus-Werner' } });
    await t.emulator.graph.updateContact({ user: annaMailbox, id: outlookId, changes: { surname: 'Brotmann-Weiß' } });
    await eventually(
      async () => (await anna.get(`/api/v1/persons/${personId}`)).body as { firstName: string; lastName: string },
      (person) => person.firstName === 'Klaus-Werner' && person.lastName === 'Brotmann-Weiß',
      { what: 'both edits in the CRM', timeoutMs: 30_000 },
    );
  });

  it('takes a CRM edit to Outlook within seconds, without anyone pressing "sync now"', async () => {
    // The edit is made once the runs the previous edits started are over: an edit committed while a
    // run that began before it is still reading the CRM is left to a later run (the run's start time
    // is what the 5-second check compares with), which this test is not about.
    const connectionId = (await subscription())?.connection.id as string;
    await eventually(
      async () => ({
        due: await inContoso((em) => queueRunsForCrmChanges(em)),
        pending: await pendingRuns(connectionId),
      }),
      (state) => state.due === 0 && state.pending === 0,
      { what: 'the sync caught up with the CRM', timeoutMs: 30_000, everyMs: 250 },
    );
    const current = (await anna.get(`/api/v1/persons/${personId}`)).body as { version: number };
    const res = await anna
      .patch(`/api/v1/persons/${personId}`)
      .set('If-Match', `"${current.version}"`)
      .send({ emails: [{ address: 'klaus@brotmann.example' }] });
    expect(res.status).toBe(200);
    const { GraphGateway } = await import('../../../graph/graph-gateway.ts');
    const graph = new GraphGateway(t.config.entra).client(contoso.id);
    await eventually(
      async () =>
        (await graph
          .api(`/users/${annaMailbox}/contacts/${outlookId}`)
          .header('Prefer', 'IdType="ImmutableId"')
          .get()) as {
          emailAddresses: { address: string }[];
        },
      (contact) => contact.emailAddresses.some((email) => email.address === 'klaus@brotmann.example'),
      { what: 'the CRM edit in Outlook', timeoutMs: 30_000 },
    );
  });

  it('makes a removed subscription again', async () => {
    const before = await subscription();
    await t.emulator.graph.lifecycle({
      subscriptionId: before?.subscriptionId as string,
      event: 'subscriptionRemoved',
    });
    await eventually(subscription, (found) => found !== null && found.subscriptionId !== before?.subscriptionId, {
      what: 'a new subscription',
      timeoutMs: 30_000,
    });
  });

  it('files a mail from a known address as it arrives in the inbox, through its notification', async () => {
    const mailSubscription = await eventually(
      () => inContoso((em) => em.findOne(GraphSubscription, { resource: 'mail-inbox' })),
      (found) => found !== null,
      { what: 'a subscription on the inbox', timeoutMs: 30_000 },
    );
    const atGraph = (await t.emulator.graph.subscriptions()) as { id: string; resource: string }[];
    expect(atGraph.find((item) => item.id === mailSubscription?.subscriptionId)?.resource).toMatch(
      /mailFolders\('inbox'\)\/messages$/,
    );
    await t.emulator.graph.deliverMail({
      user: annaMailbox,
      message: {
        subject: 'Brötchenbestellung',
        from: { address: 'klaus@brotmann.example', name: 'Klaus Brotmann' },
        toRecipients: [{ address: contoso.upn('Anna Schmidt') }],
      },
    });
    await eventually(
      async () => (await anna.get(`/api/v1/records/person/${personId}/mails`)).body.items as { subject: string }[],
      (mails) => mails.some((mail) => mail.subject === 'Brötchenbestellung'),
      { what: 'the mail on the person', timeoutMs: 30_000 },
    );
  });
});
