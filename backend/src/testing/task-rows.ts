// Task rows written in SQL and announced with taskChanged, as the tasks module does on each write:
// for tests and benches of what reacts to task changes (reminders, deadline rules). Times may be
// given relative to the database's clock (`remindInSeconds`), the clock reminders go by.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type ExpressionBuilder, type InferResult, sql } from 'kysely';
import { newId } from '../ids.ts';
import { currentTenantId, type Database, db } from '../records/sql.ts';
import { type TaskState, taskChanged } from '../records/task-events.ts';

/** A task to write: what the tests choose, the rest as the table's defaults. */
export interface TestTask {
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

/** A time as TaskState gives it: ISO 8601 in UTC with milliseconds, as the database formats it. */
const utc = (value: Expression<Date | null>) =>
  sql<string | null>`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const stateColumns = (eb: ExpressionBuilder<Database, 'task'>) =>
  [
    'id',
    'title',
    'assignee_id',
    'team_id',
    'status',
    utc(eb.ref('due_at')).as('due_at'),
    utc(eb.ref('remind_at')).as('remind_at'),
    utc(eb.ref('deleted_at')).as('deleted_at'),
  ] as const;

const selectStates = (em: EntityManager) =>
  db(em)
    .selectFrom('task')
    .select((eb) => stateColumns(eb));

const toState = (row: InferResult<ReturnType<typeof selectStates>>[number]): TaskState => ({
  id: row.id,
  title: row.title,
  assigneeId: row.assignee_id,
  teamId: row.team_id,
  status: row.status,
  dueAt: row.due_at,
  remindAt: row.remind_at,
  deletedAt: row.deleted_at,
});

/** A moment: seconds from the database's now when given, else the ISO value (or null). */
function moment(seconds: number | undefined, value: string | null | undefined) {
  if (seconds !== undefined) return sql<Date>`now() + make_interval(secs => ${seconds})`;
  return sql<Date | null>`${value ?? null}::timestamptz`;
}

export async function readTaskState(em: EntityManager, id: string): Promise<TaskState | null> {
  const row = await selectStates(em).where('id', '=', id).executeTakeFirst();
  return row ? toState(row) : null;
}

/** Inserts tasks of the transaction's tenant in one statement; announces each as created. */
export async function createTaskRows(em: EntityManager, rows: readonly TestTask[]): Promise<TaskState[]> {
  if (rows.length === 0) return [];
  const ids = rows.map(() => newId());
  const created = await db(em)
    .insertInto('task')
    .values(
      rows.map((row, index) => ({
        id: ids[index] as string,
        tenant_id: currentTenantId,
        title: row.title ?? `Aufgabe ${index + 1}`,
        assignee_id: row.assigneeId ?? null,
        team_id: row.teamId ?? null,
        status: row.status ?? 'open',
        remind_at: moment(row.remindInSeconds, row.remindAt),
        due_at: moment(row.dueInSeconds, row.dueAt),
        deleted_at: sql<Date | null>`${row.deletedAt ?? null}::timestamptz`,
      })),
    )
    .returning((eb) => stateColumns(eb))
    .execute();
  // In the order given, whatever order RETURNING chose.
  const byId = new Map(created.map((row) => [row.id, toState(row)]));
  const states = ids.flatMap((id) => byId.get(id) ?? []);
  for (const state of states) await taskChanged(em, { before: null, after: state });
  return states;
}

/** Updates one task and announces the change with its state before and after. */
export async function updateTaskRow(
  em: EntityManager,
  id: string,
  changes: Pick<TestTask, 'status' | 'remindAt' | 'remindInSeconds' | 'dueAt' | 'deletedAt' | 'assigneeId'>,
): Promise<TaskState> {
  const before = await readTaskState(em, id);
  if (!before) throw new Error(`no task ${id}`);
  await db(em)
    .updateTable('task')
    .set((eb) => ({
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.remindInSeconds !== undefined || changes.remindAt !== undefined
        ? { remind_at: moment(changes.remindInSeconds, changes.remindAt) }
        : {}),
      ...(changes.dueAt !== undefined ? { due_at: sql<Date | null>`${changes.dueAt}::timestamptz` } : {}),
      ...(changes.deletedAt !== undefined ? { deleted_at: sql<Date | null>`${changes.deletedAt}::timestamptz` } : {}),
      ...(changes.assigneeId !== undefined ? { assignee_id: sql<string | null>`${changes.assigneeId}::uuid` } : {}),
    }))
    .where('id', '=', id)
    .execute();
  const after = (await readTaskState(em, id)) as TaskState;
  await taskChanged(em, { before, after });
  return after;
}
