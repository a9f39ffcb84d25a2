// What every part of the pane shares once signed in: the API, the configuration, the user, and
// a way to report that the sign-in is gone (the pane then shows its sign-in bar, keeping all input).
import type { Me } from '@crm/backend/contract';
import { createContext, useContext } from 'react';
import type { Api } from './api/client.ts';
import type { PaneConfig } from './auth/auth.ts';

export interface Session {
  api: Api;
  config: PaneConfig;
  /** The user's profile in the CRM; null until it has loaded. */
  me: Me | null;
  /** The signed-in account, known at once. */
  account: { name: string; username: string } | null;
  /** Called with the error of a failed call; true when it was a lost sign-in (and has been shown). */
  signInLost(error: unknown): boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in pane');
  return session;
}
