// The Bot Framework as Teams serves it: the channel's OpenID metadata and signing keys (login.botframework.com)
// and the Bot Connector REST API under the serviceUrl (smba.trafficmanager.net/{region}/{tenant}/).
import type { EmulatorContext } from './context.ts';
import { type EmulatorRequest, jsonOf, type Reply, type Router } from './http.ts';
import { BOT_FRAMEWORK_RESOURCE } from './seed.ts';
import {
  CHANNEL_TOKEN_ISSUER,
  ConnectorError,
  type ConnectorOperation,
  conversationAccount,
  type RecordedActivity,
  type TeamsChannel,
  type TeamsConversation,
  type TeamsMember,
  teamsBotId,
} from './teams-channel.ts';

/** The bot a Bot Connector request comes from, read from its Entra token. */
interface CallingBot {
  appId: string;
}

export function botConnectorRoutes(context: EmulatorContext, channel: TeamsChannel, router: Router): void {
  router.on('GET', '/botframework/v1/.well-known/openidconfiguration', () => ({
    status: 200,
    json: {
      issuer: CHANNEL_TOKEN_ISSUER,
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: channel.jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    },
  }));
  router.on('GET', '/botframework/v1/.well-known/keys', () => ({ status: 200, json: channel.jwks() }));

  /** Authenticates, applies the holds and faults tests asked for, runs the operation and shapes Teams' errors. */
  const connector =
    (
      operation: ConnectorOperation,
      handler: (request: EmulatorRequest, bot: CallingBot, conversation: TeamsConversation | undefined) => Reply,
    ) =>
    async (request: EmulatorRequest): Promise<Reply> => {
      try {
        const bot = authenticateBot(context, channel, request);
        const conversation =
          request.params.conversation !== undefined
            ? findConversation(channel, request.params.conversation, bot)
            : undefined;
        const tenantId = conversation?.tenantId ?? request.params.tenant;
        await channel.pass(operation, conversation, tenantId);
        const fault = channel.takeFault(operation, conversation, tenantId);
        if (fault && !fault.afterOperation) throw channel.faultError(fault);
        const reply = handler(request, bot, conversation);
        if (fault) throw channel.faultError(fault);
        return reply;
      } catch (error) {
        if (error instanceof SyntaxError)
          return errorReply(new ConnectorError(400, 'BadSyntax', 'The body is not JSON.'));
        if (!(error instanceof ConnectorError)) throw error;
        return errorReply(error);
      }
    };

  const base = '/teams/:tenant/v3/conversations';

  router.on(
    'POST',
    base,
    connector('createConversation', (request, bot) => {
      const parameters = jsonObject(request);
      const tenantId = stringAt(parameters, ['tenantId']) ?? stringAt(parameters, ['channelData', 'tenant', 'id']);
      if (!tenantId) {
        throw new ConnectorError(400, 'BadArgument', 'Tenant ID is required: send tenantId or channelData.tenant.id.');
      }
      const members = Array.isArray(parameters.members) ? parameters.members : [];
      if (parameters.isGroup === true || members.length !== 1) {
        throw new ConnectorError(
          400,
          'BadArgument',
          'Bots can only create one-on-one conversations in Teams: send exactly one member and isGroup false.',
        );
      }
      const memberId = stringAt(members[0], ['id']) ?? stringAt(members[0], ['aadObjectId']);
      const member = memberId ? findMember(channel, tenantId, memberId) : undefined;
      if (!member)
        throw new ConnectorError(400, 'BadArgument', `Member '${memberId}' was not found in tenant ${tenantId}.`);
      const conversation = channel.personalConversation(bot.appId, member);
      // Teams refuses a proactive 1:1 chat with a user who has not installed the bot in personal scope.
      if (!conversation.botInstalled) {
        throw new ConnectorError(403, 'ForbiddenOperationException', "Bot isn't installed in user's personal scope");
      }
      const response: Record<string, unknown> = { id: conversation.id };
      if (typeof parameters.activity === 'object' && parameters.activity !== null) {
        const recorded = postActivity(channel, conversation, bot, parameters.activity as Record<string, unknown>);
        response.activityId = recorded.id;
      }
      return { status: 201, json: response };
    }),
  );

  router.on(
    'POST',
    `${base}/:conversation/activities`,
    connector('sendToConversation', (request, bot, conversation) => {
      const recorded = postActivity(channel, required(conversation), bot, jsonObject(request));
      return { status: 201, json: { id: recorded.id } };
    }),
  );

  router.on(
    'POST',
    `${base}/:conversation/activities/:activity`,
    connector('replyToActivity', (request, bot, conversation) => {
      const activity = { ...jsonObject(request), replyToId: request.params.activity };
      const recorded = postActivity(channel, required(conversation), bot, activity);
      return { status: 201, json: { id: recorded.id } };
    }),
  );

  router.on(
    'PUT',
    `${base}/:conversation/activities/:activity`,
    connector('updateActivity', (request, bot, conversation) => {
      const target = findActivity(required(conversation), String(request.params.activity), 'bot');
      const activity = validActivity(jsonObject(request));
      target.previousVersions.push(target.activity);
      target.activity = {
        ...stamp(channel, required(conversation), bot, activity),
        id: target.id,
        ...(target.activity.replyToId !== undefined ? { replyToId: target.activity.replyToId } : {}),
        timestamp: target.activity.timestamp,
        lastModifiedTimestamp: new Date().toISOString(),
      };
      return { status: 200, json: { id: target.id } };
    }),
  );

  router.on(
    'DELETE',
    `${base}/:conversation/activities/:activity`,
    connector('deleteActivity', (request, _bot, conversation) => {
      const target = findActivity(required(conversation), String(request.params.activity), 'bot');
      target.deleted = true;
      return { status: 200 };
    }),
  );

  router.on(
    'GET',
    `${base}/:conversation/members`,
    connector('getConversationMembers', (_request, _bot, conversation) => ({
      status: 200,
      json: required(conversation).members,
    })),
  );

  router.on(
    'GET',
    `${base}/:conversation/members/:member`,
    connector('getConversationMembers', (request, _bot, conversation) => {
      const ref = String(request.params.member).toLowerCase();
      const member = required(conversation).members.find(
        (candidate) => candidate.id.toLowerCase() === ref || candidate.aadObjectId === ref,
      );
      if (!member)
        throw new ConnectorError(404, 'MemberNotFoundInConversation', 'The member was not found in the conversation.');
      return { status: 200, json: member };
    }),
  );
}

/**
 * The Bot Connector accepts the bot's Entra token (audience https://api.botframework.com, the bot in
 * `appid`) and refuses everyone else: 401 as ASP.NET answers it, or BotNotRegistered for an app without a bot.
 */
function authenticateBot(context: EmulatorContext, channel: TeamsChannel, request: EmulatorRequest): CallingBot {
  const denied = new ConnectorError(401, undefined, 'Authorization has been denied for this request.');
  const header = String(request.headers.authorization ?? '');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw denied;
  let claims: Record<string, unknown>;
  try {
    claims = context.keys.verify(match[1]).claims;
  } catch {
    throw denied;
  }
  const audience = String(claims.aud ?? '').replace(/\/$/, '');
  const appId = typeof claims.appid === 'string' ? claims.appid : typeof claims.azp === 'string' ? claims.azp : '';
  if (audience !== BOT_FRAMEWORK_RESOURCE || appId === '') throw denied;
  if (!channel.bot(appId)) throw new ConnectorError(401, 'BotNotRegistered', 'No registration found for this bot.');
  return { appId: appId.toLowerCase() };
}

function findConversation(channel: TeamsChannel, id: string, bot: CallingBot): TeamsConversation {
  // Channel conversation ids may carry ";messageid=…" (a thread); the conversation is the part before it.
  const conversation = channel.conversation(id) ?? channel.conversation(id.split(';')[0] ?? id);
  if (!conversation) throw new ConnectorError(404, 'ConversationNotFound', 'Conversation not found.');
  if (conversation.botAppId !== bot.appId || !conversation.botInstalled) {
    throw new ConnectorError(403, 'BotNotInConversationRoster', "The bot isn't part of the conversation roster.");
  }
  return conversation;
}

function findMember(channel: TeamsChannel, tenantId: string, ref: string): TeamsMember | undefined {
  const aadObjectId = ref.startsWith('8:orgid:') ? ref.slice('8:orgid:'.length) : ref;
  try {
    if (!ref.startsWith('29:')) return channel.member(tenantId, aadObjectId);
  } catch {
    return undefined;
  }
  const known = channel
    .conversations()
    .flatMap((conversation) => conversation.members)
    .find((member) => member.id === ref && member.tenantId === tenantId);
  return known;
}

function findActivity(
  conversation: TeamsConversation,
  id: string,
  sender: RecordedActivity['sender'],
): RecordedActivity {
  const found = conversation.activities.find((activity) => activity.id === id && !activity.deleted);
  if (!found) throw new ConnectorError(404, 'ActivityNotFoundInConversation', 'Conversation not found.');
  if (found.sender !== sender)
    throw new ConnectorError(403, 'NotEnoughPermissions', 'The bot can only change its own messages.');
  return found;
}

/** Records an activity the bot posted. Teams assigns the id: an `id` the bot sends is ignored (Activity spec A2031). */
function postActivity(
  channel: TeamsChannel,
  conversation: TeamsConversation,
  bot: CallingBot,
  body: Record<string, unknown>,
): RecordedActivity {
  const activity = validActivity(body);
  const { id: _ignored, ...rest } = stamp(channel, conversation, bot, activity);
  return channel.record(conversation, 'bot', { ...rest, timestamp: new Date().toISOString() });
}

/** What the channel sets on every activity it records, whatever the bot sent: conversation, sender, channel. */
function stamp(
  channel: TeamsChannel,
  conversation: TeamsConversation,
  bot: CallingBot,
  activity: Record<string, unknown>,
): Record<string, unknown> {
  const registration = channel.bot(bot.appId);
  const { serviceUrl: _serviceUrl, ...rest } = activity;
  return {
    ...rest,
    channelId: 'msteams',
    conversation: conversationAccount(conversation),
    from: { id: teamsBotId(bot.appId), name: registration?.name ?? bot.appId },
  };
}

function validActivity(body: Record<string, unknown>): Record<string, unknown> {
  if (typeof body.type !== 'string' || body.type === '') {
    throw new ConnectorError(400, 'BadArgument', 'Activity type is required.');
  }
  if (Buffer.byteLength(JSON.stringify(body)) > 28 * 1024) {
    throw new ConnectorError(413, 'MessageSizeTooBig', 'Message size too large.');
  }
  return body;
}

function required(conversation: TeamsConversation | undefined): TeamsConversation {
  if (!conversation) throw new ConnectorError(404, 'ConversationNotFound', 'Conversation not found.');
  return conversation;
}

function jsonObject(request: EmulatorRequest): Record<string, unknown> {
  const body = jsonOf(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ConnectorError(400, 'BadArgument', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function stringAt(value: unknown, path: string[]): string | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' && current !== '' ? current : undefined;
}

function errorReply(error: ConnectorError): Reply {
  const body = error.body();
  const headers = {
    ...error.headers,
    ...(error.status === 401 ? { 'www-authenticate': 'Bearer realm="api.botframework.com"' } : {}),
  };
  if (body === undefined && error.status === 401) {
    return { status: 401, headers, json: { message: error.message } };
  }
  return body === undefined ? { status: error.status, headers } : { status: error.status, headers, json: body };
}
