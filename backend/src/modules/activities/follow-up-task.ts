// The follow-up task of a logged call: made by the tasks service like any other task, so the
// assignee's absence, the personal order, history, reminders and notifications all apply.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../http/principal.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { createTask } from '../tasks/tasks.service.ts';

export interface FollowUpTask {
  id: string;
  title: string;
  assigneeId: string;
  dueAt: string;
  status: 'open';
  links: RecordRef[];
}

export async function createFollowUpTask(
  em: EntityManager,
  principal: Principal,
  input: { title: string; dueAt: string; assigneeId: string; links: readonly RecordRef[] },
): Promise<FollowUpTask> {
  const task = await createTask(em, principal, {
    title: input.title,
    dueAt: input.dueAt,
    assigneeId: input.assigneeId,
    links: [...input.links],
  } as Parameters<typeof createTask>[2]);
  return {
    id: task.id,
    title: task.title,
    // An absent assignee's task goes to the substitute.
    assigneeId: task.assigneeId ?? input.assigneeId,
    dueAt: new Date(task.dueAt ?? input.dueAt).toISOString(),
    status: 'open',
    links: task.links,
  };
}
