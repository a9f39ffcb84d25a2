// Managers hear when their people win or lose a deal: each manager of a team the owner belongs to
// gets one notification (the bot posts it as a card with value, owner and lost reason). Not the
// owner, not whoever closed it: they know. Reopening and closing again tells them again.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../http/principal.ts';
import { db } from '../../records/sql.ts';
import { type NotificationDraft, notify } from '../notifications/outbox.ts';
import type { StageEntry } from '../stage-templates/stage-templates.events.ts';

export async function notifyManagersOfOutcome(
  em: EntityManager,
  principal: Principal,
  entries: StageEntry[],
): Promise<void> {
  // Only deals entering a won or lost stage tell anyone; a move between open stages asks nothing.
  const closing = entries.filter((entry) => entry.outcome !== null);
  if (closing.length === 0) return;
  const rows = await db(em)
    .selectFrom('deal as d')
    .innerJoin('pipeline_stage as s', 's.id', 'd.stage_id')
    .innerJoin('team_member as m', 'm.user_id', 'd.owner_id')
    .innerJoin('team as g', 'g.id', 'm.team_id')
    .leftJoin('app_user as owner', 'owner.id', 'd.owner_id')
    .leftJoin('lost_reason as r', 'r.id', 'd.lost_reason_id')
    .select([
      'd.id',
      'd.title',
      'd.value',
      'd.currency',
      'd.owner_id',
      'd.stage_entered_at',
      's.outcome',
      'g.manager_id',
      'owner.display_name as owner_name',
      'r.name as lost_reason',
    ])
    .where(
      'd.id',
      'in',
      closing.map((entry) => entry.dealId),
    )
    .where('s.outcome', 'is not', null)
    .where('g.manager_id', 'is not', null)
    .whereRef('g.manager_id', '<>', 'd.owner_id')
    .where('d.deleted_at', 'is', null)
    .execute();
  const drafts = new Map<string, NotificationDraft>();
  for (const row of rows) {
    const managerId = row.manager_id as string;
    if (managerId === principal.userId) continue;
    const outcome = row.outcome === 'won' ? 'won' : 'lost';
    const key = `deal.${outcome}:${row.id}:${new Date(row.stage_entered_at).getTime()}:${managerId}`;
    drafts.set(key, {
      recipientId: managerId,
      kind: outcome === 'won' ? 'deal.won' : 'deal.lost',
      payload: {
        dealId: row.id,
        title: row.title,
        value: String(row.value),
        currency: row.currency,
        ownerId: row.owner_id,
        ownerName: row.owner_name ?? null,
        lostReason: outcome === 'lost' ? (row.lost_reason ?? null) : null,
      },
      idempotencyKey: key,
    });
  }
  await notify(em, [...drafts.values()]);
}
