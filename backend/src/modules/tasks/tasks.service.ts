// Tasks (T1): create, change, trash, restore, purge, list and history, each write with its
// history and change event in the same transaction; the tasks part of the 360° view.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type AppError, validationFailed } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { compileFilter } from '../../http/filter-sql.ts';
import type { FilterField } from '../../http/filters.ts';
import { cappedTotal, fieldOrder } from '../../http/list-sql.ts';
import { offsetCursor, windowStart } from '../../http/list-window.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { cursorScope, named, problem } from '../../http/problems.ts';
import { type HistoryItem, historyOf, type Snapshot, unchanged } from '../../records/history.ts';
import type { OverviewSection } from '../../records/overview.ts';
import {
  addLinks,
  linkableTypes,
  linksOf,
  type RecordRef,
  requireLinkable,
  setLinks,
} from '../../records/record-links.ts';
import { sqlIn } from '../../records/sql.ts';
import { taskChanged } from '../../records/task-events.ts';
import { Tenant } from '../identity/tenant.entity.ts';
import { notify } from '../notifications/outbox.ts';
import { type Assignment, assignmentFor } from './absences.service.ts';
import { notifyUnblocked, rankAtEnd, requireNoOpenPrerequisites } from './dependencies.service.ts';
import { CLOSED_STATUSES, Task, type TaskPriority } from './task.entity.ts';
import {
  commitTask,
  findVisibleTask,
  iso,
  OPEN_TASK,
  PRIORITY_ORDER,
  requireActiveUser,
  type TaskRow,
  taskNotFound,
  taskSnapshot,
  taskState,
  VIEW_SELECT,
  viewOfTask,
  viewsOf,
  visibleTask,
} from './task-access.ts';
import { durationMs } from './task-time.ts';
import type { CreateTask, TaskListQuery, TaskSort, TaskView, UpdateTask } from './tasks.schemas.ts';

export {
  ABSENCE_HANDOVER_TENANTS_SQL,
  handOverStartedAbsences,
  tenantsWithAbsencesToHandOver,
} from './absences.service.ts';

export const DEFAULT_TIME_ZONE = 'Europe/Berlin';

// ---- rules shared by create and change ----------------------------------------------------

async function requireTeam(em: EntityManager, teamId: string): Promise<void> {
  const rows = await sqlIn(em, 'select 1 from team where id = ? and tenant_id = crm_current_tenant()', [teamId]);
  if (rows.length === 0) {
    throw problem('unknown_team', { id: teamId }, { at: { pointer: '#/teamId' } });
  }
}

/** The midnight that begins `day` in `timeZone`. */
async function startOfDay(em: EntityManager, day: string, timeZone: string): Promise<Date> {
  const [row] = await sqlIn<{ at: string }>(em, 'select (?::date)::timestamp at time zone ? as at', [day, timeZone]);
  return new Date(row?.at as string);
}

/** The calendar day of an instant in a time zone, YYYY-MM-DD. */
function dayIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}

function needsDueDate(pointer: string): AppError {
  return problem('reminder_needs_due_date', {}, { at: { pointer } });
}

function uniqueLinks(links: readonly RecordRef[]): RecordRef[] {
  const seen = new Set<string>();
  return links.filter((link) => {
    const key = `${link.type}:${link.id}`;
    return !seen.has(key) && seen.add(key);
  });
}

const sortedLinks = (links: readonly RecordRef[]) =>
  [...links].sort((a, b) => `${a.type}:${a.id}`.localeCompare(`${b.type}:${b.id}`));

/** Gives the task to whom the assignment names; a pending delegation ends with a new assignee. */
function assign(task: Task, assignment: Assignment | null): void {
  task.assigneeId = assignment?.assigneeId ?? null;
  task.substitutedFor = assignment?.substitution?.forUserId ?? null;
  task.substitutionAbsenceId = assignment?.substitution?.absenceId ?? null;
  if (task.delegationState === 'pending') {
    task.delegationState = null;
    task.delegatedBy = null;
    task.delegatedAt = null;
    task.delegationNote = null;
    task.delegationReason = null;
  }
}

function setStatus(task: Task, principal: Principal, status: Task['status']): void {
  task.status = status;
  task.completedAt = status === 'done' ? new Date() : null;
  task.completedBy = status === 'done' ? (principal.userId ?? null) : null;
}

/** Tells a user that someone else gave them a task (or their substitute, while they are away). */
async function notifyAssignment(em: EntityManager, principal: Principal, task: Task, assignment: Assignment | null) {
  if (!assignment || assignment.assigneeId === principal.userId) return;
  const payload = { taskId: task.id, title: task.title, dueAt: iso(task.dueAt), byUserId: principal.userId ?? null };
  await notify(
    em,
    assignment.substitution
      ? {
          recipientId: assignment.assigneeId,
          kind: 'task.substituted',
          payload: { ...payload, forUserId: assignment.substitution.forUserId, until: assignment.substitution.until },
          idempotencyKey: `task.substituted:${task.id}:${assignment.substitution.absenceId}:${assignment.assigneeId}`,
        }
      : {
          recipientId: assignment.assigneeId,
          kind: 'task.assigned',
          payload,
          idempotencyKey: `task.assigned:${task.id}:${assignment.assigneeId}:${task.version}`,
        },
  );
}

// ---- create and change --------------------------------------------------------------------

export async function createTask(em: EntityManager, principal: Principal, input: CreateTask): Promise<TaskView> {
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  if (input.ownerId) await requireActiveUser(em, input.ownerId, '#/ownerId', 'owner');
  if (input.teamId) await requireTeam(em, input.teamId);
  // Without assignee and team, the task is the creator's own.
  const wanted = input.assigneeId !== undefined ? input.assigneeId : input.teamId ? null : (principal.userId ?? null);
  const assignment = wanted ? await assignmentFor(em, wanted, '#/assigneeId') : null;
  const links = uniqueLinks(input.links ?? []);
  await requireLinkable(em, links);
  const dueAt = input.dueOn ? await startOfDay(em, input.dueOn, timeZone) : input.dueAt ? new Date(input.dueAt) : null;
  if (input.remindBefore && !dueAt) throw needsDueDate('#/remindBefore');
  const remindAt = input.remindBefore
    ? new Date((dueAt as Date).getTime() - (durationMs(input.remindBefore) as number))
    : input.remindAt
      ? new Date(input.remindAt)
      : null;
  const ownerId = input.ownerId !== undefined ? input.ownerId : (principal.userId ?? null);
  const teamId = input.teamId ?? null;
  const status = input.status ?? 'open';
  const task = em.create(Task, {
    tenant: em.getReference(Tenant, principal.tenantId),
    title: input.title,
    description: input.description ?? null,
    assigneeId: assignment?.assigneeId ?? null,
    teamId,
    ownerId,
    status,
    priority: input.priority ?? 'normal',
    dueAt,
    allDay: Boolean(input.dueOn),
    timeZone,
    followUpOn: input.followUpOn ?? null,
    remindAt,
    remindBefore: input.remindBefore ?? null,
    completedAt: status === 'done' ? new Date() : null,
    completedBy: status === 'done' ? (principal.userId ?? null) : null,
    rank: await rankAtEnd(em, { assigneeId: assignment?.assigneeId ?? null, teamId, ownerId }),
    delegationState: null,
    substitutedFor: assignment?.substitution?.forUserId ?? null,
    substitutionAbsenceId: assignment?.substitution?.absenceId ?? null,
    createdBy: principal.userId ?? null,
    updatedBy: principal.userId ?? null,
  });
  await addLinks(em, { type: 'task', id: task.id }, links);
  await commitTask(em, principal, task, {
    action: 'create',
    before: undefined,
    after: { ...taskSnapshot(task), links: sortedLinks(links) },
    state: null,
  });
  await notifyAssignment(em, principal, task, assignment);
  return viewOfTask(em, task.id);
}

export async function updateTask(
  em: EntityManager,
  principal: Principal,
  id: string,
  patch: UpdateTask,
  expectedVersion: number | undefined,
): Promise<TaskView> {
  const task = await findVisibleTask(em, principal, id);
  checkVersion(task, expectedVersion, named('task', task.title));
  const state = taskState(task);
  const before: Snapshot = taskSnapshot(task);
  const wasClosed = CLOSED_STATUSES.includes(task.status);
  if (patch.ownerId) await requireActiveUser(em, patch.ownerId, '#/ownerId', 'owner');
  if (patch.teamId) await requireTeam(em, patch.teamId);

  // Whom it is for: a user (maybe through their substitute) or a team, never both.
  let assignment: Assignment | null = null;
  if (patch.assigneeId !== undefined) {
    const meantFor = task.substitutedFor ?? task.assigneeId ?? null;
    if (patch.assigneeId === null) {
      if (task.assigneeId) assign(task, null);
    } else if (patch.assigneeId !== meantFor) {
      assignment = await assignmentFor(em, patch.assigneeId, '#/assigneeId');
      assign(task, assignment);
      task.teamId = null;
    }
  }
  if (patch.teamId !== undefined) {
    if (patch.teamId === null) task.teamId = null;
    else if (patch.teamId !== task.teamId || task.assigneeId) {
      task.teamId = patch.teamId;
      if (task.assigneeId) assign(task, null);
    }
  }

  // When: a time, or a whole day in the task's time zone (which keeps its day when the zone changes).
  const timeZone = patch.timeZone ?? task.timeZone;
  if (patch.dueAt !== undefined) {
    task.dueAt = patch.dueAt ? new Date(patch.dueAt) : null;
    task.allDay = false;
  } else if (patch.dueOn !== undefined) {
    task.dueAt = patch.dueOn ? await startOfDay(em, patch.dueOn, timeZone) : null;
    task.allDay = Boolean(patch.dueOn);
  } else if (timeZone !== task.timeZone && task.allDay && task.dueAt) {
    task.dueAt = await startOfDay(em, dayIn(task.dueAt, task.timeZone), timeZone);
  }
  task.timeZone = timeZone;

  // The reminder: a time of its own, or an offset that follows the due date.
  if (patch.remindAt !== undefined) {
    task.remindAt = patch.remindAt ? new Date(patch.remindAt) : null;
    task.remindBefore = null;
  } else if (patch.remindBefore !== undefined) {
    task.remindBefore = patch.remindBefore;
    if (patch.remindBefore === null) task.remindAt = null;
    else if (!task.dueAt) throw needsDueDate('#/remindBefore');
  }
  if (task.remindBefore) {
    task.remindAt = task.dueAt ? new Date(task.dueAt.getTime() - (durationMs(task.remindBefore) as number)) : null;
  }

  if (patch.status !== undefined && patch.status !== task.status) {
    if (patch.status === 'done') await requireNoOpenPrerequisites(em, task);
    setStatus(task, principal, patch.status);
  }
  if (patch.title !== undefined) task.title = patch.title;
  if (patch.description !== undefined) task.description = patch.description;
  if (patch.priority !== undefined) task.priority = patch.priority;
  if (patch.ownerId !== undefined) task.ownerId = patch.ownerId;
  if (patch.followUpOn !== undefined) task.followUpOn = patch.followUpOn;

  const after: Snapshot = taskSnapshot(task);
  if (patch.links !== undefined) {
    const links = uniqueLinks(patch.links);
    await requireLinkable(em, links);
    before.links = sortedLinks((await linksOf(em, 'task', [task.id])).get(task.id) ?? []);
    after.links = sortedLinks(links);
    if (!unchanged({ links: before.links }, { links: after.links })) await setLinks(em, { type: 'task', id }, links);
  }
  if (unchanged(before, after)) return viewOfTask(em, task.id);
  task.updatedAt = new Date();
  task.updatedBy = principal.userId ?? null;
  await commitTask(em, principal, task, { action: 'update', before, after, state });
  if (assignment && before.assigneeId !== task.assigneeId) await notifyAssignment(em, principal, task, assignment);
  if (!wasClosed && CLOSED_STATUSES.includes(task.status)) await notifyUnblocked(em, task);
  return viewOfTask(em, task.id);
}

// ---- trash ----------------------------------------------------------------------------------

export async function trashTask(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const task = await findVisibleTask(em, principal, id);
  checkVersion(task, expectedVersion, named('task', task.title));
  const state = taskState(task);
  const before = taskSnapshot(task);
  task.deletedAt = new Date();
  task.deletedBy = principal.userId ?? null;
  await commitTask(em, principal, task, { action: 'delete', before, after: undefined, state });
}

export async function restoreTask(em: EntityManager, principal: Principal, id: string): Promise<TaskView> {
  const task = await findVisibleTask(em, principal, id, { trashed: true });
  const state = taskState(task);
  task.deletedAt = null;
  task.deletedBy = null;
  await commitTask(em, principal, task, { action: 'restore', before: undefined, after: taskSnapshot(task), state });
  return viewOfTask(em, task.id);
}

/** Deletes a trashed task for good, with its links and dependencies (admins only). */
export async function purgeTask(em: EntityManager, principal: Principal, id: string): Promise<void> {
  if (!principal.roles.has('admin')) throw problem('admin_empties_trash', { things: { en: 'tasks', de: 'Aufgaben' } });
  const task = await findVisibleTask(em, principal, id, { trashed: true });
  const state = taskState(task);
  await sqlIn(em, "delete from record_link where item_type = 'task' and item_id = ?", [task.id]);
  em.remove(task);
  await em.flush();
  await taskChanged(em, { before: state, after: null });
}

export async function listTrashedTasks(
  em: EntityManager,
  principal: Principal,
  options: { limit: number; cursor?: string | undefined },
): Promise<{
  items: { id: string; title: string; deletedAt: string; deletedBy: string | null }[];
  nextCursor: string | null;
}> {
  const after = checkedCursor(options.cursor, [TIMESTAMP_KEY, UUID_KEY]);
  const visible = await visibleTask(principal);
  const rows = await sqlIn<{ id: string; title: string; deleted_at: string; deleted_by: string | null }>(
    em,
    `select t.id, t.title, t.deleted_at, t.deleted_by from task t
      where t.tenant_id = crm_current_tenant() and t.deleted_at is not null and ${visible.sql}
        ${after ? 'and (t.deleted_at, t.id) < (?::timestamptz, ?::uuid)' : ''}
      order by t.deleted_at desc, t.id desc limit ?`,
    [...visible.params, ...(after ?? []), options.limit + 1],
  );
  const hasMore = rows.length > options.limit;
  const shown = hasMore ? rows.slice(0, options.limit) : rows;
  const last = shown.at(-1);
  return {
    items: shown.map((row) => ({
      id: row.id,
      title: row.title,
      deletedAt: iso(row.deleted_at) as string,
      deletedBy: row.deleted_by,
    })),
    nextCursor: hasMore && last ? encodeCursor([iso(last.deleted_at), last.id]) : null,
  };
}

// ---- reading --------------------------------------------------------------------------------

export async function getTask(em: EntityManager, principal: Principal, id: string): Promise<TaskView> {
  const task = await findVisibleTask(em, principal, id);
  return viewOfTask(em, task.id);
}

/** Every change of a task the caller may see (in the trash too), newest first. */
export async function taskHistory(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
  const visible = await visibleTask(principal);
  const found = await sqlIn(
    em,
    `select 1 from task t where t.id = ? and t.tenant_id = crm_current_tenant() and ${visible.sql}`,
    [id, ...visible.params],
  );
  if (found.length === 0) throw taskNotFound(id);
  const before = checkedCursor(options.cursor, [TIMESTAMP_KEY, UUID_KEY]) as [string, string] | undefined;
  const items = await historyOf(em, 'task', id, { limit: options.limit + 1, before });
  const hasMore = items.length > options.limit;
  const shown = hasMore ? items.slice(0, options.limit) : items;
  const last = shown.at(-1);
  return { items: shown, nextCursor: hasMore && last ? encodeCursor([last.changedAt, last.id]) : null };
}

export const TASK_FILTER_FIELDS: Record<string, FilterField> = {
  title: { sql: 't.title', type: 'text' },
  description: { sql: 't.description', type: 'text' },
  status: { sql: 't.status', type: 'text' },
  priority: { sql: 't.priority', type: 'text' },
  assigneeId: { sql: 't.assignee_id', type: 'uuid' },
  teamId: { sql: 't.team_id', type: 'uuid' },
  ownerId: { sql: 't.owner_id', type: 'uuid' },
  createdBy: { sql: 't.created_by', type: 'uuid' },
  delegatedBy: { sql: 't.delegated_by', type: 'uuid' },
  delegationState: { sql: 't.delegation_state', type: 'text' },
  dueAt: { sql: 't.due_at', type: 'datetime' },
  allDay: { sql: 't.all_day', type: 'boolean' },
  followUpOn: { sql: 't.follow_up_on', type: 'date' },
  remindAt: { sql: 't.remind_at', type: 'datetime' },
  completedAt: { sql: 't.completed_at', type: 'datetime' },
  createdAt: { sql: 't.created_at', type: 'datetime' },
  updatedAt: { sql: 't.updated_at', type: 'datetime' },
};

/** One key of a list order, and how its value is checked when it comes back in a cursor. */
interface SortKey {
  sql: string;
  desc: boolean;
  nullable: boolean;
  cast: string;
  valid: (value: unknown) => boolean;
  of: (row: TaskRow) => unknown;
}

const isUuid = (value: unknown) => typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value);
const isTimestamp = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const UUID_KEY = { valid: isUuid };
const TIMESTAMP_KEY = { valid: isTimestamp };

const PRIORITY_RANK: Record<TaskPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

const key = (sql: string, cast: string, of: SortKey['of'], options: Partial<SortKey> = {}): SortKey => ({
  sql,
  cast,
  of,
  desc: false,
  nullable: false,
  valid: cast === 'uuid' ? isUuid : cast === 'timestamptz' ? isTimestamp : (value) => typeof value === 'string',
  ...options,
});
const idAsc = key('t.id', 'uuid', (row) => row.id);
const idDesc = { ...idAsc, desc: true };
const dueAsc = key('t.due_at', 'timestamptz', (row) => iso(row.due_at), {
  nullable: true,
  valid: (value) => value === null || isTimestamp(value),
});

const SORT_KEYS: Record<TaskSort, SortKey[]> = {
  dueAt: [dueAsc, idAsc],
  '-dueAt': [{ ...dueAsc, desc: true }, idDesc],
  priority: [
    key(PRIORITY_ORDER, 'int', (row) => PRIORITY_RANK[row.priority], {
      valid: (value) => Number.isInteger(value),
    }),
    dueAsc,
    idAsc,
  ],
  '-updatedAt': [key('t.updated_at', 'timestamptz', (row) => iso(row.updated_at), { desc: true }), idDesc],
  rank: [key('t.rank', 'text', (row) => row.rank), idAsc],
};

/** The cursor's values, each checked against its key (400 for a cursor not made by this list). */
function checkedCursor(cursor: string | undefined, keys: readonly { valid: (value: unknown) => boolean }[]) {
  const values = decodeCursor(cursor, keys.length);
  if (values && !keys.every((sortKey, index) => sortKey.valid(values[index]))) {
    throw problem('invalid_cursor', { list: cursorScope.listAndOrder }, { at: { in: 'query', pointer: '#/cursor' } });
  }
  return values;
}

/** SQL: the row comes after the cursor in the order of the keys (nulls last). */
function afterCursor(keys: readonly SortKey[], values: readonly unknown[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const branches: string[] = [];
  keys.forEach((sortKey, index) => {
    const value = values[index];
    // Past a null there is nothing more in this key: nulls come last.
    if (value === null) return;
    const parts: string[] = [];
    keys.slice(0, index).forEach((earlier, earlierIndex) => {
      const earlierValue = values[earlierIndex];
      if (earlierValue === null) parts.push(`${earlier.sql} is null`);
      else {
        parts.push(`${earlier.sql} = ?::${earlier.cast}`);
        params.push(earlierValue);
      }
    });
    const beyond = `${sortKey.sql} ${sortKey.desc ? '<' : '>'} ?::${sortKey.cast}`;
    params.push(value);
    parts.push(sortKey.nullable ? `(${beyond} or ${sortKey.sql} is null)` : beyond);
    branches.push(`(${parts.join(' and ')})`);
  });
  return { sql: branches.length > 0 ? `(${branches.join(' or ')})` : 'false', params };
}

/** A page of the tasks the caller may see: filter tree, linked record, order, keyset cursor; one query plus two. */
export async function listTasks(
  em: EntityManager,
  principal: Principal,
  options: TaskListQuery,
): Promise<{ items: TaskView[]; nextCursor: string | null; total?: number; totalCapped?: boolean }> {
  const keys = options.sort in SORT_KEYS ? SORT_KEYS[options.sort as TaskSort] : undefined;
  const visible = await visibleTask(principal);
  const where = ['t.tenant_id = crm_current_tenant()', 't.deleted_at is null', visible.sql];
  const params: unknown[] = [...visible.params];
  if (options.filter) {
    const compiled = compileFilter(options.filter, {
      fields: TASK_FILTER_FIELDS,
      customFields: [],
      customFieldsColumn: "'{}'::jsonb",
      recordType: 'task',
      idColumn: 't.id',
    });
    where.push(compiled.sql);
    params.push(...compiled.params);
  }
  if (options.record) {
    if (!linkableTypes().includes(options.record.type)) {
      throw validationFailed([
        { in: 'query', pointer: '#/record', detail: `tasks are linked to ${linkableTypes().join(', ')}` },
      ]);
    }
    where.push(`t.id in (select l.item_id from record_link l where l.tenant_id = crm_current_tenant()
      and l.record_type = ? and l.record_id = ?::uuid and l.item_type = 'task')`);
    params.push(options.record.type, options.record.id);
  }
  const total = options.count
    ? await cappedTotal(em, { sql: `${VIEW_SELECT} where ${where.join(' and ')}`, params: [...params] })
    : {};
  const after = keys && options.offset === undefined ? checkedCursor(options.cursor, keys) : undefined;
  if (keys && after) {
    const condition = afterCursor(keys, after);
    where.push(condition.sql);
    params.push(...condition.params);
  }
  const order = keys
    ? keys
        .map((sortKey) => `${sortKey.sql} ${sortKey.desc ? 'desc' : 'asc'}${sortKey.nullable ? ' nulls last' : ''}`)
        .join(', ')
    : fieldOrder(options.sort, { fields: TASK_FILTER_FIELDS, idColumn: 't.id' });
  const skip = keys ? (options.offset ?? 0) : windowStart(options);
  const rows = await sqlIn<TaskRow>(
    em,
    `${VIEW_SELECT} where ${where.join(' and ')} order by ${order} limit ? offset ?`,
    [...params, options.limit + 1, skip],
  );
  const hasMore = rows.length > options.limit;
  const shown = hasMore ? rows.slice(0, options.limit) : rows;
  const last = shown.at(-1);
  return {
    items: await viewsOf(em, shown),
    nextCursor:
      hasMore && last
        ? keys
          ? encodeCursor(keys.map((sortKey) => sortKey.of(last)))
          : offsetCursor(skip + shown.length)
        : null,
    ...total,
  };
}

// ---- the 360° view --------------------------------------------------------------------------

// The record's tasks the viewer may see: how many are open, and the newest few, in one query.
export const tasksOverview: OverviewSection = async (em, principal, record) => {
  const visible = await visibleTask(principal);
  const rows = await sqlIn<{
    id: string;
    title: string;
    status: Task['status'];
    priority: TaskPriority;
    due_at: string | null;
    all_day: boolean;
    assignee_id: string | null;
    team_id: string | null;
    open_count: number;
  }>(
    em,
    `select t.id, t.title, t.status, t.priority, t.due_at, t.all_day, t.assignee_id, t.team_id,
            (count(*) filter (where ${OPEN_TASK}) over ())::int as open_count
       from task t
      where t.tenant_id = crm_current_tenant() and t.deleted_at is null and ${visible.sql}
        and t.id in (select l.item_id from record_link l where l.tenant_id = crm_current_tenant()
                      and l.record_type = ? and l.record_id = ? and l.item_type = 'task')
      order by t.id desc limit 5`,
    [...visible.params, record.type, record.id],
  );
  return {
    open: rows[0]?.open_count ?? 0,
    newest: rows.map((row) => ({
      id: row.id,
      title: row.title,
      status: row.status,
      priority: row.priority,
      dueAt: iso(row.due_at),
      allDay: row.all_day,
      assigneeId: row.assignee_id,
      teamId: row.team_id,
    })),
  };
};
