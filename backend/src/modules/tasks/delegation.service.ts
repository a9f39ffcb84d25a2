// Delegation (T2): a delegated task waits for the delegate's answer; accepted it is theirs,
// declined it goes back to the delegator with the reason. Every step is in the task's history.
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, problem } from '../../http/problems.ts';
import { notify } from '../notifications/outbox.ts';
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
    throw problem('task_closed', { title: task.title, status: task.status });
  }
  if (task.delegationState === 'pending') {
    throw problem('delegation_pending', { title: task.title });
  }
  if (input.toUserId === principal.userId) throw problem('delegate_is_self', {}, { at: { pointer: '#/toUserId' } });
  if ((task.substitutedFor ?? task.assigneeId) === input.toUserId) {
    throw problem('delegate_is_assignee', {}, { at: { pointer: '#/toUserId' } });
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
    throw problem('no_pending_delegation', { title: task.title });
  }
  if (task.assigneeId !== principal.userId) {
    throw problem('only_delegate_answers', { title: task.title });
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
