// The follow-up task of a logged call. It is written straight into the tasks module's table (the
// shared schema of Migration20261124000000_tasks) and announced like any task write, so reminders
// and the rest react; this one function is the place to hand it to the tasks service instead.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../http/principal.ts';
import { newId } from '../../ids.ts';
import { addLinks, type RecordRef } from '../../records/record-links.ts';
import { sqlIn } from '../../records/sql.ts';
import { type TaskState, taskChanged } from '../../records/task-events.ts';

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
  const id = newId();
  const by = principal.userId ?? null;
  const [row] = await sqlIn<{ due_at: string }>(
    em,
    `insert into task (id, tenant_id, title, assignee_id, owner_id, due_at, status, created_by, updated_by)
     values (?, crm_current_tenant(), ?, ?, ?, ?::timestamptz, 'open', ?, ?)
     returning due_at`,
    [id, input.title, input.assigneeId, by ?? input.assigneeId, input.dueAt, by, by],
  );
  await addLinks(em, { type: 'task', id }, input.links);
  const dueAt = new Date(String(row?.due_at)).toISOString();
  const after: TaskState = {
    id,
    title: input.title,
    assigneeId: input.assigneeId,
    teamId: null,
    status: 'open',
    dueAt,
    remindAt: null,
    deletedAt: null,
  };
  await taskChanged(em, { before: null, after });
  return { id, title: input.title, assigneeId: input.assigneeId, dueAt, status: 'open', links: [...input.links] };
}
