// A client for a running emulator in another process: the /_emulator control API and the token endpoint.
// Uses the global fetch, so the calling process must trust the emulator's certificate (NODE_EXTRA_CA_CERTS).
import type { CreateTenantInput } from './directory.ts';
import type { GraphApi } from './graph-control.ts';
import { CRM_APP_ID, loadSeed, type SeedTenant } from './seed.ts';
import type { KeyChoice } from './signing-keys.ts';
import type { TeamsApi } from './teams.ts';

/** The emulator's TeamsApi over HTTP: the same methods and arguments, every one answering a promise. */
export type TeamsClient = {
  [K in Exclude<keyof TeamsApi, 'openIdMetadataUrl' | 'jwksUri' | 'serviceUrl'>]: TeamsApi[K] extends (
    ...args: infer A
  ) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** The emulator's GraphApi over HTTP: the same methods and arguments, every one answering a promise. */
export type GraphControlClient = {
  [K in keyof GraphApi]: GraphApi[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export interface TokenResponse {
  token_type: 'Bearer';
  scope?: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

/** The token endpoint said no: `error` and `errorCodes` as Entra sends them (e.g. invalid_grant, [50126]). */
export class TokenRequestError extends Error {
  readonly status: number;
  readonly error: string;
  readonly errorCodes: number[];
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(String(body.error_description ?? body.error ?? `Token request failed with ${status}.`));
    this.status = status;
    this.error = String(body.error ?? 'unknown');
    this.errorCodes = Array.isArray(body.error_codes) ? body.error_codes.map(Number) : [];
    this.body = body;
  }
}

export interface EmulatorClient {
  createTenant(input: CreateTenantInput): Promise<SeedTenant>;
  listTenants(): Promise<SeedTenant[]>;
  rotateSigningKey(): Promise<void>;
  /** Signs `claims` verbatim; `key` and `header` as RunningEmulator.signToken takes them. */
  signToken(request: {
    claims: Record<string, unknown>;
    key?: KeyChoice;
    header?: Record<string, unknown>;
  }): Promise<string>;
  /** ROPC; answers the access token. password defaults to the seed's default password, clientId to the CRM app (a public client). */
  passwordToken(input: {
    tenant: string;
    username: string;
    password?: string;
    clientId?: string;
    clientSecret?: string;
    scope: string;
  }): Promise<string>;
  /** Client credentials; answers the access token. */
  clientCredentialsToken(input: {
    tenant: string;
    clientId: string;
    clientSecret: string;
    scope: string;
  }): Promise<string>;
  /** POSTs form fields to `/{tenant}/oauth2/v2.0/token` and answers the whole response; throws TokenRequestError when refused. */
  tokenRequest(tenant: string, fields: Record<string, string>): Promise<TokenResponse>;
  /** Acts as Teams towards a bot (see TeamsApi). */
  teams: TeamsClient;
  /** Graph's limits, faults, seeding and Outlook-side edits (see GraphApi). */
  graph: GraphControlClient;
}

export function emulatorClient(url: string): EmulatorClient {
  const base = url.replace(/\/$/, '');

  const control = async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}/_emulator${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Emulator ${method} ${path} answered ${response.status}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  const post =
    <A, R>(path: string) =>
    (input: A): Promise<R> =>
      control<R>('POST', `/teams/${path}`, input);

  const teams: TeamsClient = {
    setMessagingEndpoint: (endpoint, botAppId) => post<unknown, void>('endpoint')({ endpoint, botAppId }),
    member: post('member'),
    installPersonal: post('install/personal'),
    installInChat: post('install/chat'),
    uninstall: post('uninstall'),
    sendMessage: post('message'),
    adaptiveCardAction: post('card-action'),
    composeExtensionQuery: post('compose-query'),
    sendInvoke: post('invoke'),
    readReceipt: post('read-receipt'),
    sendConversationUpdate: post('conversation-update'),
    send: post('send'),
    conversation: (id) => control('GET', `/teams/conversations/${encodeURIComponent(id)}`),
    conversations: async (filter = {}) =>
      (await control<Awaited<ReturnType<TeamsApi['conversations']>>>('GET', '/teams/conversations')).filter(
        (conversation) =>
          (filter.tenantId === undefined || conversation.tenantId === filter.tenantId) &&
          (filter.botAppId === undefined || conversation.botAppId === filter.botAppId.toLowerCase()),
      ),
    transcript: (id, options = {}) =>
      control(
        'GET',
        `/teams/conversations/${encodeURIComponent(id)}/transcript${options.includeDeleted ? '?includeDeleted=true' : ''}`,
      ),
    addFault: async (fault) => (await control<{ id: string }>('POST', '/teams/faults', fault)).id,
    removeFault: (id) => control('DELETE', `/teams/faults/${encodeURIComponent(id)}`),
    clearFaults: () => control('DELETE', '/teams/faults'),
    hold: async (hold) => (await control<{ id: string }>('POST', '/teams/holds', hold)).id,
    held: (id, count) => control('POST', `/teams/holds/${encodeURIComponent(id)}/wait`, { count }),
    release: (id) => control('DELETE', `/teams/holds/${encodeURIComponent(id)}`),
    channelToken: async (input) => (await control<{ token: string }>('POST', '/teams/channel-token', input)).token,
  };

  const graphPost =
    <R>(path: string) =>
    // biome-ignore lint/suspicious/noExplicitAny: each method's argument is GraphApi's, sent as JSON
    (input?: any): Promise<R> =>
      control<R>('POST', `/graph/${path}`, input ?? {});
  const graph: GraphControlClient = {
    setLimits: graphPost('limits'),
    resetUsage: graphPost('usage/reset'),
    setAccessPolicy: graphPost('access-policy'),
    usage: async (input) => (await control<{ requests: number }>('POST', '/graph/usage', input)).requests,
    addFault: async (fault) => (await control<{ id: string }>('POST', '/graph/faults', fault)).id,
    removeFault: (id) => control('DELETE', `/graph/faults/${encodeURIComponent(id)}`),
    clearFaults: () => control('DELETE', '/graph/faults'),
    hold: async (hold) => (await control<{ id: string }>('POST', '/graph/holds', hold)).id,
    held: (id, count) => control('POST', `/graph/holds/${encodeURIComponent(id)}/wait`, { count }),
    release: (id) => control('DELETE', `/graph/holds/${encodeURIComponent(id)}`),
    expireDeltaTokens: async () => (await control<{ expired: number }>('POST', '/graph/delta/expire')).expired,
    seedContacts: graphPost('seed/contacts'),
    seedEvents: graphPost('seed/events'),
    mailbox: graphPost('mailbox'),
    createContactFolder: graphPost('outlook/contact-folders'),
    createContact: graphPost('outlook/contacts'),
    updateContact: graphPost('outlook/contacts/update'),
    deleteContact: graphPost('outlook/contacts/delete'),
    moveContact: graphPost('outlook/contacts/move'),
    createCalendar: graphPost('outlook/calendars'),
    createEvent: graphPost('outlook/events'),
    updateEvent: graphPost('outlook/events/update'),
    deleteEvent: graphPost('outlook/events/delete'),
    moveEvent: graphPost('outlook/events/move'),
    deliverMail: graphPost('outlook/messages'),
    deleteMessage: graphPost('outlook/messages/delete'),
    moveMessage: graphPost('outlook/messages/move'),
    mailFolders: graphPost('outlook/mail-folders'),
    subscriptions: () => control('GET', '/graph/subscriptions'),
    lifecycle: graphPost('subscriptions/lifecycle'),
    loseNotifications: graphPost('subscriptions/lose'),
    expireSubscription: (id) => control('POST', '/graph/subscriptions/expire', { id }),
    deliveries: () => control('GET', '/graph/deliveries'),
    settleNotifications: graphPost('deliveries/settle'),
  };

  const token = async (tenant: string, fields: Record<string, string>): Promise<TokenResponse> => {
    const response = await fetch(`${base}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new TokenRequestError(response.status, body);
    return body as unknown as TokenResponse;
  };

  return {
    createTenant: (input) => control<SeedTenant>('POST', '/tenants', input),
    listTenants: () => control<SeedTenant[]>('GET', '/tenants'),
    rotateSigningKey: async () => {
      await control<unknown>('POST', '/keys/rotate');
    },
    signToken: async (request) => (await control<{ token: string }>('POST', '/sign', request)).token,
    tokenRequest: token,
    teams,
    graph,
    passwordToken: async ({ tenant, username, password, clientId, clientSecret, scope }) => {
      const response = await token(tenant, {
        grant_type: 'password',
        client_id: clientId ?? CRM_APP_ID,
        ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}),
        username,
        password: password ?? loadSeed().defaultPassword,
        scope,
      });
      return response.access_token;
    },
    clientCredentialsToken: async ({ tenant, clientId, clientSecret, scope }) => {
      const response = await token(tenant, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope,
      });
      return response.access_token;
    },
  };
}
