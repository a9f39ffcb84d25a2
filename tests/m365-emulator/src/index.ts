// The local Microsoft 365 emulator: Entra ID's identity platform, Microsoft Graph and the Bot Framework's
// Teams channel over https://localhost.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { botConnectorRoutes } from './bot-connector.routes.ts';
import { ensureCertificate } from './certificate.ts';
import type { EmulatorContext } from './context.ts';
import { type CreateTenantInput, Directory } from './directory.ts';
import { authenticateGraph, graphHandler } from './graph.routes.ts';
import {
  type GraphApi,
  GraphServices,
  type GraphServicesOptions,
  graphApi,
  graphControlRoutes,
} from './graph-control.ts';
import { type EmulatorRequest, jsonOf, type Reply, Router, readBody, send } from './http.ts';
import { identityRoutes } from './identity.routes.ts';
import { loadSeed, type Seed, type SeedTenant } from './seed.ts';
import { type KeyChoice, SigningKeys } from './signing-keys.ts';
import { type TeamsApi, teamsApi, teamsControlRoutes } from './teams.ts';
import { TeamsChannel } from './teams-channel.ts';

export { ensureCertificate } from './certificate.ts';
export { type EmulatorClient, emulatorClient, TokenRequestError, type TokenResponse } from './client.ts';
export type { CreateTenantInput } from './directory.ts';
export type { GraphApi, GraphServicesOptions, ItemIds, MailboxRef } from './graph-control.ts';
export type { GraphFault, GraphHold, GraphLimits } from './graph-limits.ts';
export { OUTLOOK_LIMITS } from './graph-limits.ts';
export type { MailInput, Sensitivity } from './graph-messages.ts';
export { SENSITIVITY_PROPERTY } from './graph-messages.ts';
export type { LifecycleEvent, NotificationDelivery } from './graph-subscriptions.ts';
export { type InstanceDiscoveryRoute, routeInstanceDiscovery } from './instance-discovery.ts';
export type { Seed, SeedApp, SeedAppRole, SeedBot, SeedResourceAccess, SeedTenant, SeedUser } from './seed.ts';
export {
  BOT_FRAMEWORK_RESOURCE,
  BOT_FRAMEWORK_TENANT_ID,
  CRM_APP_ID,
  CRM_BOT_APP_ID,
  GRAPH_APP_ID,
  GRAPH_RESOURCE,
  loadSeed,
} from './seed.ts';
export type { ConversationView, InstallResult, TeamsApi, UserRef } from './teams.ts';
export type {
  BotReply,
  ConnectorFault,
  ConnectorHold,
  ConnectorOperation,
  RecordedActivity,
  SendOptions,
  TeamsMember,
} from './teams-channel.ts';

export interface EmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1; URLs name the host `localhost` either way. */
  host?: string;
  /** The certificate and key live in `${dataDir}/m365-emulator/` and are reused on later starts. */
  dataDir: string;
  /** Default: seed.json. The emulator works on a copy, so runtime changes never touch the object passed. */
  seed?: Seed;
  /** Default 3600. */
  accessTokenLifetimeSeconds?: number;
  /** Graph's limits and the subscription handshake's timeout; Outlook's by default. */
  graph?: GraphServicesOptions;
}

export interface SignTokenOptions {
  /** 'active' (default), 'inactive' (the other published key) or 'unpublished' (a key not in the JWKS). */
  key?: KeyChoice;
  /** Merged over `{ alg: 'RS256', typ: 'JWT', kid }`; `alg: 'none'` yields an unsigned token. */
  header?: Record<string, unknown>;
}

export interface RunningEmulator {
  /** e.g. https://localhost:43123, no trailing slash. */
  readonly url: string;
  /** PEM file to put into NODE_EXTRA_CA_CERTS. */
  readonly caCertPath: string;
  readonly seed: Seed;
  /** `${url}/${tenant}`: a tenant id, a verified domain, 'common' or 'organizations'. */
  authority(tenant: string): string;
  /** `${url}/${tenantId}/v2.0`. */
  issuer(tenantId: string): string;
  /** `${url}/v1.0`. */
  readonly graphUrl: string;
  /** `${url}/common/discovery/v2.0/keys`. */
  readonly jwksUri: string;
  /** Switches which of the two published keys signs new tokens. */
  rotateSigningKey(): void;
  /** Signs `claims` verbatim (nothing added) for negative tests. */
  signToken(claims: Record<string, unknown>, options?: SignTokenOptions): Promise<string>;
  /** Adds a tenant with generated ids; users get the seed's default password; consentedApps default to the CRM app. */
  createTenant(input: CreateTenantInput): SeedTenant;
  /** The Bot Framework's Teams channel: act as Teams towards a bot, read what it posted, make it fail. */
  readonly teams: TeamsApi;
  /** Graph's Outlook side: limits, faults, holds, seeding, edits as Outlook would make them, subscriptions. */
  readonly graph: GraphApi;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const { certPath, keyPath } = await ensureCertificate(options.dataDir);
  const seed = structuredClone(options.seed ?? loadSeed());
  const directory = new Directory(seed);
  const [keys, channelKeys] = await Promise.all([SigningKeys.generate(), SigningKeys.generate()]);
  let url = '';
  const context: EmulatorContext = {
    get url() {
      return url;
    },
    directory,
    keys,
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 3600,
    codes: new Map(),
    refreshTokens: new Map(),
  };

  const channel = new TeamsChannel(directory, channelKeys, keys, () => url);
  const teams = teamsApi(channel, directory);

  const graphServices = new GraphServices(options.graph);
  const graphControl = graphApi(graphServices, directory);

  const router = new Router();
  emulatorRoutes(router, directory, keys);
  teamsControlRoutes(router, teams);
  graphControlRoutes(router, graphControl);
  identityRoutes(context, router);
  botConnectorRoutes(context, channel, router);
  router.on(['GET', 'POST'], '/oidc/userinfo', (request) => userInfo(context, request));
  const graph = graphHandler(context, graphServices);

  const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (incoming, response) => {
    const handle = async (): Promise<Reply> => {
      const request: Omit<EmulatorRequest, 'params'> = {
        method: incoming.method ?? 'GET',
        url: new URL(incoming.url ?? '/', url),
        headers: incoming.headers,
        body: await readBody(incoming),
      };
      if (request.url.pathname === '/v1.0' || request.url.pathname.startsWith('/v1.0/')) {
        return graph({ ...request, params: {} });
      }
      return (
        (await router.dispatch(request)) ?? {
          status: 404,
          json: { error: 'not_found', error_description: `No emulator endpoint at ${request.url.pathname}.` },
        }
      );
    };
    // Single-page apps (the add-in, the tab) read metadata and redeem codes from the browser:
    // like Entra, every endpoint answers cross-origin requests and their preflights.
    const origin = incoming.headers.origin;
    const cors: Record<string, string> = origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
    if (incoming.method === 'OPTIONS' && origin) {
      send(response, {
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
          'access-control-allow-headers': String(incoming.headers['access-control-request-headers'] ?? 'content-type'),
          'access-control-max-age': '86400',
        },
      });
      return;
    }
    handle().then(
      (reply) => send(response, { ...reply, headers: { ...reply.headers, ...cors } }),
      (error: unknown) => {
        const bad = error instanceof SyntaxError;
        send(response, {
          status: bad ? 400 : 500,
          json: { error: bad ? 'invalid_request' : 'server_error', error_description: (error as Error).message },
        });
      },
    );
  });
  // Longer than clients keep idle connections, so a client never reuses one the server is closing.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `https://localhost:${(server.address() as AddressInfo).port}`;

  return {
    url,
    caCertPath: certPath,
    seed,
    authority: (tenant) => `${url}/${tenant}`,
    issuer: (tenantId) => `${url}/${tenantId}/v2.0`,
    graphUrl: `${url}/v1.0`,
    jwksUri: `${url}/common/discovery/v2.0/keys`,
    rotateSigningKey: () => keys.rotate(),
    signToken: async (claims, signOptions) => keys.sign(claims, signOptions),
    createTenant: (input) => directory.createTenant(input),
    teams,
    graph: graphControl,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** /_emulator/*: the test-control API for processes other than the one that started the emulator. */
function emulatorRoutes(router: Router, directory: Directory, keys: SigningKeys): void {
  router.on('GET', '/_emulator/tenants', () => ({ status: 200, json: directory.seed.tenants }));
  router.on('POST', '/_emulator/tenants', (request) => {
    const input = jsonOf(request) as Partial<CreateTenantInput>;
    if (typeof input.displayName !== 'string' || input.displayName === '' || !Array.isArray(input.users)) {
      return {
        status: 400,
        json: { error: 'invalid_request', error_description: 'Send { displayName, users: [{ displayName }] }.' },
      };
    }
    if (input.users.some((user) => typeof user?.displayName !== 'string' || user.displayName === '')) {
      return { status: 400, json: { error: 'invalid_request', error_description: 'Every user needs a displayName.' } };
    }
    try {
      return { status: 201, json: directory.createTenant(input as CreateTenantInput) };
    } catch (error) {
      return { status: 409, json: { error: 'conflict', error_description: (error as Error).message } };
    }
  });
  router.on('POST', '/_emulator/keys/rotate', () => {
    keys.rotate();
    return { status: 200, json: { activeKid: keys.activeKid } };
  });
  router.on('POST', '/_emulator/sign', (request) => {
    const body = jsonOf(request) as {
      claims?: Record<string, unknown>;
      key?: KeyChoice;
      header?: Record<string, unknown>;
    };
    if (typeof body.claims !== 'object' || body.claims === null) {
      return { status: 400, json: { error: 'invalid_request', error_description: 'Send { claims, key?, header? }.' } };
    }
    if (body.key !== undefined && !['active', 'inactive', 'unpublished'].includes(body.key)) {
      return {
        status: 400,
        json: { error: 'invalid_request', error_description: "key is 'active', 'inactive' or 'unpublished'." },
      };
    }
    return {
      status: 200,
      json: {
        token: keys.sign(body.claims, {
          ...(body.key ? { key: body.key } : {}),
          ...(body.header ? { header: body.header } : {}),
        }),
      },
    };
  });
}

function userInfo(context: EmulatorContext, request: EmulatorRequest): Reply {
  try {
    const principal = authenticateGraph(context, request);
    const user = principal.user;
    if (!user)
      return { status: 401, json: { error: 'invalid_token', error_description: 'userinfo needs a delegated token.' } };
    return {
      status: 200,
      json: {
        sub: String(principal.claims.sub),
        name: user.displayName,
        family_name: user.surname,
        given_name: user.givenName,
        email: user.mail ?? user.userPrincipalName,
      },
    };
  } catch {
    return {
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      json: { error: 'invalid_token' },
    };
  }
}
