// Delivering the outbox: a deliverer (the Teams bot) claims pending notifications across all
// tenants, sends each, and marks it sent or failed. A claim is a lease: a deliverer that dies
// holding notifications gives them up when the lease runs out, and another one takes them. Any
// number of deliverers may claim at once (`for update skip locked`); a mark only counts for the
// claim it answers (the attempt number fences it), so a late deliverer cannot undo a newer one.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { db } from '../../records/sql.ts';

export interface ClaimedNotification {
  id: string;
  tenantId: string;
  recipient: { id: string; entraObjectId: string; displayName: string; language: 'de' | 'en' };
  kind: string;
  payload: Record<string, unknown>;
  /** This attempt's number, 1 for the first; pass the claim back to the mark functions. */
  attempt: number;
  createdAt: string;
}

/** After this many failed attempts a notification is given up (state failed). */
export const MAX_DELIVERY_ATTEMPTS = 8;

function run<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params, 'all', em.getTransactionContext());
}

interface ClaimRow {
  id: string;
  tenant_id: string;
  recipient_id: string;
  entra_object_id: string;
  display_name: string;
  language: 'de' | 'en';
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: string;
}

/**
 * Claims up to `limit` notifications that are due for delivery, oldest due first: pending ones and
 * ones whose previous claim's lease ran out. Runs as the owning role across tenants (inside a
 * tenant transaction, for that tenant only).
 */
export async function claimPendingNotifications(
  em: EntityManager,
  limit: number,
  options: { leaseSeconds?: number } = {},
): Promise<ClaimedNotification[]> {
  const rows = await run<ClaimRow>(
    em,
    `with due as (
       select id from notification
        where state in ('pending', 'sending') and next_attempt_at <= now()
        order by next_attempt_at, id
        limit ? for update skip locked
     ), claimed as (
       update notification n
          set state = 'sending', attempts = n.attempts + 1, next_attempt_at = now() + make_interval(secs => ?)
         from due where n.id = due.id
       returning n.id, n.tenant_id, n.recipient_id, n.kind, n.payload, n.attempts, n.created_at, n.next_attempt_at
     )
     select c.id, c.tenant_id, c.recipient_id, u.entra_object_id, u.display_name, u.language, c.kind, c.payload,
            c.attempts, to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
       from claimed c join app_user u on u.id = c.recipient_id
      order by c.next_attempt_at, c.id`,
    [limit, options.leaseSeconds ?? 120],
  );
  return rows.map((row) => ({
    id: row.id,
    tenantId: row.tenant_id,
    recipient: {
      id: row.recipient_id,
      entraObjectId: row.entra_object_id,
      displayName: row.display_name,
      language: row.language,
    },
    kind: row.kind,
    payload: row.payload,
    attempt: row.attempts,
    createdAt: row.created_at,
  }));
}

type Claim = Pick<ClaimedNotification, 'id' | 'attempt'>;

/** Marks a claimed notification delivered; false when the claim was lost meanwhile (lease ran out). */
export async function markNotificationSent(em: EntityManager, claim: Claim): Promise<boolean> {
  return (await markNotificationsSent(em, [claim])) > 0;
}

/** Marks the claims' notifications sent in one statement; answers how many still held their claim. */
export async function markNotificationsSent(em: EntityManager, claims: readonly Claim[]): Promise<number> {
  if (claims.length === 0) return 0;
  const rows = await db(em)
    .updateTable('notification')
    .set({ state: 'sent', sent_at: sql<Date>`now()`, last_error: null })
    .where('state', '=', 'sending')
    .where((eb) => eb.or(claims.map((claim) => eb.and([eb('id', '=', claim.id), eb('attempts', '=', claim.attempt)]))))
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Records a failed attempt: tried again after a backoff (30 s, doubling up to an hour), or given
 * up after MAX_DELIVERY_ATTEMPTS or at once when `permanent` (say, the recipient cannot be reached
 * by the bot at all). False when the claim was lost meanwhile.
 */
export async function markNotificationFailed(
  em: EntityManager,
  claim: Claim,
  error: string,
  options: { permanent?: boolean } = {},
): Promise<boolean> {
  const rows = await run<{ id: string }>(
    em,
    `update notification
        set state = case when ? or attempts >= ? then 'failed' else 'pending' end,
            last_error = left(?, 2000),
            next_attempt_at = now() + least(interval '1 hour', interval '30 seconds' * power(2, attempts - 1))
      where id = ? and attempts = ? and state = 'sending' returning id`,
    [options.permanent ?? false, MAX_DELIVERY_ATTEMPTS, error, claim.id, claim.attempt],
  );
  return rows.length > 0;
}
