// The Teams channel of the Bot Framework: its conversations and their activities, bot installations,
// the faults tests ask for, and activities sent to a bot's messaging endpoint signed as Azure Bot Service signs them.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Directory } from './directory.ts';
import { BOT_FRAMEWORK_TENANT_ID, type SeedBot, type SeedTenant, type SeedUser } from './seed.ts';
import type { KeyChoice, SigningKeys } from './signing-keys.ts';

/** The issuer of every token the channel sends to a bot. */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';
export const TEAMS_CHANNEL_ID = 'msteams';
const CHANNEL_TOKEN_LIFETIME_SECONDS = 3600;

export type ConversationType = 'personal' | 'groupChat' | 'channel';

/** A Teams channel account (`from`, `recipient`, `members`), with the fields Teams adds for users. */
export interface TeamsAccount {
  id: string;
  name: string;
  aadObjectId?: string;
  role?: 'user' | 'bot';
}

/** A member as `GET /v3/conversations/{id}/members` answers it (Teams' TeamsChannelAccount). */
export interface TeamsMember {
  id: string;
  name: string;
  aadObjectId: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName: string;
  tenantId: string;
  userRole: 'user';
}

/** One activity of a conversation as the channel recorded it, with every version an update made. */
export interface RecordedActivity {
  id: string;
  /** Who posted it: the bot through the Bot Connector, or a user through the emulator. */
  sender: 'bot' | 'user';
  /** The current version (after updates). */
  activity: Record<string, unknown>;
  /** Earlier versions, oldest first; empty when never updated. */
  previousVersions: Record<string, unknown>[];
  deleted: boolean;
}

export interface TeamsConversation {
  id: string;
  botAppId: string;
  tenantId: string;
  conversationType: ConversationType;
  serviceUrl: string;
  /** Users in the conversation (the bot is implied). */
  members: TeamsMember[];
  /** Whether the bot is installed here (false after an installationUpdate remove). */
  botInstalled: boolean;
  activities: RecordedActivity[];
  name?: string;
}

/** The Bot Connector operations, as fault rules and the SDK name them. */
export type ConnectorOperation =
  | 'createConversation'
  | 'sendToConversation'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'getConversationMembers';

/**
 * A failure the Bot Connector answers instead of doing its work, as Teams does: 429 `Throttled` with
 * Retry-After, 403 `ConversationBlockedByUser` / `BotDisabledByAdmin` / `BotNotInConversationRoster`,
 * 502 `ServiceError`, … Rules match by conversation, tenant and operation; the first match wins.
 */
export interface ConnectorFault {
  status: number;
  /** Teams' error code; defaults by status (429 Throttled, 403 ConversationBlockedByUser, 5xx ServiceError, …). */
  code?: string;
  message?: string;
  /** Sent as the Retry-After header (seconds). Default 1 for 429. */
  retryAfterSeconds?: number;
  conversationId?: string;
  tenantId?: string;
  operations?: ConnectorOperation[];
  /** How many requests it fails before it is spent; default: until cleared. */
  times?: number;
  /**
   * The operation is carried out and recorded, and the answer is the fault anyway: what a deliverer sees
   * when Teams posted the message but the gateway timed out (the case idempotent delivery must survive).
   */
  afterOperation?: boolean;
}

/**
 * Bot Connector requests a test keeps in flight until it releases them: they arrived, and are then
 * carried out as usual, even when the caller has gone meanwhile (Teams posts what reached it).
 */
export interface ConnectorHold {
  conversationId?: string;
  tenantId?: string;
  operations?: ConnectorOperation[];
  /** Matching requests let through before holding starts; default 0. */
  after?: number;
}

interface ActiveHold extends ConnectorHold {
  passed: number;
  held: number;
  waiting: Array<() => void>;
  arrivals: Array<() => void>;
}

interface ActiveFault extends ConnectorFault {
  id: string;
  remaining: number | undefined;
}

export interface BotReply {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the bot answered JSON, the text otherwise, undefined when the body was empty. */
  body: unknown;
}

export interface SendOptions {
  /** Default: the token the channel signs (issuer, audience = bot, serviceurl). Set to send a forged or no token. */
  authorization?: string | null;
  /** Claims merged over the channel's (e.g. `{ aud: 'someone-else' }`, `{ serviceurl: 'https://evil' }`). */
  claims?: Record<string, unknown>;
  key?: KeyChoice;
}

/** Teams' error codes and messages (learn.microsoft.com: status codes from bot conversational APIs). */
const DEFAULT_FAULTS: Record<number, { code: string; message: string }> = {
  400: { code: 'BadArgument', message: 'Invalid request payload.' },
  403: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' },
  404: { code: 'ConversationNotFound', message: 'Conversation not found.' },
  412: { code: 'PreconditionFailed', message: 'Precondition failed, please try again.' },
  413: { code: 'MessageSizeTooBig', message: 'Message size too large.' },
  429: { code: 'Throttled', message: 'Too many requests.' },
  500: { code: 'ServiceError', message: 'Internal server error.' },
  502: { code: 'ServiceError', message: 'Service dependency issue.' },
};
export const FAULT_MESSAGES: Record<string, string> = {
  BotDisabledByAdmin: 'The tenant admin disabled this bot',
  BotNotInConversationRoster: "The bot isn't part of the conversation roster.",
  ConversationBlockedByUser: 'User blocked the conversation with the bot.',
  ForbiddenOperationException: "Bot isn't installed in user's personal scope",
};

export class ConnectorError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string | undefined, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The Bot Connector's ErrorResponse: `{ error: { code, message } }`; 503 and 504 come without a body. */
  body(): unknown {
    return this.code === undefined ? undefined : { error: { code: this.code, message: this.message } };
  }
}

/** Teams' id of a user towards bots (`29:1…`), stable for a user. */
export const teamsUserId = (aadObjectId: string): string =>
  `29:1${createHash('sha256').update(`teams-user:${aadObjectId}`).digest('base64url').slice(0, 60)}`;
/** Teams' id of a bot in conversations: `28:` and its app id. */
export const teamsBotId = (appId: string): string => `28:${appId}`;

export class TeamsChannel {
  readonly #directory: Directory;
  readonly #keys: SigningKeys;
  readonly #entraKeys: SigningKeys;
  readonly #baseUrl: () => string;
  readonly #conversations = new Map<string, TeamsConversation>();
  #faults: ActiveFault[] = [];
  readonly #holds = new Map<string, ActiveHold>();
  #lastActivityId = 0;

  /** `keys` are the channel's own (login.botframework.com); `entraKeys` sign the tokens Entra issues for Azure Bot Service. */
  constructor(directory: Directory, keys: SigningKeys, entraKeys: SigningKeys, baseUrl: () => string) {
    this.#directory = directory;
    this.#keys = keys;
    this.#entraKeys = entraKeys;
    this.#baseUrl = baseUrl;
  }

  /**
   * The serviceUrl Teams puts into activities and tokens for a tenant's conversations, like
   * https://smba.trafficmanager.net/emea/{tenantId}/; the Bot Connector answers under it.
   */
  serviceUrl(tenantId: string): string {
    return `${this.#baseUrl()}/teams/${tenantId}/`;
  }

  get openIdMetadataUrl(): string {
    return `${this.#baseUrl()}/botframework/v1/.well-known/openidconfiguration`;
  }

  get jwksUri(): string {
    return `${this.#baseUrl()}/botframework/v1/.well-known/keys`;
  }

  /** The channel's signing keys in JWK form, each endorsed for the msteams channel, as login.botframework.com lists them. */
  jwks(): { keys: Array<Record<string, unknown>> } {
    return {
      keys: this.#keys.jwks().keys.map((key) => ({ ...key, endorsements: [TEAMS_CHANNEL_ID, 'webchat', 'emulator'] })),
    };
  }

  rotateSigningKey(): void {
    this.#keys.rotate();
  }

  bot(appId: string): SeedBot | undefined {
    return (this.#directory.seed.bots ?? []).find((bot) => bot.appId === appId.toLowerCase());
  }

  registerBot(bot: SeedBot): SeedBot {
    const bots = this.#directory.seed.bots ?? [];
    this.#directory.seed.bots = bots;
    const existing = this.bot(bot.appId);
    if (existing) {
      Object.assign(existing, bot);
      return existing;
    }
    const registered = { ...bot, appId: bot.appId.toLowerCase() };
    bots.push(registered);
    return registered;
  }

  /** A user of a tenant as Teams shows them to bots. */
  member(tenantId: string, userRef: string): TeamsMember {
    const tenant = this.#tenant(tenantId);
    const found = this.#directory.user({ kind: 'tenant', tenant }, userRef);
    if (!found) throw new ConnectorError(404, 'NotFound', `No user '${userRef}' in tenant ${tenant.displayName}.`);
    return memberOf(tenant, found.user);
  }

  conversation(id: string): TeamsConversation | undefined {
    return this.#conversations.get(id);
  }

  conversations(): TeamsConversation[] {
    return [...this.#conversations.values()];
  }

  /** The personal (1:1) conversation of a bot and a user: Teams keeps exactly one, so its id is stable. */
  personalConversation(botAppId: string, member: TeamsMember): TeamsConversation {
    const id = `a:1${createHash('sha256').update(`personal:${botAppId}:${member.aadObjectId}`).digest('base64url').slice(0, 70)}`;
    let conversation = this.#conversations.get(id);
    if (!conversation) {
      conversation = {
        id,
        botAppId,
        tenantId: member.tenantId,
        conversationType: 'personal',
        serviceUrl: this.serviceUrl(member.tenantId),
        members: [member],
        botInstalled: false,
        activities: [],
      };
      this.#conversations.set(id, conversation);
    }
    return conversation;
  }

  /** A group chat or a team's channel with the bot and the given users. */
  groupConversation(input: {
    botAppId: string;
    tenantId: string;
    members: TeamsMember[];
    conversationType: 'groupChat' | 'channel';
    name?: string;
  }): TeamsConversation {
    const thread = randomBytes(16).toString('hex');
    const id = input.conversationType === 'channel' ? `19:${thread}@thread.tacv2` : `19:${thread}@thread.v2`;
    const conversation: TeamsConversation = {
      id,
      botAppId: input.botAppId,
      tenantId: input.tenantId,
      conversationType: input.conversationType,
      serviceUrl: this.serviceUrl(input.tenantId),
      members: [...input.members],
      botInstalled: false,
      activities: [],
      ...(input.name ? { name: input.name } : {}),
    };
    this.#conversations.set(id, conversation);
    return conversation;
  }

  /** Teams' message ids are epoch milliseconds; strictly increasing here so two posts never share one. */
  nextActivityId(): string {
    this.#lastActivityId = Math.max(Date.now(), this.#lastActivityId + 1);
    return String(this.#lastActivityId);
  }

  record(
    conversation: TeamsConversation,
    sender: RecordedActivity['sender'],
    activity: Record<string, unknown>,
  ): RecordedActivity {
    const id = typeof activity.id === 'string' && sender === 'user' ? activity.id : this.nextActivityId();
    const recorded: RecordedActivity = {
      id,
      sender,
      activity: { ...activity, id },
      previousVersions: [],
      deleted: false,
    };
    conversation.activities.push(recorded);
    return recorded;
  }

  // ---- faults --------------------------------------------------------------------------------------

  addFault(fault: ConnectorFault): string {
    const id = randomUUID();
    this.#faults.push({ ...fault, id, remaining: fault.times });
    return id;
  }

  removeFault(id: string): void {
    this.#faults = this.#faults.filter((fault) => fault.id !== id);
  }

  clearFaults(): void {
    this.#faults = [];
    for (const id of [...this.#holds.keys()]) this.release(id);
  }

  hold(hold: ConnectorHold): string {
    const id = randomUUID();
    this.#holds.set(id, { ...hold, passed: 0, held: 0, waiting: [], arrivals: [] });
    return id;
  }

  /** Waits while a hold keeps this request (once its `after` requests went through). */
  async pass(
    operation: ConnectorOperation,
    conversation: TeamsConversation | undefined,
    tenantId: string | undefined,
  ): Promise<void> {
    for (const hold of this.#holds.values()) {
      if (
        (hold.conversationId !== undefined && hold.conversationId !== conversation?.id) ||
        (hold.tenantId !== undefined && hold.tenantId !== (conversation?.tenantId ?? tenantId)) ||
        (hold.operations !== undefined && !hold.operations.includes(operation))
      ) {
        continue;
      }
      if (hold.passed < (hold.after ?? 0)) {
        hold.passed += 1;
        return;
      }
      hold.held += 1;
      for (const arrival of hold.arrivals.splice(0)) arrival();
      await new Promise<void>((resolve) => hold.waiting.push(resolve));
      return;
    }
  }

  /** Resolves once the hold keeps `count` requests (released ones included). */
  async held(id: string, count: number): Promise<void> {
    const hold = this.#holds.get(id);
    if (!hold) throw new Error(`No hold ${id}.`);
    while (hold.held < count) await new Promise<void>((resolve) => hold.arrivals.push(resolve));
  }

  /** Lets every request the hold keeps go on, and stops holding. */
  release(id: string): void {
    const hold = this.#holds.get(id);
    if (!hold) return;
    this.#holds.delete(id);
    for (const resume of hold.waiting.splice(0)) resume();
  }

  /** The fault this request meets, if any; a fault with `times` is spent by each request it fails. */
  takeFault(
    operation: ConnectorOperation,
    conversation: TeamsConversation | undefined,
    tenantId: string | undefined,
  ): ActiveFault | undefined {
    const fault = this.#faults.find(
      (candidate) =>
        (candidate.conversationId === undefined || candidate.conversationId === conversation?.id) &&
        (candidate.tenantId === undefined || candidate.tenantId === (conversation?.tenantId ?? tenantId)) &&
        (candidate.operations === undefined || candidate.operations.includes(operation)),
    );
    if (!fault) return undefined;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.removeFault(fault.id);
    }
    return fault;
  }

  faultError(fault: ConnectorFault): ConnectorError {
    const defaults = DEFAULT_FAULTS[fault.status];
    const code = fault.code ?? defaults?.code;
    const message = fault.message ?? (code ? FAULT_MESSAGES[code] : undefined) ?? defaults?.message ?? 'Service error.';
    const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
    return new ConnectorError(
      fault.status,
      fault.status === 503 || fault.status === 504 ? undefined : code,
      message,
      retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {},
    );
  }

  // ---- channel → bot -------------------------------------------------------------------------------

  /**
   * The JWT Azure Bot Service puts into the Authorization header of a request to a bot. By default the
   * channel's own token (issuer https://api.botframework.com, keys at login.botframework.com); for a bot
   * registered with `channelTokens: 'entra'`, a token Entra issues for Azure Bot Service in the bot's
   * home tenant (issuer https://sts.windows.net/{tenant}/, Entra's keys). Neither carries appid or azp.
   */
  channelToken(botAppId: string, serviceUrl: string, options: SendOptions = {}): string {
    const bot = this.bot(botAppId);
    const now = Math.floor(Date.now() / 1000);
    const lifetime = { nbf: now - 5, exp: now + CHANNEL_TOKEN_LIFETIME_SECONDS };
    const signOptions = options.key ? { key: options.key } : {};
    if (bot?.channelTokens === 'entra') {
      const tenantId = bot.appType === 'SingleTenant' && bot.tenantId ? bot.tenantId : BOT_FRAMEWORK_TENANT_ID;
      return this.#entraKeys.sign(
        {
          serviceurl: serviceUrl,
          ...lifetime,
          iat: now,
          iss: `https://sts.windows.net/${tenantId}/`,
          aud: botAppId,
          tid: tenantId,
          ver: '1.0',
          ...options.claims,
        },
        signOptions,
      );
    }
    return this.#keys.sign(
      { serviceurl: serviceUrl, ...lifetime, iss: CHANNEL_TOKEN_ISSUER, aud: botAppId, ...options.claims },
      signOptions,
    );
  }

  /**
   * POSTs an activity to the bot's messaging endpoint as Teams does: channelId, serviceUrl, recipient,
   * timestamp and id filled in, the channel's token in the Authorization header, Teams' routing headers.
   * Messages are recorded in the conversation's transcript. Answers the bot's HTTP reply.
   */
  async sendToBot(
    conversation: TeamsConversation,
    activity: Record<string, unknown>,
    options: SendOptions = {},
  ): Promise<BotReply> {
    const bot = this.bot(conversation.botAppId);
    if (!bot?.endpoint) {
      throw new Error(`The bot ${conversation.botAppId} has no messaging endpoint: set one with setMessagingEndpoint.`);
    }
    const full: Record<string, unknown> = {
      id: this.nextActivityId(),
      timestamp: new Date().toISOString(),
      localTimestamp: new Date().toISOString(),
      channelId: TEAMS_CHANNEL_ID,
      serviceUrl: conversation.serviceUrl,
      recipient: { id: teamsBotId(bot.appId), name: bot.name },
      conversation: conversationAccount(conversation),
      ...activity,
      channelData: {
        tenant: { id: conversation.tenantId },
        ...(activity.channelData as Record<string, unknown> | undefined),
      },
    };
    if (full.type === 'message') this.record(conversation, 'user', full);
    const authorization =
      options.authorization === undefined
        ? `Bearer ${this.channelToken(bot.appId, conversation.serviceUrl, options)}`
        : options.authorization;
    const response = await fetch(bot.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-ms-conversation-id': conversation.id,
        'x-ms-tenant-id': conversation.tenantId,
        ...(authorization !== null ? { authorization } : {}),
      },
      body: JSON.stringify(full),
    });
    const text = await response.text();
    let body: unknown = text === '' ? undefined : text;
    if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: response.status, headers: Object.fromEntries(response.headers), body };
  }

  #tenant(tenantId: string): SeedTenant {
    const tenant = this.#directory.tenant(tenantId);
    if (!tenant) throw new ConnectorError(404, 'NotFound', `No tenant '${tenantId}'.`);
    return tenant;
  }
}

export function memberOf(tenant: SeedTenant, user: SeedUser): TeamsMember {
  return {
    id: teamsUserId(user.id),
    name: user.displayName,
    aadObjectId: user.id,
    ...(user.givenName ? { givenName: user.givenName } : {}),
    ...(user.surname ? { surname: user.surname } : {}),
    ...(user.mail ? { email: user.mail } : { email: user.userPrincipalName }),
    userPrincipalName: user.userPrincipalName,
    tenantId: tenant.id,
    userRole: 'user',
  };
}

export function conversationAccount(conversation: TeamsConversation): Record<string, unknown> {
  return {
    id: conversation.id,
    conversationType: conversation.conversationType,
    tenantId: conversation.tenantId,
    ...(conversation.conversationType !== 'personal' ? { isGroup: true } : {}),
    ...(conversation.name ? { name: conversation.name } : {}),
  };
}

export const accountOf = (member: TeamsMember): TeamsAccount => ({
  id: member.id,
  name: member.name,
  aadObjectId: member.aadObjectId,
});
