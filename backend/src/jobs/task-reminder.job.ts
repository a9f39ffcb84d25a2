// Task reminders: every task change that moves, clears, closes, trashes or restores a reminder
// (re)schedules its job in the same transaction; the job, at the reminder's time, makes the
// notification — once, however often it runs, and only if the task still wants it then.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { utcIso } from '../modules/notifications/notifications.service.ts';
import { type NotificationDraft, notify } from '../modules/notifications/outbox.ts';
import { db } from '../records/sql.ts';
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

/**
 * The open tasks among `taskIds` with their reminder, whether it is due, and whom to tell: the
 * assignee, or each member of the task's team when nobody is assigned (a row without recipient when
 * nobody is to be told yet). `due` compares with the database's clock, the one clock every worker shares.
 */
function remindersOf(em: EntityManager, taskIds: readonly string[]) {
  const due = sql<Date>`now()`;
  return db(em)
    .selectFrom('task as t')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('app_user as u')
          .select('u.id as user_id')
          .where('t.remind_at', '<=', due)
          .where('t.assignee_id', 'is not', null)
          .whereRef('u.id', '=', 't.assignee_id')
          .where('u.active', '=', true)
          .unionAll(
            eb
              .selectFrom('team_member as m')
              .innerJoin('app_user as u', (join) => join.onRef('u.id', '=', 'm.user_id').on('u.active', '=', true))
              .select('m.user_id')
              .where('t.remind_at', '<=', due)
              .where('t.assignee_id', 'is', null)
              .whereRef('m.team_id', '=', 't.team_id'),
          )
          .as('r'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      't.id as task_id',
      't.title',
      eb('t.remind_at', '<=', due).as('due'),
      eb('t.assignee_id', 'is', null).as('via_team'),
      utcIso(eb.ref('t.remind_at')).as('remind_at'),
      utcIso(eb.ref('t.due_at')).as('due_at'),
      'r.user_id as recipient_id',
    ])
    .where('t.tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('t.id', 'in', taskIds)
    .where('t.deleted_at', 'is', null)
    .where('t.status', 'not in', ['done', 'cancelled'])
    .execute();
}

/** Makes the notifications of due reminders; answers the ones not due yet by the database's clock. */
export async function deliverReminders(em: EntityManager, jobs: readonly ReminderJob[]): Promise<ReminderJob[]> {
  if (jobs.length === 0) return [];
  const rows = await remindersOf(
    em,
    jobs.map((job) => job.taskId),
  );
  // The jobs' tasks that still want exactly that reminder (the task's time to the millisecond).
  const wanted = new Set(jobs.map((job) => `${job.taskId} ${new Date(job.remindAt).toISOString()}`));
  const drafts: NotificationDraft[] = [];
  const early = new Map<string, ReminderJob>();
  for (const row of rows) {
    if (!wanted.has(`${row.task_id} ${row.remind_at}`)) continue;
    if (!row.due) {
      early.set(row.task_id, { taskId: row.task_id, remindAt: row.remind_at as string });
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
