// The figures behind a dashboard's widgets, each computed in SQL (one or two typed statements per
// widget) over what the viewer may see: deals and leads by owner as their lists show them, a
// manager's team included (principal.visibility). Periods are days in Europe/Berlin.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { Principal } from '../../http/principal.ts';
import { problem } from '../../http/problems.ts';
import { db } from '../../records/sql.ts';
import { formatAmount } from '../deals/money.ts';
import { dayIn } from '../timeline/time-zones.ts';
import type { WidgetData, WidgetQuery, WidgetType } from './dashboards.schemas.ts';

/** Keeps `in (...)` valid when the viewer may see no one's records. */
const NO_ONE = '00000000-0000-0000-0000-000000000000';
const TIME_ZONE = 'Europe/Berlin';
const LIST_LIMIT = 10;

/** Whose records a widget counts: everyone's in the tenant, or these users'. */
type Owners = 'all' | readonly string[];

/**
 * The owners the viewer may see records of, narrowed to the viewer alone (personal) or to one
 * colleague (ownerId); a colleague outside the viewer's scope leaves nothing.
 */
async function ownersOf(principal: Principal, kind: 'deal' | 'lead' | 'activity' | 'task', query: WidgetQuery) {
  const visibility = await principal.visibility(kind);
  const visible: Owners = visibility.scope === 'all' ? 'all' : visibility.ownerIds;
  const only = query.personal ? (principal.userId ?? NO_ONE) : query.ownerId;
  if (!only) return visible;
  return visible === 'all' || visible.includes(only) ? [only] : [];
}

const ownerList = (owners: Owners): string[] => (owners === 'all' ? [] : [...owners, NO_ONE]);

/** The first moment of a day in the CRM's time zone, and the first moment after a day. */
const dayStart = (day: string) => sql<Date>`(${day}::date)::timestamp at time zone ${sql.lit(TIME_ZONE)}`;
const dayEnd = (day: string) => sql<Date>`(${day}::date + 1)::timestamp at time zone ${sql.lit(TIME_ZONE)}`;

/** The deal pipeline a widget reads: the one asked for (it must exist), else the first by name. */
async function pipelineOf(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<string | null> {
  const pipelines = db(em)
    .selectFrom('pipeline as p')
    .select('p.id')
    .where('p.tenant_id', '=', principal.tenantId)
    .where('p.kind', '=', 'deal');
  if (query.pipelineId) {
    const found = await pipelines.where('p.id', '=', query.pipelineId).executeTakeFirst();
    if (!found) {
      throw problem(
        'unknown_widget_pipeline',
        { id: query.pipelineId },
        { at: { in: 'query', pointer: '#/pipelineId' } },
      );
    }
    return found.id;
  }
  const first = await pipelines.orderBy(sql`lower(p.name)`).orderBy('p.id').limit(1).executeTakeFirst();
  return first?.id ?? null;
}

interface SumRow {
  currency: string;
  value: string;
  weighted: string;
}
const money = (row: SumRow) => ({
  currency: row.currency,
  value: formatAmount(row.value, row.currency),
  weighted: formatAmount(row.weighted, row.currency),
});

/** The deals of the tenant the viewer may see (alias d), not in the trash. */
function visibleDeals(em: EntityManager, principal: Principal, owners: Owners) {
  return db(em)
    .selectFrom('deal as d')
    .where('d.tenant_id', '=', principal.tenantId)
    .where('d.deleted_at', 'is', null)
    .$if(owners !== 'all', (q) => q.where('d.owner_id', 'in', ownerList(owners)));
}

const countInt = sql<number>`count(*)::int`;
const sumValue = sql<string>`sum(d.value)::text`;
const sumWeighted = sql<string>`sum(d.value * s.probability * 0.01)::text`;

/**
 * Open deals of a pipeline per stage and currency. Without a period they are read from
 * deal_stage_total, which triggers keep per stage, owner and currency with every write (the
 * board's column totals); a period needs the deals themselves.
 */
function openSumsByStage(
  em: EntityManager,
  principal: Principal,
  owners: Owners,
  pipelineId: string,
  query: WidgetQuery,
) {
  if (query.from === undefined && query.to === undefined) {
    return db(em)
      .selectFrom('deal_stage_total as t')
      .innerJoin('pipeline_stage as s', 's.id', 't.stage_id')
      .select([
        't.stage_id',
        't.currency',
        sql<number>`sum(t.deals)::int`.as('n'),
        sql<string>`sum(t.value)::text`.as('value'),
        sql<string>`(sum(t.value) * s.probability * 0.01)::text`.as('weighted'),
      ])
      .where('t.tenant_id', '=', principal.tenantId)
      .where('t.pipeline_id', '=', pipelineId)
      .$if(owners !== 'all', (q) => q.where('t.owner_id', 'in', ownerList(owners)))
      .groupBy(['t.stage_id', 't.currency', 's.probability'])
      .having(sql`sum(t.deals)`, '>', 0)
      .orderBy('t.currency')
      .execute();
  }
  return visibleDeals(em, principal, owners)
    .innerJoin('pipeline_stage as s', 's.id', 'd.stage_id')
    .select(['d.stage_id', 'd.currency', countInt.as('n'), sumValue.as('value'), sumWeighted.as('weighted')])
    .where('d.pipeline_id', '=', pipelineId)
    .where('d.status', '=', 'open')
    .$if(query.from !== undefined, (q) => q.where('d.expected_close_date', '>=', sql<string>`${query.from}::date`))
    .$if(query.to !== undefined, (q) => q.where('d.expected_close_date', '<=', sql<string>`${query.to}::date`))
    .groupBy(['d.stage_id', 'd.currency'])
    .orderBy('d.currency')
    .execute();
}

async function dealsByStage(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const pipelineId = await pipelineOf(em, principal, query);
  if (!pipelineId) return { type: 'deals-by-stage', pipelineId: null, stages: [] };
  const owners = await ownersOf(principal, 'deal', query);
  const stages = await db(em)
    .selectFrom('pipeline_stage as s')
    .select(['s.id', 's.name', 's.color', 's.probability'])
    .where('s.tenant_id', '=', principal.tenantId)
    .where('s.pipeline_id', '=', pipelineId)
    .where('s.archived_at', 'is', null)
    .where('s.outcome', 'is', null)
    .orderBy('s.position')
    .execute();
  const sums = await openSumsByStage(em, principal, owners, pipelineId, query);
  return {
    type: 'deals-by-stage',
    pipelineId,
    stages: stages.map((stage) => {
      const rows = sums.filter((row) => row.stage_id === stage.id);
      return {
        stageId: stage.id,
        name: stage.name,
        color: stage.color,
        probability: stage.probability,
        count: rows.reduce((total, row) => total + row.n, 0),
        sums: rows.map(money),
      };
    }),
  };
}

async function forecastByMonth(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const owners = await ownersOf(principal, 'deal', query);
  // Summed per close date, currency and stage from the forecast index first: the few groups then
  // meet their stage's probability and their month, instead of every deal (a third of the time).
  const byDay = visibleDeals(em, principal, owners)
    .select([
      'd.expected_close_date as day',
      'd.currency',
      'd.stage_id',
      countInt.as('n'),
      sql<string>`sum(d.value)`.as('value'),
    ])
    .where('d.status', '=', 'open')
    .where('d.expected_close_date', 'is not', null)
    .$if(query.pipelineId !== undefined, (q) => q.where('d.pipeline_id', '=', query.pipelineId as string))
    // Without a period: from this month on.
    .where(
      'd.expected_close_date',
      '>=',
      query.from
        ? sql<string>`${query.from}::date`
        : sql<string>`date_trunc('month', now() at time zone ${sql.lit(TIME_ZONE)})::date`,
    )
    .$if(query.to !== undefined, (q) => q.where('d.expected_close_date', '<=', sql<string>`${query.to}::date`))
    .groupBy(['d.expected_close_date', 'd.currency', 'd.stage_id']);
  const month = sql<string>`to_char(g.day, 'YYYY-MM')`;
  const rows = await db(em)
    .selectFrom(byDay.as('g'))
    .innerJoin('pipeline_stage as s', 's.id', 'g.stage_id')
    .select([
      month.as('month'),
      'g.currency',
      sql<number>`sum(g.n)::int`.as('n'),
      sql<string>`sum(g.value)::text`.as('value'),
      sql<string>`sum(g.value * s.probability * 0.01)::text`.as('weighted'),
    ])
    .groupBy([month, 'g.currency'])
    .orderBy(month)
    .orderBy('g.currency')
    .limit(24 * 10)
    .execute();
  const months = new Map<string, { month: string; count: number; sums: ReturnType<typeof money>[] }>();
  for (const row of rows) {
    const entry = months.get(row.month) ?? { month: row.month, count: 0, sums: [] };
    entry.count += row.n;
    entry.sums.push(money(row));
    months.set(row.month, entry);
  }
  return { type: 'forecast-by-month', months: [...months.values()] };
}

/** Deals closed (won or lost) in the period, read from the index of closed deals (deal_outcome_idx). */
function closedDeals(em: EntityManager, principal: Principal, owners: Owners, query: WidgetQuery) {
  return visibleDeals(em, principal, owners)
    .where('d.status', '<>', 'open')
    .$if(query.pipelineId !== undefined, (q) => q.where('d.pipeline_id', '=', query.pipelineId as string))
    .$if(query.from !== undefined, (q) => q.where('d.closed_at', '>=', dayStart(query.from as string)))
    .$if(query.to !== undefined, (q) => q.where('d.closed_at', '<', dayEnd(query.to as string)));
}

async function winRate(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const owners = await ownersOf(principal, 'deal', query);
  const row = await closedDeals(em, principal, owners, query)
    .select([
      sql<number>`count(*) filter (where d.status = 'won')::int`.as('won'),
      sql<number>`count(*) filter (where d.status = 'lost')::int`.as('lost'),
    ])
    .executeTakeFirstOrThrow();
  const closed = row.won + row.lost;
  return { type: 'win-rate', won: row.won, lost: row.lost, rate: closed === 0 ? null : row.won / closed };
}

async function lostReasons(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const owners = await ownersOf(principal, 'deal', query);
  const rows = await closedDeals(em, principal, owners, query)
    .leftJoin('lost_reason as r', 'r.id', 'd.lost_reason_id')
    .select(['d.lost_reason_id', 'r.name', countInt.as('n')])
    .where('d.status', '=', 'lost')
    .groupBy(['d.lost_reason_id', 'r.name'])
    .orderBy('n', 'desc')
    .orderBy('r.name')
    .execute();
  return {
    type: 'lost-reasons',
    items: rows.map((row) => ({ lostReasonId: row.lost_reason_id, name: row.name, count: row.n })),
  };
}

async function myTasks(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  // The viewer's tasks, or a colleague's the viewer may see.
  const owners = await ownersOf(principal, 'task', { ...query, personal: !query.ownerId });
  const assignees = ownerList(owners === 'all' ? [principal.userId ?? NO_ONE] : owners);
  const open = db(em)
    .selectFrom('task as t')
    .where('t.tenant_id', '=', principal.tenantId)
    .where('t.deleted_at', 'is', null)
    .where('t.status', 'not in', ['done', 'cancelled'])
    .where('t.assignee_id', 'in', assignees)
    .$if(query.from !== undefined, (q) => q.where('t.due_at', '>=', dayStart(query.from as string)))
    .$if(query.to !== undefined, (q) => q.where('t.due_at', '<', dayEnd(query.to as string)));
  const items = await open
    .select(['t.id', 't.title', 't.status', 't.priority', 't.due_at'])
    .orderBy(sql`t.due_at asc nulls last`)
    .orderBy('t.id')
    .limit(LIST_LIMIT)
    .execute();
  const total = await open.select(countInt.as('n')).executeTakeFirstOrThrow();
  return {
    type: 'my-tasks',
    total: total.n,
    items: items.map((task) => ({
      id: task.id,
      title: task.title,
      status: task.status,
      priority: task.priority,
      dueAt: task.due_at ? new Date(task.due_at).toISOString() : null,
    })),
  };
}

async function activitiesDue(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const owners = await ownersOf(principal, 'activity', query);
  const narrowed = query.personal === true || query.ownerId !== undefined;
  const users = ownerList(owners);
  // Open activities up to the period's end (today's end without one): what is due or overdue.
  const due = db(em)
    .selectFrom('activity as a')
    .where('a.tenant_id', '=', principal.tenantId)
    .where('a.deleted_at', 'is', null)
    .where('a.done', '=', false)
    .where(
      'a.starts_at',
      '<',
      query.to
        ? dayEnd(query.to)
        : sql<Date>`(date_trunc('day', now() at time zone ${sql.lit(TIME_ZONE)}) + interval '1 day') at time zone ${sql.lit(TIME_ZONE)}`,
    )
    .$if(query.from !== undefined, (q) => q.where('a.starts_at', '>=', dayStart(query.from as string)))
    .$if(owners !== 'all', (q) =>
      narrowed
        ? q.where('a.owner_id', 'in', users)
        : q.where((eb) => eb.or([eb('a.owner_id', 'in', users), eb('a.created_by', 'in', users)])),
    );
  const items = await due
    .select(['a.id', 'a.subject', 'a.starts_at', 'a.owner_id'])
    .orderBy('a.starts_at')
    .orderBy('a.id')
    .limit(LIST_LIMIT)
    .execute();
  const total = await due.select(countInt.as('n')).executeTakeFirstOrThrow();
  return {
    type: 'activities-due',
    total: total.n,
    items: items.map((activity) => ({
      id: activity.id,
      subject: activity.subject,
      startsAt: new Date(activity.starts_at).toISOString(),
      ownerId: activity.owner_id,
    })),
  };
}

async function topDeals(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const owners = await ownersOf(principal, 'deal', query);
  const rows = await visibleDeals(em, principal, owners)
    .innerJoin('pipeline_stage as s', 's.id', 'd.stage_id')
    .leftJoin('app_user as u', 'u.id', 'd.owner_id')
    .select([
      'd.id',
      'd.title',
      sql<string>`d.value::text`.as('value'),
      'd.currency',
      's.name as stage_name',
      'u.display_name',
      sql<string | null>`d.expected_close_date::text`.as('expected_close_date'),
    ])
    .where('d.status', '=', 'open')
    .$if(query.pipelineId !== undefined, (q) => q.where('d.pipeline_id', '=', query.pipelineId as string))
    .$if(query.from !== undefined, (q) => q.where('d.expected_close_date', '>=', sql<string>`${query.from}::date`))
    .$if(query.to !== undefined, (q) => q.where('d.expected_close_date', '<=', sql<string>`${query.to}::date`))
    .orderBy('d.value', 'desc')
    .orderBy('d.id')
    .limit(LIST_LIMIT)
    .execute();
  return {
    type: 'top-deals',
    items: rows.map((row) => ({
      id: row.id,
      title: row.title,
      value: formatAmount(row.value, row.currency),
      currency: row.currency,
      stageName: row.stage_name,
      ownerName: row.display_name,
      expectedCloseDate: row.expected_close_date,
    })),
  };
}

async function newLeadsBySource(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const owners = await ownersOf(principal, 'lead', query);
  const rows = await db(em)
    .selectFrom('lead as l')
    .select(['l.source', countInt.as('n')])
    .where('l.tenant_id', '=', principal.tenantId)
    .where('l.deleted_at', 'is', null)
    .$if(owners !== 'all', (q) => q.where('l.owner_id', 'in', ownerList(owners)))
    .$if(query.from !== undefined, (q) => q.where('l.created_at', '>=', dayStart(query.from as string)))
    .$if(query.to !== undefined, (q) => q.where('l.created_at', '<', dayEnd(query.to as string)))
    .groupBy('l.source')
    .orderBy('n', 'desc')
    .orderBy('l.source')
    .execute();
  return { type: 'new-leads-by-source', items: rows.map((row) => ({ source: row.source, count: row.n })) };
}

/** Without a period, velocity looks at the stays that ended in the last 90 days. */
const VELOCITY_DAYS = 90;

/**
 * Average and median days a deal stays in each open stage of a pipeline, over the stays that ended
 * in the period (a deal still in a stage has not finished its stay). Each stage change keeps when
 * its stay ended (left_at), so this reads the pipeline's finished stays of the period from one index.
 */
async function pipelineVelocity(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const pipelineId = await pipelineOf(em, principal, query);
  const recent = query.from === undefined && query.to === undefined;
  const from = recent ? dayIn(new Date(Date.now() - VELOCITY_DAYS * 86_400_000), TIME_ZONE) : query.from;
  const period = { from: from ?? null, to: query.to ?? null, recentDays: recent ? VELOCITY_DAYS : null };
  if (!pipelineId) return { type: 'pipeline-velocity', pipelineId: null, period, stages: [] };
  const owners = await ownersOf(principal, 'deal', query);
  const stages = await db(em)
    .selectFrom('pipeline_stage as s')
    .select(['s.id', 's.name'])
    .where('s.tenant_id', '=', principal.tenantId)
    .where('s.pipeline_id', '=', pipelineId)
    .where('s.archived_at', 'is', null)
    .where('s.outcome', 'is', null)
    .orderBy('s.position')
    .execute();
  const stays = await db(em)
    .selectFrom('deal_stage_change as c')
    .innerJoin('deal as d', 'd.id', 'c.deal_id')
    .select((eb) => {
      const stayDays = sql<number>`extract(epoch from (${eb.ref('c.left_at')} - ${eb.ref('c.changed_at')})) / 86400`;
      return [
        'c.to_stage_id',
        countInt.as('n'),
        sql<number>`avg(${stayDays})::float8`.as('average'),
        sql<number>`percentile_cont(0.5) within group (order by ${stayDays})::float8`.as('median'),
      ];
    })
    .where('c.tenant_id', '=', principal.tenantId)
    .where('c.pipeline_id', '=', pipelineId)
    .where('c.left_at', 'is not', null)
    .$if(from !== undefined, (q) => q.where('c.left_at', '>=', dayStart(from as string)))
    .$if(query.to !== undefined, (q) => q.where('c.left_at', '<', dayEnd(query.to as string)))
    .where('d.deleted_at', 'is', null)
    .$if(owners !== 'all', (q) => q.where('d.owner_id', 'in', ownerList(owners)))
    .groupBy('c.to_stage_id')
    .execute();
  const tenth = (days: number | undefined) => (days === undefined ? null : Math.round(days * 10) / 10);
  return {
    type: 'pipeline-velocity',
    pipelineId,
    period,
    stages: stages.map((stage) => {
      const row = stays.find((stay) => stay.to_stage_id === stage.id);
      return {
        stageId: stage.id,
        name: stage.name,
        deals: row?.n ?? 0,
        averageDays: tenth(row?.average),
        medianDays: tenth(row?.median),
      };
    }),
  };
}

/**
 * Per colleague the viewer may see: activities held, tasks done and deals won in the period
 * (without one, the last 30 days). Users with nothing to show are left out.
 */
async function teamActivity(em: EntityManager, principal: Principal, query: WidgetQuery): Promise<WidgetData> {
  const owners = await ownersOf(principal, 'deal', query);
  const from = query.from
    ? dayStart(query.from)
    : sql<Date>`(date_trunc('day', now() at time zone ${sql.lit(TIME_ZONE)}) - interval '29 days') at time zone ${sql.lit(TIME_ZONE)}`;
  const until = query.to ? dayEnd(query.to) : sql<Date>`now()`;
  const rows = await db(em)
    .selectFrom('app_user as u')
    .select((eb) => [
      'u.id',
      'u.display_name',
      eb
        .selectFrom('activity as a')
        .select(countInt.as('n'))
        .where('a.tenant_id', '=', principal.tenantId)
        .whereRef('a.owner_id', '=', 'u.id')
        .where('a.deleted_at', 'is', null)
        .where('a.done', '=', true)
        .where('a.starts_at', '>=', from)
        .where('a.starts_at', '<', until)
        .as('activities'),
      eb
        .selectFrom('task as t')
        .select(countInt.as('n'))
        .where('t.tenant_id', '=', principal.tenantId)
        .whereRef('t.assignee_id', '=', 'u.id')
        .where('t.deleted_at', 'is', null)
        .where('t.status', '=', 'done')
        .where('t.completed_at', '>=', from)
        .where('t.completed_at', '<', until)
        .as('tasks_done'),
      eb
        .selectFrom('deal as d')
        .select(countInt.as('n'))
        .where('d.tenant_id', '=', principal.tenantId)
        .whereRef('d.owner_id', '=', 'u.id')
        .where('d.deleted_at', 'is', null)
        .where('d.status', '=', 'won')
        .where('d.closed_at', '>=', from)
        .where('d.closed_at', '<', until)
        .as('deals_won'),
    ])
    .where('u.tenant_id', '=', principal.tenantId)
    .where('u.active', '=', true)
    .$if(owners !== 'all', (q) => q.where('u.id', 'in', ownerList(owners)))
    .orderBy('u.display_name')
    .orderBy('u.id')
    .execute();
  return {
    type: 'team-activity',
    items: rows
      .map((row) => ({
        userId: row.id,
        displayName: row.display_name,
        activities: row.activities ?? 0,
        tasksDone: row.tasks_done ?? 0,
        dealsWon: row.deals_won ?? 0,
      }))
      .filter((row) => row.activities + row.tasksDone + row.dealsWon > 0),
  };
}

const WIDGETS: Record<
  WidgetType,
  (em: EntityManager, principal: Principal, query: WidgetQuery) => Promise<WidgetData>
> = {
  'deals-by-stage': dealsByStage,
  'forecast-by-month': forecastByMonth,
  'win-rate': winRate,
  'lost-reasons': lostReasons,
  'my-tasks': myTasks,
  'activities-due': activitiesDue,
  'top-deals': topDeals,
  'new-leads-by-source': newLeadsBySource,
  'pipeline-velocity': pipelineVelocity,
  'team-activity': teamActivity,
};

export function widgetData(
  em: EntityManager,
  principal: Principal,
  type: WidgetType,
  query: WidgetQuery,
): Promise<WidgetData> {
  return WIDGETS[type](em, principal, query);
}
