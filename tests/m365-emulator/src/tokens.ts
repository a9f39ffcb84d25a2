// Scope resolution and token minting the way Entra ID v2 does it, plus Entra's error answers.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type EmulatorContext, issuerOf } from './context.ts';
import { stableGuid } from './directory.ts';
import {
  BOT_FRAMEWORK_RESOURCE,
  DIRECTORY_ROLE_TEMPLATES,
  GRAPH_APP_ID,
  GRAPH_RESOURCE,
  type SeedApp,
  type SeedTenant,
  type SeedUser,
} from './seed.ts';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const ID_TOKEN_LIFETIME_SECONDS = 3600;
const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;

/** An error of the token or authorize endpoint, shaped like Entra's (AADSTS code and message). */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;
  readonly code: number;
  readonly suberror: string | undefined;
  constructor(status: number, error: string, code: number, message: string, suberror?: string) {
    super(`AADSTS${code}: ${message}`);
    this.status = status;
    this.error = error;
    this.code = code;
    this.suberror = suberror;
  }

  body(correlationId: string): Record<string, unknown> {
    const traceId = randomUUID();
    const timestamp = `${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`;
    return {
      error: this.error,
      error_description: `${this.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [this.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.code}`,
      ...(this.suberror ? { suberror: this.suberror } : {}),
    };
  }
}

export const missingParameter = (name: string): OAuthError =>
  new OAuthError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

export const consentRequired = (app: SeedApp): OAuthError =>
  new OAuthError(
    400,
    'invalid_grant',
    65001,
    `The user or administrator has not consented to use the application with ID '${app.appId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`,
    'consent_required',
  );

export type Resource = { kind: 'graph' } | { kind: 'app'; app: SeedApp; identifier: string };

export interface ResolvedScopes {
  resource: Resource;
  /** Delegated scopes (scp) or application roles (roles) granted for the resource. */
  permissions: string[];
  oidc: Set<string>;
  /** The `scope` of the token response. */
  responseScope: string;
}

export function audienceOf(resource: Resource): string {
  return resource.kind === 'graph' ? GRAPH_RESOURCE : resource.app.appId;
}

/** Resolves a `scope` parameter for a client in a tenant; throws Entra's errors for what Entra refuses. */
export function resolveScopes(
  context: EmulatorContext,
  scopeParam: string | null,
  client: SeedApp,
  tenant: SeedTenant,
  flow: 'delegated' | 'app',
): ResolvedScopes {
  const items = (scopeParam ?? '').split(/\s+/).filter((item) => item !== '');
  if (items.length === 0) throw missingParameter('scope');
  const oidc = new Set(items.filter((item) => OIDC_SCOPES.has(item)));
  const requested = items.filter((item) => !OIDC_SCOPES.has(item)).map((item) => parseScope(context, item, tenant));
  const resources = new Set(requested.map(({ resource }) => audienceOf(resource)));
  if (resources.size > 1) {
    throw new OAuthError(
      400,
      'invalid_scope',
      28000,
      'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ' +
        `${items.join(' ')} is not valid.`,
    );
  }
  const first = requested[0];
  if (flow === 'app') {
    if (!first || requested.length > 1 || first.permission !== '.default') {
      throw new OAuthError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${items.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const roles =
      first.resource.kind === 'graph'
        ? (client.requiredResourceAccess.graph?.application ?? [])
        : applicationRoles(client, first.resource.app);
    return { resource: first.resource, permissions: roles, oidc, responseScope: `${first.identifier}/.default` };
  }
  const resource: Resource = first?.resource ?? { kind: 'graph' };
  const permissions = delegatedScopes(client, resource, first ? requested.map(({ permission }) => permission) : []);
  const prefix = resource.kind === 'graph' ? '' : `${resource.identifier}/`;
  const responseScope = [
    ...permissions.map((p) => prefix + p),
    ...[...oidc].filter((s) => s !== 'offline_access'),
  ].join(' ');
  return { resource, permissions, oidc, responseScope };
}

function parseScope(
  context: EmulatorContext,
  item: string,
  tenant: SeedTenant,
): { resource: Resource; identifier: string; permission: string } {
  for (const graphId of [GRAPH_RESOURCE, GRAPH_APP_ID]) {
    if (item.toLowerCase().startsWith(`${graphId}/`)) {
      return {
        resource: { kind: 'graph' },
        identifier: graphId,
        permission: item.slice(graphId.length + 1).replace(/^\//, ''),
      };
    }
  }
  const slash = item.lastIndexOf('/');
  if (slash === -1) return { resource: { kind: 'graph' }, identifier: GRAPH_RESOURCE, permission: item };
  const identifier = item.slice(0, slash);
  const app = context.directory.seed.apps.find((candidate) =>
    [candidate.identifierUri, candidate.appId, `api://${candidate.appId}`].includes(identifier),
  );
  if (!app || !context.directory.isConsented(tenant, app.appId)) {
    throw new OAuthError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${identifier} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  return { resource: { kind: 'app', app, identifier }, identifier, permission: item.slice(slash + 1) };
}

function applicationRoles(client: SeedApp, resource: SeedApp): string[] {
  const requested = client.requiredResourceAccess[resource.appId]?.application ?? [];
  return resource.appRoles
    .filter((role) => role.allowedMemberTypes.includes('Application') && requested.includes(role.value))
    .map((role) => role.value);
}

function delegatedScopes(client: SeedApp, resource: Resource, requested: string[]): string[] {
  const isDefault = requested.includes('.default');
  if (isDefault && requested.length > 1) {
    throw new OAuthError(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. '.default' cannot be combined with other scopes.`,
    );
  }
  if (resource.kind === 'graph') {
    const consented = (client.requiredResourceAccess.graph?.delegated ?? []).filter((scope) => !OIDC_SCOPES.has(scope));
    // Requests with only OpenID scopes get a Graph token for User.Read, as Entra answers them.
    const wanted = isDefault ? consented : requested.length === 0 ? ['User.Read'] : requested;
    const missing = wanted.filter((scope) => !consented.some((c) => c.toLowerCase() === scope.toLowerCase()));
    if (wanted.length === 0 || missing.length > 0) throw consentRequired(client);
    return wanted;
  }
  const { app } = resource;
  if (isDefault) {
    const declared =
      app.appId === client.appId ? app.scopes : (client.requiredResourceAccess[app.appId]?.delegated ?? []);
    const granted = app.scopes.filter((scope) => declared.includes(scope));
    if (granted.length === 0) throw consentRequired(client);
    return granted;
  }
  const unknown = requested.filter((scope) => !app.scopes.includes(scope));
  if (unknown.length > 0) {
    throw new OAuthError(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope '${unknown.join(' ')}' does not exist on the resource '${app.appId}'.`,
    );
  }
  return requested;
}

const randomId = (bytes = 16): string => randomBytes(bytes).toString('base64url');

/** Pairwise subject: the same user looks different to different apps. */
export const pairwiseSubject = (oid: string, appId: string): string =>
  createHash('sha256').update(`${oid}:${appId}`).digest('base64url').slice(0, 43);

export const servicePrincipalId = (tenantId: string, appId: string): string => stableGuid(`sp:${tenantId}:${appId}`);

function directoryRoleIds(user: SeedUser): string[] {
  return user.directoryRoles
    .map((role) => DIRECTORY_ROLE_TEMPLATES[role] ?? (/^[0-9a-f-]{36}$/i.test(role) ? role : undefined))
    .filter((id): id is string => id !== undefined);
}

interface Lifetime {
  iat: number;
  nbf: number;
  exp: number;
}

function lifetime(seconds: number): Lifetime {
  const now = Math.floor(Date.now() / 1000);
  return { iat: now, nbf: now, exp: now + seconds };
}

export interface DelegatedIssue {
  tenant: SeedTenant;
  user: SeedUser;
  client: SeedApp;
  resolved: ResolvedScopes;
  /** Whether the client proved itself with its secret (azpacr 1) or is a public client (azpacr 0). */
  clientAuthenticated: boolean;
  nonce?: string;
}

/** Signs `claims` wrapped in what every Entra v2.0 token carries: audience, issuer, lifetime, ids. */
function signEntraToken(
  context: EmulatorContext,
  tenant: SeedTenant,
  audience: string,
  lifetimeSeconds: number,
  claims: Record<string, unknown>,
): string {
  return context.keys.sign({
    aud: audience,
    iss: issuerOf(context, tenant.id),
    ...lifetime(lifetimeSeconds),
    aio: randomId(48),
    ...claims,
    rh: `0.${randomId(40)}.`,
    tid: tenant.id,
    uti: randomId(),
    ver: '2.0',
  });
}

/** The calling app, as access tokens name it (Graph tokens also by appid and display name). */
function clientClaims(client: SeedApp, resolved: ResolvedScopes, authenticated: boolean): Record<string, unknown> {
  return {
    azp: client.appId,
    azpacr: authenticated ? '1' : '0',
    ...(resolved.resource.kind === 'graph' ? { app_displayname: client.displayName, appid: client.appId } : {}),
  };
}

export function mintDelegatedAccessToken(context: EmulatorContext, issue: DelegatedIssue): string {
  const { tenant, user, client, resolved } = issue;
  const resourceApp = resolved.resource.kind === 'app' ? resolved.resource.app : undefined;
  const roles = resourceApp
    ? resourceApp.appRoles
        .filter((role) => role.allowedMemberTypes.includes('User') && user.appRoles.includes(role.value))
        .map((role) => role.value)
    : [];
  const wids = directoryRoleIds(user);
  return signEntraToken(context, tenant, audienceOf(resolved.resource), context.accessTokenLifetimeSeconds, {
    ...clientClaims(client, resolved, issue.clientAuthenticated),
    idtyp: 'user',
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    ...(roles.length > 0 ? { roles } : {}),
    scp: resolved.permissions.join(' '),
    sub: pairwiseSubject(user.id, client.appId),
    ...(wids.length > 0 ? { wids } : {}),
    ...(user.preferredLanguage ? { xms_pl: user.preferredLanguage } : {}),
  });
}

export function mintAppAccessToken(
  context: EmulatorContext,
  tenant: SeedTenant,
  client: SeedApp,
  resolved: ResolvedScopes,
): string {
  const oid = servicePrincipalId(tenant.id, client.appId);
  return signEntraToken(context, tenant, audienceOf(resolved.resource), context.accessTokenLifetimeSeconds, {
    ...clientClaims(client, resolved, true),
    idtyp: 'app',
    oid,
    ...(resolved.permissions.length > 0 ? { roles: resolved.permissions } : {}),
    sub: oid,
  });
}

export function mintIdToken(context: EmulatorContext, issue: DelegatedIssue): string {
  const { tenant, user, client } = issue;
  return signEntraToken(context, tenant, client.appId, ID_TOKEN_LIFETIME_SECONDS, {
    ...(issue.resolved.oidc.has('email') && user.mail ? { email: user.mail } : {}),
    name: user.displayName,
    ...(issue.nonce ? { nonce: issue.nonce } : {}),
    oid: user.id,
    preferred_username: user.userPrincipalName,
    sub: pairwiseSubject(user.id, client.appId),
  });
}

/** The token endpoint's answer for a delegated grant: access token, and id/refresh token when asked for. */
export function delegatedTokenResponse(context: EmulatorContext, issue: DelegatedIssue): Record<string, unknown> {
  const { tenant, user, client, resolved } = issue;
  const response: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: resolved.responseScope,
    expires_in: context.accessTokenLifetimeSeconds,
    ext_expires_in: context.accessTokenLifetimeSeconds,
    access_token: mintDelegatedAccessToken(context, issue),
  };
  if (resolved.oidc.has('offline_access')) {
    const refreshToken = `1.${randomId(64)}`;
    context.refreshTokens.set(refreshToken, {
      tenantId: tenant.id,
      userId: user.id,
      clientId: client.appId,
      scope: [resolved.responseScope, ...resolved.oidc].join(' '),
      expiresAt: Date.now() + REFRESH_TOKEN_LIFETIME_MS,
    });
    response.refresh_token = refreshToken;
  }
  if (resolved.oidc.has('openid')) response.id_token = mintIdToken(context, issue);
  response.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.id })).toString('base64url');
  return response;
}

/** Whether a client-credentials `scope` asks for the Bot Connector (`https://api.botframework.com/.default`). */
export function isBotFrameworkScope(scopeParam: string | null): boolean {
  const items = (scopeParam ?? '').split(/\s+/).filter((item) => item !== '');
  return items.length === 1 && items[0]?.replace(/\/+\.default$/, '').toLowerCase() === BOT_FRAMEWORK_RESOURCE;
}

/**
 * The token a bot presents to the Bot Connector. The Bot Framework resource accepts v1.0 tokens, so Entra
 * issues one: issuer https://sts.windows.net/{tid}/, audience https://api.botframework.com, the bot in `appid`.
 */
export function mintBotFrameworkToken(context: EmulatorContext, tenant: SeedTenant, client: SeedApp): string {
  const oid = servicePrincipalId(tenant.id, client.appId);
  const issuer = `https://sts.windows.net/${tenant.id}/`;
  return context.keys.sign({
    aud: BOT_FRAMEWORK_RESOURCE,
    iss: issuer,
    ...lifetime(context.accessTokenLifetimeSeconds),
    aio: randomId(48),
    appid: client.appId,
    appidacr: '1',
    idp: issuer,
    idtyp: 'app',
    oid,
    rh: `0.${randomId(40)}.`,
    sub: oid,
    tid: tenant.id,
    uti: randomId(),
    ver: '1.0',
  });
}
