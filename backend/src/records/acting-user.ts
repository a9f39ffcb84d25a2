// Who is acting, for audit columns and history: the request's user (set once per request in
// app.ts) or whoever a job acts for. Nothing passes it down by hand.
import { AsyncLocalStorage } from 'node:async_hooks';

/** A channel a change can come through besides the CRM itself. */
export type ActingVia = 'outlook';

export interface ActingUser {
  /** Our user id; null for an application or the system. */
  readonly userId: string | null;
  /** Set when the user's change came through another channel (an edit in Outlook, synced). */
  readonly via?: ActingVia;
}

const acting = new AsyncLocalStorage<ActingUser>();

/** Runs `work` as the user: every flush inside stamps and writes history in their name. */
export function actAs<T>(
  userId: string | null | undefined,
  work: () => Promise<T>,
  options: { via?: ActingVia } = {},
): Promise<T> {
  return acting.run({ userId: userId ?? null, ...(options.via ? { via: options.via } : {}) }, work);
}

/** The channel the acting user's change came through, or null for the CRM itself. */
export function actingVia(): ActingVia | null {
  return acting.getStore()?.via ?? null;
}

/** The acting user's id, or null outside of any (the system). */
export function actingUserId(): string | null {
  return acting.getStore()?.userId ?? null;
}
