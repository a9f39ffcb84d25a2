// The Outlook sync under a real worker process (`node backend/src/main.ts --worker-only`) killed
// with SIGKILL while its Graph writes are in flight: the next worker resumes, adopts the contacts
// the dead one made but never recorded, and Outlook ends with each person exactly once.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../../backend/src/graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../backend/src/http/tenancy.ts';
import { Person } from '../../../backend/src/modules/contacts/contact.entity.ts';
import { ContactLink } from '../../../backend/src/modules/graph-sync/graph-sync.entity.ts';
import { eventually } from '../../../backend/src/testing/eventually.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../../backend/src/testing/test-app.ts';
import type { SpawnedProcess } from '../../support/processes.ts';
import { spawnSyncWorker } from '../../support/sync-worker.ts';

const PERSONS = 600;

describe('the Outlook sync when its worker is killed', () => {
  let t: TestApp;
  let tenant: TestTenant;
  const workers: SpawnedProcess[] = [];

  const startWorker = () => {
    const worker = spawnSyncWorker();
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    // The app sends its jobs with the workers' short expiry, so a dead worker's run comes back in seconds.
    t = await createTestApp({ env: { JOBS_EXPIRE_SECONDS: '4' } });
    tenant = await t.createTenant('Sync Kill GmbH', [{ displayName: 'Anna Admin' }]);
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
    const first = startWorker();
    await first.waitFor(/CRM job workers running/, 60_000);
    const connected = await anna.put('/api/v1/me/sync').send({ enabled: true });
    expect(connected.status).toBe(200);
    const connectionId = connected.body.mailboxes[0].id as string;
    const linked = () =>
      inTenantTransaction(t.orm.em as EntityManager, tenant.id, (em) =>
        em.count(ContactLink, { connection: connectionId, outlookId: { $ne: null } }),
      );

    // Once the first share is in, the next Graph writes are held in flight, and the worker dies.
    await eventually(linked, (count) => count > 0, { timeoutMs: 120_000, what: 'a first share in Outlook' }).catch(
      (error: unknown) => {
        throw new Error(`${(error as Error).message}\n${first.output().slice(-3000)}`);
      },
    );
    const hold = await t.emulator.graph.hold({ path: mailbox });
    await t.emulator.graph.held(hold, 1);
    first.kill('SIGKILL');
    expect(await first.exited()).toEqual({ code: null, signal: 'SIGKILL' });
    // What was in flight still lands in Outlook: contacts the CRM never heard back about.
    await t.emulator.graph.release(hold);
    const before = await linked();
    expect(before).toBeLessThan(PERSONS);

    const second = startWorker();
    await second.waitFor(/CRM job workers running/, 60_000);
    // The dead worker's run is taken up again once its job expires.
    await eventually(linked, (count) => count === PERSONS, {
      timeoutMs: 300_000,
      everyMs: 250,
      what: 'every person linked',
    });

    const graph = new GraphGateway(t.config.entra).client(tenant.id);
    const folders = (await graph.api(`/users/${mailbox}/contactFolders`).filter("displayName eq 'CRM'").get()) as {
      value: { id: string }[];
    };
    // A duplicate made by the dead worker is removed by the next run that meets it.
    await eventually(
      async () => {
        const names: string[] = [];
        let next = (await graph
          .api(`/users/${mailbox}/contactFolders/${folders.value[0]?.id}/contacts`)
          .top(1000)
          .select(['surname'])
          .get()) as { value: { surname: string }[]; '@odata.nextLink'?: string };
        names.push(...next.value.map((contact) => contact.surname));
        while (next['@odata.nextLink']) {
          next = (await graph.api(next['@odata.nextLink']).get()) as typeof next;
          names.push(...next.value.map((contact) => contact.surname));
        }
        return names;
      },
      (names) => names.length === PERSONS && new Set(names).size === PERSONS,
      { timeoutMs: 60_000, everyMs: 500, what: `${PERSONS} contacts, each once` },
    );
  }, 600_000);
});
