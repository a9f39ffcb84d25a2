// The calendar half of the Graph sync at scale, through the emulator with Outlook's limits on: the
// initial sync of a mailbox with BENCH_EVENTS (20,000) events, every tenth with a CRM contact among
// the attendees (so 2,000 become activities), while BENCH_MEETINGS (1,000) CRM meetings go out to
// Outlook; then a run with nothing to do, and an Outlook edit reaching the CRM. Each run is sync-core's
// run of the mailbox (page-by-page commits, $batch pushes), its requests counted against the budget.
// Floor: the same delta round paged through with the same client and page size, doing nothing
// with the items (what Graph alone costs).
//
// Without DATABASE_URL an in-memory embedded PostgreSQL runs in a process of its own (bench-database.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@crm/m365-emulator';
import { GraphGateway } from '../../backend/src/graph/graph-gateway.ts';
import { inTenantTransaction } from '../../backend/src/http/tenancy.ts';
import { createLogger } from '../../backend/src/logger.ts';
import { calendarResource, eventsWindow } from '../../backend/src/modules/graph-sync/calendar/calendar.resource.ts';
import { GraphMailboxClient } from '../../backend/src/modules/graph-sync/graph-client.ts';
import { MailboxConnection } from '../../backend/src/modules/graph-sync/graph-sync.entity.ts';
import { DELTA_PAGE_SIZE, runMailboxSync } from '../../backend/src/modules/graph-sync/sync-run.ts';
import { createTestApp } from '../../backend/src/testing/test-app.ts';
import { benchDatabase } from './bench-database.ts';
import { printTable, type Stats } from './measure.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PERSONS = 100;
const ATTENDEE_EVERY = 10;
const OUTLOOK_BUDGET = 10_000;

const once = (name: string, ms: number, items: number, errors = 0): Stats => ({
  name,
  n: 1,
  p50: ms,
  p95: ms,
  p99: ms,
  opsPerSec: items / Math.max(0.001, ms / 1000),
  errors,
});

export async function run(): Promise<void> {
  const eventCount = Number(process.env.BENCH_EVENTS || 20_000);
  const meetingCount = Number(process.env.BENCH_MEETINGS || 1_000);
  const database = benchDatabase();
  const emulator = await startEmulator({ dataDir: path.join(root, '.data') });
  let t: Awaited<ReturnType<typeof createTestApp>> | undefined;
  try {
    const databaseUrl = await database.url();
    process.env.DATABASE_URL = databaseUrl;
    process.env.M365_EMULATOR_URL = emulator.url;
    t = await createTestApp();
    const app = t;
    const tenant = await app.createTenant('Kalender Bench GmbH', [{ displayName: 'Bea Bench' }]);
    const upn = tenant.upn('Bea Bench');
    const api = await tenant.as(upn);
    const userId = await tenant.userId(upn);
    const objectId = tenant.seed.users[0]?.id as string;
    const types = (await api.get('/api/v1/activity-types')).body.items as { id: string; key: string | null }[];
    const meetingType = types.find((type) => type.key === 'meeting')?.id as string;

    const addresses: string[] = [];
    for (let index = 0; index < PERSONS; index += 1) {
      const address = `kunde${index}@bench-kunden.example`;
      addresses.push(address);
      const res = await api
        .post('/api/v1/persons?confirm=duplicate')
        .send({ lastName: `Kunde ${index}`, emails: [{ address, kind: 'work' }] });
      if (res.status !== 201) throw new Error(`person: ${res.status} ${res.text}`);
    }
    const window = eventsWindow();
    for (let index = 0; index < meetingCount; index += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, meetingCount - index) }, async (_, offset) => {
          const day = new Date(Date.now() + ((index + offset) % 300) * 86_400_000);
          day.setUTCHours(7 + ((index + offset) % 9), 0, 0, 0);
          if (day >= window.until) throw new Error('meeting outside the window');
          const res = await api.post('/api/v1/activities').send({
            typeId: meetingType,
            subject: `CRM-Termin ${index + offset + 1}`,
            startsAt: day.toISOString(),
            durationMinutes: 45,
          });
          if (res.status !== 201) throw new Error(`activity: ${res.status} ${res.text}`);
        }),
      );
    }
    await app.emulator.graph.seedEvents({
      user: upn,
      count: eventCount,
      prefix: 'Outlook-Termin',
      attendees: { addresses, every: ATTENDEE_EVERY },
    });
    const connectionId = await inTenantTransaction(app.orm.em, tenant.id, async (em) => {
      const made = em.create(MailboxConnection, { tenant: tenant.id, userId, mailbox: objectId, enabledBy: 'self' });
      await em.flush();
      return made.id;
    });
    const services = {
      config: app.config,
      logger: createLogger(app.config),
      graph: new GraphGateway(app.config.entra),
    };
    const syncOnce = () =>
      runMailboxSync(app.orm.em, tenant.id, connectionId, { resources: [calendarResource], services });

    // Floor: the delta round alone, with the same client and page size.
    const floorClient = new GraphMailboxClient({
      gateway: services.graph,
      tenantId: tenant.id,
      mailboxId: objectId,
      budget: { remaining: OUTLOOK_BUDGET, resetsAt: new Date(Date.now() + 600_000) },
    });
    const floorStarted = performance.now();
    let url: string | undefined =
      `${floorClient.base}/calendarView/delta?startDateTime=${window.from.toISOString()}&endDateTime=${window.until.toISOString()}`;
    let seen = 0;
    while (url) {
      const page: { value?: unknown[]; '@odata.nextLink'?: string } = await floorClient.get(url, {
        Prefer: `odata.maxpagesize=${DELTA_PAGE_SIZE}`,
      });
      seen += page.value?.length ?? 0;
      url = page['@odata.nextLink'];
    }
    const floorMs = performance.now() - floorStarted;
    await app.emulator.graph.resetUsage();

    const initialStarted = performance.now();
    const initial = await syncOnce();
    const initialMs = performance.now() - initialStarted;
    const usage = await app.emulator.graph.usage({ user: upn });
    const [counts] = await app.orm.em.getConnection().execute<{ links: number; inbound: number }[]>(
      `select count(*)::int as links,
                (count(*) filter (where a.subject like 'Outlook-Termin %'))::int as inbound
           from event_link l join activity a on a.id = l.activity_id where l.tenant_id = ?`,
      [tenant.id],
    );
    const expectedInbound = Math.ceil(eventCount / ATTENDEE_EVERY);
    const missing =
      Math.abs((counts?.inbound ?? 0) - expectedInbound) +
      Math.abs((counts?.links ?? 0) - expectedInbound - meetingCount);

    const idleStarted = performance.now();
    const idle = await syncOnce();
    const idleMs = performance.now() - idleStarted;

    const linked = await app.orm.em.getConnection().execute<{ outlook_event_id: string; activity_id: string }[]>(
      `select l.outlook_event_id, l.activity_id from event_link l join activity a on a.id = l.activity_id
          where l.tenant_id = ? and a.subject like 'Outlook-Termin %' limit 1`,
      [tenant.id],
    );
    const target = linked[0];
    if (!target) throw new Error('no inbound activity');
    await app.emulator.graph.updateEvent({
      user: upn,
      id: target.outlook_event_id,
      changes: { subject: 'Verschoben' },
    });
    const editStarted = performance.now();
    await syncOnce();
    const editMs = performance.now() - editStarted;
    const [edited] = await app.orm.em
      .getConnection()
      .execute<{ subject: string }[]>('select subject from activity where id = ?', [target.activity_id]);

    printTable([
      {
        stats: once(
          `initial sync: ${eventCount} events (${expectedInbound} with CRM contacts) in, ${meetingCount} meetings out`,
          initialMs,
          eventCount + meetingCount,
          missing,
        ),
        floor: once(`delta round alone (${seen} items, page ${DELTA_PAGE_SIZE})`, floorMs, seen),
      },
      { stats: once('run with nothing changed', idleMs, 1) },
      { stats: once('run after one Outlook edit', editMs, 1, edited?.subject === 'Verschoben' ? 0 : 1) },
    ]);
    console.log(
      `requests: initial run ${initial.requests} (emulator counted ${usage} of the ${OUTLOOK_BUDGET} per 10 minutes), ` +
        `idle run ${idle.requests}; links ${counts?.links}, activities from Outlook ${counts?.inbound} of ${expectedInbound}`,
    );
  } finally {
    await t?.close();
    await emulator.stop();
    await database.stop();
  }
}
