// Task order and dependencies (T3): a task can wait for others (never in a circle), cannot be
// done while it waits, and its assignee hears when the last prerequisite is finished; the
// personal order is a fractional rank, so moving a task renumbers nothing.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type ExpressionBuilder, expressionBuilder, type SqlBool, sql } from 'kysely';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, problem } from '../../http/problems.ts';
import { placeBetween, type RankedList } from '../../records/rank.ts';
import { taskList } from '../../records/ranked-lists.ts';
import { pgArray } from '../../records/search-index.ts';
import { anyUuid, currentTenantId, type Database, db } from '../../records/sql.ts';
import { notify } from '../notifications/outbox.ts';
import type { Task } from './task.entity.ts';
import {
  commitTask,
  findVisibleTask,
  isOpen,
  taskSnapshot,
  taskState,
  viewOfTask,
  visibleTask,
} from './task-access.ts';
import type { TaskView } from './tasks.schemas.ts';

interface TitledTask {
  id: string;
  title: string;
}

const quoted = (tasks: readonly TitledTask[]) => tasks.map((task) => `"${task.title}"`);

// ---- completion -----------------------------------------------------------------------------

/** 409 naming the prerequisites that are neither done nor cancelled, if there are any. */
export async function requireNoOpenPrerequisites(em: EntityManager, task: Task): Promise<void> {
  const open = await db(em)
    .selectFrom('task_dependency as d')
    .innerJoin('task as t', 't.id', 'd.depends_on_id')
    .select(['t.id', 't.title', 't.status'])
    .where('d.tenant_id', '=', currentTenantId)
    .where('d.task_id', '=', task.id)
    .where('t.deleted_at', 'is', null)
    .where((eb) => isOpen(eb.ref('t.status')))
    .orderBy('t.title')
    .orderBy('t.id')
    .execute();
  if (open.length === 0) return;
  throw problem(
    open.length === 1 ? 'open_prerequisite' : 'open_prerequisites',
    { title: task.title, open: quoted(open) },
    {
      extensions: { prerequisites: open },
    },
  );
}

/**
 * Tells the assignee (or else the owner) of every task that waited for `finished` and now waits
 * for nothing open. The key names the finishing write, so each finish notifies once.
 */
export async function notifyUnblocked(em: EntityManager, finished: Task): Promise<void> {
  // The open tasks that waited for this one first (materialized), and only they are checked for other
  // open prerequisites. Left to itself, the planner may start the check from all of the tenant's open
  // tasks when its statistics are fresh (right after an import): a quadratic anti join per finish.
  const waiting = await db(em)
    .with(
      (cte) => cte('candidate').materialized(),
      (qb) =>
        qb
          .selectFrom('task_dependency as d')
          .innerJoin('task as t', 't.id', 'd.task_id')
          .select((eb) => ['t.id', 't.title', eb.fn.coalesce('t.assignee_id', 't.owner_id').as('recipient')])
          .where('d.tenant_id', '=', currentTenantId)
          .where('d.depends_on_id', '=', finished.id)
          .where('t.deleted_at', 'is', null)
          .where((eb) => isOpen(eb.ref('t.status'))),
    )
    .selectFrom('candidate as c')
    .selectAll('c')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('task_dependency as d2')
            .innerJoin('task as p', 'p.id', 'd2.depends_on_id')
            .select(sql<number>`1`.as('one'))
            .whereRef('d2.task_id', '=', 'c.id')
            .where('p.deleted_at', 'is', null)
            .where((eb) => isOpen(eb.ref('p.status'))),
        ),
      ),
    )
    .execute();
  await notify(
    em,
    waiting.flatMap((task) =>
      task.recipient
        ? [
            {
              recipientId: task.recipient,
              kind: 'task.prerequisites_done' as const,
              payload: {
                taskId: task.id,
                title: task.title,
                prerequisiteId: finished.id,
                prerequisiteTitle: finished.title,
                prerequisiteStatus: finished.status,
              },
              idempotencyKey: `task.prerequisites_done:${task.id}:${finished.id}:${finished.version}`,
            },
          ]
        : [],
    ),
  );
}

// ---- dependencies ---------------------------------------------------------------------------

/** Dependency writes of a tenant take turns, so that two of them cannot close a circle between them. */
async function lockDependencies(em: EntityManager): Promise<void> {
  await db(em)
    .selectNoFrom(
      sql`pg_advisory_xact_lock(hashtext('task_dependency'), hashtext(crm_current_tenant()::text))`.as('locked'),
    )
    .execute();
}

/** 422 naming the first of the tasks that is not a task the caller may see outside the trash. */
async function requirePrerequisites(
  em: EntityManager,
  principal: Principal,
  ids: readonly string[],
  pointerOf: (index: number) => string,
): Promise<Map<string, TitledTask>> {
  const visible = await visibleTask(principal);
  const rows = await db(em)
    .selectFrom('task as t')
    .select(['t.id', 't.title'])
    .where('t.id', '=', anyUuid(ids))
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.deleted_at', 'is', null)
    .where(visible)
    .execute();
  const found = new Map(rows.map((row) => [row.id, row]));
  const index = ids.findIndex((id) => !found.has(id));
  if (index >= 0) {
    throw problem('unknown_task', { id: ids[index] ?? '' }, { at: { pointer: pointerOf(index) } });
  }
  return found;
}

/**
 * 422 naming the circle if `task` waited for `prerequisites`: walks from them along existing
 * dependencies (a recursive CTE over distinct edges) and, if the walk reaches the task, follows
 * the edges back to name the tasks in order.
 */
async function refuseCycles(
  em: EntityManager,
  task: Task,
  prerequisites: readonly string[],
  pointerOf: (index: number) => string,
): Promise<void> {
  const self = prerequisites.indexOf(task.id);
  if (self >= 0) throw cycleError([task, task], pointerOf(self));
  if (prerequisites.length === 0) return;
  const reached = await db(em)
    .withRecursive('reach(id, parent)', (qb) =>
      qb
        .selectFrom(sql<{ p: string }>`unnest(${pgArray([...prerequisites])}::uuid[])`.as('p'))
        .select(['p.p as id', sql<string>`${task.id}::uuid`.as('parent')])
        .union((union) =>
          union
            .selectFrom('task_dependency as d')
            .innerJoin('reach as r', 'd.task_id', 'r.id')
            .select(['d.depends_on_id as id', 'd.task_id as parent'])
            .where('r.id', '<>', sql<string>`${task.id}::uuid`)
            .where('d.tenant_id', '=', currentTenantId),
        ),
    )
    .selectFrom('reach as r')
    .innerJoin('task as t', 't.id', 'r.id')
    .select(['r.id', 'r.parent', 't.title'])
    .execute();
  if (!reached.some((row) => row.id === task.id)) return;
  const titles = new Map(reached.map((row) => [row.id, row.title]));
  const parents = new Map<string, string[]>();
  for (const row of reached) parents.set(row.id, [...(parents.get(row.id) ?? []), row.parent]);
  // Back from the task to one of the new prerequisites; the existing graph has no circle, so this ends.
  const back: string[] = [task.id];
  let current = task.id;
  for (let step = 0; step <= reached.length; step += 1) {
    const candidates = parents.get(current) ?? [];
    if (current !== task.id && candidates.includes(task.id)) break;
    const next = candidates.find((candidate) => candidate !== task.id && !back.includes(candidate));
    if (!next) break;
    back.push(next);
    current = next;
  }
  const circle = [task.id, ...back.slice(1).reverse(), task.id].map((id) => ({
    id,
    title: id === task.id ? task.title : (titles.get(id) ?? id),
  }));
  throw cycleError(circle, pointerOf(Math.max(0, prerequisites.indexOf(circle[1]?.id ?? ''))));
}

function cycleError(circle: readonly TitledTask[], pointer: string): AppError {
  const titles = quoted(circle);
  return problem(
    'dependency_cycle',
    { circle: { en: titles.join(' waits for '), de: titles.join(' wartet auf ') } },
    {
      at: { pointer },
      extensions: { cycle: circle.map((task) => ({ id: task.id, title: task.title })) },
    },
  );
}

async function prerequisiteIds(em: EntityManager, taskId: string): Promise<string[]> {
  const rows = await db(em)
    .selectFrom('task_dependency')
    .select('depends_on_id')
    .where('tenant_id', '=', currentTenantId)
    .where('task_id', '=', taskId)
    .orderBy('depends_on_id')
    .execute();
  return rows.map((row) => row.depends_on_id);
}

async function writeDependencies(
  em: EntityManager,
  principal: Principal,
  task: Task,
  before: string[],
  wanted: string[],
): Promise<TaskView> {
  const after = [...new Set(wanted)].sort();
  const removed = before.filter((id) => !after.includes(id));
  const added = after.filter((id) => !before.includes(id));
  if (removed.length === 0 && added.length === 0) return viewOfTask(em, task.id);
  if (removed.length > 0) {
    await db(em)
      .deleteFrom('task_dependency')
      .where('task_id', '=', task.id)
      .where('depends_on_id', '=', anyUuid(removed))
      .execute();
  }
  if (added.length > 0) {
    await db(em)
      .insertInto('task_dependency')
      .values(
        added.map((prerequisiteId) => ({
          tenant_id: currentTenantId,
          task_id: task.id,
          depends_on_id: prerequisiteId,
          created_by: principal.userId ?? null,
        })),
      )
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
  const state = taskState(task);
  // The prerequisites are part of the task: its version moves with them.
  task.updatedAt = new Date();
  task.updatedBy = principal.userId ?? null;
  await commitTask(em, principal, task, {
    action: 'update',
    before: { dependsOn: before },
    after: { dependsOn: after },
    state,
  });
  return viewOfTask(em, task.id);
}

/** Replaces the prerequisites of a task. */
export async function setDependencies(
  em: EntityManager,
  principal: Principal,
  id: string,
  taskIds: readonly string[],
  expectedVersion: number | undefined,
  pointerOf: (index: number) => string = (index) => `#/taskIds/${index}`,
): Promise<TaskView> {
  const task = await findVisibleTask(em, principal, id);
  checkVersion(task, expectedVersion, named('task', task.title));
  await lockDependencies(em);
  const current = await prerequisiteIds(em, task.id);
  const fresh = taskIds.filter((taskId) => !current.includes(taskId));
  const self = taskIds.indexOf(task.id);
  if (self >= 0) throw cycleError([task, task], pointerOf(self));
  await requirePrerequisites(em, principal, fresh, (index) => pointerOf(taskIds.indexOf(fresh[index] as string)));
  await refuseCycles(em, task, fresh, (index) => pointerOf(taskIds.indexOf(fresh[index] as string)));
  return writeDependencies(em, principal, task, current, [...taskIds]);
}

export async function addDependency(
  em: EntityManager,
  principal: Principal,
  id: string,
  dependsOnId: string,
): Promise<TaskView> {
  const task = await findVisibleTask(em, principal, id);
  await lockDependencies(em);
  const current = await prerequisiteIds(em, task.id);
  if (current.includes(dependsOnId)) return viewOfTask(em, task.id);
  if (dependsOnId === task.id) throw cycleError([task, task], '#/taskId');
  await requirePrerequisites(em, principal, [dependsOnId], () => '#/taskId');
  await refuseCycles(em, task, [dependsOnId], () => '#/taskId');
  return writeDependencies(em, principal, task, current, [...current, dependsOnId]);
}

export async function removeDependency(
  em: EntityManager,
  principal: Principal,
  id: string,
  dependsOnId: string,
): Promise<TaskView> {
  const task = await findVisibleTask(em, principal, id);
  await lockDependencies(em);
  const current = await prerequisiteIds(em, task.id);
  if (!current.includes(dependsOnId)) {
    throw problem('dependency_not_found', { title: task.title, id: dependsOnId });
  }
  return writeDependencies(
    em,
    principal,
    task,
    current,
    current.filter((taskId) => taskId !== dependsOnId),
  );
}

// ---- order ----------------------------------------------------------------------------------

/** The list a task is ordered in: its assignee's, else its team's, else its owner's; as a condition on `task`. */
function orderScope(task: { assigneeId?: string | null; teamId?: string | null; ownerId?: string | null }): {
  members: (eb: ExpressionBuilder<Database, 'task'>) => Expression<SqlBool>;
} {
  if (task.assigneeId) {
    const assigneeId = task.assigneeId;
    return {
      members: (eb) => eb('assignee_id', '=', uuid(assigneeId)),
    };
  }
  if (task.teamId) {
    const teamId = task.teamId;
    return {
      members: (eb) => eb.and([eb('team_id', '=', uuid(teamId)), eb('assignee_id', 'is', null)]),
    };
  }
  const ownerId = task.ownerId ?? null;
  return {
    members: (eb) =>
      eb.and([
        eb('owner_id', 'is not distinct from', uuid(ownerId)),
        eb('assignee_id', 'is', null),
        eb('team_id', 'is', null),
      ]),
  };
}

const uuid = (value: string | null) => sql<string>`${value}::uuid`;

/** The tasks of a list in their order, but the one being placed (which may be new). */
function taskOrder(em: EntityManager, scope: ReturnType<typeof orderScope>, exceptId: string | null): RankedList {
  const task = expressionBuilder<Database, 'task'>();
  return taskList(em, task.and([task('deleted_at', 'is', null), scope.members(task)]), exceptId);
}

/** The rank that puts a new task last in its list. */
export async function rankAtEnd(
  em: EntityManager,
  task: { assigneeId?: string | null; teamId?: string | null; ownerId?: string | null },
): Promise<string> {
  const scope = orderScope(task);
  const last = await db(em)
    .selectFrom('task')
    .select('rank')
    .where('tenant_id', '=', currentTenantId)
    .where('deleted_at', 'is', null)
    .where(scope.members)
    .orderBy('rank', 'desc')
    .limit(1)
    .executeTakeFirst();
  return placeBetween(taskOrder(em, scope, null), last?.rank ?? null, null);
}

/** Puts a task just before or after another in the other's list, giving only it a new rank. */
export async function moveTask(
  em: EntityManager,
  principal: Principal,
  id: string,
  target: { beforeId?: string | undefined; afterId?: string | undefined },
): Promise<TaskView> {
  const anchorId = (target.beforeId ?? target.afterId) as string;
  const pointer = target.beforeId ? '#/beforeId' : '#/afterId';
  const task = await findVisibleTask(em, principal, id);
  if (anchorId === task.id) {
    throw problem('move_to_itself', {}, { at: { pointer } });
  }
  const visible = await visibleTask(principal);
  const anchor = await db(em)
    .selectFrom('task as t')
    .select(['t.rank', 't.assignee_id', 't.team_id', 't.owner_id'])
    .where('t.id', '=', anchorId)
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.deleted_at', 'is', null)
    .where(visible)
    .executeTakeFirst();
  if (!anchor) {
    throw problem('unknown_task', { id: anchorId }, { at: { pointer } });
  }
  const scope = orderScope({ assigneeId: anchor.assignee_id, teamId: anchor.team_id, ownerId: anchor.owner_id });
  const before = Boolean(target.beforeId);
  // The nearest rank on the other side of the anchor (ties with it are passed over).
  const neighbour = await db(em)
    .selectFrom('task')
    .select('rank')
    .where('tenant_id', '=', currentTenantId)
    .where('deleted_at', 'is', null)
    .where(scope.members)
    .where('id', '<>', task.id)
    .where('rank', before ? '<' : '>', anchor.rank)
    .orderBy('rank', before ? 'desc' : 'asc')
    .limit(1)
    .executeTakeFirst();
  const list = taskOrder(em, scope, task.id);
  const rank = before
    ? await placeBetween(list, neighbour?.rank ?? null, anchor.rank)
    : await placeBetween(list, anchor.rank, neighbour?.rank ?? null);
  if (rank === task.rank) return viewOfTask(em, task.id);
  const state = taskState(task);
  const snapshot = taskSnapshot(task);
  task.rank = rank;
  task.updatedBy = principal.userId ?? null;
  await commitTask(em, principal, task, { action: 'update', before: snapshot, after: taskSnapshot(task), state });
  return viewOfTask(em, task.id);
}
