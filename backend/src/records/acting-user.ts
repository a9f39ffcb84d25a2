// Who is acting, for audit columns and history: the request's user (set once per request in
// app.ts) or whoever a job acts for. Nothing passes it down by hand.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ActingUser {
  /** Our user id; null for an application or the system. */
  readonly userId: string | null;
}

const acting = new AsyncLocalStorage<ActingUser>();

/** Runs `work` as the user: every flush inside stamps and writes history in their name. */
export function actAs<T>(userId: string | null | undefined, work: () => Promise<T>): Promise<T> {
  return acting.run({ userId: userId ?? null }, work);
}

/** The acting user's id, or null outside of any (the system). */
export function actingUserId(): string | null {
  return acting.getStore()?.userId ?? null;
}
