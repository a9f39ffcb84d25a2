// The Bot Framework's Teams channel as the Microsoft 365 Agents SDK sees it: the SDK's token provider,
// connector client and JWT middleware, pointed at the emulator by configuration.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Activity, ActivityTypes } from '@microsoft/agents-activity';
import {
  type AuthConfiguration,
  authorizeJWT,
  buildJwksUri,
  ConnectorClient,
  MsalTokenProvider,
  type Request,
} from '@microsoft/agents-hosting';
import {
  CRM_BOT_APP_ID,
  emulatorClient,
  type InstanceDiscoveryRoute,
  type RunningEmulator,
  routeInstanceDiscovery,
} from '../index.ts';
import { CONTOSO, claimsOf, startTrustedEmulator } from './trusted-emulator.ts';

const BOT_SECRET = 'crm-bot-local-secret';
const BOT_FRAMEWORK = 'https://api.botframework.com';

describe('the Teams channel through the Agents SDK', () => {
  let emulator: RunningEmulator;
  let discovery: InstanceDiscoveryRoute;
  let config: AuthConfiguration;
  let bot: Server;

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    // A bot endpoint that accepts every activity: these tests act as the bot through the connector client.
    bot = createServer((_request, response) => response.writeHead(200).end());
    await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
    emulator.teams.setMessagingEndpoint(`http://127.0.0.1:${(bot.address() as AddressInfo).port}/api/messages`);
    discovery = routeInstanceDiscovery(emulator.url);
    config = { clientId: CRM_BOT_APP_ID, clientSecret: BOT_SECRET, tenantId: CONTOSO, authorityEndpoint: emulator.url };
  });
  afterAll(async () => {
    discovery.restore();
    await new Promise((resolve) => bot.close(resolve));
    await emulator.stop();
  });

  const install = (user: string) => emulator.teams.installPersonal({ tenantId: CONTOSO, user });
  const botToken = () => new MsalTokenProvider(config).getAccessToken(BOT_FRAMEWORK);

  /** Runs the SDK's JWT middleware on a request carrying `authorization`; answers the status it sets (200 when it passes). */
  const authorize = async (authorization: string | undefined): Promise<{ status: number; user?: unknown }> => {
    const request = { method: 'POST', headers: authorization ? { authorization } : {}, body: {} } as Request;
    let status = 200;
    const response = {
      status: (code: number) => {
        status = code;
        return response;
      },
      send: () => response,
      end: () => response,
    };
    await authorizeJWT({ ...config, connections: new Map([['serviceConnection', config]]) })(
      request,
      response as unknown as Parameters<ReturnType<typeof authorizeJWT>>[1],
      () => {},
    );
    return { status, user: request.user };
  };

  it("gets the bot's Bot Connector token from the emulator by client credentials", async () => {
    const token = await botToken();
    expect(claimsOf(token)).toMatchObject({ aud: BOT_FRAMEWORK, appid: CRM_BOT_APP_ID, tid: CONTOSO, ver: '1.0' });
  });

  it('creates a personal conversation, posts, replies to and updates a card, as the transcript shows', async () => {
    const { conversation } = await install('anna.schmidt@contoso.example');
    const client = ConnectorClient.createClientWithToken(conversation.serviceUrl, await botToken());
    const anna = conversation.members[0] as { id: string; name: string };

    const created = await client.createConversation({
      isGroup: false,
      bot: { id: `28:${CRM_BOT_APP_ID}`, name: 'CRM' },
      members: [{ id: anna.id, name: anna.name }],
      tenantId: CONTOSO,
      channelData: { tenant: { id: CONTOSO } },
    } as unknown as Parameters<ConnectorClient['createConversation']>[0]);
    expect(created.id).toBe(conversation.id);

    const posted = await client.sendToConversation(
      conversation.id,
      message({ text: 'Erinnerung: Angebot nachfassen', id: 'my-own-id' }),
    );
    expect(posted.id).not.toBe('my-own-id');
    await client.replyToActivity(conversation.id, String(posted.id), message({ text: 'Details folgen' }));
    await client.updateActivity(conversation.id, String(posted.id), message({ text: 'Erledigt ✓' }));

    const transcript = emulator.teams.transcript(conversation.id);
    expect(transcript.map(({ activity }) => activity.text)).toEqual(['Erledigt ✓', 'Details folgen']);
    expect(transcript[0]?.previousVersions.map((version) => version.text)).toEqual(['Erinnerung: Angebot nachfassen']);
    expect(transcript[1]?.activity.replyToId).toBe(posted.id);
  });

  it('answers 429 with Retry-After, 403 for a blocked conversation and 502, in Teams’ error shape', async () => {
    const { conversation } = await install('juergen.weiss@contoso.example');
    const client = ConnectorClient.createClientWithToken(conversation.serviceUrl, await botToken());
    const failure = async (): Promise<{ status: number; data: unknown; retryAfter: string | null }> => {
      try {
        await client.sendToConversation(conversation.id, message({ text: 'x' }));
      } catch (error) {
        const response = (error as { response: { status: number; data: unknown; headers: Headers } }).response;
        return { status: response.status, data: response.data, retryAfter: response.headers.get('retry-after') };
      }
      throw new Error('the post succeeded');
    };

    emulator.teams.addFault({ conversationId: conversation.id, status: 429, retryAfterSeconds: 3, times: 1 });
    expect(await failure()).toEqual({
      status: 429,
      data: { error: { code: 'Throttled', message: 'Too many requests.' } },
      retryAfter: '3',
    });
    emulator.teams.addFault({ conversationId: conversation.id, status: 502, times: 1 });
    expect((await failure()).status).toBe(502);
    const blocked = emulator.teams.addFault({ conversationId: conversation.id, status: 403 });
    expect((await failure()).data).toEqual({
      error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' },
    });
    emulator.teams.removeFault(blocked);
    expect((await client.sendToConversation(conversation.id, message({ text: 'wieder da' }))).id).toEqual(
      expect.any(String),
    );
  });

  it('posts and then answers 502 when asked, so a retried delivery finds its message in the transcript', async () => {
    const { conversation } = await install('bjoern.mueller@contoso.example');
    const client = ConnectorClient.createClientWithToken(conversation.serviceUrl, await botToken());
    emulator.teams.addFault({ conversationId: conversation.id, status: 502, times: 1, afterOperation: true });
    await expect(client.sendToConversation(conversation.id, message({ text: 'einmal' }))).rejects.toThrow();
    expect(emulator.teams.transcript(conversation.id).map(({ activity }) => activity.text)).toEqual(['einmal']);
  });

  it('refuses a request without a bot token (401) and a bot removed from the conversation (403)', async () => {
    const { conversation } = await install('kaethe.schaefer@contoso.example');
    const anonymous = await fetch(`${conversation.serviceUrl}v3/conversations/${conversation.id}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x' }),
    });
    expect(anonymous.status).toBe(401);

    await emulator.teams.uninstall({ conversationId: conversation.id });
    const client = ConnectorClient.createClientWithToken(conversation.serviceUrl, await botToken());
    await expect(client.sendToConversation(conversation.id, message({ text: 'x' }))).rejects.toMatchObject({
      response: { status: 403, data: { error: { code: 'BotNotInConversationRoster' } } },
    });
  });

  it('lets another process install the bot, write to it as a user and read the transcript over HTTP', async () => {
    const teams = emulatorClient(emulator.url).teams;
    const { conversation, replies } = await teams.installPersonal({
      tenantId: CONTOSO,
      user: 'lena.gross@contoso.example',
    });
    expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
    const reply = await teams.sendMessage({ conversationId: conversation.id, text: 'my tasks' });
    expect(reply.status).toBe(200);
    const transcript = await teams.transcript(conversation.id);
    expect(transcript.map(({ sender, activity }) => [sender, activity.text, activity.locale])).toEqual([
      ['user', 'my tasks', 'en-GB'],
    ]);
    await teams.addFault({ status: 429 });
    await teams.clearFaults();
  });

  it("accepts an activity the channel signed and refuses a forged one, in the SDK's JWT middleware", async () => {
    const serviceUrl = emulator.teams.serviceUrl(CONTOSO);
    const signed = emulator.teams.channelToken({ serviceUrl });
    const accepted = await authorize(`Bearer ${signed}`);
    expect(accepted.status).toBe(200);
    expect(accepted.user).toMatchObject({ aud: CRM_BOT_APP_ID, serviceurl: serviceUrl });

    expect((await authorize(`Bearer ${emulator.teams.channelToken({ serviceUrl, key: 'unpublished' })}`)).status).toBe(
      401,
    );
    expect(
      (await authorize(`Bearer ${emulator.teams.channelToken({ serviceUrl, claims: { aud: 'another-bot' } })}`)).status,
    ).toBe(401);
    expect((await authorize(undefined)).status).toBe(401);
  });

  it('resolves the keys of Entra-issued channel tokens from the configured authority, but not those of api.botframework.com', () => {
    expect(buildJwksUri(`https://sts.windows.net/${CONTOSO}/`, config)).toBe(
      `${emulator.url}/${CONTOSO}/discovery/v2.0/keys`,
    );
    // The gap: the SDK hard-codes login.botframework.com for the channel's own issuer (jwt-middleware.ts, buildJwksUri).
    expect(buildJwksUri('https://api.botframework.com', config)).toBe(
      'https://login.botframework.com/v1/.well-known/keys',
    );
  });
});

function message(fields: Record<string, unknown>): Activity {
  return { type: ActivityTypes.Message, ...fields } as unknown as Activity;
}
