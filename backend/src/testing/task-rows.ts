// Task rows written in SQL and announced with taskChanged, as the tasks module does on each write:
// for tests and benches of what reacts to task changes (reminders, deadline rules). Times may be
// given relative to the database's clock (`remindInSeconds`), the clock reminders go by.
import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../ids.ts';
import { sqlIn } from '../records/sql.ts';
import { type TaskState, taskChanged } from '../records/task-events.ts';

export interface TaskRow {
  title?: string;
  assigneeId?: string | null;
  teamId?: string | null;
  status?: TaskState['status'];
  remindAt?: string | null;
  /** Reminder this many seconds from the database's now (negative: in the past); wins over remindAt. */
  remindInSeconds?: number;
  dueAt?: string | null;
  /** Due this many seconds from the database's now; wins over dueAt. */
  dueInSeconds?: number;
  deletedAt?: string | null;
}

const UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const stateColumns = (t: string) => `${t}.id, ${t}.title, ${t}.assignee_id, ${t}.team_id, ${t}.status,
  to_char(${t}.due_at at time zone 'UTC', ${UTC}) as due_at,
  to_char(${t}.remind_at at time zone 'UTC', ${UTC}) as remind_at,
  to_char(${t}.deleted_at at time zone 'UTC', ${UTC}) as deleted_at`;

interface StateRow {
  id: string;
  title: string;
  assignee_id: string | null;
  team_id: string | null;
  status: TaskState['status'];
  due_at: string | null;
  remind_at: string | null;
  deleted_at: string | null;
}

const toState = (row: StateRow): TaskState => ({
  id: row.id,
  title: row.title,
  assigneeId: row.assignee_id,
  teamId: row.team_id,
  status: row.status,
  dueAt: row.due_at,
  remindAt: row.remind_at,
  deletedAt: row.deleted_at,
});

/** A moment as SQL: seconds from the database's now when given, else the ISO value (or null). */
function moment(seconds: number | undefined, value: string | null | undefined): [string, unknown[]] {
  if (seconds !== undefined) return ['now() + make_interval(secs => ?)', [seconds]];
  return ['?::timestamptz', [value ?? null]];
}

export async function readTaskState(em: EntityManager, id: string): Promise<TaskState | null> {
  const [row] = await sqlIn<StateRow>(em, `select ${stateColumns('t')} from task t where t.id = ?`, [id]);
  return row ? toState(row) : null;
}

/** Inserts tasks of the transaction's tenant in one statement; announces each as created. */
export async function createTaskRows(em: EntityManager, rows: readonly TaskRow[]): Promise<TaskState[]> {
  if (rows.length === 0) return [];
  const values: string[] = [];
  const params: unknown[] = [];
  rows.forEach((row, index) => {
    const [remind, remindParams] = moment(row.remindInSeconds, row.remindAt);
    const [due, dueParams] = moment(row.dueInSeconds, row.dueAt);
    values.push(`(?::uuid, crm_current_tenant(), ?, ?::uuid, ?::uuid, ?, ${remind}, ${due}, ?::timestamptz, ${index})`);
    params.push(
      newId(),
      row.title ?? `Aufgabe ${index + 1}`,
      row.assigneeId ?? null,
      row.teamId ?? null,
      row.status ?? 'open',
      ...remindParams,
      ...dueParams,
      row.deletedAt ?? null,
    );
  });
  const created = await sqlIn<StateRow & { ord: number }>(
    em,
    `with input (id, tenant_id, title, assignee_id, team_id, status, remind_at, due_at, deleted_at, ord) as (
       values ${values.join(', ')}
     ), inserted as (
       insert into task (id, tenant_id, title, assignee_id, team_id, status, remind_at, due_at, deleted_at)
       select id, tenant_id, title, assignee_id, team_id, status, remind_at, due_at, deleted_at from input
       returning id
     )
     select ${stateColumns('i')}, i.ord from input i join inserted using (id) order by i.ord`,
    params,
  );
  const states = created.map(toState);
  for (const state of states) await taskChanged(em, { before: null, after: state });
  return states;
}

/** Updates one task and announces the change with its state before and after. */
export async function updateTaskRow(
  em: EntityManager,
  id: string,
  changes: Pick<TaskRow, 'status' | 'remindAt' | 'remindInSeconds' | 'dueAt' | 'deletedAt' | 'assigneeId'>,
): Promise<TaskState> {
  const before = await readTaskState(em, id);
  if (!before) throw new Error(`no task ${id}`);
  const sets: string[] = ['version = version + 1', 'updated_at = now()'];
  const params: unknown[] = [];
  if (changes.status !== undefined) {
    sets.push('status = ?');
    params.push(changes.status);
  }
  if (changes.remindInSeconds !== undefined || changes.remindAt !== undefined) {
    const [remind, remindParams] = moment(changes.remindInSeconds, changes.remindAt);
    sets.push(`remind_at = ${remind}`);
    params.push(...remindParams);
  }
  if (changes.dueAt !== undefined) {
    sets.push('due_at = ?::timestamptz');
    params.push(changes.dueAt);
  }
  if (changes.deletedAt !== undefined) {
    sets.push('deleted_at = ?::timestamptz');
    params.push(changes.deletedAt);
  }
  if (changes.assigneeId !== undefined) {
    sets.push('assignee_id = ?::uuid');
    params.push(changes.assigneeId);
  }
  await sqlIn(em, `update task set ${sets.join(', ')} where id = ?`, [...params, id]);
  const after = (await readTaskState(em, id)) as TaskState;
  await taskChanged(em, { before, after });
  return after;
}
