// The Outlook contacts sync under Graph's limits (4 requests in flight, 10,000 per 10 minutes and
// mailbox, enforced by the emulator). Reports:
// - initial sync: a user with BENCH_GRAPH_CONTACTS (default 10,000) persons connects her mailbox;
//   time until every person is in her folder "CRM", Graph requests used against the budget, and
//   BENCH_GRAPH_EVENTS (default 20,000) Outlook events, every tenth inviting one of her persons, are
//   awaited as linked activities too (the bench seeded no events before, so no event was linked);
//   the floor: the same contacts written straight to another mailbox with the Graph SDK ($batch of
//   20, 4 in flight, nothing of ours), under the same limits;
// - an Outlook edit reaching the CRM through a change notification (p50/p95): BENCH_GRAPH_EDITS (20)
//   contacts, then as many events, changed through the emulator as Outlook changes them;
// - a CRM edit reaching Outlook (the change answered by Graph), p50/p95: as many persons, then
//   activities, changed through the CRM's API.
// Smaller runs: BENCH_GRAPH_CONTACTS=2000 BENCH_GRAPH_EVENTS=4000 npm run bench -- graph-sync.
// Job workers and the webhook run in this process on the app's real port.
// Without DATABASE_URL an in-memory embedded PostgreSQL runs in a process of its own.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@crm/db';
import { type RunningEmulator, startEmulator } from '@crm/m365-emulator';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../backend/src/graph/graph-gateway.ts';
import { inTenantTransaction } from '../../backend/src/http/tenancy.ts';
import { Activity } from '../../backend/src/modules/activities/activity.entity.ts';
import { Person } from '../../backend/src/modules/contacts/contact.entity.ts';
import { personDocument } from '../../backend/src/modules/contacts/contacts.service.ts';
import { EventLink } from '../../backend/src/modules/graph-sync/calendar/event-link.entity.ts';
import {
  ContactLink,
  GraphRequestBudget,
  MailboxConnection,
} from '../../backend/src/modules/graph-sync/graph-sync.entity.ts';
import { runTuning } from '../../backend/src/modules/graph-sync/graph-sync.jobs.ts';
import { indexRecord } from '../../backend/src/records/search-index.ts';
import { createTestApp, type TestApp } from '../../backend/src/testing/test-app.ts';
import { type SpawnedProcess, spawnNode } from '../support/processes.ts';
import { printTable, statsOf } from './measure.ts';

if (process.env.GRAPH_BENCH_DATABASE === '1' && import.meta.url === `file://${process.argv[1]}`) {
  const embedded = await startEmbeddedPostgres({ maxConnections: 32 });
  console.log(`embedded PostgreSQL at ${embedded.url}`);
  process.on('SIGTERM', () => {
    embedded.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

const CHUNK = 1000;

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function run(options: { seconds: number }): Promise<void> {
  const count = Number(process.env.BENCH_GRAPH_CONTACTS || 10_000);
  const edits = Number(process.env.BENCH_GRAPH_EDITS || 20);
  // Outlook events in the mailbox; every tenth invites one of the CRM persons, so it becomes an
  // activity (an event without CRM contacts among its attendees is not the CRM's and gets no link).
  const eventCount = Number(process.env.BENCH_GRAPH_EVENTS || 20_000);
  const attendeeEvery = 10;
  let database: SpawnedProcess | undefined;
  if (!process.env.DATABASE_URL) {
    database = spawnNode('tests/bench/graph-sync.bench.ts', { GRAPH_BENCH_DATABASE: '1' });
    process.env.DATABASE_URL = ((await database.waitFor(/embedded PostgreSQL at (\S+)/, 60_000)) ?? [])[1];
  }
  const trusted = process.env.NODE_EXTRA_CA_CERTS as string;
  const emulator: RunningEmulator = await startEmulator({ dataDir: path.dirname(path.dirname(trusted)) });
  process.env.M365_EMULATOR_URL = emulator.url;
  let requests = 0;
  runTuning.current = { graph: { onRequests: (n) => (requests += n) } };
  let handler: Parameters<typeof createServer>[1] = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as AddressInfo;
  let app: TestApp | undefined;
  try {
    app = await createTestApp({
      jobs: { work: true },
      env: {
        DB_POOL_MAX: '10',
        JOBS_POLL_SECONDS: '0.5',
        GRAPH_NOTIFICATION_URL: `http://localhost:${port}/api/graph/notifications`,
      },
    });
    const t = app;
    handler = t.app.callback();
    const tenant = await t.createTenant('Graph Bench GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Fritz Floor' },
    ]);
    const anna = await tenant.as(tenant.upn('Anna Admin'));
    const annaId = await tenant.userId(tenant.upn('Anna Admin'));
    const [annaUser, floorUser] = tenant.seed.users;
    const inTenant = <T>(work: (em: EntityManager) => Promise<T>) =>
      inTenantTransaction(t.orm.em as EntityManager, tenant.id, work);
    for (let start = 0; start < count; start += CHUNK) {
      await inTenant(async (em) => {
        const made: Person[] = [];
        for (let n = start; n < Math.min(count, start + CHUNK); n += 1) {
          const person = em.create(Person, {
            tenant: tenant.id,
            firstName: `Vorname${n}`,
            lastName: `Nachname${n}`,
            emails: [{ address: `person${n}@bench.example`, kind: 'work' }],
            phones: [{ number: `+49 30 ${100000 + n}`, e164: `+4930${100000 + n}`, kind: 'work' }],
            ownerId: annaId,
          });
          made.push(person);
        }
        await em.flush();
        // As the API files them: their addresses in the lookup the calendar matches attendees by
        // (without it, no Outlook event found a CRM person and none was linked).
        for (const person of made) await indexRecord(em, personDocument(person));
      });
    }
    await emulator.graph.seedEvents({
      user: annaUser?.id as string,
      count: eventCount,
      prefix: 'Outlook-Termin',
      attendees: {
        addresses: Array.from({ length: Math.min(count, 1000) }, (_, n) => `person${n}@bench.example`),
        every: attendeeEvery,
      },
    });
    const expectedEvents = count > 0 ? Math.ceil(eventCount / attendeeEvery) : 0;
    console.log(
      `${count} persons owned by one user, ${eventCount} Outlook events (${expectedEvents} with a CRM person); ` +
        'Graph limits: 4 in flight, 10,000 requests per 10 minutes',
    );

    // Initial sync.
    const started = performance.now();
    const connected = await anna.put('/api/v1/me/sync').send({ enabled: true });
    if (connected.status !== 200) throw new Error(`connect failed: ${connected.status} ${connected.text}`);
    const connectionId = connected.body.mailboxes[0].id as string;
    await waitFor(
      'every person in Outlook',
      async () =>
        (await inTenant((em) => em.count(ContactLink, { connection: connectionId, outlookId: { $ne: null } }))) >=
        count,
      40 * 60_000,
      250,
    );
    await waitFor(
      'every event with a CRM person as an activity',
      async () => (await inTenant((em) => em.count(EventLink, { connection: connectionId }))) >= expectedEvents,
      40 * 60_000,
      250,
    );
    const initialMs = performance.now() - started;
    const eventLinks = await inTenant((em) => em.count(EventLink, { connection: connectionId }));
    const initialRequests = requests;
    const connection = await inTenant((em) => em.findOneOrFail(MailboxConnection, { id: connectionId }));

    // Floor: the same contacts straight into another mailbox, $batch of 20, 4 in flight, same limits.
    const graph = new GraphGateway(t.config.entra).client(tenant.id);
    const floorStarted = performance.now();
    const folder = (await graph.api(`/users/${floorUser?.id}/contactFolders`).post({ displayName: 'CRM' })) as {
      id: string;
    };
    let floorRequests = 1;
    let next = 0;
    const lane = async () => {
      for (;;) {
        const from = next;
        next += 20;
        if (from >= count) return;
        let pending = Array.from({ length: Math.min(20, count - from) }, (_, i) => ({
          id: String(i + 1),
          method: 'POST',
          url: `/users/${floorUser?.id}/contactFolders/${folder.id}/contacts`,
          headers: { 'Content-Type': 'application/json', Prefer: 'IdType="ImmutableId"' },
          body: {
            givenName: `Vorname${from + i}`,
            surname: `Nachname${from + i}`,
            emailAddresses: [{ address: `person${from + i}@bench.example` }],
            businessPhones: [`+49 30 ${100000 + from + i}`],
          },
        }));
        while (pending.length > 0) {
          floorRequests += pending.length;
          const answer = (await graph.api('/$batch').post({ requests: pending })) as {
            responses: { id: string; status: number; headers?: Record<string, string> }[];
          };
          const throttled = answer.responses.filter((response) => response.status === 429 || response.status === 503);
          if (throttled.length === 0) break;
          const wait = Math.max(...throttled.map((response) => Number(response.headers?.['Retry-After'] ?? 1)));
          await new Promise((resolve) => setTimeout(resolve, wait * 1000));
          pending = pending.filter((request) => throttled.some((response) => response.id === request.id));
        }
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    const floorMs = performance.now() - floorStarted;

    // Outlook edits → CRM, through change notifications: contacts, then events, each `edits` times.
    // Each edit is made as Outlook makes it and timed until the CRM shows it.
    const links = await inTenant((em) =>
      em.find(
        ContactLink,
        { connection: connectionId },
        { limit: edits, orderBy: { id: 'asc' }, populate: ['person'] },
      ),
    );
    const pairs = await inTenant((em) =>
      em.find(EventLink, { connection: connectionId }, { limit: edits, orderBy: { id: 'asc' } }),
    );
    const user = annaUser?.id as string;
    const inboundContacts: number[] = [];
    for (const [index, link] of links.entries()) {
      const name = `Outlook${index}-${Date.now()}`;
      const at = performance.now();
      await emulator.graph.updateContact({ user, id: link.outlookId as string, changes: { givenName: name } });
      await waitFor(
        'an Outlook contact edit in the CRM',
        async () => (await inTenant((em) => em.findOneOrFail(Person, { id: link.person.id }))).firstName === name,
        60_000,
        50,
      );
      inboundContacts.push(performance.now() - at);
    }
    const inboundEvents: number[] = [];
    for (const [index, pair] of pairs.entries()) {
      const subject = `Outlook-Termin verschoben ${index}-${Date.now()}`;
      const at = performance.now();
      await emulator.graph.updateEvent({ user, id: pair.outlookEventId, changes: { subject } });
      await waitFor(
        'an Outlook event edit in the CRM',
        async () => (await inTenant((em) => em.findOneOrFail(Activity, { id: pair.activity.id }))).subject === subject,
        60_000,
        50,
      );
      inboundEvents.push(performance.now() - at);
    }

    // CRM edits → Outlook, through the API: until Graph answered the new version of the person or activity.
    const outboundPersons: number[] = [];
    for (const [index, link] of links.entries()) {
      const person = await inTenant((em) => em.findOneOrFail(Person, { id: link.person.id }));
      const at = performance.now();
      const res = await anna
        .patch(`/api/v1/persons/${person.id}?confirm=duplicate`)
        .set('If-Match', `"${person.version}"`)
        .send({ firstName: `CRM${index}` });
      if (res.status !== 200) throw new Error(`person edit failed: ${res.status} ${res.text}`);
      const version = res.body.version as number;
      await waitFor(
        'a CRM person edit in Outlook',
        async () => (await inTenant((em) => em.findOneOrFail(ContactLink, { id: link.id }))).syncedVersion >= version,
        60_000,
        50,
      );
      outboundPersons.push(performance.now() - at);
    }
    const outboundActivities: number[] = [];
    for (const [index, pair] of pairs.entries()) {
      const activity = await inTenant((em) => em.findOneOrFail(Activity, { id: pair.activity.id }));
      const at = performance.now();
      const res = await anna
        .patch(`/api/v1/activities/${activity.id}`)
        .set('If-Match', `"${activity.version}"`)
        .send({ subject: `CRM-Termin ${index}` });
      if (res.status !== 200) throw new Error(`activity edit failed: ${res.status} ${res.text}`);
      const version = res.body.version as number;
      await waitFor(
        'a CRM activity edit in Outlook',
        async () => (await inTenant((em) => em.findOneOrFail(EventLink, { id: pair.id }))).syncedVersion >= version,
        60_000,
        50,
      );
      outboundActivities.push(performance.now() - at);
    }
    const budgetUsed = await inTenant(
      async (em) => (await em.findOne(GraphRequestBudget, { connection: connectionId }))?.used ?? 0,
    );
    const total = (samples: readonly number[]) => samples.reduce((a, b) => a + b, 0) / 1000;
    const inbound = [...inboundContacts, ...inboundEvents];
    const outbound = [...outboundPersons, ...outboundActivities];

    console.log(
      `initial sync of ${count} contacts and ${eventCount} events (${eventLinks} linked as activities): ` +
        `${(initialMs / 1000).toFixed(1)}s, ${initialRequests} Graph requests ` +
        `(budget 9,500 per 10 min; status ${connection.status}, backlog ${connection.backlog})`,
    );
    console.log(
      `floor (SDK $batch straight to Graph, 4 in flight): ${(floorMs / 1000).toFixed(1)}s, ${floorRequests} requests`,
    );
    console.log(
      `Graph requests of the sync in all: ${requests}; in the budget's current 10-minute window: ${budgetUsed}; ` +
        `load average at the end ${os
          .loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}`,
    );
    printTable([
      { stats: statsOf('initial sync (one run)', [initialMs], initialMs / 1000) },
      { stats: statsOf('floor: raw $batch writes', [floorMs], floorMs / 1000) },
      { stats: statsOf('Outlook contact edit → CRM', inboundContacts, total(inboundContacts)) },
      { stats: statsOf('Outlook event edit → CRM', inboundEvents, total(inboundEvents)) },
      { stats: statsOf('Outlook edit → CRM (all)', inbound, total(inbound)) },
      { stats: statsOf('CRM person edit → Outlook', outboundPersons, total(outboundPersons)) },
      { stats: statsOf('CRM activity edit → Outlook', outboundActivities, total(outboundActivities)) },
      { stats: statsOf('CRM edit → Outlook (all)', outbound, total(outbound)) },
    ]);
    void options;
  } finally {
    runTuning.current = {};
    await app?.close();
    await new Promise((resolve) => server.close(resolve));
    await emulator.stop();
    if (database) {
      database.kill();
      await database.exited();
    }
  }
}
