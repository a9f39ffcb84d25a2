// The Teams bot under load: reminders for 10 tenants falling due within one minute (evenly, by the
// database's clock), each tenant's user with the app installed in Teams (the emulator's channel). A
// worker (job runtime and bot delivery, in this process, as `--worker-only` runs them) turns them into
// notifications and posts each as a card through the Bot Connector. Reports:
// - due → card posted: `bot_delivery.posted_at` minus the task's `remind_at`, per reminder;
// - lost and doubled cards, counted in the emulator's transcripts;
// - the round trip of a card's Done button (Teams' invoke to /api/messages, answered in place);
// - the floor: the same card posted straight to the Bot Connector with a bot token, nothing of ours.
//
// BENCH_REMINDERS (default 10000) changes the load. Without DATABASE_URL an in-memory embedded
// PostgreSQL runs in a process of its own (bench-database.ts).
import { CRM_BOT_APP_ID } from '@crm/m365-emulator';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../backend/src/http/tenancy.ts';
import { createLogger } from '../../backend/src/logger.ts';
import { startBotDelivery } from '../../backend/src/modules/bot/bot.delivery.ts';
import { botSettingsFrom } from '../../backend/src/modules/bot/bot.settings.ts';
import { BOT_HOME_TENANT, type BotWorld, startBotWorld } from '../../backend/src/testing/bot-world.ts';
import { createTaskRows } from '../../backend/src/testing/task-rows.ts';
import { benchDatabase } from './bench-database.ts';
import { printTable, type Stats, statsOf } from './measure.ts';

const TENANTS = 10;
/** Tasks are written in transactions of this many. */
const CHUNK = 500;
const ACTIONS = 200;

interface Posted {
  conversationId: string;
  activityId: string;
  taskId: string;
  card: { actions?: { verb?: string; data?: Record<string, unknown> }[] };
}

/** The reminder cards the bot posted, read from the emulator's transcripts. */
function postedCards(world: BotWorld, conversationIds: readonly string[]): Posted[] {
  return conversationIds.flatMap((conversationId) =>
    world.emulator.teams.transcript(conversationId).flatMap((entry) => {
      const attachments = entry.activity.attachments as { content: Posted['card'] }[] | undefined;
      if (entry.sender !== 'bot' || !attachments?.[0]) return [];
      const card = attachments[0].content;
      const done = card.actions?.find((action) => action.verb === 'task.done');
      const taskId = done?.data?.taskId;
      return typeof taskId === 'string' ? [{ conversationId, activityId: entry.id, taskId, card }] : [];
    }),
  );
}

export async function run(options: { seconds: number }): Promise<void> {
  const reminders = Number(process.env.BENCH_REMINDERS || 10_000);
  if (!Number.isInteger(reminders) || reminders < TENANTS)
    throw new Error(`BENCH_REMINDERS must be at least ${TENANTS}`);
  const perTenant = Math.ceil(reminders / TENANTS);
  const database = benchDatabase();
  // The bot world's app reads it.
  process.env.DATABASE_URL = await database.url();
  // A worker's pool (DB_POOL_MAX 10 by default; the tests' 4 would starve the jobs beside the delivery lanes).
  const world = await startBotWorld({
    jobs: { work: true },
    env: { DB_POOL_MAX: '10', JOBS_POLL_SECONDS: '0.5', JOBS_BATCH_SIZE: '100' },
  });
  const settings = botSettingsFrom(world.app.config);
  if (!settings) throw new Error('the bot world configures the bot');
  const delivery = startBotDelivery({
    orm: world.app.orm,
    settings,
    logger: createLogger({ ...world.app.config, logFormat: 'json' }),
    idleMs: 100,
  });
  const sql = <T>(query: string, params: unknown[] = []) =>
    world.app.orm.em.getConnection().execute<T[]>(query, params);
  try {
    // Ten companies, each with one user who installed the app in Teams (greeted, conversation stored).
    const tenants: { id: string; userId: string; conversationId: string }[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const tenant = await world.app.createTenant(`Bot Bench ${i + 1} GmbH`, [{ displayName: 'Ada Admin' }]);
      const userId = await tenant.userId(tenant.upn('Ada Admin'));
      const { conversation } = await world.emulator.teams.installPersonal({
        tenantId: tenant.id,
        user: tenant.upn('Ada Admin'),
      });
      tenants.push({ id: tenant.id, userId, conversationId: conversation.id });
    }

    const lead = Number(process.env.BENCH_REMINDERS_LEAD_SECONDS || 30);
    const spreadMs = Number(process.env.BENCH_REMINDERS_SPREAD_SECONDS || 60) * 1000;
    const [{ due } = { due: '' }] = await sql<{ due: string }>(
      `select to_char(date_trunc('second', now() + make_interval(secs => ?)) at time zone 'UTC',
                      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as due`,
      [lead],
    );
    const firstDue = Date.parse(due);
    /** The n-th of `total` reminders falls due this much after the first. */
    const dueAt = (n: number) => new Date(firstDue + Math.floor((n * spreadMs) / total)).toISOString();
    const total = perTenant * TENANTS;
    for (const [index, tenant] of tenants.entries()) {
      for (let start = 0; start < perTenant; start += CHUNK) {
        const size = Math.min(CHUNK, perTenant - start);
        await inTenantTransaction(world.app.orm.em as EntityManager, tenant.id, (em) =>
          createTaskRows(
            em,
            Array.from({ length: size }, (_, n) => ({
              title: `Rückruf ${start + n + 1}`,
              assigneeId: tenant.userId,
              // Tenants interleaved over the minute, as reminders of many companies would be.
              remindAt: dueAt((start + n) * TENANTS + index),
            })),
          ),
        );
      }
    }
    console.log(
      `${total} reminders in ${TENANTS} tenants, due from ${due} over ${spreadMs / 1000}s; one worker (jobs and bot delivery)`,
    );

    // Until every reminder is posted (or failed for good), or nothing moves for a minute.
    let settled = 0;
    let still = 0;
    while (still < 60) {
      const [{ done } = { done: 0 }] = await sql<{ done: number }>(
        `select count(*)::int as done from notification n
          where n.kind = 'task.reminder' and (n.state in ('sent', 'failed'))
            and n.tenant_id = any(?::uuid[])`,
        [`{${tenants.map((tenant) => tenant.id).join(',')}}`],
      );
      if (done >= total) break;
      still = done === settled ? still + 1 : 0;
      settled = done;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    const timings = await sql<{ due_to_card: number; due_to_notification: number; notification_to_card: number }>(
      `select extract(epoch from d.posted_at - t.remind_at)::float8 * 1000 as due_to_card,
              extract(epoch from n.created_at - t.remind_at)::float8 * 1000 as due_to_notification,
              extract(epoch from d.posted_at - n.created_at)::float8 * 1000 as notification_to_card
         from bot_delivery d
         join notification n on n.id = d.notification_id and n.kind = 'task.reminder'
         join task t on t.id = (n.payload->>'taskId')::uuid
        where d.posted_at is not null and d.tenant_id = any(?::uuid[])`,
      [`{${tenants.map((tenant) => tenant.id).join(',')}}`],
    );
    const column = (key: keyof (typeof timings)[number]) => timings.map((row) => Number(row[key]));
    const posted = postedCards(
      world,
      tenants.map((tenant) => tenant.conversationId),
    );
    const distinct = new Set(posted.map((card) => card.taskId));
    const lateness: Stats = statsOf('due → card posted', column('due_to_card'), 1);
    const jobPart: Stats = statsOf('  due → notification (job)', column('due_to_notification'), 1);
    const botPart: Stats = statsOf('  notification → card (bot)', column('notification_to_card'), 1);

    // A card's Done, clicked as Teams sends it: invoke → bot → task closed → the card answered in place.
    const clicks: number[] = [];
    let clickErrors = 0;
    const deadline = performance.now() + options.seconds * 1000;
    for (const card of posted.slice(0, ACTIONS)) {
      if (performance.now() > deadline && clicks.length >= 20) break;
      const done = card.card.actions?.find((action) => action.verb === 'task.done');
      const started = performance.now();
      const answer = await world.emulator.teams.adaptiveCardAction({
        conversationId: card.conversationId,
        verb: 'task.done',
        data: done?.data ?? {},
        replyToId: card.activityId,
      });
      clicks.push(performance.now() - started);
      if (answer.status !== 200) clickErrors += 1;
    }
    const action = statsOf('card Done round trip', clicks, clicks.reduce((sum, ms) => sum + ms, 0) / 1000, clickErrors);

    // The floor: the same card posted straight to the Bot Connector.
    const token = await fetch(`${world.emulator.url}/${BOT_HOME_TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CRM_BOT_APP_ID,
        client_secret: 'crm-bot-local-secret',
        scope: 'https://api.botframework.com/.default',
      }),
    }).then(async (response) => (await response.json()) as { access_token: string });
    const [first] = tenants;
    const floorCard = posted[0]?.card ?? {};
    const serviceUrl = world.emulator.teams.serviceUrl(first?.id ?? '');
    const floorPosts: number[] = [];
    for (let i = 0; i < ACTIONS; i++) {
      const started = performance.now();
      const response = await fetch(
        `${serviceUrl}v3/conversations/${encodeURIComponent(first?.conversationId ?? '')}/activities`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'message',
            attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: floorCard }],
          }),
        },
      );
      await response.arrayBuffer();
      floorPosts.push(performance.now() - started);
    }
    const floor = statsOf('connector post (floor)', floorPosts, floorPosts.reduce((sum, ms) => sum + ms, 0) / 1000);

    printTable([{ stats: lateness }, { stats: jobPart }, { stats: botPart }, { stats: action, floor }]);
    console.log(
      `cards posted: ${distinct.size} of ${total} reminders; lost: ${total - distinct.size}; doubled: ${posted.length - distinct.size}`,
    );
  } finally {
    await delivery.stop();
    await world.close();
    await database.stop();
  }
}
