// Delivering the outbox: a deliverer (the Teams bot) claims pending notifications across all
// tenants, sends each, and marks it sent or failed. A claim is a lease: a deliverer that dies
// holding notifications gives them up when the lease runs out, and another one takes them. Any
// number of deliverers may claim at once (`for update skip locked`); a mark only counts for the
// claim it answers (the attempt number fences it), so a late deliverer cannot undo a newer one.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { db } from '../../records/sql.ts';
import { utcIso } from './notifications.service.ts';

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
  const lease = options.leaseSeconds ?? 120;
  const rows = await db(em)
    .with('due', (qb) =>
      qb
        .selectFrom('notification')
        .select('id')
        .where('state', 'in', ['pending', 'sending'])
        .where('next_attempt_at', '<=', sql<Date>`now()`)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .with('claimed', (qb) =>
      qb
        .updateTable('notification as n')
        .from('due')
        .set((eb) => ({
          state: 'sending',
          attempts: eb('n.attempts', '+', 1),
          next_attempt_at: sql<Date>`now() + make_interval(secs => ${lease})`,
        }))
        .whereRef('n.id', '=', 'due.id')
        .returning([
          'n.id',
          'n.tenant_id',
          'n.recipient_id',
          'n.kind',
          'n.payload',
          'n.attempts',
          'n.created_at',
          'n.next_attempt_at',
        ]),
    )
    .selectFrom('claimed as c')
    .innerJoin('app_user as u', 'u.id', 'c.recipient_id')
    .select((eb) => [
      'c.id',
      'c.tenant_id',
      'c.recipient_id',
      'u.entra_object_id',
      'u.display_name',
      'u.language',
      'c.kind',
      'c.payload',
      'c.attempts',
      utcIso(eb.ref('c.created_at')).as('created_at'),
    ])
    .orderBy('c.next_attempt_at')
    .orderBy('c.id')
    .execute();
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
  const rows = await db(em)
    .updateTable('notification')
    .set((eb) => ({
      state: options.permanent
        ? 'failed'
        : eb
            .case()
            .when('attempts', '>=', MAX_DELIVERY_ATTEMPTS)
            .then('failed')
            .else('pending')
            .end()
            .$castTo<'failed' | 'pending'>(),
      last_error: eb.fn<string>('left', [eb.val(error), sql.lit(2000)]),
      next_attempt_at: sql<Date>`now() + least(interval '1 hour', interval '30 seconds' * power(2, ${eb.ref('attempts')} - 1))`,
    }))
    .where('id', '=', claim.id)
    .where('attempts', '=', claim.attempt)
    .where('state', '=', 'sending')
    .returning('id')
    .execute();
  return rows.length > 0;
}
