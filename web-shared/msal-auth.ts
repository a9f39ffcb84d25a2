// Sign-in for the front ends: nested app authentication where the host (Outlook, Teams) brokers
// tokens, otherwise the authorization code flow with PKCE in a popup against the configured
// authority (Entra ID, or the local Microsoft 365 emulator). Silent first; interactive only on request.
import {
  type AccountInfo,
  createNestablePublicClientApplication,
  createStandardPublicClientApplication,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
} from '@azure/msal-browser';
import { SignInRequired } from './api-client.ts';

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

/** What sign-in needs to know: the app registration, the authority and the API's scope. */
export interface SignInConfig {
  clientId: string;
  /** e.g. https://login.microsoftonline.com/organizations */
  authority: string;
  knownAuthorities: string[];
  /** The backend's delegated scope, and nothing else. */
  scopes: string[];
}

/**
 * `nested`: the host (Outlook, Teams) brokers tokens. `redirectUri`: the page the sign-in popup
 * lands on (the front end's auth.html).
 */
export async function createAuth(config: SignInConfig, nested: boolean, redirectUri: string): Promise<Auth> {
  const msal: IPublicClientApplication = nested
    ? await createNestablePublicClientApplication({ auth: { clientId: config.clientId, authority: config.authority } })
    : await createStandardPublicClientApplication({
        auth: {
          clientId: config.clientId,
          authority: config.authority,
          knownAuthorities: config.knownAuthorities,
          redirectUri,
        },
        // Stays signed in across reloads (Y6).
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
