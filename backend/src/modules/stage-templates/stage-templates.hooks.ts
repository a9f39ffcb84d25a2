// Stage task templates at work: a deal entering a stage gets the stage's tasks, a finished
// required task may move its deal on, and every stage a deal entered shows on the timeline.
import type { Principal } from '../../http/principal.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';
import type { TimelineEntry, TimelineSource } from '../../records/timeline.ts';

/** SQL (on deal d) of the deals a timeline's record filter asks about; null: none of this kind. */
function aroundRecord(record: { type: string; id: string }): string | null {
  switch (record.type) {
    case 'deal':
      return 'd.id = ?::uuid';
    case 'person':
      return 'd.person_id = ?::uuid';
    case 'organization':
      return 'd.organization_id = ?::uuid';
    case 'business_contact':
      return 'd.business_contact_id = ?::uuid';
    case 'lead':
      return 'd.id in (select l.converted_deal_id from lead l where l.id = ?::uuid)';
    default:
      return null;
  }
}

async function dealsVisibleTo(principal: Principal): Promise<{ sql: string; params: unknown[] }> {
  const visibility = await principal.visibility('deal');
  return visibility.scope === 'all'
    ? { sql: 'true', params: [] }
    : { sql: 'd.owner_id = any(?::uuid[])', params: [pgArray([...visibility.ownerIds])] };
}

// Deals' stage changes on the timeline, at the time they happened, for whom may see the deal.
export const dealStageChangesTimeline: TimelineSource = async (em, principal, window) => {
  const visible = await dealsVisibleTo(principal);
  const where = [
    'c.tenant_id = crm_current_tenant()',
    'c.changed_at >= ?::timestamptz',
    'c.changed_at < ?::timestamptz',
    'd.deleted_at is null',
    visible.sql,
  ];
  const params: unknown[] = [window.from, window.to, ...visible.params];
  if (window.userId) {
    where.push('d.owner_id = ?::uuid');
    params.push(window.userId);
  }
  if (window.record) {
    const around = aroundRecord(window.record);
    if (!around) return { entries: [], truncated: false };
    where.push(around);
    params.push(window.record.id);
  }
  const rows = await sqlIn<{
    id: string;
    deal_id: string;
    title: string;
    owner_id: string | null;
    changed_at: string;
    changed_by: string | null;
    pipeline_id: string;
    from_stage_id: string | null;
    from_stage_name: string | null;
    to_stage_id: string;
    to_stage_name: string;
  }>(
    em,
    `select c.id, c.deal_id, d.title, d.owner_id, c.changed_at, c.changed_by, c.pipeline_id,
            c.from_stage_id, f.name as from_stage_name, c.to_stage_id, t.name as to_stage_name
       from deal_stage_change c
       join deal d on d.id = c.deal_id
       left join pipeline_stage f on f.id = c.from_stage_id
       join pipeline_stage t on t.id = c.to_stage_id
      where ${where.join(' and ')}
      order by c.changed_at, c.id
      limit ?`,
    [...params, window.limit + 1],
  );
  const entries = rows.slice(0, window.limit).map(
    (row): TimelineEntry => ({
      kind: 'deal_stage_change',
      id: row.id,
      at: new Date(row.changed_at).toISOString(),
      title: `${row.title}: ${row.from_stage_name ? `${row.from_stage_name} → ` : ''}${row.to_stage_name}`,
      userId: row.owner_id,
      details: {
        dealId: row.deal_id,
        pipelineId: row.pipeline_id,
        fromStageId: row.from_stage_id,
        fromStageName: row.from_stage_name,
        toStageId: row.to_stage_id,
        toStageName: row.to_stage_name,
        changedBy: row.changed_by,
      },
    }),
  );
  return { entries, truncated: rows.length > window.limit };
};
