// A delegated task asks its new assignee to accept or decline (with a reason); the delegator gets the answer.
import { formatMoment, words } from '../i18n.ts';
import { type AdaptiveCard, card, execute, facts, heading, openUrl, tabLink, text } from './adaptive-card.ts';
import type { CardContext, TaskOnCard } from './reminder.card.ts';

export const DELEGATION_ACCEPT = 'delegation.accept';
export const DELEGATION_DECLINE = 'delegation.decline';

export interface DelegationOnCard {
  task: TaskOnCard;
  delegatorName: string;
  note?: string | null;
  /** pending: asks; accepted / declined: shows the answer given. */
  state: 'pending' | 'accepted' | 'declined';
  reason?: string | null;
}

export function delegationCard(delegation: DelegationOnCard, context: CardContext, notAllowed = false): AdaptiveCard {
  const w = words(context.language);
  const { task } = delegation;
  const body = [
    text(w.delegated(delegation.delegatorName), { isSubtle: true }),
    heading(task.title),
    facts([
      [w.due, task.dueAt ? formatMoment(task.dueAt, context.language, context.timeZone) : w.noDueDate],
      [w.priority, w.priorities[task.priority] ?? task.priority],
    ]),
    ...(delegation.note ? [text(delegation.note)] : []),
  ];
  if (delegation.state === 'accepted') body.push(text(w.accepted, { color: 'Good' }));
  if (delegation.state === 'declined') body.push(text(w.declined(delegation.reason ?? ''), { color: 'Attention' }));
  if (notAllowed) body.push(text(w.notAllowed, { color: 'Attention' }));
  const open = openUrl(w.open, tabLink(context.teamsAppId, `task/${task.id}`));
  if (delegation.state !== 'pending') return card(body, [open]);
  const data = { taskId: task.id, version: task.version };
  return card(body, [
    execute(w.accept, DELEGATION_ACCEPT, data, { style: 'positive' }),
    {
      type: 'Action.ShowCard',
      title: w.decline,
      card: card(
        [
          {
            type: 'Input.Text',
            id: 'reason',
            label: w.declineReason,
            isRequired: true,
            isMultiline: true,
            maxLength: 2000,
          },
        ],
        [execute(w.decline, DELEGATION_DECLINE, data, { associatedInputs: 'auto', style: 'destructive' })],
      ),
    },
    open,
  ]);
}

/** To the delegator: the answer to their delegation. */
export function delegationAnswerCard(
  answer: { taskId: string; title: string; byName: string; accepted: boolean; reason?: string | null },
  context: CardContext,
): AdaptiveCard {
  const w = words(context.language);
  return card(
    [
      text(answer.accepted ? w.delegationAccepted(answer.byName) : w.delegationDeclined(answer.byName), {
        isSubtle: true,
      }),
      heading(answer.title),
      ...(answer.accepted ? [] : [facts([[w.reason, answer.reason ?? '']])]),
    ],
    [openUrl(w.open, tabLink(context.teamsAppId, `task/${answer.taskId}`))],
  );
}

/** To a substitute: what was handed to them during an absence, and when it goes back. */
export function substitutionCard(
  notice: { taskId: string; title: string; forName: string; dueAt: string | null; until: string | null },
  context: CardContext,
): AdaptiveCard {
  const w = words(context.language);
  return card(
    [
      text(w.substituted(notice.forName), { isSubtle: true }),
      heading(notice.title),
      facts([[w.due, notice.dueAt ? formatMoment(notice.dueAt, context.language, context.timeZone) : w.noDueDate]]),
      ...(notice.until
        ? [text(w.substitutedUntil(formatMoment(notice.until, context.language, context.timeZone)))]
        : []),
    ],
    [openUrl(w.open, tabLink(context.teamsAppId, `task/${notice.taskId}`))],
  );
}
