// Reports (R3): pipeline, win/loss, activities and customer statistics, each aggregated in SQL per
// tenant and within what the caller may see (deals as the deal lists show them, activities and
// tasks of the users whose records the caller may see), never by loading records into JavaScript.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { Language } from '../../http/language.ts';
import type { Principal } from '../../http/principal.ts';
import { problem } from '../../http/problems.ts';
import { currentTenantId, db } from '../../records/sql.ts';
import { formatAmount, roundDecimal } from '../deals/money.ts';
import {
  REPORT_FILTERS,
  REPORT_NAMES,
  REVENUE_BANDS,
  type Report,
  type ReportFilter,
  type ReportName,
  type ReportQuery,
  type ReportSection,
} from './reports.schemas.ts';

/** Periods and months are days in the users' time zone, not UTC's. */
const ZONE = 'Europe/Berlin';
/** Keeps `in (...)` valid when the caller may see no one's records. */
const NO_ONE = '00000000-0000-0000-0000-000000000000';

const startOf = (day: string) => sql<Date>`(${day}::date)::timestamp at time zone ${ZONE}`;
const endOf = (day: string) => sql<Date>`(${day}::date + 1)::timestamp at time zone ${ZONE}`;

/** The report's name, or 404; then the filters it does not take, or 400. */
export function reportName(name: string, query: ReportQuery): ReportName {
  const known = REPORT_NAMES.find((candidate) => candidate === name);
  if (!known) throw problem('report_not_found', { name, names: REPORT_NAMES });
  const takes: readonly ReportFilter[] = REPORT_FILTERS[known];
  const refused = (Object.keys(query) as ReportFilter[]).filter(
    (filter) => query[filter] !== undefined && !takes.includes(filter),
  );
  const [first] = refused;
  if (first) {
    throw problem(
      'report_filter_not_applicable',
      { name: known, filter: first, filters: takes.length > 0 ? takes : '–' },
      { at: refused.map((filter) => ({ in: 'query' as const, pointer: `#/${filter}` })) },
    );
  }
  return known;
}

/** The owners whose records the caller may see, or all. */
async function ownersIn(principal: Principal, kind: string): Promise<string[] | null> {
  const visibility = await principal.visibility(kind);
  return visibility.scope === 'all' ? null : [...visibility.ownerIds, NO_ONE];
}

const money = (value: string | null, currency: string) => (value === null ? null : formatAmount(value, currency));
const weighted = (value: string | null, currency: string) =>
  value === null ? null : formatAmount(roundDecimal(value, 6), currency);
/** Won of all closed, in percent with one decimal, as a decimal string; null without closed deals. */
const winRate = (won: number, lost: number) => (won + lost === 0 ? null : ((won * 100) / (won + lost)).toFixed(1));

export async function runReport(
  em: EntityManager,
  principal: Principal,
  name: ReportName,
  query: ReportQuery,
  language: Language,
): Promise<Report> {
  const sections =
    name === 'pipeline'
      ? await pipelineReport(em, principal, query)
      : name === 'win-loss'
        ? await winLossReport(em, principal, query)
        : name === 'activities'
          ? await activitiesReport(em, principal, query, language)
          : await customersReport(em, principal);
  return {
    name,
    filters: {
      pipelineId: query.pipelineId ?? null,
      ownerId: query.ownerId ?? null,
      from: query.from ?? null,
      to: query.to ?? null,
    },
    sections,
  };
}

/** Open deals per pipeline, stage and currency: count, sum and probability-weighted sum. */
async function pipelineReport(em: EntityManager, principal: Principal, query: ReportQuery): Promise<ReportSection[]> {
  const owners = await ownersIn(principal, 'deal');
  const rows = await db(em)
    .selectFrom('deal as d')
    .innerJoin('pipeline as p', 'p.id', 'd.pipeline_id')
    .innerJoin('pipeline_stage as s', 's.id', 'd.stage_id')
    .select([
      'p.name as pipeline',
      's.name as stage',
      's.probability',
      'd.currency',
      sql<number>`count(*)::int`.as('count'),
      sql<string>`sum(d.value)::text`.as('sum'),
      sql<string>`sum(d.value * s.probability * 0.01)::text`.as('weighted'),
    ])
    .where('d.tenant_id', '=', currentTenantId)
    .where('d.status', '=', 'open')
    .where('d.deleted_at', 'is', null)
    .$if(query.pipelineId !== undefined, (q) => q.where('d.pipeline_id', '=', query.pipelineId as string))
    .$if(query.ownerId !== undefined, (q) => q.where('d.owner_id', '=', query.ownerId as string))
    .$if(owners !== null, (q) => q.where('d.owner_id', 'in', owners as string[]))
    .$if(query.from !== undefined, (q) => q.where('d.expected_close_date', '>=', sql<string>`${query.from}::date`))
    .$if(query.to !== undefined, (q) => q.where('d.expected_close_date', '<=', sql<string>`${query.to}::date`))
    .groupBy(['p.id', 'p.name', 's.id', 's.name', 's.probability', 's.position', 'd.currency'])
    .orderBy('p.name')
    .orderBy('p.id')
    .orderBy('s.position')
    .orderBy('d.currency')
    .execute();
  return [
    {
      key: 'stages',
      columns: ['pipeline', 'stage', 'probability', 'currency', 'count', 'sum', 'weighted'],
      rows: rows.map((row) => ({
        pipeline: row.pipeline,
        stage: row.stage,
        probability: row.probability,
        currency: row.currency,
        count: row.count,
        sum: money(row.sum, row.currency),
        weighted: weighted(row.weighted, row.currency),
      })),
    },
  ];
}

/** Won and lost deals closed in the period, per month and per owner and currency; lost reasons. */
async function winLossReport(em: EntityManager, principal: Principal, query: ReportQuery): Promise<ReportSection[]> {
  const owners = await ownersIn(principal, 'deal');
  const closed = () =>
    db(em)
      .selectFrom('deal as d')
      .where('d.tenant_id', '=', currentTenantId)
      .where('d.deleted_at', 'is', null)
      .where('d.status', 'in', ['won', 'lost'])
      .where('d.closed_at', 'is not', null)
      .$if(query.pipelineId !== undefined, (q) => q.where('d.pipeline_id', '=', query.pipelineId as string))
      .$if(query.ownerId !== undefined, (q) => q.where('d.owner_id', '=', query.ownerId as string))
      .$if(owners !== null, (q) => q.where('d.owner_id', 'in', owners as string[]))
      .$if(query.from !== undefined, (q) => q.where('d.closed_at', '>=', startOf(query.from as string)))
      .$if(query.to !== undefined, (q) => q.where('d.closed_at', '<', endOf(query.to as string)));
  const outcome = [
    sql<number>`(count(*) filter (where d.status = 'won'))::int`.as('won'),
    sql<string | null>`(sum(d.value) filter (where d.status = 'won'))::text`.as('won_value'),
    sql<number>`(count(*) filter (where d.status = 'lost'))::int`.as('lost'),
    sql<string | null>`(sum(d.value) filter (where d.status = 'lost'))::text`.as('lost_value'),
  ] as const;
  // The zone as a literal, not a parameter: select, group by and order by must be the same expression.
  const month = sql<string>`to_char(d.closed_at at time zone ${sql.lit(ZONE)}, 'YYYY-MM')`;
  const [months, byOwner, reasons] = await Promise.all([
    closed()
      .select([month.as('month'), 'd.currency', ...outcome])
      .groupBy([month, 'd.currency'])
      .orderBy(month)
      .orderBy('d.currency')
      .execute(),
    closed()
      .leftJoin('app_user as u', 'u.id', 'd.owner_id')
      .select(['u.display_name as owner', 'd.currency', ...outcome])
      .groupBy(['d.owner_id', 'u.display_name', 'd.currency'])
      .orderBy('u.display_name')
      .orderBy('d.owner_id')
      .orderBy('d.currency')
      .execute(),
    closed()
      .innerJoin('lost_reason as r', 'r.id', 'd.lost_reason_id')
      .select(['r.name as reason', sql<number>`count(*)::int`.as('count')])
      .where('d.status', '=', 'lost')
      .groupBy(['r.id', 'r.name', 'r.position'])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('r.position')
      .orderBy('r.name')
      .execute(),
  ]);
  const outcomeCells = (row: {
    currency: string;
    won: number;
    won_value: string | null;
    lost: number;
    lost_value: string | null;
  }) => ({
    currency: row.currency,
    won: row.won,
    wonValue: money(row.won_value, row.currency) ?? formatAmount('0', row.currency),
    lost: row.lost,
    lostValue: money(row.lost_value, row.currency) ?? formatAmount('0', row.currency),
    winRate: winRate(row.won, row.lost),
  });
  const outcomeColumns = ['currency', 'won', 'wonValue', 'lost', 'lostValue', 'winRate'];
  return [
    {
      key: 'months',
      columns: ['month', ...outcomeColumns],
      rows: months.map((row) => ({ month: row.month, ...outcomeCells(row) })),
    },
    {
      key: 'owners',
      columns: ['owner', ...outcomeColumns],
      rows: byOwner.map((row) => ({ owner: row.owner, ...outcomeCells(row) })),
    },
    {
      key: 'lostReasons',
      columns: ['reason', 'count'],
      rows: reasons.map((row) => ({ reason: row.reason, count: row.count })),
    },
  ];
}

/**
 * Activities starting in the period by owner (and by team of the owner) and type; tasks done in
 * the period by assignee and team. A rep sees their own figures, a manager their team's.
 */
async function activitiesReport(
  em: EntityManager,
  principal: Principal,
  query: ReportQuery,
  language: Language,
): Promise<ReportSection[]> {
  const activityOwners = await ownersIn(principal, 'activity');
  const taskOwners = await ownersIn(principal, 'task');
  const typeName = language === 'de' ? ('t.name_de' as const) : ('t.name_en' as const);
  const activities = () =>
    db(em)
      .selectFrom('activity as a')
      .innerJoin('activity_type as t', 't.id', 'a.type_id')
      .where('a.tenant_id', '=', currentTenantId)
      .where('a.deleted_at', 'is', null)
      .$if(query.ownerId !== undefined, (q) => q.where('a.owner_id', '=', query.ownerId as string))
      .$if(activityOwners !== null, (q) => q.where('a.owner_id', 'in', activityOwners as string[]))
      .$if(query.from !== undefined, (q) => q.where('a.starts_at', '>=', startOf(query.from as string)))
      .$if(query.to !== undefined, (q) => q.where('a.starts_at', '<', endOf(query.to as string)));
  const tasks = () =>
    db(em)
      .selectFrom('task as k')
      .where('k.tenant_id', '=', currentTenantId)
      .where('k.deleted_at', 'is', null)
      .where('k.status', '=', 'done')
      .$if(query.ownerId !== undefined, (q) => q.where('k.assignee_id', '=', query.ownerId as string))
      .$if(taskOwners !== null, (q) => q.where('k.assignee_id', 'in', taskOwners as string[]))
      .$if(query.from !== undefined, (q) => q.where('k.completed_at', '>=', startOf(query.from as string)))
      .$if(query.to !== undefined, (q) => q.where('k.completed_at', '<', endOf(query.to as string)));
  const counts = [
    sql<number>`count(*)::int`.as('activities'),
    sql<number>`(count(*) filter (where a.done))::int`.as('done'),
  ] as const;
  const [users, teams, userTasks, teamTasks] = await Promise.all([
    activities()
      .leftJoin('app_user as u', 'u.id', 'a.owner_id')
      .select(['u.display_name as user', `${typeName} as type`, ...counts])
      .groupBy(['a.owner_id', 'u.display_name', 't.id', typeName])
      .orderBy('u.display_name')
      .orderBy('a.owner_id')
      .orderBy(typeName)
      .execute(),
    activities()
      .innerJoin('team_member as m', (join) =>
        join.onRef('m.user_id', '=', 'a.owner_id').on('m.tenant_id', '=', currentTenantId),
      )
      .innerJoin('team as g', 'g.id', 'm.team_id')
      .select(['g.name as team', `${typeName} as type`, ...counts])
      .groupBy(['g.id', 'g.name', 't.id', typeName])
      .orderBy('g.name')
      .orderBy('g.id')
      .orderBy(typeName)
      .execute(),
    tasks()
      .leftJoin('app_user as u', 'u.id', 'k.assignee_id')
      .select(['u.display_name as user', sql<number>`count(*)::int`.as('tasksDone')])
      .groupBy(['k.assignee_id', 'u.display_name'])
      .orderBy('u.display_name')
      .orderBy('k.assignee_id')
      .execute(),
    tasks()
      .innerJoin('team_member as m', (join) =>
        join.onRef('m.user_id', '=', 'k.assignee_id').on('m.tenant_id', '=', currentTenantId),
      )
      .innerJoin('team as g', 'g.id', 'm.team_id')
      .select(['g.name as team', sql<number>`count(*)::int`.as('tasksDone')])
      .groupBy(['g.id', 'g.name'])
      .orderBy('g.name')
      .orderBy('g.id')
      .execute(),
  ]);
  return [
    { key: 'users', columns: ['user', 'type', 'activities', 'done'], rows: users },
    { key: 'userTasks', columns: ['user', 'tasksDone'], rows: userTasks },
    { key: 'teams', columns: ['team', 'type', 'activities', 'done'], rows: teams },
    { key: 'teamTasks', columns: ['team', 'tasksDone'], rows: teamTasks },
  ];
}

/** Organizations by industry, postal region (the postal code's first two digits) and revenue band. */
async function customersReport(em: EntityManager, principal: Principal): Promise<ReportSection[]> {
  const owners = await ownersIn(principal, 'organization');
  const organizations = () =>
    db(em)
      .selectFrom('organization as o')
      .where('o.tenant_id', '=', currentTenantId)
      .where('o.deleted_at', 'is', null)
      .$if(owners !== null, (q) => q.where('o.owner_id', 'in', owners as string[]));
  const count = sql<number>`count(*)::int`.as('organizations');
  // The first address is the main one; German postal regions are the code's first two digits.
  const region = sql<string | null>`nullif(left(o.addresses -> 0 ->> 'postalCode', 2), '')`;
  const band = sql<string>`case when o.revenue is null then 'unknown'
    when o.revenue < 1000000 then 'under1m' when o.revenue < 10000000 then '1mTo10m'
    when o.revenue < 50000000 then '10mTo50m' else 'over50m' end`;
  const [industries, regions, bands] = await Promise.all([
    organizations()
      .select(['o.industry', count])
      .groupBy('o.industry')
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('o.industry')
      .execute(),
    organizations()
      .select([region.as('region'), count])
      .groupBy(region)
      .orderBy(region)
      .execute(),
    organizations()
      .select([band.as('band'), count])
      .groupBy(band)
      .execute(),
  ]);
  const perBand = new Map(bands.map((row) => [row.band, row.organizations]));
  return [
    {
      key: 'industries',
      columns: ['industry', 'organizations'],
      rows: industries.map((row) => ({ industry: row.industry, organizations: row.organizations })),
    },
    { key: 'postalRegions', columns: ['region', 'organizations'], rows: regions },
    {
      key: 'revenueBands',
      columns: ['band', 'organizations'],
      rows: REVENUE_BANDS.map((name) => ({ band: name, organizations: perBand.get(name) ?? 0 })),
    },
  ];
}
