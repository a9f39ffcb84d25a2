// Bearer token verification against the Microsoft identity platform (or the local emulator):
// RS256 signatures from the authority's JWKS, per-tenant issuer, our audience, lifetime, and
// our scope (delegated) or app role (application). Every failure is a 401 problem with a
// WWW-Authenticate header naming the failed check; nothing in it depends on another tenant.
import { createRemoteJWKSet, decodeJwt, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { Config } from '../config.ts';
import { AppError } from './errors.ts';
import type { Text } from './language.ts';
import { problem, tokenProblems } from './problems.ts';

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

/** A 401 with the challenge RFC 6750 asks for; its description is the problem's English detail. */
export function authProblem(refusal: AppError): AppError {
  const error = refusal.code === 'unauthenticated' ? undefined : refusal.code;
  const challenge = ['Bearer realm="crm"'];
  if (error) {
    challenge.push(`error="${error}"`, `error_description="${refusal.detail.replaceAll('"', "'")}"`);
    if (error === 'insufficient_scope') challenge.push(`scope="${API_SCOPE}"`);
  }
  return new AppError({
    status: refusal.status,
    code: refusal.code,
    title: refusal.titles,
    detail: refusal.details,
    headers: { 'WWW-Authenticate': challenge.join(', ') },
  });
}

const invalid = (reason: Text) => authProblem(problem('invalid_token', { reason }));

/** Reads `Authorization: Bearer <token>`; undefined when the header is absent. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw authProblem(problem('authorization_malformed'));
  }
  return match[1];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** Verified tokens kept, newest last: a client sends the same token with every request until it expires. */
const VERIFIED_TOKENS_KEPT = 5_000;

export class TokenVerifier {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  /**
   * Tokens verified already, by their text, with what they said: the signature check (an RSA
   * verification, about 0.2 ms) and the claims are checked once per token, its expiry on every use.
   * A token stays accepted until it expires, as it would be anyway once verified by any service.
   */
  readonly #verified = new Map<string, VerifiedToken>();
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
    const known = this.#verified.get(token);
    if (known) {
      this.#verified.delete(token);
      if (known.expiresAt.getTime() + CLOCK_SKEW_SECONDS * 1000 > Date.now()) {
        this.#verified.set(token, known);
        return known;
      }
    }
    const verified = await this.#verify(token);
    // Shared by every request that sends this token: nobody may change it.
    Object.freeze(verified.appRoles);
    if (verified.kind === 'user') Object.freeze(verified.directoryRoles);
    Object.freeze(verified);
    this.#verified.set(token, verified);
    if (this.#verified.size > VERIFIED_TOKENS_KEPT) {
      const oldest = this.#verified.keys().next().value as string;
      this.#verified.delete(oldest);
    }
    return verified;
  }

  async #verify(token: string): Promise<VerifiedToken> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw invalid(tokenProblems.malformed);
    }
    const tenantId = unverified.tid;
    if (typeof tenantId !== 'string' || !GUID.test(tenantId)) {
      throw invalid(tokenProblems.noTenant);
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
    if (payload.ver !== '2.0') throw invalid(tokenProblems.notV2);
    const objectId = String(payload.oid);
    const appRoles = strings(payload.roles);
    const expiresAt = new Date((payload.exp ?? 0) * 1000);
    if (typeof payload.scp === 'string') {
      const scopes = payload.scp.split(' ');
      if (!scopes.includes(API_SCOPE)) {
        throw authProblem(problem('insufficient_scope', { scope: API_SCOPE }));
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
      throw authProblem(problem('app_role_missing', { role: API_APP_ROLE }));
    }
    const appId =
      typeof payload.azp === 'string' ? payload.azp : typeof payload.appid === 'string' ? payload.appid : '';
    return { kind: 'app', tenantId, objectId, appRoles, expiresAt, appId };
  }

  #explain(error: unknown): AppError {
    if (error instanceof joseErrors.JWTExpired) return invalid(tokenProblems.expired);
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      switch (error.claim) {
        case 'nbf':
        case 'iat':
          return invalid(tokenProblems.notYetValid);
        case 'aud':
          return invalid(tokenProblems.audience);
        case 'iss':
          return invalid(tokenProblems.issuer);
        default:
          return invalid({
            en: `has its ${error.claim} claim missing or invalid`,
            de: `hat einen fehlenden oder ungültigen Claim ${error.claim}`,
          });
      }
    }
    if (error instanceof joseErrors.JOSEAlgNotAllowed) return invalid(tokenProblems.algorithm);
    if (error instanceof joseErrors.JWKSNoMatchingKey) return invalid(tokenProblems.unknownKey);
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) return invalid(tokenProblems.signature);
    if (
      error instanceof joseErrors.JWKSTimeout ||
      error instanceof joseErrors.JWKSInvalid ||
      !(error instanceof joseErrors.JOSEError)
    ) {
      // The signing keys could not be fetched: not the caller's fault, and worth retrying.
      return problem('identity_platform_unavailable', {}, { headers: { 'Retry-After': '30' }, cause: error });
    }
    return invalid(tokenProblems.invalid);
  }
}
