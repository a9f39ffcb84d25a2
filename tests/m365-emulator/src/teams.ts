// What tests do as Teams and its users: install and uninstall the bot, write to it, click Universal Actions,
// search a message extension, read what the bot posted and make the Bot Connector fail. In process
// (`emulator.teams`) and over HTTP (`/_emulator/teams/*`, wrapped by `emulatorClient(url).teams`).
import type { Directory } from './directory.ts';
import { controlRoute, type Router } from './http.ts';
import { CRM_BOT_APP_ID } from './seed.ts';
import {
  accountOf,
  type BotReply,
  ConnectorError,
  type ConnectorFault,
  type ConnectorHold,
  type RecordedActivity,
  type SendOptions,
  type TeamsChannel,
  type TeamsConversation,
  type TeamsMember,
  teamsBotId,
} from './teams-channel.ts';

/** A conversation as tests see it: enough to address it again and to check what the bot stored. */
export interface ConversationView {
  id: string;
  botAppId: string;
  tenantId: string;
  conversationType: TeamsConversation['conversationType'];
  serviceUrl: string;
  botInstalled: boolean;
  members: TeamsMember[];
  name?: string;
}

/** A user of a tenant: UPN or object id. */
export interface UserRef {
  tenantId: string;
  user: string;
}

export interface InstallResult {
  conversation: ConversationView;
  /** The bot's answers to installationUpdate (add) and conversationUpdate (membersAdded: the bot), in that order. */
  replies: BotReply[];
}

interface ActivityInput extends SendOptions {
  conversationId: string;
  /** UPN or object id of a member of the conversation; default: its first member. */
  from?: string;
}

export interface TeamsApi {
  /** Where the channel POSTs activities for a bot (default bot: the seed's CRM bot). */
  setMessagingEndpoint(endpoint: string, botAppId?: string): void;
  /** The user as Teams shows them to bots (`29:…` id, aadObjectId, UPN, tenant). */
  member(ref: UserRef): TeamsMember;
  /** A user adds the app in personal scope: the 1:1 conversation, installationUpdate add, conversationUpdate. */
  installPersonal(ref: UserRef & SendOptions & { botAppId?: string }): Promise<InstallResult>;
  /** The app is added to a group chat (`channel: false`) or a team's General channel with these users. */
  installInChat(
    input: {
      tenantId: string;
      users: string[];
      team?: { name: string };
      name?: string;
      botAppId?: string;
    } & SendOptions,
  ): Promise<InstallResult>;
  /** The app is removed: installationUpdate remove, conversationUpdate membersRemoved; later posts get 403. */
  uninstall(input: { conversationId: string; from?: string } & SendOptions): Promise<BotReply[]>;
  /** A user writes to the bot. The message is recorded in the transcript. */
  sendMessage(input: ActivityInput & { text: string; value?: unknown }): Promise<BotReply>;
  /** A user clicks an Action.Execute on a card the bot posted (`replyToId`: that card's activity id). */
  adaptiveCardAction(
    input: ActivityInput & { verb: string; data?: Record<string, unknown>; replyToId: string; actionId?: string },
  ): Promise<BotReply>;
  /** A user types into a search-based message extension (`text` undefined: the initial run). */
  composeExtensionQuery(
    input: ActivityInput & { commandId: string; text?: string; parameterName?: string; skip?: number; count?: number },
  ): Promise<BotReply>;
  /** The user has read the chat up to `lastReadMessageId` (Teams' read receipt event for bots). */
  readReceipt(input: ActivityInput & { lastReadMessageId: string }): Promise<BotReply>;
  /** Any invoke (name and value as Teams sends them). */
  sendInvoke(input: ActivityInput & { name: string; value: unknown; replyToId?: string }): Promise<BotReply>;
  /** Members join or leave a group chat or team (user refs of the tenant; the bot as 'bot'). */
  sendConversationUpdate(
    input: { conversationId: string; membersAdded?: string[]; membersRemoved?: string[] } & SendOptions,
  ): Promise<BotReply>;
  /** Any activity: the channel fills channelId, serviceUrl, conversation, recipient, id and timestamp. */
  send(input: { conversationId: string; activity: Record<string, unknown> } & SendOptions): Promise<BotReply>;
  conversation(id: string): ConversationView;
  conversations(filter?: { tenantId?: string; botAppId?: string }): ConversationView[];
  /** What was posted to a conversation, oldest first: the users' messages and the bot's activities (updated ones in their current version). */
  transcript(conversationId: string, options?: { includeDeleted?: boolean }): RecordedActivity[];
  /** Makes the Bot Connector fail as Teams does; answers the rule's id. */
  addFault(fault: ConnectorFault): string;
  removeFault(id: string): void;
  clearFaults(): void;
  /** Keeps matching Bot Connector requests in flight until released (clearFaults releases too); answers its id. */
  hold(hold: ConnectorHold): string;
  /** Resolves once the hold keeps `count` requests. */
  held(id: string, count: number): Promise<void>;
  release(id: string): void;
  /** A channel token as the bot receives it, for negative tests (claims merged over the channel's). */
  channelToken(input: { botAppId?: string; serviceUrl: string } & SendOptions): string;
  readonly openIdMetadataUrl: string;
  readonly jwksUri: string;
  serviceUrl(tenantId: string): string;
}

/** Time zones Teams' clientInfo entity reports, by the tenant's country (the seed's tenants are in DE, CH, AT). */
const TIME_ZONES: Record<string, string> = { DE: 'Europe/Berlin', CH: 'Europe/Zurich', AT: 'Europe/Vienna' };

export function teamsApi(channel: TeamsChannel, directory: Directory): TeamsApi {
  const conversationOf = (id: string): TeamsConversation => {
    const conversation = channel.conversation(id);
    if (!conversation) throw new ConnectorError(404, 'ConversationNotFound', `No conversation '${id}'.`);
    return conversation;
  };
  const memberIn = (conversation: TeamsConversation, ref: string | undefined): TeamsMember => {
    if (ref === undefined) {
      const first = conversation.members[0];
      if (!first) throw new ConnectorError(400, 'BadArgument', 'The conversation has no members.');
      return first;
    }
    const member = channel.member(conversation.tenantId, ref);
    if (!conversation.members.some((candidate) => candidate.id === member.id)) {
      throw new ConnectorError(
        400,
        'BadArgument',
        `${member.userPrincipalName} is not a member of ${conversation.id}.`,
      );
    }
    return member;
  };
  /** What Teams puts on every activity a user causes: sender, locale and the clientInfo entity. */
  const fromUser = (conversation: TeamsConversation, member: TeamsMember): Record<string, unknown> => {
    const tenant = directory.tenant(conversation.tenantId);
    const user = tenant?.users.find((candidate) => candidate.id === member.aadObjectId);
    const locale = user?.preferredLanguage ?? 'en-US';
    return {
      from: accountOf(member),
      locale,
      entities: [
        {
          type: 'clientInfo',
          locale,
          country: tenant?.country ?? 'DE',
          platform: 'Web',
          timezone: TIME_ZONES[tenant?.country ?? ''] ?? 'Europe/Berlin',
        },
      ],
    };
  };
  const options = (input: SendOptions): SendOptions => ({
    ...(input.authorization !== undefined ? { authorization: input.authorization } : {}),
    ...(input.claims ? { claims: input.claims } : {}),
    ...(input.key ? { key: input.key } : {}),
  });
  const botAccount = (conversation: TeamsConversation): Record<string, unknown> => ({
    id: teamsBotId(conversation.botAppId),
    name: channel.bot(conversation.botAppId)?.name ?? conversation.botAppId,
  });
  const teamChannelData = (conversation: TeamsConversation): Record<string, unknown> =>
    conversation.conversationType === 'channel'
      ? {
          team: { id: conversation.id, name: conversation.name },
          channel: { id: conversation.id, name: 'General' },
        }
      : {};
  const requireBot = (botAppId: string): void => {
    if (!channel.bot(botAppId))
      throw new ConnectorError(404, 'BotNotRegistered', `No bot registration for ${botAppId}.`);
  };

  /**
   * The bot added to or removed from a conversation, as Teams tells it: an installation update
   * first, then the conversation update naming the bot as member added or removed.
   */
  const membershipChange = async (
    conversation: TeamsConversation,
    actor: TeamsMember,
    action: 'add' | 'remove',
    sendOptions: SendOptions,
  ) => {
    const installation = await channel.sendToBot(
      conversation,
      {
        type: 'installationUpdate',
        action,
        ...fromUser(conversation, actor),
        channelData: {
          ...(action === 'add' ? { source: { name: 'message' } } : {}),
          ...teamChannelData(conversation),
        },
      },
      sendOptions,
    );
    const teamEvent = action === 'add' ? 'teamMemberAdded' : 'teamMemberRemoved';
    const update = await channel.sendToBot(
      conversation,
      {
        type: 'conversationUpdate',
        from: accountOf(actor),
        [action === 'add' ? 'membersAdded' : 'membersRemoved']: [botAccount(conversation)],
        channelData: {
          ...(conversation.conversationType === 'channel' ? { eventType: teamEvent } : {}),
          ...teamChannelData(conversation),
        },
      },
      sendOptions,
    );
    return [installation, update];
  };

  const install = async (
    conversation: TeamsConversation,
    installer: TeamsMember,
    sendOptions: SendOptions,
  ): Promise<InstallResult> => {
    conversation.botInstalled = true;
    const replies = await membershipChange(conversation, installer, 'add', sendOptions);
    return { conversation: view(conversation), replies };
  };

  const sendInvoke = (input: ActivityInput & { name: string; value: unknown; replyToId?: string }) => {
    const conversation = conversationOf(input.conversationId);
    return channel.sendToBot(
      conversation,
      {
        type: 'invoke',
        name: input.name,
        value: input.value,
        ...(input.replyToId ? { replyToId: input.replyToId } : {}),
        ...fromUser(conversation, memberIn(conversation, input.from)),
        channelData: {
          source: { name: input.name.startsWith('composeExtension/') ? 'compose' : 'message' },
          ...(input.replyToId ? { legacy: { replyToId: input.replyToId } } : {}),
          ...teamChannelData(conversation),
        },
      },
      options(input),
    );
  };

  return {
    setMessagingEndpoint: (endpoint, botAppId = CRM_BOT_APP_ID) => {
      const bot = channel.bot(botAppId);
      if (!bot) throw new ConnectorError(404, 'BotNotRegistered', `No bot registration for ${botAppId}.`);
      bot.endpoint = endpoint;
    },
    member: ({ tenantId, user }) => channel.member(tenantId, user),
    installPersonal: async (input) => {
      const botAppId = input.botAppId ?? CRM_BOT_APP_ID;
      requireBot(botAppId);
      const member = channel.member(input.tenantId, input.user);
      return await install(channel.personalConversation(botAppId, member), member, options(input));
    },
    installInChat: async (input) => {
      const botAppId = input.botAppId ?? CRM_BOT_APP_ID;
      requireBot(botAppId);
      const members = input.users.map((user) => channel.member(input.tenantId, user));
      const [installer] = members;
      if (!installer) throw new ConnectorError(400, 'BadArgument', 'A chat needs at least one user.');
      const name = input.team?.name ?? input.name;
      const conversation = channel.groupConversation({
        botAppId,
        tenantId: input.tenantId,
        members,
        conversationType: input.team ? 'channel' : 'groupChat',
        ...(name ? { name } : {}),
      });
      return await install(conversation, installer, options(input));
    },
    uninstall: async (input) => {
      const conversation = conversationOf(input.conversationId);
      const replies = await membershipChange(
        conversation,
        memberIn(conversation, input.from),
        'remove',
        options(input),
      );
      conversation.botInstalled = false;
      return replies;
    },
    sendMessage: (input) => {
      const conversation = conversationOf(input.conversationId);
      return channel.sendToBot(
        conversation,
        {
          type: 'message',
          text: input.text,
          textFormat: 'plain',
          ...(input.value !== undefined ? { value: input.value } : {}),
          ...fromUser(conversation, memberIn(conversation, input.from)),
          channelData: { ...teamChannelData(conversation) },
        },
        options(input),
      );
    },
    adaptiveCardAction: (input) =>
      sendInvoke({
        ...input,
        name: 'adaptiveCard/action',
        value: {
          action: {
            type: 'Action.Execute',
            ...(input.actionId ? { id: input.actionId } : {}),
            verb: input.verb,
            data: input.data ?? {},
          },
          trigger: 'manual',
        },
      }),
    composeExtensionQuery: (input) =>
      sendInvoke({
        ...input,
        name: 'composeExtension/query',
        value: {
          commandId: input.commandId,
          parameters:
            input.text === undefined
              ? [{ name: 'initialRun', value: 'true' }]
              : [{ name: input.parameterName ?? 'searchQuery', value: input.text }],
          queryOptions: { skip: input.skip ?? 0, count: input.count ?? 25 },
        },
      }),
    sendInvoke,
    readReceipt: (input) => {
      const conversation = conversationOf(input.conversationId);
      return channel.sendToBot(
        conversation,
        {
          type: 'event',
          name: 'application/vnd.microsoft.readReceipt',
          value: { lastReadMessageId: input.lastReadMessageId },
          ...fromUser(conversation, memberIn(conversation, input.from)),
          channelData: teamChannelData(conversation),
        },
        options(input),
      );
    },
    sendConversationUpdate: (input) => {
      const conversation = conversationOf(input.conversationId);
      const account = (ref: string): Record<string, unknown> => {
        if (ref === 'bot') return botAccount(conversation);
        return { ...accountOf(channel.member(conversation.tenantId, ref)) };
      };
      for (const ref of input.membersAdded ?? []) {
        if (ref === 'bot') continue;
        const member = channel.member(conversation.tenantId, ref);
        if (!conversation.members.some((candidate) => candidate.id === member.id)) conversation.members.push(member);
      }
      const removed = new Set(
        (input.membersRemoved ?? []).filter((ref) => ref !== 'bot').map((ref) => account(ref).id),
      );
      conversation.members = conversation.members.filter((member) => !removed.has(member.id));
      return channel.sendToBot(
        conversation,
        {
          type: 'conversationUpdate',
          ...(input.membersAdded ? { membersAdded: input.membersAdded.map(account) } : {}),
          ...(input.membersRemoved ? { membersRemoved: input.membersRemoved.map(account) } : {}),
          channelData: { ...teamChannelData(conversation) },
        },
        options(input),
      );
    },
    send: (input) => channel.sendToBot(conversationOf(input.conversationId), input.activity, options(input)),
    conversation: (id) => view(conversationOf(id)),
    conversations: (filter = {}) =>
      channel
        .conversations()
        .filter(
          (conversation) =>
            (filter.tenantId === undefined || conversation.tenantId === filter.tenantId) &&
            (filter.botAppId === undefined || conversation.botAppId === filter.botAppId.toLowerCase()),
        )
        .map(view),
    transcript: (conversationId, transcriptOptions = {}) =>
      conversationOf(conversationId).activities.filter(
        (activity) => transcriptOptions.includeDeleted === true || !activity.deleted,
      ),
    addFault: (fault) => channel.addFault(fault),
    removeFault: (id) => channel.removeFault(id),
    clearFaults: () => channel.clearFaults(),
    hold: (hold) => channel.hold(hold),
    held: (id, count) => channel.held(id, count),
    release: (id) => channel.release(id),
    channelToken: (input) => channel.channelToken(input.botAppId ?? CRM_BOT_APP_ID, input.serviceUrl, options(input)),
    get openIdMetadataUrl() {
      return channel.openIdMetadataUrl;
    },
    get jwksUri() {
      return channel.jwksUri;
    },
    serviceUrl: (tenantId) => channel.serviceUrl(tenantId),
  };
}

function view(conversation: TeamsConversation): ConversationView {
  return {
    id: conversation.id,
    botAppId: conversation.botAppId,
    tenantId: conversation.tenantId,
    conversationType: conversation.conversationType,
    serviceUrl: conversation.serviceUrl,
    botInstalled: conversation.botInstalled,
    members: conversation.members,
    ...(conversation.name ? { name: conversation.name } : {}),
  };
}

/** `/_emulator/teams/*`: the TeamsApi for processes other than the one that started the emulator. */
export function teamsControlRoutes(router: Router, teams: TeamsApi): void {
  const handle = controlRoute((error) =>
    error instanceof ConnectorError
      ? { status: error.status === 404 ? 404 : 400, json: { error: error.code, error_description: error.message } }
      : undefined,
  );
  // The body of each route is the in-process method's argument, as JSON.
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are the TeamsApi's typed arguments, sent as JSON by emulatorClient
  type Json = any;
  router.on(
    'POST',
    '/_emulator/teams/endpoint',
    handle((body: Json) => teams.setMessagingEndpoint(body.endpoint, body.botAppId)),
  );
  router.on(
    'POST',
    '/_emulator/teams/member',
    handle((body: Json) => teams.member(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/install/personal',
    handle((body: Json) => teams.installPersonal(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/install/chat',
    handle((body: Json) => teams.installInChat(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/uninstall',
    handle((body: Json) => teams.uninstall(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/message',
    handle((body: Json) => teams.sendMessage(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/card-action',
    handle((body: Json) => teams.adaptiveCardAction(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/compose-query',
    handle((body: Json) => teams.composeExtensionQuery(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/invoke',
    handle((body: Json) => teams.sendInvoke(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/conversation-update',
    handle((body: Json) => teams.sendConversationUpdate(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/read-receipt',
    handle((body: Json) => teams.readReceipt(body)),
  );
  router.on(
    'POST',
    '/_emulator/teams/send',
    handle((body: Json) => teams.send(body)),
  );
  router.on(
    'GET',
    '/_emulator/teams/conversations',
    handle(() => teams.conversations()),
  );
  router.on(
    'GET',
    '/_emulator/teams/conversations/:id',
    handle((_body, request) => teams.conversation(String(request.params.id))),
  );
  router.on(
    'GET',
    '/_emulator/teams/conversations/:id/transcript',
    handle((_body, request) =>
      teams.transcript(String(request.params.id), {
        includeDeleted: request.url.searchParams.get('includeDeleted') === 'true',
      }),
    ),
  );
  router.on(
    'POST',
    '/_emulator/teams/faults',
    handle((body: Json) => ({ id: teams.addFault(body) })),
  );
  router.on(
    'DELETE',
    '/_emulator/teams/faults',
    handle(() => teams.clearFaults()),
  );
  router.on(
    'DELETE',
    '/_emulator/teams/faults/:id',
    handle((_body, request) => teams.removeFault(String(request.params.id))),
  );
  router.on(
    'POST',
    '/_emulator/teams/holds',
    handle((body: Json) => ({ id: teams.hold(body) })),
  );
  router.on(
    'POST',
    '/_emulator/teams/holds/:id/wait',
    handle((body: Json, request) => teams.held(String(request.params.id), Number(body.count ?? 1))),
  );
  router.on(
    'DELETE',
    '/_emulator/teams/holds/:id',
    handle((_body, request) => teams.release(String(request.params.id))),
  );
  router.on(
    'POST',
    '/_emulator/teams/channel-token',
    handle((body: Json) => ({ token: teams.channelToken(body) })),
  );
}
