// Tasks on the timeline, by their due time, read straight from the tasks module's table. A caller
// sees on the timeline exactly the tasks they may open (the tasks module's `visibleTask`: a
// substitute's handed-over tasks and a manager's team tasks included).
import { sql } from 'kysely';
import { currentTenantId, db } from '../../records/sql.ts';
import type { TimelineEntry, TimelineSource } from '../../records/timeline.ts';
import { visibleTask } from '../tasks/task-access.ts';

export const tasksTimeline: TimelineSource = async (em, principal, window) => {
  const visible = await visibleTask(principal);
  const { userId, record } = window;
  const rows = await db(em)
    .selectFrom('task as t')
    .select([
      't.id',
      't.title',
      't.due_at',
      't.status',
      't.priority',
      't.assignee_id',
      't.team_id',
      't.delegation_state',
    ])
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.deleted_at', 'is', null)
    .where('t.due_at', '>=', sql<Date>`${window.from}::timestamptz`)
    .where('t.due_at', '<', sql<Date>`${window.to}::timestamptz`)
    .where(visible)
    .$if(Boolean(userId), (query) => query.where('t.assignee_id', '=', userId as string))
    .$if(record !== undefined, (query) =>
      query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('record_link as l')
            .select(sql<number>`1`.as('one'))
            .where('l.tenant_id', '=', currentTenantId)
            .where('l.record_type', '=', record?.type ?? '')
            .where('l.record_id', '=', sql<string>`${record?.id ?? null}::uuid`)
            .where('l.item_type', '=', 'task')
            .whereRef('l.item_id', '=', 't.id'),
        ),
      ),
    )
    .orderBy('t.due_at')
    .orderBy('t.id')
    .limit(window.limit + 1)
    .execute();
  const entries = rows.slice(0, window.limit).map(
    (row): TimelineEntry => ({
      kind: 'task',
      id: row.id,
      at: new Date(row.due_at as Date | string).toISOString(),
      title: row.title,
      userId: row.assignee_id,
      details: {
        status: row.status,
        priority: row.priority,
        teamId: row.team_id,
        delegationState: row.delegation_state,
      },
    }),
  );
  return { entries, truncated: rows.length > window.limit };
};
