// The notification outbox: every reminder, delegation request, mention and hand-over becomes one
// row in `notification`, written in the transaction of what caused it. The idempotency key is
// unique per tenant, so a job that runs twice (jobs are at-least-once) still makes one notification.
// The Teams bot delivers pending rows; until then users read them in /api/v1/me/notifications.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { newId } from '../../ids.ts';
import { db, jsonb } from '../../records/sql.ts';

export type NotificationKind =
  | 'task.reminder'
  | 'task.assigned'
  | 'task.delegated'
  | 'task.delegation_accepted'
  | 'task.delegation_declined'
  | 'task.substituted'
  | 'task.returned'
  | 'task.prerequisites_done'
  | 'task.overdue'
  | 'task.overdue_digest'
  | 'absence.handover'
  | 'deal.won'
  | 'deal.lost'
  | 'mention'
  | 'sync.stalled'
  | 'sync.revoked';

export interface NotificationDraft {
  recipientId: string;
  kind: NotificationKind;
  /** What the message shows: ids and titles, never a whole record. */
  payload: Record<string, unknown>;
  /** Unique per tenant: the same event always yields the same key (e.g. `task.reminder:<taskId>:<remindAt>`). */
  idempotencyKey: string;
}

/**
 * Adds notifications to the outbox in the entity manager's tenant transaction. Drafts whose
 * key already exists are skipped. Answers the ids of the rows actually created.
 */
export async function notify(
  em: EntityManager,
  drafts: NotificationDraft | readonly NotificationDraft[],
): Promise<string[]> {
  const list = Array.isArray(drafts) ? drafts : [drafts as NotificationDraft];
  if (list.length === 0) return [];
  const rows = await db(em)
    .insertInto('notification')
    .values(
      list.map((draft) => ({
        id: newId(),
        tenant_id: sql<string>`crm_current_tenant()`,
        recipient_id: draft.recipientId,
        kind: draft.kind,
        payload: jsonb(draft.payload),
        idempotency_key: draft.idempotencyKey,
      })),
    )
    .onConflict((conflict) => conflict.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}
