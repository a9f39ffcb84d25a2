// The token signing keys: two published in the JWKS (one signs, the other waits for rotation) and one
// unpublished key for tests that need a token no verifier should accept.
import { createHash, generateKeyPair, type KeyObject, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';

const generateRsaKeyPair = promisify(generateKeyPair);

export type KeyChoice = 'active' | 'inactive' | 'unpublished';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface PublicJwk {
  kty: string;
  use: 'sig';
  kid: string;
  x5t: string;
  n: string;
  e: string;
}

export class TokenVerificationError extends Error {
  readonly reason: 'malformed' | 'signature' | 'expired' | 'not-yet-valid';
  constructor(reason: TokenVerificationError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

export class SigningKeys {
  readonly #published: [SigningKey, SigningKey];
  readonly #unpublished: SigningKey;
  #activeIndex: 0 | 1 = 0;

  private constructor(published: [SigningKey, SigningKey], unpublished: SigningKey) {
    this.#published = published;
    this.#unpublished = unpublished;
  }

  static async generate(): Promise<SigningKeys> {
    const [a, b, c] = await Promise.all([newKey(), newKey(), newKey()]);
    return new SigningKeys([a, b], c);
  }

  get activeKid(): string {
    return this.#published[this.#activeIndex].kid;
  }

  rotate(): void {
    this.#activeIndex = this.#activeIndex === 0 ? 1 : 0;
  }

  jwks(issuer?: string): { keys: Array<PublicJwk & { issuer?: string }> } {
    return {
      keys: this.#published.map((key) => {
        const jwk = key.publicKey.export({ format: 'jwk' });
        return {
          kty: 'RSA',
          use: 'sig' as const,
          kid: key.kid,
          x5t: key.kid,
          n: String(jwk.n),
          e: String(jwk.e),
          ...(issuer ? { issuer } : {}),
        };
      }),
    };
  }

  /** Signs `claims` as a compact JWS; the header defaults to RS256 with the chosen key's kid and may be overridden. */
  sign(claims: Record<string, unknown>, options: { key?: KeyChoice; header?: Record<string, unknown> } = {}): string {
    const key = this.#pick(options.key ?? 'active');
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, ...options.header };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    // alg 'none' gives an unsigned token, for tests that check a verifier refuses it.
    const signature =
      header.alg === 'none' ? '' : sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }

  /** Verifies a token this emulator signed with a published key and checks its lifetime (5 minutes leeway). */
  verify(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenVerificationError('malformed', 'The token is not a well formed JWT.');
    const [encodedHeader = '', encodedClaims = '', signature = ''] = parts;
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new TokenVerificationError('malformed', 'The token is not a well formed JWT.');
    }
    const key = this.#published.find((candidate) => candidate.kid === header.kid);
    if (!key) throw new TokenVerificationError('signature', 'The key was not found.');
    const signed = Buffer.from(`${encodedHeader}.${encodedClaims}`);
    if (header.alg !== 'RS256' || !verify('sha256', signed, key.publicKey, Buffer.from(signature, 'base64url'))) {
      throw new TokenVerificationError('signature', 'The signature is invalid.');
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp + 300 < now) {
      throw new TokenVerificationError('expired', 'The token is expired.');
    }
    if (typeof claims.nbf === 'number' && claims.nbf - 300 > now) {
      throw new TokenVerificationError('not-yet-valid', 'The token is not yet valid.');
    }
    return { header, claims };
  }

  #pick(choice: KeyChoice): SigningKey {
    if (choice === 'unpublished') return this.#unpublished;
    return this.#published[choice === 'active' ? this.#activeIndex : this.#activeIndex === 0 ? 1 : 0];
  }
}

async function newKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // Entra's kid equals the x5t (a SHA-1 thumbprint, base64url); a thumbprint of the key serves the same purpose.
  const kid = createHash('sha1').update(spki).digest('base64url');
  return { kid, publicKey, privateKey };
}

export function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
