// Stage task templates at work: a deal entering a stage gets the stage's tasks, a finished
// required task may move its deal on, and every stage a deal entered shows on the timeline.
import type { ExpressionBuilder } from 'kysely';
import { sql } from 'kysely';
import { ownedWithin } from '../../http/principal.ts';
import { type Database, db } from '../../records/sql.ts';
import type { TimelineEntry, TimelineSource } from '../../records/timeline.ts';

/** The deals (d) a timeline's record filter asks about; null: none of this kind. */
function aroundRecord(record: { type: string; id: string }) {
  const around =
    (column: 'd.id' | 'd.person_id' | 'd.organization_id' | 'd.business_contact_id') =>
    (eb: ExpressionBuilder<Database & { d: Database['deal'] }, 'd'>) =>
      eb(column, '=', record.id);
  switch (record.type) {
    case 'deal':
      return around('d.id');
    case 'person':
      return around('d.person_id');
    case 'organization':
      return around('d.organization_id');
    case 'business_contact':
      return around('d.business_contact_id');
    case 'lead':
      return (eb: ExpressionBuilder<Database & { d: Database['deal'] }, 'd'>) =>
        eb('d.id', 'in', eb.selectFrom('lead as l').select('l.converted_deal_id').where('l.id', '=', record.id));
    default:
      return null;
  }
}

// Deals' stage changes on the timeline, at the time they happened, for whom may see the deal.
export const dealStageChangesTimeline: TimelineSource = async (em, principal, window) => {
  const visibility = await principal.visibility('deal');
  const around = window.record ? aroundRecord(window.record) : undefined;
  if (around === null) return { entries: [], truncated: false };
  const { userId } = window;
  const rows = await db(em)
    .selectFrom('deal_stage_change as c')
    .innerJoin('deal as d', 'd.id', 'c.deal_id')
    .leftJoin('pipeline_stage as f', 'f.id', 'c.from_stage_id')
    .innerJoin('pipeline_stage as t', 't.id', 'c.to_stage_id')
    .select([
      'c.id',
      'c.deal_id',
      'd.title',
      'd.owner_id',
      'c.changed_at',
      'c.changed_by',
      'c.pipeline_id',
      'c.from_stage_id',
      'f.name as from_stage_name',
      'c.to_stage_id',
      't.name as to_stage_name',
    ])
    .where('c.tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('c.changed_at', '>=', sql<Date>`${window.from}::timestamptz`)
    .where('c.changed_at', '<', sql<Date>`${window.to}::timestamptz`)
    .where('d.deleted_at', 'is', null)
    .where((eb) => ownedWithin(visibility, eb.ref('d.owner_id')))
    .$if(Boolean(userId), (query) => query.where('d.owner_id', '=', userId as string))
    .$if(around !== undefined, (query) => query.where((eb) => around?.(eb) ?? eb.lit(true)))
    .orderBy('c.changed_at')
    .orderBy('c.id')
    .limit(window.limit + 1)
    .execute();
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
