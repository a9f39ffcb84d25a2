// Bot delivery under a real worker process (`node backend/src/main.ts --worker-only`) killed with
// SIGKILL while its posts to Teams are in flight: the posts that reached Teams stay there, a second
// worker delivers the rest, and no notification is posted twice. What the dead worker had begun to
// post is given up (Teams cannot be asked whether it arrived) and stays readable in the app.

import { CRM_BOT_APP_ID } from '@crm/m365-emulator';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../backend/src/http/tenancy.ts';
import { notify } from '../../../backend/src/modules/notifications/outbox.ts';
import { db } from '../../../backend/src/records/sql.ts';
import { BOT_HOME_TENANT, type BotWorld, startBotWorld } from '../../../backend/src/testing/bot-world.ts';
import { eventually } from '../../../backend/src/testing/eventually.ts';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { repoRoot, type SpawnedProcess } from '../../support/processes.ts';
import { spawnSyncWorker } from '../../support/sync-worker.ts';

const PEOPLE = ['Paula Post', 'Till Teams', 'Karl Karte'];
const PER_PERSON = 40;
const NOTIFICATIONS = PEOPLE.length * PER_PERSON;
/** Posts Teams takes before it holds the rest in flight, and the worker dies. */
const POSTED_BEFORE_KILL = 15;
/** Every card names its notification, so the transcript tells how often each was posted. */
const title = (n: number) => `Rückruf [${n}]`;

describe('bot delivery when its worker is killed', () => {
  let world: BotWorld;
  let tenant: TestTenant;
  const conversations: string[] = [];
  const workers: SpawnedProcess[] = [];

  const startWorker = () => {
    const worker = spawnSyncWorker({
      BOT_APP_ID: CRM_BOT_APP_ID,
      BOT_APP_SECRET: 'crm-bot-local-secret',
      BOT_TENANT_ID: BOT_HOME_TENANT,
      NODE_OPTIONS: `--import=${repoRoot}/tests/support/route-instance-discovery.ts`,
    });
    workers.push(worker);
    return worker;
  };

  const inTenant = <T>(work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(world.app.orm.em as EntityManager, tenant.id, work);

  /** How often each notification's card reached Teams, by title. */
  const postsByTitle = () => {
    const counts = new Map<string, number>();
    for (const conversationId of conversations) {
      for (const entry of world.emulator.teams.transcript(conversationId)) {
        if (entry.sender !== 'bot') continue;
        const card = JSON.stringify(entry.activity.attachments ?? []);
        const named = /Rückruf \[\d+\]/.exec(card)?.[0];
        if (named) counts.set(named, (counts.get(named) ?? 0) + 1);
      }
    }
    return counts;
  };

  const outbox = () =>
    inTenant((em) =>
      db(em)
        .selectFrom('notification as n')
        .leftJoin('bot_delivery as d', 'd.notification_id', 'n.id')
        .select(['n.id', 'n.recipient_id', 'n.state', 'n.last_error', 'n.payload', 'd.activity_id'])
        .select((eb) => eb('d.notification_id', 'is not', null).as('begun'))
        .execute(),
    );

  beforeAll(async () => {
    world = await startBotWorld();
    tenant = await world.app.createTenant(
      'Bot Kill GmbH',
      PEOPLE.map((displayName) => ({ displayName, preferredLanguage: 'de-DE' })),
    );
    const recipients: string[] = [];
    for (const name of PEOPLE) {
      recipients.push(await tenant.userId(tenant.upn(name)));
      // Installing the app stores the conversation the cards go to.
      const { conversation } = await world.emulator.teams.installPersonal({
        tenantId: tenant.id,
        user: tenant.upn(name),
      });
      conversations.push(conversation.id);
    }
    await inTenant((em) =>
      notify(
        em,
        Array.from({ length: NOTIFICATIONS }, (_, n) => ({
          recipientId: recipients[n % recipients.length] as string,
          kind: 'task.assigned' as const,
          payload: { title: title(n) },
          idempotencyKey: `worker-kill:${n}`,
        })),
      ),
    );
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited()));
    await world?.close();
  });

  it('posts every notification at most once after SIGKILL mid-delivery, and gives up only what was in flight', async () => {
    const hold = world.emulator.teams.hold({
      tenantId: tenant.id,
      operations: ['sendToConversation'],
      after: POSTED_BEFORE_KILL,
    });
    const first = startWorker();
    await first.waitFor(/CRM job workers running/, 60_000);
    await world.emulator.teams.held(hold, 1);
    first.kill('SIGKILL');
    expect(await first.exited()).toEqual({ code: null, signal: 'SIGKILL' });

    expect([...postsByTitle().values()].reduce((sum, count) => sum + count, 0)).toBe(POSTED_BEFORE_KILL);
    // What the dead worker had begun to post: an intent row and no activity id.
    const begun = new Set((await outbox()).filter((row) => row.begun && row.activity_id === null).map((row) => row.id));
    expect(begun.size).toBeGreaterThan(0);
    // Intents are committed a batch at a time: at most one batch (8 posts) in flight per delivery lane (2).
    expect(begun.size).toBeLessThanOrEqual(16);
    // Posts that reached Teams before the worker died are shown there, whatever became of the worker.
    world.emulator.teams.release(hold);

    // Its claims are leases of two minutes: let them run out now rather than wait.
    await inTenant((em) =>
      db(em).updateTable('notification').set({ next_attempt_at: new Date() }).where('state', '=', 'sending').execute(),
    );
    const second = startWorker();
    await second.waitFor(/CRM job workers running/, 60_000);
    const done = await eventually(
      outbox,
      (rows) => rows.every((row) => row.state === 'sent' || row.state === 'failed'),
      {
        timeoutMs: 120_000,
        everyMs: 250,
        what: 'every notification delivered or given up',
      },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${second.output().slice(-3000)}`);
    });

    const posts = postsByTitle();
    const titleOf = (row: (typeof done)[number]) => String((row.payload as { title: string }).title);
    // Never twice; and everything delivered was posted exactly once.
    expect([...posts].filter(([, count]) => count > 1)).toEqual([]);
    const sent = done.filter((row) => row.state === 'sent');
    expect(sent.filter((row) => posts.get(titleOf(row)) !== 1).map(titleOf)).toEqual([]);
    expect(sent.length).toBeGreaterThan(POSTED_BEFORE_KILL);
    // Given up: exactly what the dead worker had begun; nothing else is missing from Teams.
    const failed = done.filter((row) => row.state === 'failed');
    expect(new Set(failed.map((row) => row.id))).toEqual(begun);
    expect(failed.every((row) => row.last_error?.includes('stopped during its post'))).toBe(true);
    expect(done.filter((row) => !posts.has(titleOf(row)) && !begun.has(row.id)).map(titleOf)).toEqual([]);

    // The ones given up stay readable in the app.
    for (const name of PEOPLE) {
      const person = await tenant.as(tenant.upn(name));
      const mine = (await person.get('/api/v1/me/notifications?limit=200').expect(200)).body.items as { id: string }[];
      const listed = new Set(mine.map((item) => item.id));
      const recipient = await tenant.userId(tenant.upn(name));
      expect(failed.filter((row) => row.recipient_id === recipient && !listed.has(row.id))).toEqual([]);
      expect(mine).toHaveLength(PER_PERSON);
    }
  }, 600_000);
});
