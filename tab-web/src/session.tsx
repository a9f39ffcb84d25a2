// What every page shares once signed in: the API, the user, the host, and a way to report that
// the sign-in is gone (the app then shows its sign-in bar, keeping whatever was typed).
import type { Me } from '@crm/backend/contract';
import { createContext, useContext } from 'react';
import type { Api } from '../../web-shared/api-client.ts';
import type { Host } from './host.ts';

export interface Session {
  api: Api;
  host: Host;
  /** The user's profile in the CRM; null until it has loaded. */
  me: Me | null;
  account: { name: string; username: string } | null;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in app');
  return session;
}
