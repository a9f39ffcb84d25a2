// Task changes as events: the tasks module announces every write of a task (inside its
// transaction), and other modules react in the same transaction: reminders are (re)scheduled,
// the sales module moves a deal on when a stage's required tasks are done.
import type { EntityManager } from '@mikro-orm/postgresql';
import { wired } from '../modules/wiring.ts';

/** What listeners may rely on of a task, as stored after (or before) the write. */
export interface TaskState {
  id: string;
  title: string;
  assigneeId: string | null;
  teamId: string | null;
  status: 'open' | 'in_progress' | 'waiting' | 'done' | 'cancelled';
  /** ISO 8601 timestamps, or null. */
  dueAt: string | null;
  remindAt: string | null;
  deletedAt: string | null;
}

export interface TaskChange {
  /** null when the task was created. */
  before: TaskState | null;
  /** null when the task was purged for good. */
  after: TaskState | null;
}

export type TaskListener = (em: EntityManager, change: TaskChange) => Promise<void>;

/**
 * Called by the tasks module after each write, in the write's transaction; the modules' listeners
 * (CrmModule.taskListeners) run in module order.
 */
export async function taskChanged(em: EntityManager, change: TaskChange): Promise<void> {
  for (const listener of wired().taskListeners) await listener(em, change);
}
