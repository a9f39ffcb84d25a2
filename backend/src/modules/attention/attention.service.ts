// Which of my open deals need attention: no activity for QUIET_DAYS days, or the expected close
// date has passed. One statement: the deals (mine and visible to me), their stage, and the latest
// activity linked to each through record_link.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { Principal } from '../../http/principal.ts';
import { db } from '../../records/sql.ts';
import { formatAmount } from '../deals/money.ts';
import { DEFAULT_TIME_ZONE } from '../tasks/tasks.service.ts';
import { dayIn } from '../timeline/time-zones.ts';
import { type Attention, type AttentionReason, QUIET_DAYS } from './attention.schemas.ts';

export async function dealsNeedingAttention(
  em: EntityManager,
  principal: Principal & { userId: string },
  options: { timeZone?: string | undefined; limit: number },
): Promise<Attention> {
  const zone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const visibility = await principal.visibility('deal');
  // Mine, and only while I may see them (as the deals list): a user may own deals outside their scope.
  if (visibility.scope === 'owners' && !visibility.ownerIds.includes(principal.userId)) {
    return { date: dayIn(new Date(), zone), quietDays: QUIET_DAYS, total: 0, items: [] };
  }
  // A deal without activities counts as quiet from its creation on.
  const quietSince = sql<Date>`coalesce(la.last_activity_at, d.created_at)`;
  const today = sql<string>`(now() at time zone ${zone})::date`;
  const rows = await db(em)
    .selectFrom('deal as d')
    .innerJoin('pipeline_stage as s', (join) => join.onRef('s.id', '=', 'd.stage_id'))
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('record_link as l')
          .innerJoin('activity as a', 'a.id', 'l.item_id')
          .select((inner) => inner.fn.max('a.starts_at').as('last_activity_at'))
          .whereRef('l.tenant_id', '=', 'd.tenant_id')
          .where('l.record_type', '=', 'deal')
          .whereRef('l.record_id', '=', 'd.id')
          .where('l.item_type', '=', 'activity')
          .where('a.deleted_at', 'is', null)
          .where('a.starts_at', '<=', sql<Date>`now()`)
          .as('la'),
      (join) => join.onTrue(),
    )
    .select([
      'd.id',
      'd.title',
      sql<string>`d.value::text`.as('value'),
      'd.currency',
      'd.stage_id',
      's.name as stage_name',
      sql<string | null>`to_char(d.expected_close_date, 'YYYY-MM-DD')`.as('expected_close_date'),
      'la.last_activity_at',
      sql<boolean>`coalesce(d.expected_close_date < ${today}, false)`.as('close_date_passed'),
      sql<boolean>`${quietSince} < now() - make_interval(days => ${QUIET_DAYS})`.as('quiet'),
      sql<string>`to_char(${today}, 'YYYY-MM-DD')`.as('today'),
      sql<number>`(count(*) over ())::int`.as('total'),
    ])
    .where('d.tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('d.owner_id', '=', principal.userId)
    .where('d.status', '=', 'open')
    .where('d.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('d.expected_close_date', '<', today),
        eb(quietSince, '<', sql<Date>`now() - make_interval(days => ${QUIET_DAYS})`),
      ]),
    )
    .orderBy('d.expected_close_date', (order) => order.asc().nullsLast())
    .orderBy(quietSince, 'asc')
    .orderBy('d.id')
    .limit(options.limit)
    .execute();
  const first = rows[0];
  return {
    date: first?.today ?? dayIn(new Date(), zone),
    quietDays: QUIET_DAYS,
    total: first?.total ?? 0,
    items: rows.map((row) => ({
      id: row.id,
      title: row.title,
      value: formatAmount(row.value, row.currency),
      currency: row.currency,
      stageId: row.stage_id,
      stageName: row.stage_name,
      expectedCloseDate: row.expected_close_date,
      lastActivityAt: row.last_activity_at === null ? null : new Date(row.last_activity_at).toISOString(),
      reasons: [
        ...(row.close_date_passed ? (['closeDatePassed'] as const) : []),
        ...(row.quiet ? (['noRecentActivity'] as const) : []),
      ] satisfies AttentionReason[],
    })),
  };
}
