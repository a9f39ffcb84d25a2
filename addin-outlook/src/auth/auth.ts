// Sign-in for the pane (X7): nested app authentication where the Office host brokers tokens,
// otherwise the authorization code flow with PKCE in a popup against the configured authority
// (Entra ID, or the local Microsoft 365 emulator). Silent first; interactive only on request.
import {
  type AccountInfo,
  createNestablePublicClientApplication,
  createStandardPublicClientApplication,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
} from '@azure/msal-browser';

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

/** No usable sign-in: the pane shows its sign-in button. */
export class SignInRequired extends Error {
  readonly reason: 'signed_out' | 'expired';
  constructor(reason: 'signed_out' | 'expired', cause?: unknown) {
    super(reason === 'expired' ? 'The sign-in has expired.' : 'Not signed in.', { cause });
    this.name = 'SignInRequired';
    this.reason = reason;
  }
}

export interface Auth {
  readonly nested: boolean;
  /** An access token for the backend; throws SignInRequired when only an interactive sign-in would help. */
  token(options?: { forceRefresh?: boolean }): Promise<string>;
  /** Interactive sign-in (a popup, or the host's own prompt under nested app authentication). */
  signIn(): Promise<void>;
  account(): { name: string; username: string } | null;
}

const isInteractionRequired = (error: unknown) =>
  error instanceof InteractionRequiredAuthError ||
  ['interaction_required', 'login_required', 'consent_required', 'no_account_error', 'invalid_grant'].includes(
    (error as { errorCode?: string }).errorCode ?? '',
  );

export async function createAuth(config: PaneConfig, nested: boolean): Promise<Auth> {
  const redirectUri = new URL('auth.html', window.location.href).href;
  const msal: IPublicClientApplication = nested
    ? await createNestablePublicClientApplication({ auth: { clientId: config.clientId, authority: config.authority } })
    : await createStandardPublicClientApplication({
        auth: {
          clientId: config.clientId,
          authority: config.authority,
          knownAuthorities: config.knownAuthorities,
          redirectUri,
        },
        // Stays signed in across pane reloads (Y6).
        cache: { cacheLocation: 'localStorage' },
      });

  const currentAccount = (): AccountInfo | null => msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? null;
  let expired = false;

  return {
    nested,
    async token(options = {}) {
      const account = currentAccount();
      if (!account && !nested) throw new SignInRequired('signed_out');
      try {
        const result = await msal.acquireTokenSilent({
          scopes: config.scopes,
          ...(account ? { account } : {}),
          ...(options.forceRefresh ? { forceRefresh: true } : {}),
        });
        if (result.account) msal.setActiveAccount(result.account);
        expired = false;
        return result.accessToken;
      } catch (error) {
        if (isInteractionRequired(error) || !account) {
          expired = account !== null;
          throw new SignInRequired(expired ? 'expired' : 'signed_out', error);
        }
        throw error;
      }
    },
    async signIn() {
      const account = currentAccount();
      const result = await msal.acquireTokenPopup({
        scopes: config.scopes,
        ...(account && expired ? { loginHint: account.username } : { prompt: 'select_account' }),
      });
      if (result.account) msal.setActiveAccount(result.account);
      expired = false;
    },
    account() {
      const account = currentAccount();
      return account ? { name: account.name ?? account.username, username: account.username } : null;
    },
  };
}

/** Whether the host brokers tokens for the pane (nested app authentication). */
export function nestedAuthSupported(): boolean {
  try {
    return Office.context.requirements.isSetSupported('NestedAppAuth', '1.1');
  } catch {
    return false;
  }
}
