// Bearer token verification against the Microsoft identity platform (or the local emulator):
// RS256 signatures from the authority's JWKS, per-tenant issuer, our audience, lifetime, and
// our scope (delegated) or app role (application). Every failure is a 401 problem with a
// WWW-Authenticate header naming the failed check; nothing in it depends on another tenant.
import { createRemoteJWKSet, decodeJwt, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { Config } from '../config.ts';
import { AppError } from './errors.ts';

/** The delegated permission users grant the CRM's front ends. */
export const API_SCOPE = 'access_as_user';
/** The application permission daemons (integrations) need. */
export const API_APP_ROLE = 'CRM.ReadWrite.All';
/** Entra directory role template id of the Global Administrator. */
export const GLOBAL_ADMINISTRATOR_ROLE = '62e90394-69f5-4237-9190-012177145e10';

const CLOCK_SKEW_SECONDS = 300;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TokenBase {
  tenantId: string;
  /** Entra object id: the user, or the calling app's service principal. */
  objectId: string;
  /** App roles of our API in the token (CRM.Admin, CRM.ReadWrite.All …). */
  appRoles: string[];
  expiresAt: Date;
}

export interface UserToken extends TokenBase {
  kind: 'user';
  name: string;
  username: string;
  /** Directory role template ids (`wids`). */
  directoryRoles: string[];
  /** Preferred language (`xms_pl`), e.g. de-DE, if the token has it. */
  language: string | undefined;
  /** The client app the user signed in with. */
  clientAppId: string | undefined;
}

export interface AppToken extends TokenBase {
  kind: 'app';
  appId: string;
}

export type VerifiedToken = UserToken | AppToken;

type AuthError = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export function authProblem(error: AuthError | undefined, detail: string): AppError {
  const challenge = ['Bearer realm="crm"'];
  if (error) {
    challenge.push(`error="${error}"`, `error_description="${detail.replaceAll('"', "'")}"`);
    if (error === 'insufficient_scope') challenge.push(`scope="${API_SCOPE}"`);
  }
  return new AppError({
    status: 401,
    code: error ?? 'unauthenticated',
    title: error === 'insufficient_scope' ? 'The access token lacks the needed permission' : 'Not signed in',
    detail,
    headers: { 'WWW-Authenticate': challenge.join(', ') },
  });
}

const invalid = (detail: string) => authProblem('invalid_token', detail);

/** Reads `Authorization: Bearer <token>`; undefined when the header is absent. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw authProblem('invalid_request', 'The Authorization header must have the form "Bearer <access token>".');
  }
  return match[1];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

export class TokenVerifier {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly #authorityHost: string;
  readonly #audiences: string[];

  constructor(entra: Config['entra']) {
    this.#authorityHost = entra.authorityHost;
    this.#audiences = [...entra.audiences];
    // Keys are cached; an unknown kid refetches the set, at most once per cooldown.
    this.#jwks = createRemoteJWKSet(new URL(`${entra.authorityHost}/common/discovery/v2.0/keys`), {
      cooldownDuration: 30_000,
      cacheMaxAge: 12 * 60 * 60 * 1000,
      timeoutDuration: 5_000,
    });
  }

  async verify(token: string): Promise<VerifiedToken> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw invalid('The access token is not a well-formed JWT.');
    }
    const tenantId = unverified.tid;
    if (typeof tenantId !== 'string' || !GUID.test(tenantId)) {
      throw invalid('The access token has no valid tenant id (tid).');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        algorithms: ['RS256'],
        issuer: `${this.#authorityHost}/${tenantId}/v2.0`,
        audience: this.#audiences,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'iat', 'oid'],
      }));
    } catch (error) {
      throw this.#explain(error);
    }
    if (payload.ver !== '2.0') throw invalid('The access token must be a v2.0 token.');
    const objectId = String(payload.oid);
    const appRoles = strings(payload.roles);
    const expiresAt = new Date((payload.exp ?? 0) * 1000);
    if (typeof payload.scp === 'string') {
      const scopes = payload.scp.split(' ');
      if (!scopes.includes(API_SCOPE)) {
        throw authProblem('insufficient_scope', `The access token must carry the delegated scope ${API_SCOPE}.`);
      }
      return {
        kind: 'user',
        tenantId,
        objectId,
        appRoles,
        expiresAt,
        name: typeof payload.name === 'string' ? payload.name : '',
        username: typeof payload.preferred_username === 'string' ? payload.preferred_username : '',
        directoryRoles: strings(payload.wids),
        language: typeof payload.xms_pl === 'string' ? payload.xms_pl : undefined,
        clientAppId: typeof payload.azp === 'string' ? payload.azp : undefined,
      };
    }
    if (!appRoles.includes(API_APP_ROLE)) {
      throw authProblem('insufficient_scope', `An application token must carry the app role ${API_APP_ROLE}.`);
    }
    const appId =
      typeof payload.azp === 'string' ? payload.azp : typeof payload.appid === 'string' ? payload.appid : '';
    return { kind: 'app', tenantId, objectId, appRoles, expiresAt, appId };
  }

  #explain(error: unknown): AppError {
    if (error instanceof joseErrors.JWTExpired) return invalid('The access token has expired; get a new one.');
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      switch (error.claim) {
        case 'nbf':
        case 'iat':
          return invalid('The access token is not valid yet.');
        case 'aud':
          return invalid('The access token was not issued for this API (audience).');
        case 'iss':
          return invalid('The access token was not issued by the expected authority for its tenant (issuer).');
        default:
          return invalid(`The access token's ${error.claim} claim is missing or invalid.`);
      }
    }
    if (error instanceof joseErrors.JOSEAlgNotAllowed) return invalid('The access token must be signed with RS256.');
    if (error instanceof joseErrors.JWKSNoMatchingKey)
      return invalid('The access token is signed with an unknown key.');
    if (error instanceof joseErrors.JWSSignatureVerificationFailed)
      return invalid('The access token signature is invalid.');
    if (
      error instanceof joseErrors.JWKSTimeout ||
      error instanceof joseErrors.JWKSInvalid ||
      !(error instanceof joseErrors.JOSEError)
    ) {
      // The signing keys could not be fetched: not the caller's fault, and worth retrying.
      return new AppError({
        status: 503,
        code: 'identity_platform_unavailable',
        title: 'Sign-in cannot be checked right now',
        detail: 'The signing keys of the identity platform could not be fetched. Try again in a minute.',
        headers: { 'Retry-After': '30' },
        cause: error,
      });
    }
    return invalid('The access token is not valid.');
  }
}
