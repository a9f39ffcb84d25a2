// Notifications reach Teams as cards, once each; their buttons act through the task services.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { sendOverdueDigests } from '../../../jobs/task-deadlines.job.ts';
import { deliverReminders } from '../../../jobs/task-reminder.job.ts';
import { createLogger } from '../../../logger.ts';
import { db } from '../../../records/sql.ts';
import { type BotWorld, startBotWorld } from '../../../testing/bot-world.ts';
import type { TestTenant } from '../../../testing/test-app.ts';
import { MailboxConnection } from '../../graph-sync/graph-sync.entity.ts';
import { notifyStalledSyncs } from '../../graph-sync/graph-sync.service.ts';
import { Tenant } from '../../identity/tenant.entity.ts';
import { handOverStartedAbsences } from '../../tasks/tasks.service.ts';
import { BotDeliverer } from '../bot.delivery.ts';
import { botSettingsFrom } from '../bot.settings.ts';
import { tomorrowAtNine } from '../bot-actions.ts';
import { BotConversation, BotDelivery } from '../bot-conversation.entity.ts';

describe('the bot delivers notifications and answers card actions', () => {
  let world: BotWorld;
  let shop: TestTenant;
  let deliverer: BotDeliverer;
  const conversations = new Map<string, string>();

  beforeAll(async () => {
    world = await startBotWorld();
    shop = await world.app.createTenant('Bäckerei Bot', [
      { displayName: 'Klara Korn', preferredLanguage: 'de-DE' },
      { displayName: 'Ben Brezel', preferredLanguage: 'en-GB' },
      { displayName: 'Emil Ecke', preferredLanguage: 'de-DE' },
    ]);
    const settings = botSettingsFrom(world.app.config);
    if (!settings) throw new Error('the harness configures the bot');
    deliverer = new BotDeliverer({ orm: world.app.orm, settings, logger: createLogger(world.app.config) });
    for (const name of ['Klara Korn', 'Ben Brezel', 'Emil Ecke']) {
      await shop.userId(shop.upn(name));
      const { conversation } = await world.emulator.teams.installPersonal({ tenantId: shop.id, user: shop.upn(name) });
      conversations.set(name, conversation.id);
    }
  });
  afterAll(() => world?.close());

  const cardsOf = (name: string) =>
    world.emulator.teams
      .transcript(conversations.get(name) as string)
      .filter((entry) => entry.sender === 'bot' && Array.isArray(entry.activity.attachments))
      .map((entry) => ({ id: entry.id, card: JSON.stringify(entry.activity.attachments) }));

  const delegate = async (title: string, to: string) => {
    const klara = await shop.as(shop.upn('Klara Korn'));
    const created = await klara.post('/api/v1/tasks').send({ title }).expect(201);
    await klara
      .post(`/api/v1/tasks/${created.body.id}/delegate`)
      .send({ toUserId: await shop.userId(shop.upn(to)), note: 'Bitte bis Freitag' })
      .expect(200);
    return created.body.id as string;
  };

  /** Delivers until nothing is due any more (retries wait their Retry-After in place). */
  const deliverAll = async () => {
    let total = { sent: 0, failed: 0, retryLater: 0 };
    for (let round = 0; round < 5; round++) {
      const report = await deliverer.deliverDue();
      total = {
        sent: total.sent + report.sent,
        failed: total.failed + report.failed,
        retryLater: total.retryLater + report.retryLater,
      };
      if (report.sent + report.failed + report.retryLater === 0) break;
    }
    return total;
  };

  it('posts a delegation as one card; Accept updates it in place and tells the delegator; a second click changes nothing', async () => {
    const taskId = await delegate('Ofen warten', 'Ben Brezel');
    await deliverAll();
    const [card] = cardsOf('Ben Brezel').filter((entry) => entry.card.includes('Ofen warten'));
    expect(card?.card).toContain('Accept');
    expect(card?.card).toContain('Bitte bis Freitag');

    const click = () =>
      world.emulator.teams.adaptiveCardAction({
        conversationId: conversations.get('Ben Brezel') as string,
        verb: 'delegation.accept',
        data: JSON.parse(card?.card as string)[0].content.actions[0].data,
        replyToId: card?.id as string,
      });
    const accepted = await click();
    expect(accepted.status).toBe(200);
    expect(JSON.stringify(accepted.body)).toContain('Accepted ✓');
    const again = await click();
    expect(JSON.stringify(again.body)).toContain('has changed meanwhile');

    const ben = await shop.as(shop.upn('Ben Brezel'));
    expect((await ben.get(`/api/v1/tasks/${taskId}`).expect(200)).body.delegation.state).toBe('accepted');
    await deliverAll();
    const answers = cardsOf('Klara Korn').filter((entry) => entry.card.includes('Ofen warten'));
    expect(answers).toHaveLength(1);
    expect(answers[0]?.card).toContain('hat Ihre Delegation angenommen');
  });

  it('waits out a 429 storm and still posts exactly once', async () => {
    world.emulator.teams.addFault({
      conversationId: conversations.get('Emil Ecke'),
      status: 429,
      retryAfterSeconds: 1,
      times: 3,
    });
    await delegate('Mehl bestellen', 'Emil Ecke');
    const report = await deliverAll();
    expect(report.sent).toBeGreaterThanOrEqual(1);
    expect(cardsOf('Emil Ecke').filter((entry) => entry.card.includes('Mehl bestellen'))).toHaveLength(1);
  });

  it('retries through 502s from Teams and still posts exactly once', async () => {
    world.emulator.teams.addFault({ conversationId: conversations.get('Emil Ecke'), status: 502, times: 2 });
    await delegate('Waage eichen', 'Emil Ecke');
    await deliverAll();
    expect(cardsOf('Emil Ecke').filter((entry) => entry.card.includes('Waage eichen'))).toHaveLength(1);
  });

  it('marks a conversation gone on 403 and keeps the notification readable in the app', async () => {
    const conversationId = conversations.get('Emil Ecke') as string;
    const blocked = world.emulator.teams.addFault({ conversationId, status: 403 });
    await delegate('Kasse zählen', 'Emil Ecke');
    await deliverAll();
    world.emulator.teams.removeFault(blocked);
    expect(cardsOf('Emil Ecke').filter((entry) => entry.card.includes('Kasse zählen'))).toHaveLength(0);
    const [stored] = await world.app.orm.em.fork().find(BotConversation, { conversationId }, { filters: false });
    expect(stored?.goneAt).toBeInstanceOf(Date);

    const emil = await shop.as(shop.upn('Emil Ecke'));
    const mine = await emil.get('/api/v1/me/notifications').expect(200);
    expect(JSON.stringify(mine.body)).toContain('Kasse zählen');

    // Nothing more is tried there until the user installs the app again.
    await delegate('Brot backen', 'Emil Ecke');
    expect((await deliverAll()).sent).toBe(0);
  });
  it('changes nothing when someone but the assignee clicks, and says why', async () => {
    const taskId = await delegate('Teig kneten', 'Ben Brezel');
    await deliverAll();
    const [card] = cardsOf('Ben Brezel').filter((entry) => entry.card.includes('Teig kneten'));
    const klara = world.emulator.teams.member({ tenantId: shop.id, user: shop.upn('Klara Korn') });
    const answer = await world.emulator.teams.send({
      conversationId: conversations.get('Ben Brezel') as string,
      activity: {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: card?.id,
        from: { id: klara.id, name: klara.name, aadObjectId: klara.aadObjectId },
        locale: 'de-DE',
        value: {
          action: {
            type: 'Action.Execute',
            verb: 'delegation.accept',
            data: JSON.parse(card?.card as string)[0].content.actions[0].data,
          },
        },
      },
    });
    expect(JSON.stringify(answer.body)).toContain('Das kann nur die Person tun, der die Aufgabe zugewiesen ist.');
    const ben = await shop.as(shop.upn('Ben Brezel'));
    expect((await ben.get(`/api/v1/tasks/${taskId}`).expect(200)).body.delegation.state).toBe('pending');
  });

  it('never posts again a notification whose delivery stopped during the post', async () => {
    await delegate('Lieferung prüfen', 'Ben Brezel');
    const ben = await shop.as(shop.upn('Ben Brezel'));
    const listed = (await ben.get('/api/v1/me/notifications').expect(200)).body.items as {
      id: string;
      payload: { title?: string };
    }[];
    const notification = listed.find((item) => item.payload.title === 'Lieferung prüfen');
    // What a deliverer killed between its post and recording Teams' answer leaves behind.
    const em = world.app.orm.em.fork();
    em.create(BotDelivery, {
      notificationId: notification?.id as string,
      tenant: em.getReference(Tenant, shop.id),
      conversationId: conversations.get('Ben Brezel') as string,
    });
    await em.flush();
    await deliverAll();
    expect(cardsOf('Ben Brezel').filter((entry) => entry.card.includes('Lieferung prüfen'))).toHaveLength(0);
    const after = (await ben.get('/api/v1/me/notifications').expect(200)).body.items as { id: string }[];
    expect(after.map((item) => item.id)).toContain(notification?.id);
  });
  it('reminds with a card whose Done closes the task once, and whose Snooze moves the reminder to 09:00 tomorrow', async () => {
    const ben = await shop.as(shop.upn('Ben Brezel'));
    const remindAt = new Date(Date.now() - 60_000).toISOString();
    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    const ids: string[] = [];
    for (const title of ['Brötchen zählen', 'Theke putzen']) {
      ids.push(
        (await ben.post('/api/v1/tasks').send({ title, dueAt, remindAt, priority: 'high' }).expect(201)).body.id,
      );
    }
    // The reminder job's own work, at the reminder's time.
    await inTenantTransaction(world.app.orm.em as EntityManager, shop.id, (em) =>
      deliverReminders(
        em,
        ids.map((taskId) => ({ taskId, remindAt })),
      ),
    );
    await deliverAll();
    const cards = cardsOf('Ben Brezel');
    const card = (title: string) => {
      const found = cards.find((entry) => entry.card.includes(title));
      return {
        id: found?.id as string,
        actions: JSON.parse(found?.card as string)[0].content.actions as {
          verb?: string;
          data?: Record<string, unknown>;
        }[],
      };
    };
    const counting = card('Brötchen zählen');
    expect(counting.actions.map((action) => action.verb)).toEqual([
      'task.done',
      'task.snooze',
      'task.snooze',
      undefined,
    ]);
    const done = () =>
      world.emulator.teams.adaptiveCardAction({
        conversationId: conversations.get('Ben Brezel') as string,
        verb: 'task.done',
        data: counting.actions[0]?.data,
        replyToId: counting.id,
      });
    expect(JSON.stringify((await done()).body)).toContain('Done ✓');
    expect(JSON.stringify((await done()).body)).toContain('has changed meanwhile');
    const closed = (await ben.get(`/api/v1/tasks/${ids[0]}`).expect(200)).body;
    expect(closed.status).toBe('done');
    expect(closed.version).toBe((counting.actions[0]?.data?.version as number) + 1);

    const cleaning = card('Theke putzen');
    await world.emulator.teams.adaptiveCardAction({
      conversationId: conversations.get('Ben Brezel') as string,
      verb: 'task.snooze',
      data: cleaning.actions[2]?.data,
      replyToId: cleaning.id,
    });
    const snoozed = (await ben.get(`/api/v1/tasks/${ids[1]}`).expect(200)).body;
    expect(snoozed.remindAt).toBe(tomorrowAtNine('Europe/Berlin').toISOString());
  });
  it('declines with a reason from the card; the task goes back and the delegator reads why', async () => {
    const taskId = await delegate('Schaufenster dekorieren', 'Ben Brezel');
    await deliverAll();
    const found = cardsOf('Ben Brezel').find((entry) => entry.card.includes('Schaufenster dekorieren'));
    const showCard = JSON.parse(found?.card as string)[0].content.actions[1];
    const decline = showCard.card.actions[0];
    const answer = await world.emulator.teams.adaptiveCardAction({
      conversationId: conversations.get('Ben Brezel') as string,
      verb: decline.verb,
      data: { ...decline.data, reason: 'Keine Zeit diese Woche' },
      replyToId: found?.id as string,
    });
    expect(JSON.stringify(answer.body)).toContain('Declined: Keine Zeit diese Woche');
    const klara = await shop.as(shop.upn('Klara Korn'));
    const task = (await klara.get(`/api/v1/tasks/${taskId}`).expect(200)).body;
    expect(task.assigneeId).toBe(await shop.userId(shop.upn('Klara Korn')));
    await deliverAll();
    const answers = cardsOf('Klara Korn').filter((entry) => entry.card.includes('Schaufenster dekorieren'));
    expect(answers.map((entry) => entry.card)).toEqual([expect.stringContaining('Keine Zeit diese Woche')]);
  });

  it("tells the owner's team manager of a deal won or lost, with value, owner and lost reason; nobody else", async () => {
    const klara = await shop.as(shop.upn('Klara Korn'));
    const ben = await shop.as(shop.upn('Ben Brezel'));
    const klaraId = await shop.userId(shop.upn('Klara Korn'));
    const benId = await shop.userId(shop.upn('Ben Brezel'));
    await klara
      .post('/api/v1/admin/teams')
      .send({ name: 'Filialen', managerId: klaraId, memberIds: [benId] })
      .expect(201);
    const pipeline = (await ben.get('/api/v1/pipelines?kind=deal').expect(200)).body.items[0] as {
      stages: { id: string; outcome: 'won' | 'lost' | null }[];
    };
    const outcome = (which: 'won' | 'lost') => pipeline.stages.find((stage) => stage.outcome === which)?.id;
    const lostReason = (await ben.get('/api/v1/lost-reasons?objectType=deal').expect(200)).body.items[0];
    const organizationId = (await ben.post('/api/v1/organizations').send({ name: 'Rathaus Feinkost' }).expect(201)).body
      .id;
    const open = async (title: string, value: string) =>
      (await ben.post('/api/v1/deals').send({ title, value, currency: 'EUR', organizationId }).expect(201)).body
        .id as string;

    const lost = await open('Hochzeitstorte Meier', '1200');
    await ben
      .post(`/api/v1/deals/${lost}/move`)
      .send({ stageId: outcome('lost'), lostReasonId: lostReason.id })
      .expect(200);
    const won = await open('Catering Rathaus', '4850.50');
    await ben
      .post(`/api/v1/deals/${won}/move`)
      .send({ stageId: outcome('won') })
      .expect(200);
    await deliverAll();

    const klaras = cardsOf('Klara Korn').map((entry) => entry.card);
    const lostCard = klaras.find((card) => card.includes('Hochzeitstorte Meier'));
    expect(lostCard).toContain('Deal verloren');
    expect(lostCard).toContain('1.200,00');
    expect(lostCard).toContain('Ben Brezel');
    expect(lostCard).toContain(lostReason.name);
    const wonCard = klaras.find((card) => card.includes('Catering Rathaus'));
    expect(wonCard).toContain('Deal gewonnen');
    expect(wonCard).toContain('4.850,50');
    // The owner closed them himself: he is not told.
    expect(cardsOf('Ben Brezel').filter((entry) => /Hochzeitstorte Meier|Catering Rathaus/.test(entry.card))).toEqual(
      [],
    );
    // A second delivery round posts nothing again.
    await deliverAll();
    expect(cardsOf('Klara Korn').filter((entry) => entry.card.includes('Catering Rathaus'))).toHaveLength(1);
  });

  it('tells the owner of a stalled Outlook sync in Teams, with the last success and a link to the sync page', async () => {
    const benId = await shop.userId(shop.upn('Ben Brezel'));
    const lastSuccessAt = new Date(Date.now() - 3 * 3_600_000);
    await inTenantTransaction(world.app.orm.em as EntityManager, shop.id, async (em) => {
      em.create(MailboxConnection, {
        tenant: em.getReference(Tenant, shop.id),
        userId: benId,
        mailbox: shop.upn('Ben Brezel'),
        enabledBy: 'self',
        status: 'ok',
        lastSuccessAt,
      });
      await em.flush();
      expect(await notifyStalledSyncs(em)).toBe(1);
    });
    await deliverAll();
    const alerts = cardsOf('Ben Brezel').filter((entry) => entry.card.includes('Outlook sync stalled'));
    expect(alerts).toHaveLength(1);
    const card = alerts[0]?.card ?? '';
    // In Ben's language, as the rest of his cards.
    expect(card).toContain('Last synced');
    expect(card).toContain('View sync');
    expect(card).toContain(encodeURIComponent(JSON.stringify({ subEntityId: 'profile' })));
  });

  it('marks what the user read in the Teams chat as read in the app too, and nothing posted after it', async () => {
    const seen = await delegate('Teig ansetzen', 'Ben Brezel');
    await deliverAll();
    const [read] = cardsOf('Ben Brezel').filter((entry) => entry.card.includes('Teig ansetzen'));
    const unseen = await delegate('Brötchen zählen', 'Ben Brezel');
    await deliverAll();
    const receipt = await world.emulator.teams.readReceipt({
      conversationId: conversations.get('Ben Brezel') as string,
      lastReadMessageId: read?.id as string,
    });
    expect(receipt.status).toBe(200);
    const ben = await shop.as(shop.upn('Ben Brezel'));
    const mine = (await ben.get('/api/v1/me/notifications').expect(200)).body.items as {
      readAt: string | null;
      payload: { taskId?: string };
    }[];
    const stateOf = (taskId: string) => mine.find((item) => item.payload.taskId === taskId)?.readAt;
    expect(stateOf(seen)).toEqual(expect.stringMatching(/^\d{4}-/));
    expect(stateOf(unseen)).toBeNull();
  });
  it('tells a substitute what was handed over during an absence, and when it goes back', async () => {
    const emil = await shop.as(shop.upn('Emil Ecke'));
    const benId = await shop.userId(shop.upn('Ben Brezel'));
    const task = await emil.post('/api/v1/tasks').send({ title: 'Ofen entkalken' }).expect(201);
    const until = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const absence = await emil
      .post('/api/v1/me/absences')
      .send({ from: new Date(Date.now() + 86_400_000).toISOString(), to: until, substituteId: benId })
      .expect(201);
    await inTenantTransaction(world.app.orm.em as EntityManager, shop.id, async (em) => {
      // The absence begins now, as if its day had come.
      await db(em)
        .updateTable('absence')
        .set({ starts_at: new Date(Date.now() - 60_000) })
        .where('id', '=', absence.body.id)
        .execute();
      expect((await handOverStartedAbsences(em)).tasks).toBeGreaterThanOrEqual(1);
    });
    await deliverAll();
    const cards = cardsOf('Ben Brezel').filter((entry) => entry.card.includes('Ofen entkalken'));
    expect(cards).toHaveLength(1);
    // In Ben's language: for whom, and when it goes back.
    expect(cards[0]?.card).toContain('You stand in for Emil Ecke');
    expect(cards[0]?.card).toContain('The task goes back on');
    expect((await emil.get(`/api/v1/tasks/${task.body.id}`)).body.assigneeId).toBe(benId);
  });

  it("sends a team manager the overdue digest from 07:00 in the manager's own time zone, as a card", async () => {
    const klara = await shop.as(shop.upn('Klara Korn'));
    const ben = await shop.as(shop.upn('Ben Brezel'));
    const [klaraId, benId] = [await shop.userId(shop.upn('Klara Korn')), await shop.userId(shop.upn('Ben Brezel'))];
    await klara
      .post('/api/v1/admin/teams')
      .send({ name: 'Backstube', managerId: klaraId, memberIds: [benId] })
      .expect(201);
    await ben
      .post('/api/v1/tasks')
      .send({ title: 'Mehl bestellen', assigneeId: benId, dueAt: new Date(Date.now() - 86_400_000).toISOString() })
      .expect(201);
    // Klara's Teams client is far from Berlin: her morning, not Berlin's, decides.
    const zone = 'Pacific/Kiritimati';
    const hourIn = (timeZone: string) =>
      Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    const [hers, berlin] = [hourIn(zone), hourIn('Europe/Berlin')];
    const digests = (fromHour: number) =>
      inTenantTransaction(world.app.orm.em as EntityManager, shop.id, async (em) => {
        await db(em).updateTable('bot_conversation').set({ time_zone: zone }).where('user_id', '=', klaraId).execute();
        return sendOverdueDigests(em, { fromHour });
      });
    // Only one of the two clocks has reached the later hour: the digest follows hers.
    const later = Math.max(hers, berlin);
    expect(await digests(later)).toBe(hers >= later ? 1 : 0);
    if (hers < later) expect(await digests(hers)).toBe(1);
    expect(await digests(0)).toBe(0);
    await deliverAll();
    const cards = cardsOf('Klara Korn').filter((entry) => entry.card.includes('Mehl bestellen'));
    expect(cards).toHaveLength(1);
    expect(cards[0]?.card).toContain('überfällige Aufgaben in Ihren Teams');
  });
});
