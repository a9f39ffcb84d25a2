// The identity platform: OpenID metadata, JWKS, instance discovery, token, authorize, admin consent, logout.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type EmulatorContext, issuerOf } from './context.ts';
import type { TenantScope } from './directory.ts';
import { type EmulatorRequest, formOf, type Reply, type Router, redirect } from './http.ts';
import { adminConsentPage, formPostPage, messagePage, signInPage } from './pages.ts';
import { BOT_FRAMEWORK_TENANT_ID, type SeedApp, type SeedTenant, type SeedUser } from './seed.ts';
import { TokenVerificationError } from './signing-keys.ts';
import {
  consentRequired,
  delegatedTokenResponse,
  isBotFrameworkScope,
  mintAppAccessToken,
  mintBotFrameworkToken,
  missingParameter,
  OAuthError,
  resolveScopes,
} from './tokens.ts';

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const NO_STORE = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' };

const isAdmin = (user: SeedUser): boolean => user.directoryRoles.includes('Global Administrator');

export function identityRoutes(context: EmulatorContext, router: Router): void {
  const { directory } = context;

  const requireScope = (ref: string | undefined): TenantScope => {
    const scope = ref ? directory.scope(ref) : undefined;
    if (!scope) {
      throw new OAuthError(
        400,
        'invalid_request',
        90002,
        `Tenant '${ref}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
    }
    return scope;
  };

  const json =
    (handler: (request: EmulatorRequest) => Record<string, unknown>) =>
    (request: EmulatorRequest): Reply => {
      try {
        return { status: 200, json: handler(request), headers: { 'x-ms-request-id': randomUUID() } };
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        const correlationId = String(request.headers['client-request-id'] ?? randomUUID());
        return { status: error.status, json: error.body(correlationId), headers: { ...NO_STORE } };
      }
    };

  const openIdConfiguration = (request: EmulatorRequest): Record<string, unknown> => {
    const scope = requireScope(request.params.tenant);
    const segment = scope.kind === 'tenant' ? scope.tenant.id : scope.alias;
    const base = `${context.url}/${segment}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      // Like Entra, the multi-tenant documents name the issuer with a {tenantid} placeholder.
      issuer: issuerOf(context, scope.kind === 'tenant' ? scope.tenant.id : '{tenantid}'),
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${context.url}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'cloud_instance_name',
        'cloud_instance_host_name',
        'cloud_graph_host_name',
        'msgraph_host',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'at_hash',
        'c_hash',
        'email',
      ],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: scope.kind === 'tenant' ? 'EU' : null,
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      // Graph is served by the emulator itself, under /v1.0.
      msgraph_host: new URL(context.url).host,
      rbac_url: 'https://pas.windows.net',
    };
  };
  router.on('GET', '/:tenant/v2.0/.well-known/openid-configuration', json(openIdConfiguration));
  router.on('GET', '/:tenant/.well-known/openid-configuration', json(openIdConfiguration));

  router.on(
    'GET',
    '/common/discovery/instance',
    json((request) => {
      const host = new URL(context.url).host;
      const endpoint = request.url.searchParams.get('authorization_endpoint');
      let tenant = 'common';
      try {
        if (endpoint) tenant = new URL(endpoint).pathname.split('/')[1] || 'common';
      } catch {
        // a malformed endpoint falls back to common, as Entra's answer does
      }
      return {
        tenant_discovery_endpoint: `${context.url}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      };
    }),
  );

  const keys = json((request) => {
    const ref = request.params.tenant ?? 'common';
    const scope = requireScope(ref);
    return context.keys.jwks(issuerOf(context, scope.kind === 'tenant' ? scope.tenant.id : '{tenantid}'));
  });
  for (const path of [
    '/:tenant/discovery/v2.0/keys',
    '/:tenant/discovery/keys',
    '/discovery/v2.0/keys',
    '/discovery/keys',
  ]) {
    router.on('GET', path, keys);
  }

  router.on('POST', '/:tenant/oauth2/v2.0/token', (request) => {
    const reply = json((r) => tokenEndpoint(r))(request);
    return { ...reply, headers: { ...reply.headers, ...NO_STORE } };
  });

  function tokenEndpoint(request: EmulatorRequest): Record<string, unknown> {
    const scope = requireScope(request.params.tenant);
    const form = formOf(request);
    const grantType = form.get('grant_type');
    if (!grantType) throw missingParameter('grant_type');
    const { clientId, clientSecret } = clientCredentialsOf(request, form);
    if (!clientId) throw missingParameter('client_id');
    const client = directory.app(clientId);
    if (!client) throw unknownClient(clientId, scope);
    if (clientSecret !== undefined && clientSecret !== client.secret) {
      throw new OAuthError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.appId}'.`,
      );
    }
    const authenticated = clientSecret !== undefined;
    const requireSecret = (): void => {
      if (!authenticated) {
        throw new OAuthError(
          401,
          'invalid_client',
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
      }
    };
    // Public clients (mobile, desktop, SPA) redeem user grants without a secret; confidential ones must send it.
    const allowPublic = (): void => {
      if (!client.publicClient) requireSecret();
    };
    const ensureConsent = (tenant: SeedTenant): void => {
      if (!directory.isConsented(tenant, client.appId)) throw consentRequired(client);
    };

    switch (grantType) {
      case 'client_credentials': {
        requireSecret();
        if (scope.kind !== 'tenant') {
          throw new OAuthError(
            400,
            'invalid_request',
            50059,
            'No tenant-identifying information found in either the request or implied by any provided credentials.',
          );
        }
        if (isBotFrameworkScope(form.get('scope'))) {
          // A bot's token for the Bot Connector: from botframework.com for MultiTenant bots, from the
          // bot's home tenant for SingleTenant ones (where the app needs its service principal).
          if (scope.tenant.id !== BOT_FRAMEWORK_TENANT_ID && !directory.isConsented(scope.tenant, client.appId)) {
            throw new OAuthError(
              400,
              'unauthorized_client',
              700016,
              `Application with identifier '${client.appId}' was not found in the directory '${scope.tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
            );
          }
          return {
            token_type: 'Bearer',
            expires_in: context.accessTokenLifetimeSeconds,
            ext_expires_in: context.accessTokenLifetimeSeconds,
            access_token: mintBotFrameworkToken(context, scope.tenant, client),
          };
        }
        ensureConsent(scope.tenant);
        const resolved = resolveScopes(context, form.get('scope'), client, scope.tenant, 'app');
        return {
          token_type: 'Bearer',
          expires_in: context.accessTokenLifetimeSeconds,
          ext_expires_in: context.accessTokenLifetimeSeconds,
          access_token: mintAppAccessToken(context, scope.tenant, client, resolved),
        };
      }
      case 'password': {
        allowPublic();
        const username = form.get('username');
        const password = form.get('password');
        if (!username) throw missingParameter('username');
        if (!password) throw missingParameter('password');
        const found = directory.user(scope, username);
        if (!found) throw unknownUser(scope);
        if (directory.password(found.user) !== password) {
          throw new OAuthError(
            400,
            'invalid_grant',
            50126,
            'Error validating credentials due to invalid username or password.',
          );
        }
        ensureConsent(found.tenant);
        const resolved = resolveScopes(context, form.get('scope'), client, found.tenant, 'delegated');
        return delegatedTokenResponse(context, { ...found, client, resolved, clientAuthenticated: authenticated });
      }
      case 'authorization_code': {
        allowPublic();
        const code = form.get('code');
        if (!code) throw missingParameter('code');
        const grant = context.codes.get(code);
        if (
          !grant ||
          grant.clientId !== client.appId ||
          (scope.kind === 'tenant' && scope.tenant.id !== grant.tenantId)
        ) {
          throw new OAuthError(
            400,
            'invalid_grant',
            70000,
            "The provided value for the 'code' parameter is not valid.",
          );
        }
        if (grant.redeemed) {
          throw new OAuthError(
            400,
            'invalid_grant',
            54005,
            'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
          );
        }
        if (grant.expiresAt < Date.now()) {
          throw new OAuthError(
            400,
            'invalid_grant',
            70008,
            'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
          );
        }
        if (form.get('redirect_uri') !== grant.redirectUri) {
          throw new OAuthError(
            400,
            'invalid_grant',
            50011,
            `The redirect URI '${form.get('redirect_uri')}' specified in the request does not match the redirect URI the authorization code was issued for.`,
          );
        }
        if (grant.codeChallenge !== undefined) {
          const verifier = form.get('code_verifier');
          if (!verifier) throw missingParameter('code_verifier');
          const derived =
            grant.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
          if (derived !== grant.codeChallenge) {
            throw new OAuthError(
              400,
              'invalid_grant',
              501481,
              'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
            );
          }
        }
        grant.redeemed = true;
        const found = directory.user({ kind: 'tenant', tenant: tenantById(grant.tenantId) }, grant.userId);
        if (!found) throw unknownUser(scope);
        ensureConsent(found.tenant);
        const resolved = resolveScopes(context, grant.scope, client, found.tenant, 'delegated');
        return delegatedTokenResponse(context, {
          ...found,
          client,
          resolved,
          clientAuthenticated: authenticated,
          ...(grant.nonce ? { nonce: grant.nonce } : {}),
        });
      }
      case 'refresh_token': {
        allowPublic();
        const refreshToken = form.get('refresh_token');
        if (!refreshToken) throw missingParameter('refresh_token');
        const grant = context.refreshTokens.get(refreshToken);
        if (!grant || (scope.kind === 'tenant' && scope.tenant.id !== grant.tenantId)) {
          throw new OAuthError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
        }
        if (grant.clientId !== client.appId) {
          throw new OAuthError(400, 'invalid_grant', 70000, 'The refresh token was issued to a different client.');
        }
        if (grant.expiresAt < Date.now()) {
          context.refreshTokens.delete(refreshToken);
          throw new OAuthError(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.');
        }
        context.refreshTokens.delete(refreshToken); // refresh tokens rotate: each one is good once
        const found = directory.user({ kind: 'tenant', tenant: tenantById(grant.tenantId) }, grant.userId);
        if (!found) throw unknownUser(scope);
        ensureConsent(found.tenant);
        const requested = form.get('scope') ?? grant.scope;
        const withOffline = requested.split(/\s+/).includes('offline_access')
          ? requested
          : `${requested} offline_access`;
        const resolved = resolveScopes(context, withOffline, client, found.tenant, 'delegated');
        return delegatedTokenResponse(context, { ...found, client, resolved, clientAuthenticated: authenticated });
      }
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
        requireSecret();
        if (form.get('requested_token_use') !== 'on_behalf_of') throw missingParameter('requested_token_use');
        const assertion = form.get('assertion');
        if (!assertion) throw missingParameter('assertion');
        const claims = verifyAssertion(assertion, client);
        const tenant = directory.tenant(String(claims.tid));
        if (
          !tenant ||
          claims.iss !== issuerOf(context, tenant.id) ||
          (scope.kind === 'tenant' && scope.tenant.id !== tenant.id)
        ) {
          throw new OAuthError(400, 'invalid_grant', 50013, 'Assertion contains an invalid issuer or tenant.');
        }
        const found = directory.user({ kind: 'tenant', tenant }, String(claims.oid));
        if (!found) throw unknownUser({ kind: 'tenant', tenant });
        ensureConsent(tenant);
        const resolved = resolveScopes(context, form.get('scope'), client, tenant, 'delegated');
        return delegatedTokenResponse(context, { ...found, client, resolved, clientAuthenticated: true });
      }
      default:
        throw new OAuthError(
          400,
          'unsupported_grant_type',
          70003,
          `The app requested an unsupported grant type '${grantType}'.`,
        );
    }
  }

  function verifyAssertion(assertion: string, client: SeedApp): Record<string, unknown> {
    let claims: Record<string, unknown>;
    try {
      claims = context.keys.verify(assertion).claims;
    } catch (error) {
      if (error instanceof TokenVerificationError && error.reason === 'expired') {
        throw new OAuthError(
          400,
          'invalid_grant',
          500133,
          'Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.',
        );
      }
      throw new OAuthError(
        400,
        'invalid_grant',
        50013,
        `Assertion failed signature validation. [Reason - ${(error as Error).message}]`,
      );
    }
    const audiences = [client.appId, client.identifierUri, `api://${client.appId}`];
    if (!audiences.includes(String(claims.aud))) {
      throw new OAuthError(
        400,
        'invalid_grant',
        50013,
        `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${String(claims.aud)}' and the expected audience is '${client.appId}' or one of the Application Id URIs of this application.`,
      );
    }
    if (claims.idtyp === 'app' || typeof claims.scp !== 'string' || typeof claims.oid !== 'string') {
      throw new OAuthError(
        400,
        'invalid_grant',
        50013,
        'Assertion is not a user token; on-behalf-of needs a delegated token.',
      );
    }
    return claims;
  }

  const tenantById = (id: string): SeedTenant => {
    const tenant = directory.tenant(id);
    if (!tenant)
      throw new OAuthError(400, 'invalid_grant', 70000, 'The grant refers to a tenant that no longer exists.');
    return tenant;
  };

  const unknownClient = (clientId: string, scope: TenantScope): OAuthError =>
    new OAuthError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${scope.kind === 'tenant' ? scope.tenant.displayName : scope.alias}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );

  const unknownUser = (scope: TenantScope): OAuthError =>
    new OAuthError(
      400,
      'invalid_grant',
      50034,
      `The user account {EUII Hidden} does not exist in the ${scope.kind === 'tenant' ? scope.tenant.id : scope.alias} directory. To sign into this application, the account must be added to the directory.`,
    );

  /** Checks tenant, client and redirect URI the way Entra does before it will redirect anywhere. */
  const interactiveRequest = (
    request: EmulatorRequest,
  ): { params: URLSearchParams; scope: TenantScope; client: SeedApp; redirectUri: string } | Reply => {
    const params = new URLSearchParams(request.url.searchParams);
    for (const [name, value] of formOf(request)) params.set(name, value);
    const scope = directory.scope(request.params.tenant ?? '');
    if (!scope) {
      return errorPage(
        `AADSTS90002: Tenant '${request.params.tenant}' not found. Check to make sure you have the correct tenant ID.`,
      );
    }
    const clientId = params.get('client_id') ?? '';
    const client = directory.app(clientId);
    if (!client) return errorPage(unknownClient(clientId, scope).message);
    const redirectUri =
      params.get('redirect_uri') ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    if (!redirectUri || !client.redirectUris.some((registered) => redirectUriMatches(registered, redirectUri))) {
      return errorPage(
        `AADSTS50011: The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${client.appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
      );
    }
    return { params, scope, client, redirectUri };
  };

  const authorize = (request: EmulatorRequest): Reply => {
    const checked = interactiveRequest(request);
    if ('status' in checked) return checked;
    const { params, scope, client, redirectUri } = checked;
    const state = params.get('state');
    const mode = params.get('response_mode') ?? 'query';
    const answer = (fields: Record<string, string>): Reply =>
      respond(redirectUri, mode, { ...fields, ...(state !== null ? { state } : {}) });
    const fail = (error: OAuthError): Reply =>
      answer({ error: error.suberror ?? error.error, error_description: error.message });

    if (params.get('response_type') !== 'code') {
      return fail(
        new OAuthError(
          400,
          'unsupported_response_type',
          700054,
          `response_type '${params.get('response_type')}' is not enabled for the application.`,
        ),
      );
    }
    if (!params.get('scope')) return fail(missingParameter('scope'));
    const challenge = params.get('code_challenge') ?? undefined;
    const method = params.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      return fail(new OAuthError(400, 'invalid_request', 501491, `Invalid code_challenge_method '${method}'.`));
    }

    let found: { tenant: SeedTenant; user: SeedUser } | undefined;
    const chosen = request.method === 'POST' ? params.get('user_id') : null;
    const prompt = params.get('prompt');
    const hint = params.get('login_hint');
    if (chosen) found = directory.user(scope, chosen);
    else if (hint && prompt !== 'login' && prompt !== 'select_account') found = directory.user(scope, hint);
    if (!found && prompt === 'none') {
      return fail(
        new OAuthError(400, 'login_required', 50058, 'A silent sign-in request was sent but no user is signed in.'),
      );
    }
    if (!found) {
      params.delete('user_id');
      return { status: 200, html: signInPage(request.url.pathname, params, client, directory.tenantsIn(scope)) };
    }
    if (!directory.isConsented(found.tenant, client.appId)) return fail(consentRequired(client));
    try {
      resolveScopes(context, params.get('scope'), client, found.tenant, 'delegated');
    } catch (error) {
      if (error instanceof OAuthError) return fail(error);
      throw error;
    }
    const code = randomBytes(48).toString('base64url');
    const nonce = params.get('nonce');
    context.codes.set(code, {
      tenantId: found.tenant.id,
      userId: found.user.id,
      clientId: client.appId,
      redirectUri,
      scope: params.get('scope') ?? '',
      ...(nonce ? { nonce } : {}),
      ...(challenge ? { codeChallenge: challenge, codeChallengeMethod: method === 'S256' ? 'S256' : 'plain' } : {}),
      expiresAt: Date.now() + CODE_LIFETIME_MS,
      redeemed: false,
    });
    const clientInfo = Buffer.from(JSON.stringify({ uid: found.user.id, utid: found.tenant.id })).toString('base64url');
    return answer({
      code,
      ...(params.get('client_info') === '1' ? { client_info: clientInfo } : {}),
      session_state: randomUUID(),
    });
  };
  router.on(['GET', 'POST'], '/:tenant/oauth2/v2.0/authorize', authorize);

  const adminConsent = (request: EmulatorRequest): Reply => {
    const checked = interactiveRequest(request);
    if ('status' in checked) return checked;
    const { params, scope, client, redirectUri } = checked;
    const state = params.get('state');
    const back = (fields: Record<string, string>): Reply =>
      respond(redirectUri, 'query', { ...fields, ...(state !== null ? { state } : {}) });
    const decision = request.method === 'POST' ? params.get('decision') : null;
    if (decision === 'decline') {
      return back({
        error: 'access_denied',
        error_subcode: 'cancel',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
      });
    }
    if (decision === 'accept') {
      const found = directory.user(scope, params.get('user_id') ?? '');
      if (found && !isAdmin(found.user)) {
        return back({
          error: 'access_denied',
          error_description: 'AADSTS90094: The grant requires admin permission.',
        });
      }
      if (found) {
        directory.grantConsent(found.tenant, client.appId);
        const requestedScope = params.get('scope');
        return back({
          admin_consent: 'True',
          tenant: found.tenant.id,
          ...(requestedScope ? { scope: requestedScope } : {}),
        });
      }
    }
    const admins = directory.tenantsIn(scope).flatMap((tenant) => tenant.users.filter(isAdmin));
    params.delete('user_id');
    params.delete('decision');
    return { status: 200, html: adminConsentPage(request.url.pathname, params, client, admins) };
  };
  router.on(['GET', 'POST'], '/:tenant/v2.0/adminconsent', adminConsent);
  router.on(['GET', 'POST'], '/:tenant/adminconsent', adminConsent);

  const logout = (request: EmulatorRequest): Reply => {
    const params = new URLSearchParams(request.url.searchParams);
    for (const [name, value] of formOf(request)) params.set(name, value);
    const target = params.get('post_logout_redirect_uri');
    if (target && /^https?:\/\//.test(target)) {
      const url = new URL(target);
      const state = params.get('state');
      if (state) url.searchParams.set('state', state);
      return redirect(url.toString());
    }
    return {
      status: 200,
      html: messagePage('You signed out of your account', 'It is a good idea to close all browser windows.'),
    };
  };
  router.on(['GET', 'POST'], '/:tenant/oauth2/v2.0/logout', logout);
}

function clientCredentialsOf(
  request: EmulatorRequest,
  form: URLSearchParams,
): { clientId?: string; clientSecret?: string } {
  const authorization = String(request.headers.authorization ?? '');
  if (authorization.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  }
  const clientId = form.get('client_id') ?? undefined;
  const clientSecret = form.get('client_secret') ?? undefined;
  return { ...(clientId !== undefined ? { clientId } : {}), ...(clientSecret !== undefined ? { clientSecret } : {}) };
}

/**
 * Exact match, except that loopback redirect URIs (http on localhost, 127.0.0.1 or [::1]) match on
 * any port, as RFC 8252 §7.3 asks and Entra does: a local server may listen on a port picked at run time.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  let a: URL;
  let b: URL;
  try {
    a = new URL(registered);
    b = new URL(requested);
  } catch {
    return false;
  }
  const loopback = (url: URL) =>
    url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) && url.username === '';
  return (
    loopback(a) &&
    loopback(b) &&
    a.hostname === b.hostname &&
    a.pathname === b.pathname &&
    a.search === b.search &&
    b.hash === ''
  );
}

function respond(redirectUri: string, mode: string, fields: Record<string, string>): Reply {
  if (mode === 'form_post')
    return { status: 200, html: formPostPage(redirectUri, fields), headers: { 'cache-control': 'no-store' } };
  const url = new URL(redirectUri);
  if (mode === 'fragment') url.hash = new URLSearchParams(fields).toString();
  else for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  return redirect(url.toString());
}

function errorPage(message: string): Reply {
  return { status: 400, html: messagePage('Sorry, but we’re having trouble signing you in.', message) };
}
