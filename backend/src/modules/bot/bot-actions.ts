// Universal Actions on the bot's cards (invoke `adaptiveCard/action`): Done, Snooze, Accept, Decline.
// Each is the task service's own operation, applied only to the version of the task the card shows:
// a second click, or a click on an outdated card, finds another version and answers the current
// state instead; a click by anyone but the assignee changes nothing and says why.

import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type AdaptiveCard,
  type CardContext,
  DELEGATION_ACCEPT,
  DELEGATION_DECLINE,
  delegationCard,
  reminderCard,
  TASK_DONE,
  TASK_SNOOZE,
  type TaskCardNote,
  type TaskOnCard,
} from '@crm/teams-app/cards';
import { words } from '@crm/teams-app/i18n';
import type { Activity } from '@microsoft/agents-activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { recordTitles, refKey } from '../../records/record-titles.ts';
import { User } from '../identity/user.entity.ts';
import { acceptDelegation, declineDelegation } from '../tasks/delegation.service.ts';
import { viewsByIds } from '../tasks/task-access.ts';
import { canonicalTimeZone } from '../tasks/task-time.ts';
import type { TaskView } from '../tasks/tasks.schemas.ts';
import { getTask, updateTask } from '../tasks/tasks.service.ts';
import { asSender, type BotDeps, clientTimeZone, tenantOf } from './bot.turn.ts';
import { BotConversation } from './bot-conversation.entity.ts';
import { type BotUser, botUser, isGuid } from './bot-users.ts';

/** The invoke response body Teams shows: the card that replaces the clicked one, or a message. */
export type ActionAnswer =
  | { statusCode: 200; type: typeof ADAPTIVE_CARD_CONTENT_TYPE; value: AdaptiveCard }
  | { statusCode: 200; type: 'application/vnd.microsoft.activity.message'; value: string };

const cardAnswer = (value: AdaptiveCard): ActionAnswer => ({
  statusCode: 200,
  type: ADAPTIVE_CARD_CONTENT_TYPE,
  value,
});
const messageAnswer = (value: string): ActionAnswer => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value,
});

interface ActionValue {
  action?: { verb?: unknown; data?: Record<string, unknown> };
}

/** A task as a card shows it, with the title of the record it is about. */
export async function taskOnCard(em: EntityManager, task: TaskView): Promise<TaskOnCard> {
  const link = task.links[0];
  const titles = link ? await recordTitles(em, [link]) : new Map<string, string>();
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    priority: task.priority,
    dueAt: task.dueAt,
    remindAt: task.remindAt,
    version: task.version,
    record: link ? { type: link.type, id: link.id, name: titles.get(refKey(link)) ?? link.type } : null,
  };
}

/** 09:00 tomorrow in `timeZone`, as an instant. */
export function tomorrowAtNine(timeZone: string, now = new Date()): Date {
  const parts = (at: number) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      })
        .formatToParts(at)
        .map((part) => [part.type, Number(part.value)]),
    ) as Record<string, number>;
  const today = parts(now.getTime());
  const wanted = Date.UTC(today.year as number, (today.month as number) - 1, (today.day as number) + 1, 9, 0);
  // The zone's offset at that wall-clock time (twice: the first guess may sit across a DST change).
  let instant = wanted;
  for (let i = 0; i < 2; i++) {
    const wall = parts(instant);
    const offset =
      Date.UTC(
        wall.year as number,
        (wall.month as number) - 1,
        wall.day as number,
        wall.hour as number,
        wall.minute as number,
      ) - instant;
    instant = wanted - offset;
  }
  return new Date(instant);
}

export async function answerCardAction(deps: BotDeps, activity: Activity): Promise<ActionAnswer> {
  const value = (activity.value ?? {}) as ActionValue;
  const verb = String(value.action?.verb ?? '');
  const data = value.action?.data ?? {};
  const taskId = data.taskId;
  const version = typeof data.version === 'number' ? data.version : undefined;
  const tenantId = tenantOf(activity);
  if (!tenantId || !isGuid(taskId)) return messageAnswer(words('de').signInHint);

  const context = async (em: EntityManager, sender: BotUser): Promise<CardContext> => {
    const stored = await em.findOne(BotConversation, {
      userId: sender.user.id,
      conversationId: activity.conversation?.id ?? '',
    });
    const zone = canonicalTimeZone(clientTimeZone(activity) ?? stored?.timeZone ?? '') ?? 'Europe/Berlin';
    return { language: sender.language, timeZone: zone, teamsAppId: deps.settings.teamsAppId };
  };

  /** The card for the task as it stands now, with a note on what happened. */
  /** `justApplied`: the sender just changed the task, so they see its result even where it left their sight (declined). */
  const current = (note: TaskCardNote | undefined, notAllowed = false, justApplied = false) =>
    asSender(deps, activity, async (em, sender) => {
      if (!sender) return messageAnswer(words('de').signInHint);
      const cardContext = await context(em, sender);
      let task: TaskView;
      try {
        const [applied] = justApplied ? await viewsByIds(em, [taskId]) : [];
        task = applied ?? (await getTask(em, sender.principal, taskId));
      } catch {
        return messageAnswer(words(sender.language).gone);
      }
      const onCard = await taskOnCard(em, task);
      if (verb === DELEGATION_ACCEPT || verb === DELEGATION_DECLINE) {
        const answered = delegationCard(
          {
            task: onCard,
            delegatorName: await nameOf(em, task.delegation?.delegatedBy ?? null),
            state: task.delegation?.state ?? 'accepted',
            reason: task.delegation?.reason ?? null,
            note: task.delegation?.note ?? null,
          },
          cardContext,
          notAllowed,
        );
        if (note?.kind === 'changed' && !notAllowed) {
          answered.body.push({
            type: 'TextBlock',
            text: words(sender.language).alreadyChanged,
            wrap: true,
            isSubtle: true,
          });
        }
        return cardAnswer(answered);
      }
      return cardAnswer(reminderCard(onCard, cardContext, notAllowed ? { kind: 'notAllowed' } : note));
    });

  type Outcome = { applied: true; note?: TaskCardNote } | { applied: false; notAllowed: boolean; unknown?: boolean };
  let outcome: Outcome;
  try {
    outcome = await inTenantTransaction(deps.orm.em as EntityManager, tenantId, async (em): Promise<Outcome> => {
      const sender = await botUser(em, tenantId, activity.from?.aadObjectId);
      if (!sender) return { applied: false, notAllowed: false, unknown: true };
      const task = await getTask(em, sender.principal, taskId);
      if (version !== undefined && task.version !== version) return { applied: false, notAllowed: false };
      if (task.assigneeId !== sender.user.id) return { applied: false, notAllowed: true };
      switch (verb) {
        case TASK_DONE:
          if (task.status === 'done' || task.status === 'cancelled') return { applied: false, notAllowed: false };
          await updateTask(em, sender.principal, taskId, { status: 'done', description: undefined }, task.version);
          return { applied: true, note: { kind: 'done' } };
        case TASK_SNOOZE: {
          if (task.status === 'done' || task.status === 'cancelled') return { applied: false, notAllowed: false };
          const { timeZone } = await context(em, sender);
          const until = data.until === 'tomorrow' ? tomorrowAtNine(timeZone) : new Date(Date.now() + 3_600_000);
          await updateTask(
            em,
            sender.principal,
            taskId,
            { remindAt: until.toISOString(), description: undefined },
            task.version,
          );
          return { applied: true, note: { kind: 'snoozed', until: until.toISOString() } };
        }
        case DELEGATION_ACCEPT:
          await acceptDelegation(em, sender.principal, taskId);
          return { applied: true };
        case DELEGATION_DECLINE: {
          const reason = typeof data.reason === 'string' ? data.reason.trim().slice(0, 2000) : '';
          if (reason === '') return { applied: false, notAllowed: false };
          await declineDelegation(em, sender.principal, taskId, reason);
          return { applied: true };
        }
        default:
          return { applied: false, notAllowed: false };
      }
    });
  } catch (error) {
    // Refused by the task's rules or overtaken by a concurrent click: nothing was applied.
    deps.logger.debug({ err: error, verb }, 'card action not applied');
    outcome = { applied: false, notAllowed: false };
  }
  if (!outcome.applied && outcome.unknown) return messageAnswer(words('de').signInHint);
  if (outcome.applied) return current(outcome.note, false, true);
  return current({ kind: 'changed' }, outcome.notAllowed);
}

async function nameOf(em: EntityManager, userId: string | null): Promise<string> {
  if (!userId) return '';
  return (await em.findOne(User, { id: userId }, { fields: ['displayName'] }))?.displayName ?? '';
}
