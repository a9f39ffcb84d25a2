// Deadline rules, every minute: an open task past its due time tells its assignee once (each member
// of its team when nobody is assigned), and each team manager gets one digest a day, from the
// morning on in their time zone (Teams tells it; else Europe/Berlin), of the overdue tasks of the teams they lead. Set-based: tenants with
// something to do are found in one query, each tenant's notifications made in two.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { utcIso } from '../modules/notifications/notifications.service.ts';
import { type NotificationDraft, notify } from '../modules/notifications/outbox.ts';
import { currentTenantId, db } from '../records/sql.ts';
import { definePeriodic } from './registry.ts';

export const TASK_DEADLINES = 'task-deadlines';
/** Managers get the day's digest from this hour on, in their time zone. */
export const DIGEST_HOUR = 7;
/** A manager's zone when Teams never told one. */
const DEFAULT_ZONE = 'Europe/Berlin';
/** At most this many tasks are listed in a digest; it counts them all. */
export const DIGEST_TASKS = 20;
/**
 * A task overdue for longer than this when the rule first sees it is not announced any more (an
 * imported backlog must not flood anyone); the managers' digest still lists it.
 */
const OVERDUE_LOOKBACK = sql<Date>`now() - interval '7 days'`;

const now = sql<Date>`now()`;
const CLOSED_STATES = ['done', 'cancelled'] as const;

/** `tenant`: the transaction's tenant (the rule's work); `all`: every tenant, as the owning role (finding tenants). */
type Scope = 'tenant' | 'all';

/** Overdue tasks and whom to tell, with the notification's key, not yet told. */
function overdueCandidates(em: EntityManager, scope: Scope) {
  return db(em)
    .selectFrom((eb) =>
      eb
        .selectFrom('task as t')
        .innerJoinLateral(
          (lateral) =>
            lateral
              // The assignee (app_user: the join below keeps active ones) …
              .selectFrom('app_user as a')
              .select('a.id as user_id')
              .whereRef('a.id', '=', 't.assignee_id')
              // … or, when nobody is assigned, each member of the task's team.
              .unionAll(
                lateral
                  .selectFrom('team_member as m')
                  .select('m.user_id')
                  .where('t.assignee_id', 'is', null)
                  .whereRef('m.team_id', '=', 't.team_id'),
              )
              .as('r'),
          (join) => join.onTrue(),
        )
        .innerJoin('app_user as u', (join) => join.onRef('u.id', '=', 'r.user_id').on('u.active', '=', true))
        .select((inner) => [
          't.tenant_id',
          't.id as task_id',
          't.title',
          utcIso(inner.ref('t.due_at')).as('due_at'),
          'r.user_id as recipient_id',
          sql<string>`'task.overdue:' || ${inner.ref('t.id')} || ':' || ${utcIso(inner.ref('t.due_at'))}
            || case when ${inner.ref('t.assignee_id')} is null then ':' || ${inner.ref('r.user_id')} else '' end`.as(
            'key',
          ),
        ])
        .$if(scope === 'tenant', (query) => query.where('t.tenant_id', '=', currentTenantId))
        .where('t.due_at', '<', now)
        .where('t.due_at', '>=', OVERDUE_LOOKBACK)
        .where('t.deleted_at', 'is', null)
        .where('t.status', 'not in', CLOSED_STATES)
        .as('c'),
    )
    .selectAll('c')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification as n')
            .select('n.id')
            .whereRef('n.tenant_id', '=', 'c.tenant_id')
            .whereRef('n.idempotency_key', '=', 'c.key'),
        ),
      ),
    );
}

interface DigestTask {
  taskId: string;
  title: string;
  dueAt: string;
  assigneeId: string | null;
}

/** Per manager: the overdue tasks of their teams' members (not their own) and of their teams, not yet digested today. */
function digestCandidates(em: EntityManager, scope: Scope, fromHour: number) {
  return db(em)
    .with('zone', (query) =>
      query
        .selectFrom('team as g')
        .select((eb) => [
          'g.manager_id',
          // The zone Teams reported for the manager's client, as the snooze uses it; else Berlin.
          eb.fn
            .coalesce(
              eb
                .selectFrom('bot_conversation as c')
                .select('c.time_zone')
                .whereRef('c.user_id', '=', 'g.manager_id')
                .where('c.time_zone', 'is not', null)
                .orderBy('c.updated_at', 'desc')
                .limit(1),
              sql.lit(DEFAULT_ZONE),
            )
            .as('name'),
        ])
        .distinct()
        .where('g.manager_id', 'is not', null)
        .$if(scope === 'tenant', (inner) => inner.where('g.tenant_id', '=', currentTenantId)),
    )
    .with('today', (query) =>
      query.selectFrom('zone as z').select((eb) => {
        const local = sql<Date>`now() at time zone ${eb.ref('z.name')}`;
        return [
          'z.manager_id',
          sql<string>`to_char(${local}, 'YYYY-MM-DD')`.as('day'),
          sql<number>`extract(hour from ${local})::int`.as('hour'),
        ];
      }),
    )
    .with('overdue', (query) =>
      query
        .selectFrom('team as g')
        .innerJoin('team_member as m', (join) =>
          join.onRef('m.team_id', '=', 'g.id').onRef('m.user_id', '<>', 'g.manager_id'),
        )
        .innerJoin('task as t', (join) =>
          join.onRef('t.tenant_id', '=', 'g.tenant_id').onRef('t.assignee_id', '=', 'm.user_id'),
        )
        .select(['g.tenant_id', 'g.manager_id', 't.id', 't.title', 't.due_at', 't.assignee_id'])
        .$if(scope === 'tenant', (inner) => inner.where('g.tenant_id', '=', currentTenantId))
        .where('g.manager_id', 'is not', null)
        .where('t.due_at', '<', now)
        .where('t.deleted_at', 'is', null)
        .where('t.status', 'not in', CLOSED_STATES)
        .union(
          query
            .selectFrom('team as g')
            .innerJoin('task as t', (join) =>
              join.onRef('t.tenant_id', '=', 'g.tenant_id').onRef('t.team_id', '=', 'g.id'),
            )
            .select(['g.tenant_id', 'g.manager_id', 't.id', 't.title', 't.due_at', 't.assignee_id'])
            .where('t.assignee_id', 'is', null)
            .$if(scope === 'tenant', (inner) => inner.where('g.tenant_id', '=', currentTenantId))
            .where('g.manager_id', 'is not', null)
            .where('t.due_at', '<', now)
            .where('t.deleted_at', 'is', null)
            .where('t.status', 'not in', CLOSED_STATES),
        ),
    )
    .with('numbered', (query) =>
      query
        .selectFrom('overdue as o')
        .selectAll('o')
        .select((eb) =>
          eb.fn
            .agg<number>('row_number')
            .over((over) => over.partitionBy('o.manager_id').orderBy('o.due_at').orderBy('o.id'))
            .as('n'),
        ),
    )
    .selectFrom('numbered as o')
    .innerJoin('today', 'today.manager_id', 'o.manager_id')
    .innerJoin('app_user as u', (join) => join.onRef('u.id', '=', 'o.manager_id').on('u.active', '=', true))
    .select((eb) => [
      'o.tenant_id',
      'o.manager_id',
      'today.day',
      eb.cast<number>(eb.fn.countAll(), 'integer').as('total'),
      eb.fn
        .agg<DigestTask[]>('jsonb_agg', [
          eb.fn('jsonb_build_object', [
            sql.lit('taskId'),
            eb.ref('o.id'),
            sql.lit('title'),
            eb.ref('o.title'),
            sql.lit('dueAt'),
            utcIso(eb.ref('o.due_at')),
            sql.lit('assigneeId'),
            eb.ref('o.assignee_id'),
          ]),
        ])
        .orderBy('o.n')
        .filterWhere('o.n', '<=', DIGEST_TASKS)
        .as('tasks'),
    ])
    .where('today.hour', '>=', fromHour)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification as x')
            .select('x.id')
            .whereRef('x.tenant_id', '=', 'o.tenant_id')
            .where((eb) =>
              eb(
                'x.idempotency_key',
                '=',
                sql<string>`'task.overdue_digest:' || ${eb.ref('o.manager_id')} || ':' || ${eb.ref('today.day')}`,
              ),
            ),
        ),
      ),
    )
    .groupBy(['o.tenant_id', 'o.manager_id', 'today.day']);
}

/** Tells the assignees of newly overdue tasks, once per task and due time. */
export async function notifyOverdueTasks(em: EntityManager): Promise<number> {
  const rows = await overdueCandidates(em, 'tenant').execute();
  const drafts: NotificationDraft[] = rows.map((row) => ({
    recipientId: row.recipient_id,
    kind: 'task.overdue',
    payload: { taskId: row.task_id, title: row.title, dueAt: row.due_at },
    idempotencyKey: row.key,
  }));
  return (await notify(em, drafts)).length;
}

/** Sends each team manager today's digest of their teams' overdue tasks, once a day in the manager's time zone. */
export async function sendOverdueDigests(em: EntityManager, options: { fromHour?: number } = {}): Promise<number> {
  const rows = await digestCandidates(em, 'tenant', options.fromHour ?? DIGEST_HOUR).execute();
  const drafts: NotificationDraft[] = rows.map((row) => ({
    recipientId: row.manager_id as string,
    kind: 'task.overdue_digest',
    payload: { day: row.day, total: row.total, tasks: row.tasks },
    idempotencyKey: `task.overdue_digest:${row.manager_id}:${row.day}`,
  }));
  return (await notify(em, drafts)).length;
}

/** The tenants with anything to announce, found across all tenants at once (as the owning role). */
export async function deadlineTenants(em: EntityManager): Promise<string[]> {
  const rows = await db(em)
    .selectFrom(overdueCandidates(em, 'all').as('a'))
    .select('a.tenant_id')
    .union(
      db(em)
        .selectFrom(digestCandidates(em, 'all', DIGEST_HOUR).as('b'))
        .select('b.tenant_id'),
    )
    .execute();
  return rows.map((row) => row.tenant_id);
}

export const taskDeadlinesPeriodic = definePeriodic(
  TASK_DEADLINES,
  60,
  async (em) => {
    await notifyOverdueTasks(em);
    await sendOverdueDigests(em);
  },
  { tenants: deadlineTenants },
);
