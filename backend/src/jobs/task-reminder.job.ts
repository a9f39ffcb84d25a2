// Task reminders: every task change that moves, clears, closes, trashes or restores a reminder
// (re)schedules its job in the same transaction; the job, at the reminder's time, makes the
// notification — once, however often it runs, and only if the task still wants it then.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type NotificationDraft, notify } from '../modules/notifications/outbox.ts';
import { pgArray } from '../records/search-index.ts';
import { sqlIn } from '../records/sql.ts';
import type { TaskListener, TaskState } from '../records/task-events.ts';
import { defineJob } from './registry.ts';
import { cancelQueued, enqueue } from './runtime.ts';

export const TASK_REMINDER_JOB = 'task-reminder';

export interface ReminderJob {
  taskId: string;
  /** The reminder moment the job was scheduled for, ISO 8601 in UTC with milliseconds. */
  remindAt: string;
}

/** The reminder a task wants now (ISO, UTC), or null: none set, or the task is closed or in the trash. */
function wantedReminder(task: TaskState | null): string | null {
  if (!task?.remindAt || task.deletedAt || task.status === 'done' || task.status === 'cancelled') return null;
  return new Date(task.remindAt).toISOString();
}

const jobKey = (taskId: string, remindAt: string) => `${taskId}:${remindAt}`;

/** Schedules the reminder job of a task for its reminder moment, in the caller's transaction. */
export async function scheduleReminder(em: EntityManager, taskId: string, remindAt: string): Promise<void> {
  const job: ReminderJob = { taskId, remindAt: new Date(remindAt).toISOString() };
  await enqueue(em, TASK_REMINDER_JOB, job, {
    startAfter: job.remindAt,
    singletonKey: jobKey(taskId, job.remindAt),
  });
}

/** Every task change that moves, clears, closes, trashes or restores a reminder reschedules it. */
export const rescheduleReminder: TaskListener = async (em, { before, after }) => {
  const was = wantedReminder(before);
  const wanted = wantedReminder(after);
  if (was === wanted) return;
  // The old job would find the task changed and do nothing; cancelling it keeps the queue clean.
  if (was && before) await cancelQueued(em, TASK_REMINDER_JOB, jobKey(before.id, was));
  if (wanted && after) await scheduleReminder(em, after.id, wanted);
};

const UTC_ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

interface ReminderRow {
  task_id: string;
  title: string;
  remind_at: string;
  due_at: string | null;
  due: boolean;
  recipient_id: string | null;
  via_team: boolean;
}

// The jobs' tasks that still want exactly that reminder, with whom to tell: the assignee, or each
// member of the task's team when nobody is assigned. `due` compares with the database's clock,
// the one clock every worker shares.
const REMINDERS_SQL = `
  with wanted as (
    select w.task_id, w.remind_at from unnest(?::uuid[], ?::timestamptz[]) as w (task_id, remind_at)
  ), live as (
    select t.id, t.title, t.remind_at, t.due_at, t.assignee_id, t.team_id, t.remind_at <= now() as due
      from wanted w
      join task t on t.id = w.task_id and date_trunc('milliseconds', t.remind_at) = w.remind_at
     where t.tenant_id = crm_current_tenant() and t.deleted_at is null and t.status not in ('done', 'cancelled')
  )
  select l.id as task_id, l.title, l.due, l.assignee_id is null as via_team,
         to_char(l.remind_at at time zone 'UTC', ${UTC_ISO}) as remind_at,
         to_char(l.due_at at time zone 'UTC', ${UTC_ISO}) as due_at,
         r.user_id as recipient_id
    from live l
    left join lateral (
      select u.id as user_id from app_user u
       where l.due and l.assignee_id is not null and u.id = l.assignee_id and u.active
      union all
      select m.user_id from team_member m join app_user u on u.id = m.user_id and u.active
       where l.due and l.assignee_id is null and m.team_id = l.team_id
    ) r on true`;

/** Makes the notifications of due reminders; answers the ones not due yet by the database's clock. */
export async function deliverReminders(em: EntityManager, jobs: readonly ReminderJob[]): Promise<ReminderJob[]> {
  if (jobs.length === 0) return [];
  const rows = await sqlIn<ReminderRow>(em, REMINDERS_SQL, [
    pgArray(jobs.map((job) => job.taskId)),
    pgArray(jobs.map((job) => job.remindAt)),
  ]);
  const drafts: NotificationDraft[] = [];
  const early = new Map<string, ReminderJob>();
  for (const row of rows) {
    if (!row.due) {
      early.set(row.task_id, { taskId: row.task_id, remindAt: row.remind_at });
    } else if (row.recipient_id) {
      const key = `task.reminder:${row.task_id}:${row.remind_at}`;
      drafts.push({
        recipientId: row.recipient_id,
        kind: 'task.reminder',
        payload: { taskId: row.task_id, title: row.title, remindAt: row.remind_at, dueAt: row.due_at },
        // Each member of a team gets their own, so the key names them.
        idempotencyKey: row.via_team ? `${key}:${row.recipient_id}` : key,
      });
    }
  }
  await notify(em, drafts);
  return [...early.values()];
}

export const taskReminderJob = defineJob<ReminderJob>(
  TASK_REMINDER_JOB,
  async (em, jobs) => {
    const early = await deliverReminders(
      em,
      jobs.map((job) => job.data),
    );
    // Only a job run before its time gets here (pg-boss and this check read the same clock): again at the time.
    for (const job of early) await scheduleReminder(em, job.taskId, job.remindAt);
  },
  { policy: 'short' },
);
