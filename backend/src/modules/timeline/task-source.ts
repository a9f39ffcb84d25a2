// Tasks on the timeline, by their due time, read straight from the tasks module's table (the
// shared schema of Migration20261124000000_tasks). A caller sees the tasks their visibility
// scope covers: assigned to, owned, created or delegated by someone in it, or given to a team
// they belong to or manage.
import type { Principal } from '../../http/principal.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';
import type { TimelineEntry, TimelineSource } from '../../records/timeline.ts';

async function taskVisibility(principal: Principal): Promise<{ sql: string; params: unknown[] }> {
  const visibility = await principal.visibility('task');
  if (visibility.scope === 'all') return { sql: 'true', params: [] };
  const users = pgArray([...visibility.ownerIds]);
  return {
    sql: `(t.assignee_id = any(?::uuid[]) or t.owner_id = any(?::uuid[]) or t.created_by = any(?::uuid[])
           or t.delegated_by = any(?::uuid[])
           or t.team_id in (select m.team_id from team_member m where m.user_id = ?
                            union all select tm.id from team tm where tm.manager_id = ?))`,
    params: [users, users, users, users, principal.userId ?? null, principal.userId ?? null],
  };
}

interface TaskRow {
  id: string;
  title: string;
  due_at: string;
  status: string;
  priority: string;
  assignee_id: string | null;
  team_id: string | null;
  delegation_state: string | null;
}

export const tasksTimeline: TimelineSource = async (em, principal, window) => {
  const visible = await taskVisibility(principal);
  const where = [
    't.tenant_id = crm_current_tenant()',
    't.deleted_at is null',
    't.due_at >= ?::timestamptz',
    't.due_at < ?::timestamptz',
    visible.sql,
  ];
  const params: unknown[] = [window.from, window.to, ...visible.params];
  if (window.userId) {
    where.push('t.assignee_id = ?');
    params.push(window.userId);
  }
  if (window.record) {
    where.push(
      `exists (select 1 from record_link l where l.tenant_id = crm_current_tenant() and l.record_type = ?
                  and l.record_id = ?::uuid and l.item_type = 'task' and l.item_id = t.id)`,
    );
    params.push(window.record.type, window.record.id);
  }
  const rows = await sqlIn<TaskRow>(
    em,
    `select t.id, t.title, t.due_at, t.status, t.priority, t.assignee_id, t.team_id, t.delegation_state
       from task t where ${where.join(' and ')} order by t.due_at, t.id limit ?`,
    [...params, window.limit + 1],
  );
  const entries = rows.slice(0, window.limit).map(
    (row): TimelineEntry => ({
      kind: 'task',
      id: row.id,
      at: new Date(row.due_at).toISOString(),
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
