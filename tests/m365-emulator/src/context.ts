// What every part of the emulator shares: its address, the directory, the signing keys and the grants it issued.
import type { Directory } from './directory.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface AuthorizationCodeGrant {
  tenantId: string;
  userId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAt: number;
  redeemed: boolean;
}

export interface RefreshTokenGrant {
  tenantId: string;
  userId: string;
  clientId: string;
  scope: string;
  expiresAt: number;
}

export interface EmulatorContext {
  /** https://localhost:PORT, known once the server listens. */
  readonly url: string;
  readonly directory: Directory;
  readonly keys: SigningKeys;
  readonly accessTokenLifetimeSeconds: number;
  readonly codes: Map<string, AuthorizationCodeGrant>;
  readonly refreshTokens: Map<string, RefreshTokenGrant>;
}

export const issuerOf = (context: EmulatorContext, tenantId: string): string => `${context.url}/${tenantId}/v2.0`;
