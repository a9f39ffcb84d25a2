// The reminder card (X4) and the card a task shows after an action on it: title, record, due date,
// priority; Done, Snooze (1 hour, tomorrow 09:00) and Open while the task is open.
import { formatMoment, type Language, words } from '../i18n.ts';
import { type AdaptiveCard, card, execute, facts, heading, openUrl, tabLink, text } from './adaptive-card.ts';

export interface TaskOnCard {
  id: string;
  title: string;
  status: string;
  priority: string;
  dueAt: string | null;
  remindAt: string | null;
  /** The task's version when the card was made: an action on an older card answers the current state. */
  version: number;
  /** The record the task is about, if any. */
  record?: { type: string; id: string; name: string } | null;
}

export interface CardContext {
  language: Language;
  /** The user's time zone, for dates shown and "tomorrow 09:00". */
  timeZone: string;
  /** The Teams app id the tab's deep links name. */
  teamsAppId: string;
}

export const TASK_DONE = 'task.done';
export const TASK_SNOOZE = 'task.snooze';

/** What the card says above the task, when it answers an action. */
export type TaskCardNote = { kind: 'done' } | { kind: 'snoozed'; until: string } | { kind: 'changed' | 'notAllowed' };

export function reminderCard(task: TaskOnCard, context: CardContext, note?: TaskCardNote): AdaptiveCard {
  const w = words(context.language);
  const closed = task.status === 'done' || task.status === 'cancelled';
  const body = [
    text(w.reminder, { isSubtle: true, spacing: 'None' }),
    heading(task.title),
    facts([
      ...(task.record ? ([[w.record, task.record.name]] as [string, string][]) : []),
      [w.due, task.dueAt ? formatMoment(task.dueAt, context.language, context.timeZone) : w.noDueDate],
      [w.priority, w.priorities[task.priority] ?? task.priority],
    ]),
  ];
  if (note?.kind === 'done' || (closed && task.status === 'done')) body.push(text(w.isDone, { color: 'Good' }));
  if (note?.kind === 'snoozed') {
    body.push(text(w.snoozedUntil(formatMoment(note.until, context.language, context.timeZone))));
  }
  if (note?.kind === 'changed') body.push(text(w.alreadyChanged, { isSubtle: true }));
  if (note?.kind === 'notAllowed') body.push(text(w.notAllowed, { color: 'Attention' }));
  const data = { taskId: task.id, version: task.version };
  const open = openUrl(
    w.open,
    tabLink(context.teamsAppId, task.record ? `${task.record.type}/${task.record.id}` : `task/${task.id}`),
  );
  const actions = closed
    ? [open]
    : [
        execute(w.done, TASK_DONE, data, { style: 'positive' }),
        execute(w.snoozeHour, TASK_SNOOZE, { ...data, until: 'hour' }),
        execute(w.snoozeTomorrow, TASK_SNOOZE, { ...data, until: 'tomorrow' }),
        open,
      ];
  return card(body, actions);
}
