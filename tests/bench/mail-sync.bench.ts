// Automatic mail filing at speed: a mailbox of BENCH_MAILS messages (default 100,000; set the env var
// to scale down) in the emulator's inbox, half of them from known CRM addresses (one in 50 of those with
// a small attachment), back-filled by the sync's inbox resource through the real Graph SDK under
// Graph's limits (4 requests in flight, 10,000 per 10 minutes and mailbox). Reports:
// - messages filed, Graph requests used, total time of the back-fill;
// - our own cost per filed message (p50/p95 over the delta pages: a page's time in the sync's
//   hooks minus the time spent waiting for Graph, divided by the mails it filed);
// - beside it the floor: the same mail, link and audit rows of a page written by typed multi-row
//   statements (Kysely through the entity manager) in one tenant transaction, per mail.
// Without DATABASE_URL an in-memory embedded PostgreSQL runs in a process of its own.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startEmbeddedPostgres } from '@crm/db';
import { type RunningEmulator, startEmulator } from '@crm/m365-emulator';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { GraphGateway } from '../../backend/src/graph/graph-gateway.ts';
import { inTenantTransaction } from '../../backend/src/http/tenancy.ts';
import { createLogger } from '../../backend/src/logger.ts';
import { Person } from '../../backend/src/modules/contacts/contact.entity.ts';
import { MailboxConnection } from '../../backend/src/modules/graph-sync/graph-sync.entity.ts';
import type { SyncResource } from '../../backend/src/modules/graph-sync/resource.ts';
import { DELTA_PAGE_SIZE, runMailboxSync } from '../../backend/src/modules/graph-sync/sync-run.ts';
import { MailCaptureAudit } from '../../backend/src/modules/mail-capture/mail-capture-audit.entity.ts';
import { inboxResource } from '../../backend/src/modules/mail-capture/messages.resource.ts';
import { db, jsonb } from '../../backend/src/records/sql.ts';
import { createTestApp, type TestApp } from '../../backend/src/testing/test-app.ts';
import { type SpawnedProcess, spawnNode } from '../support/processes.ts';
import { printTable, statsOf } from './measure.ts';

if (process.env.MAIL_BENCH_DATABASE === '1' && import.meta.url === `file://${process.argv[1]}`) {
  const embedded = await startEmbeddedPostgres({ maxConnections: 32 });
  console.log(`embedded PostgreSQL at ${embedded.url}`);
  process.on('SIGTERM', () => {
    embedded.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

const PDF = Buffer.from('%PDF-1.4 Angebot').toString('base64');

/** Wraps every function of `target` so the time spent awaiting it adds to `clock.ms`. */
function timed<T extends object>(target: T, clock: { ms: number }): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const at = performance.now();
        try {
          return await value.apply(object, args);
        } finally {
          clock.ms += performance.now() - at;
        }
      };
    },
  });
}

export async function run(options: { seconds: number }): Promise<void> {
  const count = Number(process.env.BENCH_MAILS || 100_000);
  const personCount = Math.max(1, Math.min(500, Math.ceil(count / 10)));
  let database: SpawnedProcess | undefined;
  if (!process.env.DATABASE_URL) {
    database = spawnNode('tests/bench/mail-sync.bench.ts', { MAIL_BENCH_DATABASE: '1' });
    process.env.DATABASE_URL = ((await database.waitFor(/embedded PostgreSQL at (\S+)/, 60_000)) ?? [])[1];
  }
  const trusted = process.env.NODE_EXTRA_CA_CERTS as string;
  const emulator: RunningEmulator = await startEmulator({ dataDir: path.dirname(path.dirname(trusted)) });
  process.env.M365_EMULATOR_URL = emulator.url;
  let app: TestApp | undefined;
  try {
    app = await createTestApp({ env: { DB_POOL_MAX: '10' } });
    const t = app;
    const tenant = await t.createTenant('Mail Bench GmbH', [{ displayName: 'Anna Admin' }]);
    const annaUpn = tenant.upn('Anna Admin');
    const annaId = await tenant.userId(annaUpn);
    const mailbox = tenant.seed.users[0]?.id as string;
    const inTenant = <T>(work: (em: EntityManager) => Promise<T>) =>
      inTenantTransaction(t.orm.em as EntityManager, tenant.id, work);
    // Through the API, as a user makes them: the address lookup finds them in the search index.
    const anna = await tenant.as(annaUpn);
    for (let start = 0; start < personCount; start += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, personCount - start) }, async (_, i) => {
          const n = start + i;
          const res = await anna.post('/api/v1/persons?confirm=duplicate').send({
            firstName: `Vorname${n}`,
            lastName: `Nachname${n}`,
            emails: [{ address: `kunde${n}@kunde.example` }],
          });
          if (res.status !== 201) throw new Error(`person ${n}: ${res.status} ${res.text}`);
        }),
      );
    }
    const seedStarted = performance.now();
    const now = Date.now();
    for (let n = 0; n < count; n += 1) {
      const known = n % 2 === 0;
      emulator.graph.deliverMail({
        user: mailbox,
        tenantId: tenant.id,
        folder: 'inbox',
        message: {
          subject: `Anfrage ${n}`,
          body: { contentType: 'html', content: `<p>Guten Tag,</p><p>Anfrage Nummer ${n} zu Ihrem Angebot.</p>` },
          from: known
            ? { address: `kunde${(n / 2) % personCount}@kunde.example`, name: `Kunde ${n}` }
            : { address: `fremd${n}@fremd.example`, name: `Fremd ${n}` },
          toRecipients: [{ address: annaUpn, name: 'Anna Admin' }],
          internetMessageId: `<bench-${n}-${now}@kunde.example>`,
          receivedDateTime: new Date(now - (count - n) * 1000).toISOString(),
          ...(known && n % 100 === 0
            ? { attachments: [{ name: `Angebot${n}.pdf`, contentType: 'application/pdf', contentBytes: PDF }] }
            : {}),
        },
      });
    }
    console.log(
      `${count} messages in the inbox (${count / 2} from ${personCount} known addresses), seeded in ` +
        `${((performance.now() - seedStarted) / 1000).toFixed(1)}s`,
    );
    const connectionId = await inTenant(async (em) => {
      const made = em.create(MailboxConnection, { tenant: tenant.id, userId: annaId, mailbox, enabledBy: 'self' });
      await em.flush();
      return made.id;
    });

    // Our own cost: the time in the resource's hooks minus the time awaiting Graph, per filed mail.
    const perMail: number[] = [];
    let ownMs = 0;
    let graphMs = 0;
    let filedTotal = 0;
    /** The own time of the page's preparation (its Graph reads before the page's transaction). */
    let preparedMs = 0;
    const prepare = inboxResource.preparePage?.bind(inboxResource);
    const measured: SyncResource = {
      ...inboxResource,
      ...(prepare
        ? {
            async preparePage(items, graph, read) {
              const clock = { ms: 0 };
              const at = performance.now();
              const prepared = await prepare(items, timed(graph, clock), read);
              preparedMs = performance.now() - at - clock.ms;
              graphMs += clock.ms;
              return prepared;
            },
          }
        : {}),
      async applyPage(ctx, items, prepared) {
        const clock = { ms: 0 };
        const before = await ctx.em.count(MailCaptureAudit, { connection: ctx.connectionId });
        const at = performance.now();
        await inboxResource.applyPage({ ...ctx, graph: timed(ctx.graph, clock) }, items, prepared);
        const own = performance.now() - at - clock.ms + preparedMs;
        preparedMs = 0;
        const filed = (await ctx.em.count(MailCaptureAudit, { connection: ctx.connectionId })) - before;
        ownMs += own;
        graphMs += clock.ms;
        filedTotal += filed;
        if (filed > 0) perMail.push(own / filed);
      },
    };
    let requests = 0;
    const started = performance.now();
    const report = await runMailboxSync(t.orm.em as EntityManager, tenant.id, connectionId, {
      resources: [measured],
      services: { config: t.config, logger: createLogger(t.config), graph: new GraphGateway(t.config.entra) },
      graph: { onRequests: (n) => (requests += n) },
      budgetLimit: 1_000_000,
    });
    const totalMs = performance.now() - started;
    const stored = await inTenant((em) => em.count(MailCaptureAudit, { connection: connectionId }));

    // The floor: a page's filed mails, their links and audit rows, three multi-row typed inserts.
    const floor: number[] = [];
    const pageMails = DELTA_PAGE_SIZE / 2;
    const personIds = (
      await inTenant((em) => em.find(Person, {}, { limit: pageMails, orderBy: { id: 'asc' }, fields: ['id'] }))
    ).map((person) => person.id);
    const floorStarted = performance.now();
    let floorRows = 0;
    while (performance.now() - floorStarted < options.seconds * 1000 || floor.length < 5) {
      const at = performance.now();
      await inTenant(async (em) => {
        const rows = Array.from({ length: pageMails }, (_, i) => ({
          id: randomUUID(),
          internetMessageId: `<floor-${randomUUID()}@kunde.example>`,
          personId: personIds[i % personIds.length] as string,
          i,
        }));
        await db(em)
          .insertInto('mail')
          .values(
            rows.map((row) => ({
              id: row.id,
              tenant_id: tenant.id,
              internet_message_id: row.internetMessageId,
              subject: `Anfrage ${row.i}`,
              from_address: `kunde${row.i}@kunde.example`,
              from_name: `Kunde ${row.i}`,
              to_recipients: jsonb([{ address: annaUpn, name: 'Anna Admin' }]),
              cc_recipients: jsonb([]),
              received_at: new Date(),
              body_html: `<p>Guten Tag,</p><p>Anfrage Nummer ${row.i} zu Ihrem Angebot.</p>`,
              body_text: `Guten Tag, Anfrage Nummer ${row.i} zu Ihrem Angebot.`,
              snippet: `Guten Tag, Anfrage Nummer ${row.i} zu Ihrem Angebot.`,
              created_by: annaId,
              updated_by: annaId,
              version: 1,
            })),
          )
          .execute();
        await db(em)
          .insertInto('record_link')
          .values(
            rows.map((row) => ({
              tenant_id: tenant.id,
              item_type: 'mail',
              item_id: row.id,
              record_type: 'person',
              record_id: row.personId,
            })),
          )
          .execute();
        await db(em)
          .insertInto('mail_capture_audit')
          .values(
            rows.map((row) => ({
              id: randomUUID(),
              tenant_id: tenant.id,
              mail_id: row.id,
              internet_message_id: row.internetMessageId,
              action: 'filed' as const,
              rule: 'known_address',
              matched: sql<string[]>`${JSON.stringify([`kunde${row.i}@kunde.example`])}::jsonb`,
              connection_id: connectionId,
              mailbox,
              folder: 'inbox' as const,
              user_id: annaId,
            })),
          )
          .execute();
      });
      floor.push((performance.now() - at) / pageMails);
      floorRows += pageMails;
    }
    const floorSeconds = (performance.now() - floorStarted) / 1000;

    console.log(
      `back-fill of ${count} messages: ${stored} filed (${filedTotal} counted by the pages), ` +
        `${report.requests} Graph requests (${requests} counted; budget 9,500 per 10 min), ` +
        `${(totalMs / 1000).toFixed(1)}s in all, of which ${(graphMs / 1000).toFixed(1)}s awaiting Graph inside pages; ` +
        `own time in pages ${(ownMs / 1000).toFixed(1)}s`,
    );
    console.log('cost per filed mail (ms, per delta page; n = pages that filed mail):');
    const floorStats = statsOf('floor: typed multi-row inserts per mail', floor, floorSeconds);
    floorStats.opsPerSec = floorRows / floorSeconds;
    const ours = statsOf('own cost per filed mail (no Graph)', perMail, ownMs / 1000);
    ours.opsPerSec = filedTotal / (ownMs / 1000);
    printTable([{ stats: floorStats }, { stats: ours, floor: floorStats }]);
  } finally {
    await app?.close();
    await emulator.stop();
    if (database) {
      database.kill();
      await database.exited();
    }
  }
}
