// What every task service shares: who sees which task (in SQL), loading a task the caller may
// see, the JSON view, the history snapshot, and committing a write with its history and the
// change event in the same transaction.
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type ExpressionBuilder, type InferResult, type Selectable, type SqlBool, sql } from 'kysely';
import type { AppError } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem, type UserRole, userRoles } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { diffSnapshots, type HistoryAction, recordHistory, type Snapshot } from '../../records/history.ts';
import { linksOf, type RecordRef } from '../../records/record-links.ts';
import { anyUuid, currentTenantId, type Database, db, jsonb } from '../../records/sql.ts';
import { type TaskState, taskChanged } from '../../records/task-events.ts';
import { CLOSED_STATUSES, Task, type TaskStatus } from './task.entity.ts';
import type { TaskView } from './tasks.schemas.ts';

/** Expressions over a task aliased `t`. */
export type TaskExpressions = ExpressionBuilder<Database & { t: Database['task'] }, 't'>;

/**
 * The open-task rule: a task with this status still asks something of someone. The statuses are
 * literals, as in the partial indexes on open tasks, so that the planner can use those.
 */
export const isOpen = (status: Expression<TaskStatus>) =>
  sql<boolean>`${status} not in (${sql.join(CLOSED_STATUSES.map((closed) => sql.lit(closed)))})`;

/** The priority order, urgent first; task_priority_idx indexes this very expression. */
export const priorityOrder = (eb: TaskExpressions) =>
  sql<number>`(case ${eb.ref('t.priority')} when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end)`;

/** The day an all-day task is due, in its own time zone, as YYYY-MM-DD (null for a task with a time). */
export const dueDay = (eb: TaskExpressions) =>
  sql<string | null>`case when ${eb.ref('t.all_day')} and ${eb.ref('t.due_at')} is not null
    then to_char((${eb.ref('t.due_at')} at time zone ${eb.ref('t.time_zone')})::date, 'YYYY-MM-DD') end`;

export const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string | Date).toISOString();

/**
 * The condition that the caller may see the task `t`. A task is someone's when they are its
 * assignee, owner, creator or delegator, when it was handed to a substitute while they are
 * away, or when it is for a team they belong to. A user sees their own tasks, a manager also
 * those of the members of the teams they manage (and the tasks of those teams); admins all.
 */
export async function visibleTask(principal: Principal): Promise<(eb: TaskExpressions) => Expression<SqlBool>> {
  const visibility = await principal.visibility('task');
  if (visibility.scope === 'all') return (eb) => eb.lit(true);
  const users = visibility.ownerIds;
  const managerId = principal.userId ?? null;
  return (eb) =>
    eb.or([
      eb('t.assignee_id', '=', anyUuid(users)),
      eb('t.owner_id', '=', anyUuid(users)),
      eb('t.created_by', '=', anyUuid(users)),
      eb('t.delegated_by', '=', anyUuid(users)),
      eb('t.substituted_for', '=', anyUuid(users)),
      eb(
        't.team_id',
        'in',
        eb
          .selectFrom('team_member as tm')
          .select('tm.team_id')
          .where('tm.tenant_id', '=', currentTenantId)
          .where('tm.user_id', '=', anyUuid(users))
          .unionAll(
            eb
              .selectFrom('team as tt')
              .select('tt.id as team_id')
              .where('tt.tenant_id', '=', currentTenantId)
              .where('tt.manager_id', '=', sql<string>`${managerId}::uuid`),
          ),
      ),
    ]);
}

export function taskNotFound(id: string): AppError {
  return problem('not_visible_maybe_trashed', { noSuch: noSuch('task'), id });
}

/** The task, if the caller may see it (404 otherwise), as a managed entity ready to change. */
export async function findVisibleTask(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { trashed?: boolean } = {},
): Promise<Task> {
  const visible = await visibleTask(principal);
  const row = await db(em)
    .selectFrom('task as t')
    .selectAll('t')
    .where('t.id', '=', id)
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.deleted_at', options.trashed ? 'is not' : 'is', null)
    .where(visible)
    .executeTakeFirst();
  if (!row) throw options.trashed ? problem('not_in_trash', { noSuch: noSuch('task'), id }) : taskNotFound(id);
  return em.map(Task, row);
}

// ---- views --------------------------------------------------------------------------------

/** Tasks with the columns of their view: `task t left join absence a on a.id = t.substitution_absence_id`. */
export const selectTaskViews = (em: EntityManager) =>
  db(em)
    .selectFrom('task as t')
    .leftJoin('absence as a', 'a.id', 't.substitution_absence_id')
    .selectAll('t')
    .select((eb) => [
      sql<string | null>`to_char(${eb.ref('t.follow_up_on')}, 'YYYY-MM-DD')`.as('follow_up_day'),
      dueDay(eb).as('due_day'),
      eb
        .case()
        .when('a.id', 'is', null)
        .then(null)
        .when(eb.and([eb('a.returned_at', 'is not', null), eb('a.returned_at', '<', eb.ref('a.ends_at'))]))
        .then(eb.ref('a.returned_at'))
        .else(eb.ref('a.ends_at'))
        .end()
        .as('substitution_until'),
    ]);

export type TaskRow = InferResult<ReturnType<typeof selectTaskViews>>[number];

interface Prerequisite {
  id: string;
  title: string;
  status: TaskStatus;
}

async function prerequisitesOf(em: EntityManager, taskIds: readonly string[]): Promise<Map<string, Prerequisite[]>> {
  const result = new Map<string, Prerequisite[]>(taskIds.map((id) => [id, []]));
  if (taskIds.length === 0) return result;
  const rows = await db(em)
    .selectFrom('task_dependency as d')
    .innerJoin('task as p', 'p.id', 'd.depends_on_id')
    .select(['d.task_id', 'p.id', 'p.title', 'p.status'])
    .where('d.tenant_id', '=', currentTenantId)
    .where('d.task_id', '=', anyUuid(taskIds))
    .where('p.deleted_at', 'is', null)
    .orderBy('d.created_at')
    .orderBy('p.id')
    .execute();
  for (const row of rows) result.get(row.task_id)?.push({ id: row.id, title: row.title, status: row.status });
  return result;
}

function viewOf(row: TaskRow, links: RecordRef[], dependsOn: Prerequisite[]): TaskView {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    ownerId: row.owner_id,
    status: row.status,
    priority: row.priority,
    dueAt: iso(row.due_at),
    allDay: row.all_day,
    dueOn: row.due_day,
    timeZone: row.time_zone,
    followUpOn: row.follow_up_day,
    remindAt: iso(row.remind_at),
    remindBefore: row.remind_before,
    completedAt: iso(row.completed_at),
    completedBy: row.completed_by,
    rank: row.rank,
    links,
    dependsOn,
    delegation: row.delegation_state
      ? {
          state: row.delegation_state,
          delegatedBy: row.delegated_by,
          delegatedAt: iso(row.delegated_at),
          note: row.delegation_note,
          reason: row.delegation_reason,
        }
      : null,
    substitution: row.substituted_for
      ? {
          forUserId: row.substituted_for,
          absenceId: row.substitution_absence_id,
          until: iso(row.substitution_until),
        }
      : null,
    version: row.version,
    createdAt: iso(row.created_at) as string,
    createdBy: row.created_by,
    updatedAt: iso(row.updated_at) as string,
    updatedBy: row.updated_by,
    deletedAt: iso(row.deleted_at),
  };
}

/** Views of rows read with selectTaskViews: two more queries however many rows. */
export async function viewsOf(em: EntityManager, rows: readonly TaskRow[]): Promise<TaskView[]> {
  const ids = rows.map((row) => row.id);
  const [links, prerequisites] = [await linksOf(em, 'task', ids), await prerequisitesOf(em, ids)];
  return rows.map((row) => viewOf(row, links.get(row.id) ?? [], prerequisites.get(row.id) ?? []));
}

/** Views of tasks by id, in the order given (trashed ones included); no visibility check. */
export async function viewsByIds(em: EntityManager, ids: readonly string[]): Promise<TaskView[]> {
  if (ids.length === 0) return [];
  const rows = await selectTaskViews(em).where('t.id', '=', anyUuid(ids)).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return viewsOf(
    em,
    ids.flatMap((id) => byId.get(id) ?? []),
  );
}

export async function viewOfTask(em: EntityManager, id: string): Promise<TaskView> {
  const [view] = await viewsByIds(em, [id]);
  if (!view) throw taskNotFound(id);
  return view;
}

// ---- history, events and commits -----------------------------------------------------------

/** The task's fields as history records them. */
export function taskSnapshot(task: Task): Snapshot {
  return {
    title: task.title,
    description: task.description ?? null,
    assigneeId: task.assigneeId ?? null,
    teamId: task.teamId ?? null,
    ownerId: task.ownerId ?? null,
    status: task.status,
    priority: task.priority,
    dueAt: iso(task.dueAt),
    allDay: task.allDay,
    timeZone: task.timeZone,
    followUpOn: task.followUpOn ?? null,
    remindAt: iso(task.remindAt),
    remindBefore: task.remindBefore ?? null,
    rank: task.rank,
    delegationState: task.delegationState ?? null,
    delegatedBy: task.delegatedBy ?? null,
    delegationNote: task.delegationNote ?? null,
    delegationReason: task.delegationReason ?? null,
    substitutedFor: task.substitutedFor ?? null,
    substitutionAbsenceId: task.substitutionAbsenceId ?? null,
  };
}

/** What change listeners (reminders, sales) see of a task. */
export function taskState(task: Task): TaskState {
  return {
    id: task.id,
    title: task.title,
    assigneeId: task.assigneeId ?? null,
    teamId: task.teamId ?? null,
    status: task.status,
    dueAt: iso(task.dueAt),
    remindAt: iso(task.remindAt),
    deletedAt: iso(task.deletedAt),
  };
}

function staleTask(task: Task): AppError {
  return problem('stale_task', { title: task.title });
}

/**
 * Writes a change of a task: its history (a row per changed field, or the whole task), the row
 * itself, and the change event for reminders and sales, all in the request's transaction.
 */
export async function commitTask(
  em: EntityManager,
  principal: Principal,
  task: Task,
  change: { action: HistoryAction; before: Snapshot | undefined; after: Snapshot | undefined; state: TaskState | null },
): Promise<void> {
  recordHistory(em, principal, {
    type: 'task',
    id: task.id,
    action: change.action,
    ...(change.before ? { before: change.before } : {}),
    ...(change.after ? { after: change.after } : {}),
  });
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof OptimisticLockError) throw staleTask(task);
    throw error;
  }
  await taskChanged(em, { before: change.state, after: taskState(task) });
}

/** A task as a set-based update returns it, with its fields before and after: enough for history and the change event. */
export type MovedTask = Pick<Selectable<Database['task']>, 'id' | 'title' | 'team_id' | 'status'> & {
  // A statement that aggregates its rows as JSON gives times as text.
  due_at: Date | string | null;
  remind_at: Date | string | null;
  before: Snapshot;
  after: Snapshot;
};

/**
 * History and change events of tasks changed by one set-based statement (hand-over to a
 * substitute, giving back): one insert for all history rows, then each task's event.
 */
export async function afterSetBasedChange(
  em: EntityManager,
  changedBy: string | null,
  rows: readonly MovedTask[],
): Promise<void> {
  if (rows.length === 0) return;
  const history = rows.flatMap((row) => {
    const changeId = newId();
    return diffSnapshots(row.before, row.after).map((change) => ({ recordId: row.id, changeId, ...change }));
  });
  if (history.length > 0) {
    await db(em)
      .insertInto('history')
      .values(
        history.map((entry) => ({
          id: newId(),
          tenant_id: currentTenantId,
          record_type: 'task',
          record_id: entry.recordId,
          change_id: entry.changeId,
          action: 'update' as const,
          field: entry.field,
          before: jsonb(entry.before),
          after: jsonb(entry.after),
          changed_by: changedBy,
        })),
      )
      .execute();
  }
  for (const row of rows) {
    const state = {
      id: row.id,
      title: row.title,
      teamId: row.team_id,
      status: row.status,
      dueAt: iso(row.due_at),
      remindAt: iso(row.remind_at),
      deletedAt: null,
    };
    await taskChanged(em, {
      before: { ...state, assigneeId: (row.before.assigneeId as string | null) ?? null },
      after: { ...state, assigneeId: (row.after.assigneeId as string | null) ?? null },
    });
  }
}

// ---- people -------------------------------------------------------------------------------

/** 422 with a pointer unless the user is an active user of the caller's organisation. */
export async function requireActiveUser(em: EntityManager, id: string, pointer: string, role: UserRole): Promise<void> {
  const user = await db(em)
    .selectFrom('app_user')
    .select('active')
    .where('id', '=', id)
    .where('tenant_id', '=', currentTenantId)
    .executeTakeFirst();
  if (!user?.active) throw inactiveUser(id, pointer, role, Boolean(user));
}

export function inactiveUser(id: string, pointer: string, role: UserRole, exists: boolean): AppError {
  return problem(exists ? 'user_deactivated' : 'unknown_user', { id, role: userRoles[role] }, { at: { pointer } });
}
