import type { RouterContext } from '@koa/router';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { PageQuerySchema } from '../../http/pagination.ts';
import { emOf, principalOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { acceptDelegation, declineDelegation, delegateTask } from './delegation.service.ts';
import { addDependency, moveTask, removeDependency, setDependencies } from './dependencies.service.ts';
import { myTasks } from './my-tasks.service.ts';
import {
  AddDependencySchema,
  CreateTaskSchema,
  DeclineSchema,
  DelegateSchema,
  DependencyParams,
  MoveSchema,
  MyTasksQuerySchema,
  MyTasksSchema,
  SetDependenciesSchema,
  TaskHistoryPageSchema,
  TaskIdParams,
  TaskListQuerySchema,
  TasksPageSchema,
  type TaskView,
  TaskViewSchema,
  TrashedTasksPageSchema,
  UpdateTaskSchema,
} from './tasks.schemas.ts';
import {
  createTask,
  DEFAULT_TIME_ZONE,
  getTask,
  listTasks,
  listTrashedTasks,
  purgeTask,
  restoreTask,
  taskHistory,
  trashTask,
  updateTask,
} from './tasks.service.ts';

const problem = (description: string) => ({ description });
const notFound = problem('No such task that you may see in your organisation');
const stale = problem('Changed meanwhile (stale If-Match)');

const answer = (ctx: RouterContext, task: TaskView, status = 200) => {
  ctx.status = status;
  if (status === 201) ctx.set('Location', `/api/v1/tasks/${task.id}`);
  setVersionTag(ctx, task.version);
  ctx.body = task;
};

export function tasksRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/tasks',
      operationId: 'listTasks',
      summary: 'Tasks you may see: filter tree, linked record, order by due date, priority, change or your order',
      tags: ['Tasks'],
      query: TaskListQuerySchema,
      responses: { 200: jsonResponse(TasksPageSchema, 'A page of tasks') },
      async handler(ctx, { query }) {
        ctx.body = await listTasks(emOf(ctx), principalOf(ctx), query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tasks',
      operationId: 'createTask',
      summary: 'Create a task, for you unless assigneeId or teamId say otherwise, on any records or none',
      tags: ['Tasks'],
      body: CreateTaskSchema,
      responses: {
        201: jsonResponse(TaskViewSchema, 'The new task'),
        422: problem('Assignee, team, owner or linked record unknown, deactivated or of another organisation'),
      },
      async handler(ctx, { body }) {
        answer(ctx, await createTask(emOf(ctx), principalOf(ctx), body), 201);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/tasks/{id}',
      operationId: 'getTask',
      summary: 'One task',
      tags: ['Tasks'],
      params: TaskIdParams,
      responses: { 200: jsonResponse(TaskViewSchema, 'The task'), 404: notFound },
      async handler(ctx, { params }) {
        answer(ctx, await getTask(emOf(ctx), principalOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/tasks/{id}',
      operationId: 'updateTask',
      summary: 'Change a task (fields sent replace, null clears); If-Match with its ETag',
      tags: ['Tasks'],
      params: TaskIdParams,
      body: UpdateTaskSchema,
      responses: {
        200: jsonResponse(TaskViewSchema, 'The changed task'),
        404: notFound,
        409: problem('Done while prerequisites are open (named)'),
        412: stale,
        422: problem('Assignee, team, owner or linked record unknown or deactivated'),
      },
      async handler(ctx, { params, body }) {
        answer(ctx, await updateTask(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/tasks/{id}',
      operationId: 'deleteTask',
      summary: 'Move a task to the trash (restorable); If-Match with its ETag',
      tags: ['Tasks'],
      params: TaskIdParams,
      responses: { 204: { description: 'In the trash' }, 404: notFound, 412: stale },
      async handler(ctx, { params }) {
        await trashTask(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tasks/{id}/restore',
      operationId: 'restoreTask',
      summary: 'Bring a task back from the trash',
      tags: ['Tasks'],
      params: TaskIdParams,
      responses: { 200: jsonResponse(TaskViewSchema, 'The restored task'), 404: problem('Not in the trash') },
      async handler(ctx, { params }) {
        answer(ctx, await restoreTask(emOf(ctx), principalOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/trash/tasks',
      operationId: 'listTrashedTasks',
      summary: 'Tasks in the trash you may see, most recently deleted first',
      tags: ['Trash'],
      query: PageQuerySchema,
      responses: { 200: jsonResponse(TrashedTasksPageSchema, 'A page of trashed tasks') },
      async handler(ctx, { query }) {
        ctx.body = await listTrashedTasks(emOf(ctx), principalOf(ctx), query);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/trash/tasks/{id}',
      operationId: 'purgeTask',
      summary: 'Delete a task in the trash for good (admin)',
      tags: ['Trash'],
      params: TaskIdParams,
      responses: { 204: { description: 'Gone' }, 403: problem('Admins only'), 404: problem('Not in the trash') },
      async handler(ctx, { params }) {
        await purgeTask(emOf(ctx), principalOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/tasks/{id}/history',
      operationId: 'getTaskHistory',
      summary: 'Every change of a task (delegations and hand-overs included), newest first',
      tags: ['Tasks'],
      params: TaskIdParams,
      query: PageQuerySchema,
      responses: {
        200: jsonResponse(TaskHistoryPageSchema, 'A page of changes'),
        404: notFound,
      },
      async handler(ctx, { params, query }) {
        ctx.body = await taskHistory(emOf(ctx), principalOf(ctx), params.id, query);
      },
    }),

    // ---- delegation
    defineRoute({
      method: 'post',
      path: '/api/v1/tasks/{id}/delegate',
      operationId: 'delegateTask',
      summary: 'Delegate a task: it waits for the delegate to accept or decline',
      tags: ['Tasks'],
      params: TaskIdParams,
      body: DelegateSchema,
      responses: {
        200: jsonResponse(TaskViewSchema, 'The task, pending'),
        404: notFound,
        409: problem('Closed, or already waiting for an answer'),
        412: stale,
        422: problem('Delegate unknown, deactivated, yourself or the assignee already'),
      },
      async handler(ctx, { params, body }) {
        answer(ctx, await delegateTask(emOf(ctx), requireUser(ctx), params.id, body, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tasks/{id}/accept',
      operationId: 'acceptTaskDelegation',
      summary: 'Accept a task delegated to you',
      tags: ['Tasks'],
      params: TaskIdParams,
      responses: {
        200: jsonResponse(TaskViewSchema, 'The task, yours'),
        403: problem('Delegated to someone else'),
        404: notFound,
        409: problem('Not waiting for an answer'),
      },
      async handler(ctx, { params }) {
        answer(ctx, await acceptDelegation(emOf(ctx), requireUser(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tasks/{id}/decline',
      operationId: 'declineTaskDelegation',
      summary: 'Decline a task delegated to you: it goes back to the delegator with your reason',
      tags: ['Tasks'],
      params: TaskIdParams,
      body: DeclineSchema,
      responses: {
        200: jsonResponse(TaskViewSchema, 'The task, back with the delegator'),
        403: problem('Delegated to someone else'),
        404: notFound,
        409: problem('Not waiting for an answer'),
      },
      async handler(ctx, { params, body }) {
        answer(ctx, await declineDelegation(emOf(ctx), requireUser(ctx), params.id, body.reason));
      },
    }),

    // ---- dependencies and order
    defineRoute({
      method: 'put',
      path: '/api/v1/tasks/{id}/dependencies',
      operationId: 'setTaskDependencies',
      summary: 'Set the tasks this task waits for (circles refused, naming them)',
      tags: ['Tasks'],
      params: TaskIdParams,
      body: SetDependenciesSchema,
      responses: {
        200: jsonResponse(TaskViewSchema, 'The task with its prerequisites'),
        404: notFound,
        412: stale,
        422: problem('A prerequisite unknown, in the trash, or closing a circle'),
      },
      async handler(ctx, { params, body }) {
        answer(ctx, await setDependencies(emOf(ctx), principalOf(ctx), params.id, body.taskIds, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tasks/{id}/dependencies',
      operationId: 'addTaskDependency',
      summary: 'Let the task wait for one more task',
      tags: ['Tasks'],
      params: TaskIdParams,
      body: AddDependencySchema,
      responses: {
        200: jsonResponse(TaskViewSchema, 'The task with its prerequisites'),
        404: notFound,
        422: problem('The prerequisite is unknown, in the trash, or closes a circle'),
      },
      async handler(ctx, { params, body }) {
        answer(ctx, await addDependency(emOf(ctx), principalOf(ctx), params.id, body.taskId));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/tasks/{id}/dependencies/{dependsOnId}',
      operationId: 'removeTaskDependency',
      summary: 'Let the task no longer wait for a task',
      tags: ['Tasks'],
      params: DependencyParams,
      responses: { 200: jsonResponse(TaskViewSchema, 'The task with its prerequisites'), 404: notFound },
      async handler(ctx, { params }) {
        answer(ctx, await removeDependency(emOf(ctx), principalOf(ctx), params.id, params.dependsOnId));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tasks/{id}/move',
      operationId: 'moveTask',
      summary: 'Put a task just before or after another in your order (sort=rank); nothing else is renumbered',
      tags: ['Tasks'],
      params: TaskIdParams,
      body: MoveSchema,
      responses: {
        200: jsonResponse(TaskViewSchema, 'The task with its new rank'),
        404: notFound,
        422: problem('The other task is unknown or the task itself'),
      },
      async handler(ctx, { params, body }) {
        answer(ctx, await moveTask(emOf(ctx), principalOf(ctx), params.id, body));
      },
    }),

    // ---- my tasks
    defineRoute({
      method: 'get',
      path: '/api/v1/me/tasks',
      operationId: 'getMyTasks',
      summary: 'My tasks: overdue, today, next 7 days, waiting for me, delegated by me, counts by status and priority',
      tags: ['Tasks'],
      query: MyTasksQuerySchema,
      responses: { 200: jsonResponse(MyTasksSchema, 'The dashboard') },
      async handler(ctx, { query }) {
        const principal = requireUser(ctx);
        ctx.body = await myTasks(emOf(ctx), principal.userId, {
          timeZone: query.timeZone ?? DEFAULT_TIME_ZONE,
          limit: query.limit,
        });
      },
    }),
  ];
}
