// Tasks (T1): create, change, trash, restore, purge, list and history, each write with its
// history and change event in the same transaction; the tasks part of the 360° view.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import { type AppError, validationFailed } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { filterCondition } from '../../http/filter-sql.ts';
import type { FilterField } from '../../http/filters.ts';
import { cappedTotal, fieldSort } from '../../http/list-sql.ts';
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
import { currentTenantId, type Database, db } from '../../records/sql.ts';
import { taskChanged } from '../../records/task-events.ts';
import { Tenant } from '../identity/tenant.entity.ts';
import { notify } from '../notifications/outbox.ts';
import { dayIn } from '../timeline/time-zones.ts';
import { type Assignment, assignmentFor } from './absences.service.ts';
import { notifyUnblocked, rankAtEnd, requireNoOpenPrerequisites } from './dependencies.service.ts';
import { CLOSED_STATUSES, Task, type TaskPriority } from './task.entity.ts';
import {
  commitTask,
  findVisibleTask,
  isOpen,
  iso,
  priorityOrder,
  requireActiveUser,
  selectTaskViews,
  type TaskExpressions,
  type TaskRow,
  taskNotFound,
  taskSnapshot,
  taskState,
  viewOfTask,
  viewsOf,
  visibleTask,
} from './task-access.ts';
import { durationMs } from './task-time.ts';
import type { CreateTask, TaskListQuery, TaskSort, TaskView, UpdateTask } from './tasks.schemas.ts';

export {
  handOverStartedAbsences,
  tenantsWithAbsencesToHandOver,
} from './absences.service.ts';

export const DEFAULT_TIME_ZONE = 'Europe/Berlin';

// ---- rules shared by create and change ----------------------------------------------------

async function requireTeam(em: EntityManager, teamId: string): Promise<void> {
  const team = await db(em)
    .selectFrom('team')
    .select('id')
    .where('id', '=', teamId)
    .where('tenant_id', '=', currentTenantId)
    .executeTakeFirst();
  if (!team) {
    throw problem('unknown_team', { id: teamId }, { at: { pointer: '#/teamId' } });
  }
}

/** The midnight that begins `day` in `timeZone`. */
async function startOfDay(em: EntityManager, day: string, timeZone: string): Promise<Date> {
  const row = await db(em)
    .selectNoFrom(sql<Date | string>`(${day}::date)::timestamp at time zone ${timeZone}`.as('at'))
    .executeTakeFirstOrThrow();
  return new Date(row.at);
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
  await db(em).deleteFrom('record_link').where('item_type', '=', 'task').where('item_id', '=', task.id).execute();
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
  const rows = await db(em)
    .selectFrom('task as t')
    .select(['t.id', 't.title', 't.deleted_at', 't.deleted_by'])
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.deleted_at', 'is not', null)
    .where(visible)
    .$if(after !== undefined, (query) =>
      query.where((eb) =>
        eb(
          eb.refTuple('t.deleted_at', 't.id'),
          '<',
          eb.tuple(sql<Date>`${after?.[0]}::timestamptz`, sql<string>`${after?.[1]}::uuid`),
        ),
      ),
    )
    .orderBy('t.deleted_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(options.limit + 1)
    .execute();
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
  const found = await db(em)
    .selectFrom('task as t')
    .select('t.id')
    .where('t.id', '=', id)
    .where('t.tenant_id', '=', currentTenantId)
    .where(visible)
    .executeTakeFirst();
  if (!found) throw taskNotFound(id);
  const before = checkedCursor(options.cursor, [TIMESTAMP_KEY, UUID_KEY]) as [string, string] | undefined;
  const items = await historyOf(em, 'task', id, { limit: options.limit + 1, before });
  const hasMore = items.length > options.limit;
  const shown = hasMore ? items.slice(0, options.limit) : items;
  const last = shown.at(-1);
  return { items: shown, nextCursor: hasMore && last ? encodeCursor([last.changedAt, last.id]) : null };
}

// The list reads tasks under the alias t; field references are checked against the table.
const listed = expressionBuilder<{ t: Database['task'] }, 't'>();

export const TASK_FILTER_FIELDS: Record<string, FilterField> = {
  title: { sql: listed.ref('t.title'), type: 'text' },
  description: { sql: listed.ref('t.description'), type: 'text' },
  status: { sql: listed.ref('t.status'), type: 'text' },
  priority: { sql: listed.ref('t.priority'), type: 'text' },
  assigneeId: { sql: listed.ref('t.assignee_id'), type: 'uuid' },
  teamId: { sql: listed.ref('t.team_id'), type: 'uuid' },
  ownerId: { sql: listed.ref('t.owner_id'), type: 'uuid' },
  createdBy: { sql: listed.ref('t.created_by'), type: 'uuid' },
  delegatedBy: { sql: listed.ref('t.delegated_by'), type: 'uuid' },
  delegationState: { sql: listed.ref('t.delegation_state'), type: 'text' },
  dueAt: { sql: listed.ref('t.due_at'), type: 'datetime' },
  allDay: { sql: listed.ref('t.all_day'), type: 'boolean' },
  followUpOn: { sql: listed.ref('t.follow_up_on'), type: 'date' },
  remindAt: { sql: listed.ref('t.remind_at'), type: 'datetime' },
  completedAt: { sql: listed.ref('t.completed_at'), type: 'datetime' },
  createdAt: { sql: listed.ref('t.created_at'), type: 'datetime' },
  updatedAt: { sql: listed.ref('t.updated_at'), type: 'datetime' },
};

type SortValue = string | number | Date | null;

/** One key of a list order, and how its value is checked when it comes back in a cursor. */
interface SortKey {
  expression: (eb: TaskExpressions) => Expression<SortValue>;
  desc: boolean;
  nullable: boolean;
  cast: SortCast;
  valid: (value: unknown) => boolean;
  of: (row: TaskRow) => unknown;
}

const isUuid = (value: unknown) => typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value);
const isTimestamp = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const UUID_KEY = { valid: isUuid };
const TIMESTAMP_KEY = { valid: isTimestamp };

const PRIORITY_RANK: Record<TaskPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

const key = (
  expression: SortKey['expression'],
  cast: SortCast,
  of: SortKey['of'],
  options: Partial<SortKey> = {},
): SortKey => ({
  expression,
  cast,
  of,
  desc: false,
  nullable: false,
  valid: cast === 'uuid' ? isUuid : cast === 'timestamptz' ? isTimestamp : (value) => typeof value === 'string',
  ...options,
});
const idAsc = key(
  (eb) => eb.ref('t.id'),
  'uuid',
  (row) => row.id,
);
const idDesc = { ...idAsc, desc: true };
const dueAsc = key(
  (eb) => eb.ref('t.due_at'),
  'timestamptz',
  (row) => iso(row.due_at),
  {
    nullable: true,
    valid: (value) => value === null || isTimestamp(value),
  },
);

const SORT_KEYS: Record<TaskSort, SortKey[]> = {
  dueAt: [dueAsc, idAsc],
  '-dueAt': [{ ...dueAsc, desc: true }, idDesc],
  priority: [
    key(priorityOrder, 'int', (row) => PRIORITY_RANK[row.priority], {
      valid: (value) => Number.isInteger(value),
    }),
    dueAsc,
    idAsc,
  ],
  '-updatedAt': [
    key(
      (eb) => eb.ref('t.updated_at'),
      'timestamptz',
      (row) => iso(row.updated_at),
      { desc: true },
    ),
    idDesc,
  ],
  rank: [
    key(
      (eb) => eb.ref('t.rank'),
      'text',
      (row) => row.rank,
    ),
    idAsc,
  ],
};

/** The cursor's values, each checked against its key (400 for a cursor not made by this list). */
function checkedCursor(cursor: string | undefined, keys: readonly { valid: (value: unknown) => boolean }[]) {
  const values = decodeCursor(cursor, keys.length);
  if (values && !keys.every((sortKey, index) => sortKey.valid(values[index]))) {
    throw problem('invalid_cursor', { list: cursorScope.listAndOrder }, { at: { in: 'query', pointer: '#/cursor' } });
  }
  return values;
}

/** The types a sort key's cursor value is cast to, as SQL. */
const SORT_CASTS = { uuid: sql`uuid`, timestamptz: sql`timestamptz`, int: sql`int`, text: sql`text` } as const;
type SortCast = keyof typeof SORT_CASTS;

/** A cursor's value as the type of its key. */
const cast = (value: unknown, type: SortCast) => sql<SortValue>`cast(${value} as ${SORT_CASTS[type]})`;

/** The row comes after the cursor in the order of the keys (nulls last). */
function afterCursor(keys: readonly SortKey[], values: readonly unknown[]) {
  return (eb: TaskExpressions): Expression<SqlBool> => {
    const branches: Expression<SqlBool>[] = [];
    keys.forEach((sortKey, index) => {
      const value = values[index];
      // Past a null there is nothing more in this key: nulls come last.
      if (value === null) return;
      const parts = keys.slice(0, index).map((earlier, earlierIndex) => {
        const earlierValue = values[earlierIndex];
        return earlierValue === null
          ? eb(earlier.expression(eb), 'is', null)
          : eb(earlier.expression(eb), '=', cast(earlierValue, earlier.cast));
      });
      const beyond = eb(sortKey.expression(eb), sortKey.desc ? '<' : '>', cast(value, sortKey.cast));
      parts.push(sortKey.nullable ? eb.or([beyond, eb(sortKey.expression(eb), 'is', null)]) : beyond);
      branches.push(eb.and(parts));
    });
    return branches.length > 0 ? eb.or(branches) : eb.lit(false);
  };
}

/** The task `t` is linked to the record. */
const linkedTo = (record: { type: string; id: string }) => (eb: TaskExpressions) =>
  eb(
    't.id',
    'in',
    eb
      .selectFrom('record_link as l')
      .select('l.item_id')
      .where('l.tenant_id', '=', currentTenantId)
      .where('l.record_type', '=', record.type)
      .where('l.record_id', '=', sql<string>`${record.id}::uuid`)
      .where('l.item_type', '=', 'task'),
  );

/** A page of the tasks the caller may see: filter tree, linked record, order, keyset cursor; one query plus two. */
export async function listTasks(
  em: EntityManager,
  principal: Principal,
  options: TaskListQuery,
): Promise<{ items: TaskView[]; nextCursor: string | null; total?: number; totalCapped?: boolean }> {
  const keys = options.sort in SORT_KEYS ? SORT_KEYS[options.sort as TaskSort] : undefined;
  const visible = await visibleTask(principal);
  let matching = selectTaskViews(em)
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.deleted_at', 'is', null)
    .where(visible);
  if (options.filter) {
    matching = matching.where(
      filterCondition(options.filter, {
        fields: TASK_FILTER_FIELDS,
        customFields: [],
        customFieldsColumn: sql`'{}'::jsonb`,
        recordType: 'task',
        idColumn: listed.ref('t.id'),
      }),
    );
  }
  if (options.record) {
    if (!linkableTypes().includes(options.record.type)) {
      throw validationFailed([
        { in: 'query', pointer: '#/record', detail: `tasks are linked to ${linkableTypes().join(', ')}` },
      ]);
    }
    matching = matching.where(linkedTo(options.record));
  }
  const total = options.count ? await cappedTotal(em, matching) : {};
  const after = keys && options.offset === undefined ? checkedCursor(options.cursor, keys) : undefined;
  if (keys && after) matching = matching.where(afterCursor(keys, after));
  const ordered = keys
    ? keys.reduce(
        (query, sortKey) =>
          query.orderBy(sortKey.expression, (order) => {
            const directed = sortKey.desc ? order.desc() : order.asc();
            return sortKey.nullable ? directed.nullsLast() : directed;
          }),
        matching,
      )
    : matching.orderBy(sql.join(fieldSort(options.sort, { fields: TASK_FILTER_FIELDS, idColumn: listed.ref('t.id') })));
  const skip = keys ? (options.offset ?? 0) : windowStart(options);
  const rows = await ordered
    .limit(options.limit + 1)
    .offset(skip)
    .execute();
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
  const rows = await db(em)
    .selectFrom('task as t')
    .select((eb) => [
      't.id',
      't.title',
      't.status',
      't.priority',
      't.due_at',
      't.all_day',
      't.assignee_id',
      't.team_id',
      sql<number>`(count(*) filter (where ${isOpen(eb.ref('t.status'))}) over ())::int`.as('open_count'),
    ])
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.deleted_at', 'is', null)
    .where(visible)
    .where(linkedTo(record))
    .orderBy('t.id', 'desc')
    .limit(5)
    .execute();
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
