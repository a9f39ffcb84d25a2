// What every task service shares: who sees which task (in SQL), loading a task the caller may
// see, the JSON view, the history snapshot, and committing a write with its history and the
// change event in the same transaction.
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppError } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem, type UserRole, userRoles } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { diffSnapshots, type HistoryAction, recordHistory, type Snapshot } from '../../records/history.ts';
import { linksOf, type RecordRef } from '../../records/record-links.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';
import { type TaskState, taskChanged } from '../../records/task-events.ts';
import { type DelegationState, Task, type TaskPriority, type TaskStatus } from './task.entity.ts';
import type { TaskView } from './tasks.schemas.ts';

/** SQL: the task `t` still asks something of someone. */
export const OPEN_TASK = "t.status not in ('done', 'cancelled')";

/** SQL: the priority order, urgent first; task_priority_idx indexes this very expression. */
export const PRIORITY_ORDER =
  "(case t.priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end)";

export const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string | Date).toISOString();

/**
 * SQL condition: the caller may see the task `t`. A task is someone's when they are its
 * assignee, owner, creator or delegator, when it was handed to a substitute while they are
 * away, or when it is for a team they belong to. A user sees their own tasks, a manager also
 * those of the members of the teams they manage (and the tasks of those teams); admins all.
 */
export async function visibleTask(principal: Principal): Promise<{ sql: string; params: unknown[] }> {
  const visibility = await principal.visibility('task');
  if (visibility.scope === 'all') return { sql: 'true', params: [] };
  const users = pgArray([...visibility.ownerIds]);
  return {
    sql: `(t.assignee_id = any(?::uuid[]) or t.owner_id = any(?::uuid[]) or t.created_by = any(?::uuid[])
        or t.delegated_by = any(?::uuid[]) or t.substituted_for = any(?::uuid[])
        or t.team_id in (select tm.team_id from team_member tm
                          where tm.tenant_id = crm_current_tenant() and tm.user_id = any(?::uuid[])
                         union all
                         select tt.id from team tt where tt.tenant_id = crm_current_tenant() and tt.manager_id = ?::uuid))`,
    params: [users, users, users, users, users, users, principal.userId ?? null],
  };
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
  const [row] = await sqlIn<Record<string, unknown>>(
    em,
    `select t.* from task t
      where t.id = ? and t.tenant_id = crm_current_tenant()
        and t.deleted_at is ${options.trashed ? 'not ' : ''}null and ${visible.sql}`,
    [id, ...visible.params],
  );
  if (!row) throw options.trashed ? problem('not_in_trash', { noSuch: noSuch('task'), id }) : taskNotFound(id);
  return em.map(Task, row);
}

// ---- views --------------------------------------------------------------------------------

/** The columns of a task view, from `task t left join absence a on a.id = t.substitution_absence_id`. */
export const VIEW_SELECT = `select t.*,
       to_char(t.follow_up_on, 'YYYY-MM-DD') as follow_up_day,
       case when t.all_day and t.due_at is not null
            then to_char((t.due_at at time zone t.time_zone)::date, 'YYYY-MM-DD') end as due_day,
       case when a.id is null then null
            when a.returned_at is not null and a.returned_at < a.ends_at then a.returned_at
            else a.ends_at end as substitution_until
  from task t left join absence a on a.id = t.substitution_absence_id`;

export interface TaskRow {
  id: string;
  title: string;
  description: string | null;
  assignee_id: string | null;
  team_id: string | null;
  owner_id: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  due_at: string | null;
  all_day: boolean;
  due_day: string | null;
  time_zone: string;
  follow_up_day: string | null;
  remind_at: string | null;
  remind_before: string | null;
  completed_at: string | null;
  completed_by: string | null;
  rank: string;
  delegation_state: DelegationState | null;
  delegated_by: string | null;
  delegated_at: string | null;
  delegation_note: string | null;
  delegation_reason: string | null;
  substituted_for: string | null;
  substitution_absence_id: string | null;
  substitution_until: string | null;
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
  deleted_at: string | null;
}

interface Prerequisite {
  id: string;
  title: string;
  status: TaskStatus;
}

async function prerequisitesOf(em: EntityManager, taskIds: readonly string[]): Promise<Map<string, Prerequisite[]>> {
  const result = new Map<string, Prerequisite[]>(taskIds.map((id) => [id, []]));
  if (taskIds.length === 0) return result;
  const rows = await sqlIn<Prerequisite & { task_id: string }>(
    em,
    `select d.task_id, p.id, p.title, p.status from task_dependency d join task p on p.id = d.depends_on_id
      where d.tenant_id = crm_current_tenant() and d.task_id = any(?::uuid[]) and p.deleted_at is null
      order by d.created_at, p.id`,
    [pgArray([...taskIds])],
  );
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

/** Views of rows read with VIEW_SELECT: two more queries however many rows. */
export async function viewsOf(em: EntityManager, rows: readonly TaskRow[]): Promise<TaskView[]> {
  const ids = rows.map((row) => row.id);
  const [links, prerequisites] = [await linksOf(em, 'task', ids), await prerequisitesOf(em, ids)];
  return rows.map((row) => viewOf(row, links.get(row.id) ?? [], prerequisites.get(row.id) ?? []));
}

/** Views of tasks by id, in the order given (trashed ones included); no visibility check. */
export async function viewsByIds(em: EntityManager, ids: readonly string[]): Promise<TaskView[]> {
  if (ids.length === 0) return [];
  const rows = await sqlIn<TaskRow>(em, `${VIEW_SELECT} where t.id = any(?::uuid[])`, [pgArray([...ids])]);
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

/** A task row as a set-based update returns it: enough for history and the change event. */
export interface MovedTaskRow {
  id: string;
  title: string;
  team_id: string | null;
  status: TaskStatus;
  due_at: string | null;
  remind_at: string | null;
  before: Snapshot;
  after: Snapshot;
}

/**
 * History and change events of tasks changed by one set-based statement (hand-over to a
 * substitute, giving back): one insert for all history rows, then each task's event.
 */
export async function afterSetBasedChange(
  em: EntityManager,
  changedBy: string | null,
  rows: readonly MovedTaskRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const history = rows.flatMap((row) => {
    const changeId = newId();
    return diffSnapshots(row.before, row.after).map((change) => ({ recordId: row.id, changeId, ...change }));
  });
  if (history.length > 0) {
    await sqlIn(
      em,
      `insert into history (id, tenant_id, record_type, record_id, change_id, action, field, before, after, changed_by)
       select x.id, crm_current_tenant(), 'task', x.record_id, x.change_id, 'update', x.field,
              x.before::jsonb, x.after::jsonb, ?::uuid
         from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[])
           as x(id, record_id, change_id, field, before, after)`,
      [
        changedBy,
        pgArray(history.map(() => newId())),
        pgArray(history.map((entry) => entry.recordId)),
        pgArray(history.map((entry) => entry.changeId)),
        pgArray(history.map((entry) => entry.field)),
        pgArray(history.map((entry) => JSON.stringify(entry.before))),
        pgArray(history.map((entry) => JSON.stringify(entry.after))),
      ],
    );
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
  const [user] = await sqlIn<{ active: boolean }>(
    em,
    'select active from app_user where id = ? and tenant_id = crm_current_tenant()',
    [id],
  );
  if (!user?.active) throw inactiveUser(id, pointer, role, Boolean(user));
}

export function inactiveUser(id: string, pointer: string, role: UserRole, exists: boolean): AppError {
  return problem(exists ? 'user_deactivated' : 'unknown_user', { id, role: userRoles[role] }, { at: { pointer } });
}
