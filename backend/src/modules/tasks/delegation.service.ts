// Delegation (T2): a delegated task waits for the delegate's answer; accepted it is theirs,
// declined it goes back to the delegator with the reason. Every step is in the task's history.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { forbidden, type Principal } from '../../http/principal.ts';
import { named } from '../../http/problems.ts';
import { notify } from '../../notifications/outbox.ts';
import { type Assignment, assignmentBackTo, assignmentFor } from './absences.service.ts';
import { CLOSED_STATUSES, type Task } from './task.entity.ts';
import { commitTask, findVisibleTask, iso, taskSnapshot, taskState, viewOfTask } from './task-access.ts';
import type { TaskView } from './tasks.schemas.ts';

function giveTo(task: Task, assignment: Assignment): void {
  task.assigneeId = assignment.assigneeId;
  task.substitutedFor = assignment.substitution?.forUserId ?? null;
  task.substitutionAbsenceId = assignment.substitution?.absenceId ?? null;
}

async function write(em: EntityManager, principal: Principal, task: Task, change: () => void): Promise<void> {
  const state = taskState(task);
  const before = taskSnapshot(task);
  change();
  task.updatedAt = new Date();
  task.updatedBy = principal.userId ?? null;
  await commitTask(em, principal, task, { action: 'update', before, after: taskSnapshot(task), state });
}

const payloadOf = (task: Task) => ({ taskId: task.id, title: task.title, dueAt: iso(task.dueAt) });
const delegationKey = (task: Task) => `${task.id}:${iso(task.delegatedAt)}`;

export async function delegateTask(
  em: EntityManager,
  principal: Principal & { userId: string },
  id: string,
  input: { toUserId: string; note?: string | null | undefined },
  expectedVersion: number | undefined,
): Promise<TaskView> {
  const task = await findVisibleTask(em, principal, id);
  checkVersion(task, expectedVersion, named('task', task.title));
  if (CLOSED_STATUSES.includes(task.status)) {
    throw new AppError({
      status: 409,
      code: 'task_closed',
      title: 'The task is closed',
      detail: `"${task.title}" is ${task.status}; reopen it before delegating it.`,
    });
  }
  if (task.delegationState === 'pending') {
    throw new AppError({
      status: 409,
      code: 'delegation_pending',
      title: 'The task waits for an answer',
      detail: `"${task.title}" is already delegated and waits for the delegate to accept or decline.`,
    });
  }
  const refuse = (detail: string) =>
    new AppError({
      status: 422,
      code: 'invalid_delegate',
      title: 'Cannot delegate to this user',
      detail,
      errors: [{ in: 'body', pointer: '#/toUserId', detail }],
    });
  if (input.toUserId === principal.userId) throw refuse('You cannot delegate a task to yourself.');
  if ((task.substitutedFor ?? task.assigneeId) === input.toUserId) {
    throw refuse('The task is already assigned to this user.');
  }
  const assignment = await assignmentFor(em, input.toUserId, '#/toUserId', 'delegate');
  await write(em, principal, task, () => {
    giveTo(task, assignment);
    task.teamId = null;
    task.delegationState = 'pending';
    task.delegatedBy = principal.userId;
    task.delegatedAt = new Date();
    task.delegationNote = input.note ?? null;
    task.delegationReason = null;
  });
  await notify(em, {
    recipientId: assignment.assigneeId,
    kind: 'task.delegated',
    payload: {
      ...payloadOf(task),
      byUserId: principal.userId,
      note: task.delegationNote,
      forUserId: assignment.substitution?.forUserId ?? null,
    },
    idempotencyKey: `task.delegated:${delegationKey(task)}`,
  });
  return viewOfTask(em, task.id);
}

/** The caller must be whom a pending delegation waits for. */
async function pendingFor(em: EntityManager, principal: Principal & { userId: string }, id: string): Promise<Task> {
  const task = await findVisibleTask(em, principal, id);
  if (task.delegationState !== 'pending') {
    throw new AppError({
      status: 409,
      code: 'no_pending_delegation',
      title: 'Nothing to answer',
      detail: `"${task.title}" does not wait for an answer to a delegation.`,
    });
  }
  if (task.assigneeId !== principal.userId) {
    throw forbidden(`Only the user "${task.title}" was delegated to can accept or decline it.`);
  }
  return task;
}

export async function acceptDelegation(
  em: EntityManager,
  principal: Principal & { userId: string },
  id: string,
): Promise<TaskView> {
  const task = await pendingFor(em, principal, id);
  await write(em, principal, task, () => {
    task.delegationState = 'accepted';
  });
  if (task.delegatedBy) {
    await notify(em, {
      recipientId: task.delegatedBy,
      kind: 'task.delegation_accepted',
      payload: { ...payloadOf(task), byUserId: principal.userId },
      idempotencyKey: `task.delegation_accepted:${delegationKey(task)}`,
    });
  }
  return viewOfTask(em, task.id);
}

export async function declineDelegation(
  em: EntityManager,
  principal: Principal & { userId: string },
  id: string,
  reason: string,
): Promise<TaskView> {
  const task = await pendingFor(em, principal, id);
  const delegator = task.delegatedBy;
  // Back to the delegator (or their substitute, while they are away).
  const assignment = delegator ? await assignmentBackTo(em, delegator) : null;
  await write(em, principal, task, () => {
    if (assignment) giveTo(task, assignment);
    else giveTo(task, { assigneeId: principal.userId, substitution: null });
    task.delegationState = 'declined';
    task.delegationReason = reason;
  });
  if (delegator) {
    await notify(em, {
      recipientId: delegator,
      kind: 'task.delegation_declined',
      payload: { ...payloadOf(task), byUserId: principal.userId, reason },
      idempotencyKey: `task.delegation_declined:${delegationKey(task)}`,
    });
  }
  return viewOfTask(em, task.id);
}
