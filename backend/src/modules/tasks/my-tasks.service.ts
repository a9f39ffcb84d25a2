// The personal task dashboard (T7): overdue, today, the next seven days, delegations waiting for
// me and those I made, and counts by status and priority, in a fixed number of queries. Days are
// the user's; an all-day task's day is the one it has in its own time zone.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlIn } from '../../records/sql.ts';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from './task.entity.ts';
import { viewsByIds } from './task-access.ts';
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
  const rows = await sqlIn<{ id: string; section: Section; total: number; today: string }>(
    em,
    `with day as (select (now() at time zone ?)::date as today),
     mine as (
       select t.id, t.due_at, case
           when t.delegation_state = 'pending' and t.assignee_id = ? then 'waitingForMe'
           when t.due_at is null then null
           when t.all_day then case
             when (t.due_at at time zone t.time_zone)::date < d.today then 'overdue'
             when (t.due_at at time zone t.time_zone)::date = d.today then 'today'
             when (t.due_at at time zone t.time_zone)::date <= d.today + 7 then 'next7Days' end
           when t.due_at < now() then 'overdue'
           when t.due_at < ((d.today + 1)::timestamp at time zone ?) then 'today'
           when t.due_at < ((d.today + 8)::timestamp at time zone ?) then 'next7Days' end as section
         from task t, day d
        where t.tenant_id = crm_current_tenant() and t.deleted_at is null and t.status not in ('done', 'cancelled')
          and (t.assignee_id = ?
               or (t.assignee_id is null and t.team_id in (select tm.team_id from team_member tm
                                                             where tm.tenant_id = crm_current_tenant() and tm.user_id = ?)))
          -- an all-day task's day may begin up to a day before or after the user's
          and (t.delegation_state = 'pending' or t.due_at < ((d.today + 9)::timestamp at time zone ?))
       union all
       select t.id, t.due_at, 'delegatedByMe' from task t
        where t.tenant_id = crm_current_tenant() and t.deleted_at is null and t.status not in ('done', 'cancelled')
          and t.delegated_by = ? and t.delegation_state in ('pending', 'accepted')
     )
     select x.id, x.section, x.total, to_char(d.today, 'YYYY-MM-DD') as today
       from day d left join (
         select m.id, m.section, m.due_at,
                row_number() over (partition by m.section order by m.due_at nulls last, m.id) as n,
                (count(*) over (partition by m.section))::int as total
           from mine m where m.section is not null
       ) x on x.n <= ?
      order by x.section, x.n`,
    [zone, userId, zone, zone, userId, userId, zone, userId, options.limit],
  );
  const counted = await sqlIn<{ status: TaskStatus | null; priority: TaskPriority | null; n: number }>(
    em,
    `select status, priority, count(*)::int as n from task
      where tenant_id = crm_current_tenant() and assignee_id = ? and deleted_at is null
      group by grouping sets ((status), (priority))`,
    [userId],
  );
  const listed = rows.filter((row) => row.id !== null);
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
  for (const row of counted) {
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
