// The personal task dashboard (T7): overdue, today, the next seven days, delegations waiting for
// me and those I made, and counts by status and priority, in a fixed number of queries. Days are
// the user's; an all-day task's day is the one it has in its own time zone.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { currentTenantId, db } from '../../records/sql.ts';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from './task.entity.ts';
import { isOpen, viewsByIds } from './task-access.ts';
import type { MyTasks } from './tasks.schemas.ts';

const SECTIONS = ['overdue', 'today', 'next7Days', 'waitingForMe', 'delegatedByMe'] as const;
type Section = (typeof SECTIONS)[number];

export async function myTasks(
  em: EntityManager,
  userId: string,
  options: { timeZone: string; limit: number },
): Promise<MyTasks> {
  const zone = options.timeZone;
  // Mine: assigned to me, or for a team of mine and nobody in particular. Open only.
  const rows = await db(em)
    .with('day', (qb) => qb.selectNoFrom(sql<string>`(now() at time zone ${zone})::date`.as('today')))
    .with('mine', (qb) =>
      qb
        .selectFrom(['task as t', 'day as d'])
        .select((eb) => {
          const dueAt = eb.ref('t.due_at');
          const today = eb.ref('d.today');
          const dueDay = sql`(${dueAt} at time zone ${eb.ref('t.time_zone')})::date`;
          return [
            't.id',
            't.due_at',
            sql<Section | null>`case
              when ${eb.ref('t.delegation_state')} = 'pending' and ${eb.ref('t.assignee_id')} = ${userId} then 'waitingForMe'
              when ${dueAt} is null then null
              when ${eb.ref('t.all_day')} then case
                when ${dueDay} < ${today} then 'overdue'
                when ${dueDay} = ${today} then 'today'
                when ${dueDay} <= ${today} + 7 then 'next7Days' end
              when ${dueAt} < now() then 'overdue'
              when ${dueAt} < ((${today} + 1)::timestamp at time zone ${zone}) then 'today'
              when ${dueAt} < ((${today} + 8)::timestamp at time zone ${zone}) then 'next7Days' end`.as('section'),
          ];
        })
        .where('t.tenant_id', '=', currentTenantId)
        .where('t.deleted_at', 'is', null)
        .where((eb) => isOpen(eb.ref('t.status')))
        .where((eb) =>
          eb.or([
            eb('t.assignee_id', '=', userId),
            eb.and([
              eb('t.assignee_id', 'is', null),
              eb(
                't.team_id',
                'in',
                eb
                  .selectFrom('team_member as tm')
                  .select('tm.team_id')
                  .where('tm.tenant_id', '=', currentTenantId)
                  .where('tm.user_id', '=', userId),
              ),
            ]),
          ]),
        )
        // an all-day task's day may begin up to a day before or after the user's
        .where((eb) =>
          eb.or([
            eb('t.delegation_state', '=', 'pending'),
            eb('t.due_at', '<', sql<Date>`((${eb.ref('d.today')} + 9)::timestamp at time zone ${zone})`),
          ]),
        )
        .unionAll(
          qb
            .selectFrom('task as t')
            .select(['t.id', 't.due_at', sql<Section | null>`'delegatedByMe'`.as('section')])
            .where('t.tenant_id', '=', currentTenantId)
            .where('t.deleted_at', 'is', null)
            .where((eb) => isOpen(eb.ref('t.status')))
            .where('t.delegated_by', '=', userId)
            .where('t.delegation_state', 'in', ['pending', 'accepted']),
        ),
    )
    .selectFrom('day as d')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('mine as m')
          .select((inner) => [
            'm.id',
            'm.section',
            'm.due_at',
            inner.fn
              .agg<number>('row_number')
              .over((over) =>
                over
                  .partitionBy('m.section')
                  .orderBy('m.due_at', (order) => order.nullsLast())
                  .orderBy('m.id'),
              )
              .as('n'),
            sql<number>`(${inner.fn.countAll().over((over) => over.partitionBy('m.section'))})::int`.as('total'),
          ])
          .where('m.section', 'is not', null)
          .as('x'),
      (join) => join.on('x.n', '<=', options.limit),
    )
    .select((eb) => [
      'x.id',
      'x.section',
      'x.total',
      sql<string>`to_char(${eb.ref('d.today')}, 'YYYY-MM-DD')`.as('today'),
    ])
    .orderBy('x.section')
    .orderBy('x.n')
    .execute();
  const counted = await db(em)
    .selectFrom('task')
    .select(['status', 'priority', sql<number>`count(*)::int`.as('n')])
    .where('tenant_id', '=', currentTenantId)
    .where('assignee_id', '=', userId)
    .where('deleted_at', 'is', null)
    .groupBy((eb) => sql`grouping sets ((${eb.ref('status')}), (${eb.ref('priority')}))`)
    .execute();
  const listed = rows.flatMap((row) => (row.id === null ? [] : [{ ...row, id: row.id }]));
  const views = new Map(
    (
      await viewsByIds(
        em,
        listed.map((row) => row.id),
      )
    ).map((view) => [view.id, view]),
  );
  const section = (name: Section) => {
    const inSection = listed.filter((row) => row.section === name);
    return {
      total: inSection[0]?.total ?? 0,
      items: inSection.flatMap((row) => views.get(row.id) ?? []),
    };
  };
  const byStatus = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<TaskStatus, number>;
  const byPriority = Object.fromEntries(TASK_PRIORITIES.map((priority) => [priority, 0])) as Record<
    TaskPriority,
    number
  >;
  // Grouping sets: a row counts either a status (its priority null) or a priority.
  for (const row of counted as { status: TaskStatus | null; priority: TaskPriority | null; n: number }[]) {
    if (row.status) byStatus[row.status] = row.n;
    else if (row.priority) byPriority[row.priority] = row.n;
  }
  return {
    timeZone: zone,
    date: rows[0]?.today as string,
    overdue: section('overdue'),
    today: section('today'),
    next7Days: section('next7Days'),
    waitingForMe: section('waitingForMe'),
    delegatedByMe: section('delegatedByMe'),
    counts: { byStatus, byPriority },
  };
}
