// Installing the bot in Teams, writing to it, and what it refuses: through the real Agents SDK
// against the emulator's Teams channel.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type BotWorld, startBotWorld } from '../../../testing/bot-world.ts';
import type { TestTenant } from '../../../testing/test-app.ts';
import { BotConversation } from '../bot-conversation.entity.ts';

interface ShareAnswer {
  composeExtension: {
    type: string;
    attachments: { content: unknown; preview: { content: { title: string; text: string } } }[];
  };
}

describe('the Teams bot at /api/messages', () => {
  let world: BotWorld;
  let brot: TestTenant;

  beforeAll(async () => {
    world = await startBotWorld();
    brot = await world.app.createTenant('Brotmann Bot', [
      { displayName: 'Klara Brot', preferredLanguage: 'de-DE' },
      { displayName: 'Ben Baker', preferredLanguage: 'en-GB' },
      { displayName: 'Nora Neu' },
    ]);
    await brot.userId(brot.upn('Ben Baker'));
  });
  afterAll(() => world?.close());

  const botPosts = (conversationId: string) =>
    world.emulator.teams
      .transcript(conversationId)
      .filter((entry) => entry.sender === 'bot')
      .map((entry) => entry.activity);

  const stored = async (conversationId: string) =>
    world.app.orm.em.fork().find(BotConversation, { conversationId }, { filters: false });

  it('greets a user who installs the app in their language and remembers the conversation', async () => {
    const { conversation, replies } = await world.emulator.teams.installPersonal({
      tenantId: brot.id,
      user: brot.upn('Klara Brot'),
    });
    expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
    expect(botPosts(conversation.id).map((post) => post.text)).toEqual([expect.stringContaining('Hallo Klara Brot')]);
    const [reference] = await stored(conversation.id);
    expect(reference).toMatchObject({
      userId: await brot.userId(brot.upn('Klara Brot')),
      serviceUrl: conversation.serviceUrl,
      conversationType: 'personal',
      goneAt: null,
    });

    const english = await world.emulator.teams.installPersonal({ tenantId: brot.id, user: brot.upn('Ben Baker') });
    expect(botPosts(english.conversation.id).map((post) => post.text)).toEqual([expect.stringContaining('Hello Ben')]);
  });

  it('forgets the conversation when the app is removed', async () => {
    const { conversation } = await world.emulator.teams.installPersonal({
      tenantId: brot.id,
      user: brot.upn('Ben Baker'),
    });
    expect(await stored(conversation.id)).toHaveLength(1);
    await world.emulator.teams.uninstall({ conversationId: conversation.id });
    expect(await stored(conversation.id)).toHaveLength(0);
  });

  it('gives someone the CRM does not know a sign-in hint and nothing else', async () => {
    const { conversation } = await world.emulator.teams.installPersonal({
      tenantId: brot.id,
      user: brot.upn('Nora Neu'),
    });
    expect(await stored(conversation.id)).toHaveLength(0);
    await world.emulator.teams.sendMessage({ conversationId: conversation.id, text: 'meine Aufgaben' });
    const texts = botPosts(conversation.id).map((post) => post.text);
    expect(texts).toHaveLength(2);
    // Nora has no language set: Teams says en-US.
    for (const text of texts) expect(text).toContain('Sign in once in the CRM');
  });

  it('answers commands with cards, and says so when it does not understand', async () => {
    const { conversation } = await world.emulator.teams.installPersonal({
      tenantId: brot.id,
      user: brot.upn('Klara Brot'),
    });
    const before = botPosts(conversation.id).length;
    await world.emulator.teams.sendMessage({ conversationId: conversation.id, text: 'Hilfe' });
    await world.emulator.teams.sendMessage({ conversationId: conversation.id, text: 'heute' });
    await world.emulator.teams.sendMessage({ conversationId: conversation.id, text: 'wie ist das Wetter' });
    const answers = botPosts(conversation.id).slice(before);
    expect(JSON.stringify(answers[0])).toContain('meine Aufgaben');
    expect(JSON.stringify(answers[1])).toContain('Heute fällig');
    expect(answers[2]?.text).toContain('verstehe ich nicht');
  });

  it('shares a person, organization or deal into a chat from the compose box as a card that opens the record', async () => {
    const klara = await brot.as(brot.upn('Klara Brot'));
    const organization = (
      await klara.post('/api/v1/organizations').send({ name: 'Mühlenwerk Brotmann AG' }).expect(201)
    ).body;
    await klara.post('/api/v1/persons').send({ firstName: 'Mia', lastName: 'Mühlenbach' }).expect(201);
    const { conversation } = await world.emulator.teams.installPersonal({
      tenantId: brot.id,
      user: brot.upn('Ben Baker'),
    });
    const ask = (text?: string) =>
      world.emulator.teams.composeExtensionQuery({
        conversationId: conversation.id,
        commandId: 'shareRecord',
        ...(text === undefined ? {} : { text }),
      });

    const found = await ask('Mühlenwerk');
    expect(found.status).toBe(200);
    const result = (found.body as ShareAnswer).composeExtension;
    expect(result.type).toBe('result');
    const [first] = result.attachments;
    expect(first?.preview.content).toEqual({ title: 'Mühlenwerk Brotmann AG', text: 'Organization' });
    const shared = JSON.stringify(first?.content);
    expect(shared).toContain('Mühlenwerk Brotmann AG');
    // Open: a deep link into the tab's page of the organization.
    expect(shared).toContain(`subEntityId%22%3A%22organization%2F${organization.id}`);

    // Umlauts typed plainly still find, and nothing typed yet asks for a name.
    const plain = (await ask('muehlenbach')).body as ShareAnswer;
    expect(plain.composeExtension.attachments.map((hit) => hit.preview.content.title)).toContain('Mia Mühlenbach');
    expect((await ask()).body).toEqual({
      composeExtension: { type: 'message', text: 'Type a name to share a person, organization or deal.' },
    });
  });

  it('refuses activities without a valid channel token with 401', async () => {
    const { conversation } = await world.emulator.teams.installPersonal({
      tenantId: brot.id,
      user: brot.upn('Klara Brot'),
    });
    const message = { type: 'message', text: 'hilfe' };
    const none = await world.emulator.teams.send({
      conversationId: conversation.id,
      activity: message,
      authorization: null,
    });
    expect(none.status).toBe(401);
    const forged = await world.emulator.teams.send({
      conversationId: conversation.id,
      activity: message,
      key: 'unpublished',
    });
    expect(forged.status).toBe(401);
    const otherBot = await world.emulator.teams.send({
      conversationId: conversation.id,
      activity: message,
      claims: { aud: 'another-bot' },
    });
    expect(otherBot.status).toBe(401);
    expect(otherBot.headers['content-type']).toContain('application/problem+json');
  });
});
