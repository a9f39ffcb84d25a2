// Answers to commands: a list of tasks, search hits, the help, a plain note.
import { formatMoment, words } from '../i18n.ts';
import { type AdaptiveCard, card, heading, tabLink, text } from './adaptive-card.ts';
import type { CardContext } from './reminder.card.ts';

export interface ListedTask {
  id: string;
  title: string;
  dueAt: string | null;
}

export function taskListCard(title: string, tasks: ListedTask[], total: number, context: CardContext): AdaptiveCard {
  const w = words(context.language);
  if (tasks.length === 0) return card([heading(title), text(w.noTasks)]);
  return card([
    heading(`${title} (${total})`),
    ...tasks.map((task) =>
      text(
        `[${task.title}](${tabLink(context.teamsAppId, `task/${task.id}`)})${
          task.dueAt ? ` – ${formatMoment(task.dueAt, context.language, context.timeZone)}` : ''
        }`,
      ),
    ),
    ...(total > tasks.length ? [text(w.andMore(total - tasks.length), { isSubtle: true })] : []),
  ]);
}

export interface ListedHit {
  type: string;
  id: string;
  title: string;
  subtitle?: string | null;
}

export function searchResultsCard(query: string, hits: ListedHit[], context: CardContext): AdaptiveCard {
  const w = words(context.language);
  if (hits.length === 0) return card([text(w.noHits(query))]);
  return card([
    heading(w.searchResults(query)),
    ...hits.map((hit) =>
      text(
        `[${hit.title}](${tabLink(context.teamsAppId, `${hit.type}/${hit.id}`)})${hit.subtitle ? ` – ${hit.subtitle}` : ''}`,
      ),
    ),
  ]);
}

export function helpCard(context: CardContext): AdaptiveCard {
  const w = words(context.language);
  return card([
    text(w.help, { weight: 'Bolder' }),
    { type: 'FactSet', facts: w.commands.map(([title, value]) => ({ title, value })) },
  ]);
}

/** A notification the bot has no card of its own for: its title, opening the task if it has one. */
export function noticeCard(notice: { title: string; taskId?: string | null }, context: CardContext): AdaptiveCard {
  const w = words(context.language);
  return card(
    [text(w.notification, { isSubtle: true }), heading(notice.title)],
    notice.taskId
      ? [{ type: 'Action.OpenUrl', title: w.open, url: tabLink(context.teamsAppId, `task/${notice.taskId}`) }]
      : [],
  );
}
