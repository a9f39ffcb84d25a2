// Automatic filing under Graph's faults, through the real Graph SDK against the emulator: a 429 storm
// with 503 bursts, a back-fill stopped between pages whose delta token then dies (410), and lost
// change notifications each end with every mail of a known address filed exactly once, and a mail
// that matches an exclusion stored nowhere (no mail, document, search entry, history or audit).
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MailInput } from '@crm/m365-emulator';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { GraphGateway } from '../../../graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { createLogger } from '../../../logger.ts';
import { db } from '../../../records/sql.ts';
import { eventually } from '../../../testing/eventually.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { GraphSubscription, MailboxConnection } from '../../graph-sync/graph-sync.entity.ts';
import { runTuning } from '../../graph-sync/graph-sync.jobs.ts';
import { RunDeadlineReached, runMailboxSync } from '../../graph-sync/sync-run.ts';
import { inboxResource } from '../messages.resource.ts';

const PDF = Buffer.from('%PDF-1.4 Betriebsratsprotokoll').toString('base64');
const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 50)));

interface Setup {
  t: TestApp;
  tenant: TestTenant;
  anna: AuthedAgent;
  annaUpn: string;
  mailbox: string;
}

/** A tenant whose Anna knows Petra Lange and keeps the works council out of the CRM. */
async function setUp(t: TestApp, name: string): Promise<Setup> {
  const tenant = await t.createTenant(name, [{ displayName: 'Anna Schmidt' }]);
  const annaUpn = tenant.upn('Anna Schmidt');
  const anna = await tenant.as(annaUpn);
  const petra = await anna
    .post('/api/v1/persons')
    .send({ firstName: 'Petra', lastName: 'Lange', emails: [{ address: 'petra.lange@lange-logistik.example' }] });
  expect(petra.status).toBe(201);
  const rules = await anna.put('/api/v1/capture-rules').send({
    enabled: true,
    internalDomains: null,
    excludedAddresses: ['betriebsrat@lange-logistik.example'],
    excludedDomains: [],
    folders: ['inbox', 'sentitems'],
    lookbackDays: 30,
  });
  expect(rules.status).toBe(200);
  return { t, tenant, anna, annaUpn, mailbox: tenant.seed.users[0]?.id as string };
}

/** Delivers `count` mails from Petra and one to the works council (excluded), with an attachment. */
async function deliverBatch(setup: Setup, tag: string, count: number) {
  const deliver = (message: MailInput) =>
    setup.t.emulator.graph.deliverMail({
      user: setup.annaUpn,
      tenantId: setup.tenant.id,
      folder: 'inbox',
      message,
    }) as Promise<{ internetMessageId: string }>;
  const known: string[] = [];
  for (let n = 0; n < count; n += 1) {
    const sent = await deliver({
      subject: `${tag} ${n}`,
      from: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' },
      toRecipients: [{ address: setup.annaUpn }],
      body: { contentType: 'text', content: `Nachricht ${n}` },
      internetMessageId: `<${tag}-${n}-${Date.now()}@lange-logistik.example>`,
    });
    known.push(sent.internetMessageId);
  }
  const excluded = await deliver({
    subject: `${tag} Betriebsrat`,
    from: { address: 'petra.lange@lange-logistik.example' },
    ccRecipients: [{ address: 'betriebsrat@lange-logistik.example' }],
    internetMessageId: `<${tag}-betriebsrat-${Date.now()}@lange-logistik.example>`,
    attachments: [{ name: `${tag}-Protokoll.pdf`, contentType: 'application/pdf', contentBytes: PDF }],
  });
  return { known, excluded: excluded.internetMessageId, subject: `${tag} Betriebsrat` };
}

/** Every trace a filed mail leaves, for a set of internet message ids (and the subject of one). */
async function traces(setup: Setup, internetMessageIds: readonly string[], subject?: string) {
  return inTenantTransaction(setup.t.orm.em as EntityManager, setup.tenant.id, async (em) => {
    const mails = await db(em)
      .selectFrom('mail')
      .select('internet_message_id')
      .where('internet_message_id', 'in', [...internetMessageIds])
      .execute();
    const audits = await db(em)
      .selectFrom('mail_capture_audit')
      .select('id')
      .where('action', '=', 'filed')
      .where('internet_message_id', 'in', [...internetMessageIds])
      .execute();
    const bySubject = async () => ({
      searchEntries: (
        await db(em)
          .selectFrom('search_document')
          .select('record_id')
          .where('record_type', '=', 'mail')
          .where('title', '=', subject as string)
          .execute()
      ).length,
      documents: (
        await db(em)
          .selectFrom('document')
          .select('id')
          .where('name', 'like', `${(subject as string).split(' ')[0]}-%`)
          .execute()
      ).length,
      history: (
        await db(em)
          .selectFrom('history')
          .select('id')
          .where(sql<string>`after::text`, 'like', `%${subject}%`)
          .execute()
      ).length,
    });
    return {
      mails: mails.length,
      distinctMails: new Set(mails.map((row) => row.internet_message_id)).size,
      audits: audits.length,
      ...(subject ? await bySubject() : { searchEntries: 0, documents: 0, history: 0 }),
    };
  });
}

async function expectConverged(setup: Setup, batch: Awaited<ReturnType<typeof deliverBatch>>) {
  expect(await traces(setup, batch.known)).toMatchObject({
    mails: batch.known.length,
    distinctMails: batch.known.length,
    audits: batch.known.length,
  });
  expect(await traces(setup, [batch.excluded], batch.subject)).toEqual({
    mails: 0,
    distinctMails: 0,
    audits: 0,
    searchEntries: 0,
    documents: 0,
    history: 0,
  });
}

describe('automatic mail filing under Graph faults', () => {
  let t: TestApp;
  let setup: Setup;
  let connectionId = '';
  const sync = (deadline?: number) =>
    runMailboxSync(t.orm.em as EntityManager, setup.tenant.id, connectionId, {
      resources: [inboxResource],
      services: { config: t.config, logger: createLogger(t.config), graph: new GraphGateway(t.config.entra) },
      graph: { sleep: fastSleep },
      ...(deadline !== undefined ? { deadline } : {}),
    });

  beforeAll(async () => {
    t = await createTestApp();
    setup = await setUp(t, 'Contoso Störfall GmbH');
    const annaId = await setup.tenant.userId(setup.annaUpn);
    connectionId = await inTenantTransaction(t.orm.em as EntityManager, setup.tenant.id, async (em) => {
      const made = em.create(MailboxConnection, {
        tenant: setup.tenant.id,
        userId: annaId,
        mailbox: setup.mailbox,
        enabledBy: 'self',
      });
      await em.flush();
      return made.id;
    });
  });
  afterAll(async () => {
    await t?.emulator.graph.clearFaults();
    await t?.close();
  });

  it('ends a 429 storm and 503 bursts with every mail filed once and the excluded one nowhere', async () => {
    const batch = await deliverBatch(setup, 'Sturm', 30);
    await t.emulator.graph.addFault({ status: 429, path: setup.mailbox, times: 6, retryAfterSeconds: 1 });
    await t.emulator.graph.addFault({ status: 503, path: setup.mailbox, times: 3, retryAfterSeconds: 1 });
    expect((await sync()).outcome).toBe('synced');
    await expectConverged(setup, batch);
    // Again, with the storm over: nothing twice.
    await sync();
    await expectConverged(setup, batch);
  });

  it('files a page of mails in as many statements as a page of a few (no statement per mail)', async () => {
    const few = await deliverBatch(setup, 'Wenige', 5);
    const fewStatements = await t.countQueries(() => sync());
    const many = await deliverBatch(setup, 'Viele', 60);
    const manyStatements = await t.countQueries(() => sync());
    await expectConverged(setup, few);
    await expectConverged(setup, many);
    expect(manyStatements - fewStatements).toBeLessThanOrEqual(2);
  });

  it('finishes a back-fill stopped between pages whose delta token then died (410), without doubles', async () => {
    // More than two delta pages of 200.
    const batch = await deliverBatch(setup, 'Abbruch', 450);
    // The run stops after its first page, as a run at its deadline (or a killed worker) does.
    await expect(sync(Date.now() - 1)).rejects.toBeInstanceOf(RunDeadlineReached);
    const partly = await traces(setup, batch.known);
    expect(partly.mails).toBeGreaterThan(0);
    expect(partly.mails).toBeLessThan(batch.known.length);
    // Graph forgets the stored next link: the next run starts a new round and matches what is filed.
    expect(await t.emulator.graph.expireDeltaTokens()).toBeGreaterThan(0);
    expect((await sync()).outcome).toBe('synced');
    await expectConverged(setup, batch);
  });
});

describe('automatic mail filing when change notifications are lost', () => {
  let t: TestApp;
  let server: Server;
  let setup: Setup;
  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };

  beforeAll(async () => {
    runTuning.current = { graph: { sleep: fastSleep } };
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const { port } = server.address() as AddressInfo;
    t = await createTestApp({
      env: { GRAPH_NOTIFICATION_URL: `http://localhost:${port}/api/graph/notifications`, JOBS_POLL_SECONDS: '0.5' },
      jobs: { work: true },
    });
    handler = t.app.callback();
    setup = await setUp(t, 'Contoso Funkloch GmbH');
    expect((await setup.anna.put('/api/v1/me/sync').send({ enabled: true })).status).toBe(200);
    await eventually(
      () =>
        inTenantTransaction(t.orm.em as EntityManager, setup.tenant.id, (em) =>
          em.findOne(GraphSubscription, { resource: 'mail-inbox' }),
        ),
      (found) => found !== null,
      { what: 'a subscription to the inbox', timeoutMs: 30_000 },
    );
  });
  afterAll(async () => {
    runTuning.current = {};
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('files a mail whose notification was lost once Graph says it missed some, exactly once', async () => {
    await t.emulator.graph.loseNotifications({ times: 1, sendMissed: true });
    const batch = await deliverBatch(setup, 'Verpasst', 1);
    await eventually(
      () => traces(setup, batch.known),
      (found) => found.audits === 1,
      { what: 'the mail of the missed notification filed', timeoutMs: 30_000 },
    );
    await expectConverged(setup, batch);
  });

  it('catches up a silently lost notification with the next one, each mail once', async () => {
    await t.emulator.graph.loseNotifications({ times: 1 });
    const lost = await deliverBatch(setup, 'Verloren', 1);
    const next = await deliverBatch(setup, 'Danach', 1);
    await eventually(
      () => traces(setup, [...lost.known, ...next.known]),
      (found) => found.audits === 2,
      { what: 'both mails filed', timeoutMs: 30_000 },
    );
    await expectConverged(setup, lost);
    await expectConverged(setup, next);
  });
});
