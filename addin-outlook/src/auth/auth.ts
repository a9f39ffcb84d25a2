// Sign-in for the pane (X7): nested app authentication where the Office host brokers tokens,
// otherwise the authorization code flow with PKCE in a popup against the configured authority
// (Entra ID, or the local Microsoft 365 emulator). Silent first; interactive only on request.
import { SignInRequired } from '../../../web-shared/api-client.ts';
import { type Auth, createAuth as createSharedAuth } from '../../../web-shared/msal-auth.ts';

export { SignInRequired };

export interface PaneConfig {
  clientId: string;
  /** e.g. https://login.microsoftonline.com/organizations */
  authority: string;
  knownAuthorities: string[];
  /** The backend's delegated scope, and nothing else. */
  scopes: string[];
  apiBase: string;
  /** The record's page in the web app: {type} and {id} are replaced. */
  recordUrl: string;
  maxAttachmentBytes: number;
}

export type { Auth };

/** The pane's sign-in: its redirect bridge is auth.html beside the pane. */
export function createAuth(config: PaneConfig, nested: boolean): Promise<Auth> {
  return createSharedAuth(config, nested, new URL('auth.html', window.location.href).href);
}

/** Whether the host brokers tokens for the pane (nested app authentication). */
export function nestedAuthSupported(): boolean {
  try {
    return Office.context.requirements.isSetSupported('NestedAppAuth', '1.1');
  } catch {
    return false;
  }
}
