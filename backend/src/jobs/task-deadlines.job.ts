// Deadline rules, every minute: an open task past its due time tells its assignee once (each member
// of its team when nobody is assigned), and each team manager gets one digest a day, from the
// morning on (Europe/Berlin), of the overdue tasks of the teams they lead. Set-based: tenants with
// something to do are found in one query, each tenant's notifications made in two.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type NotificationDraft, notify } from '../modules/notifications/outbox.ts';
import { sqlIn } from '../records/sql.ts';
import { definePeriodic } from './registry.ts';

export const TASK_DEADLINES = 'task-deadlines';
/** Managers get the day's digest from this hour on, Europe/Berlin. */
export const DIGEST_HOUR = 7;
/** At most this many tasks are listed in a digest; it counts them all. */
export const DIGEST_TASKS = 20;
/**
 * A task overdue for longer than this when the rule first sees it is not announced any more (an
 * imported backlog must not flood anyone); the managers' digest still lists it.
 */
const OVERDUE_LOOKBACK = `interval '7 days'`;

const OPEN = `t.deleted_at is null and t.status not in ('done', 'cancelled')`;
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const ownTenant = (column: string) => `${column} = crm_current_tenant() and`;

/** Overdue tasks and whom to tell, with the notification's key, not yet told. */
const overdueCandidates = (scope: string) => `
  select c.* from (
    select t.tenant_id, t.id as task_id, t.title, ${iso('t.due_at')} as due_at, r.user_id as recipient_id,
           'task.overdue:' || t.id || ':' || ${iso('t.due_at')}
             || case when t.assignee_id is null then ':' || r.user_id else '' end as key
      from task t
      cross join lateral (
        select t.assignee_id as user_id where t.assignee_id is not null
        union all
        select m.user_id from team_member m where t.assignee_id is null and m.team_id = t.team_id
      ) r
      join app_user u on u.id = r.user_id and u.active
     where ${scope} t.due_at < now() and t.due_at >= now() - ${OVERDUE_LOOKBACK} and ${OPEN}
  ) c
  where not exists (select 1 from notification n where n.tenant_id = c.tenant_id and n.idempotency_key = c.key)`;

/** Per manager: the overdue tasks of their teams' members (not their own) and of their teams, not yet digested today. */
const digestCandidates = (scope: string, fromHour: string) => `
  with today as (
    select to_char(now() at time zone 'Europe/Berlin', 'YYYY-MM-DD') as day,
           extract(hour from now() at time zone 'Europe/Berlin')::int as hour
  ), overdue as (
    select g.tenant_id, g.manager_id, t.id, t.title, t.due_at, t.assignee_id
      from team g
      join team_member m on m.team_id = g.id and m.user_id <> g.manager_id
      join task t on t.tenant_id = g.tenant_id and t.assignee_id = m.user_id
     where ${scope} g.manager_id is not null and t.due_at < now() and ${OPEN}
    union
    select g.tenant_id, g.manager_id, t.id, t.title, t.due_at, t.assignee_id
      from team g
      join task t on t.tenant_id = g.tenant_id and t.team_id = g.id and t.assignee_id is null
     where ${scope} g.manager_id is not null and t.due_at < now() and ${OPEN}
  ), numbered as (
    select o.*, row_number() over (partition by o.manager_id order by o.due_at, o.id) as n from overdue o
  )
  select o.tenant_id, o.manager_id, today.day, count(*)::int as total,
         jsonb_agg(jsonb_build_object('taskId', o.id, 'title', o.title, 'dueAt', ${iso('o.due_at')},
                                      'assigneeId', o.assignee_id) order by o.n)
           filter (where o.n <= ${DIGEST_TASKS}) as tasks
    from numbered o
    cross join today
    join app_user u on u.id = o.manager_id and u.active
   where today.hour >= ${fromHour}
     and not exists (select 1 from notification x where x.tenant_id = o.tenant_id
                      and x.idempotency_key = 'task.overdue_digest:' || o.manager_id || ':' || today.day)
   group by o.tenant_id, o.manager_id, today.day`;

interface OverdueRow {
  task_id: string;
  title: string;
  due_at: string;
  recipient_id: string;
  key: string;
}

interface DigestRow {
  manager_id: string;
  day: string;
  total: number;
  tasks: { taskId: string; title: string; dueAt: string; assigneeId: string | null }[];
}

/** Tells the assignees of newly overdue tasks, once per task and due time. */
export async function notifyOverdueTasks(em: EntityManager): Promise<number> {
  const rows = await sqlIn<OverdueRow>(em, overdueCandidates(ownTenant('t.tenant_id')));
  const drafts: NotificationDraft[] = rows.map((row) => ({
    recipientId: row.recipient_id,
    kind: 'task.overdue',
    payload: { taskId: row.task_id, title: row.title, dueAt: row.due_at },
    idempotencyKey: row.key,
  }));
  return (await notify(em, drafts)).length;
}

/** Sends each team manager today's digest of their teams' overdue tasks, once a day (Europe/Berlin). */
export async function sendOverdueDigests(em: EntityManager, options: { fromHour?: number } = {}): Promise<number> {
  const rows = await sqlIn<DigestRow>(em, digestCandidates(ownTenant('g.tenant_id'), '?'), [
    options.fromHour ?? DIGEST_HOUR,
  ]);
  const drafts: NotificationDraft[] = rows.map((row) => ({
    recipientId: row.manager_id,
    kind: 'task.overdue_digest',
    payload: { day: row.day, total: row.total, tasks: row.tasks },
    idempotencyKey: `task.overdue_digest:${row.manager_id}:${row.day}`,
  }));
  return (await notify(em, drafts)).length;
}

/** The tenants with anything to announce, found across all tenants at once (as the owning role). */
export const DEADLINE_TENANTS_SQL = `
  select tenant_id from (${overdueCandidates('')}) a
  union
  select tenant_id from (${digestCandidates('', String(DIGEST_HOUR))}) b`;

export const taskDeadlinesPeriodic = definePeriodic(
  TASK_DEADLINES,
  60,
  async (em) => {
    await notifyOverdueTasks(em);
    await sendOverdueDigests(em);
  },
  { tenantsSql: DEADLINE_TENANTS_SQL },
);
