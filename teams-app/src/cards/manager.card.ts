// What managers get: deals won or lost, and the daily digest of their teams' overdue tasks; and what
// anyone gets whose Outlook sync stalled or lost access.
import { formatMoment, words } from '../i18n.ts';
import { type AdaptiveCard, card, facts, heading, openUrl, tabLink, text } from './adaptive-card.ts';
import type { CardContext } from './reminder.card.ts';

export function dealOutcomeCard(
  deal: {
    id: string;
    name: string;
    won: boolean;
    value: string | null;
    currency: string | null;
    ownerName: string | null;
    lostReason?: string | null;
  },
  context: CardContext,
): AdaptiveCard {
  const w = words(context.language);
  const value =
    deal.value && deal.currency
      ? new Intl.NumberFormat(context.language === 'en' ? 'en-GB' : 'de-DE', {
          style: 'currency',
          currency: deal.currency,
        }).format(Number(deal.value))
      : (deal.value ?? '–');
  return card(
    [
      text(deal.won ? w.dealWon : w.dealLost, { isSubtle: true, color: deal.won ? 'Good' : 'Attention' }),
      heading(deal.name),
      facts([
        [w.value, value],
        [w.owner, deal.ownerName ?? '–'],
        ...(!deal.won && deal.lostReason ? ([[w.lostReason, deal.lostReason]] as [string, string][]) : []),
      ]),
    ],
    [openUrl(w.open, tabLink(context.teamsAppId, `deal/${deal.id}`))],
  );
}

export interface DigestTask {
  id: string;
  title: string;
  dueAt: string;
  assigneeName?: string | null;
}

export function overdueDigestCard(digest: { total: number; tasks: DigestTask[] }, context: CardContext): AdaptiveCard {
  const w = words(context.language);
  const rest = digest.total - digest.tasks.length;
  return card([
    heading(w.overdueDigest(digest.total)),
    facts(
      digest.tasks.map((task) => [
        formatMoment(task.dueAt, context.language, context.timeZone),
        task.assigneeName ? `${task.title} (${task.assigneeName})` : task.title,
      ]),
    ),
    ...(rest > 0 ? [text(w.andMore(rest), { isSubtle: true })] : []),
  ]);
}

/** A mailbox's sync stalled (an hour without success) or lost access: what happened, since when, where to look. */
export function syncAlertCard(
  alert: { revoked: boolean; message: string; lastSuccessAt: string | null },
  context: CardContext,
): AdaptiveCard {
  const w = words(context.language);
  return card(
    [
      text(alert.revoked ? w.syncRevoked : w.syncStalled, { isSubtle: true, color: 'Attention' }),
      heading(alert.message),
      facts([
        [
          w.lastSync,
          alert.lastSuccessAt ? formatMoment(alert.lastSuccessAt, context.language, context.timeZone) : w.never,
        ],
      ]),
    ],
    [openUrl(w.syncHealth, tabLink(context.teamsAppId, 'profile'))],
  );
}
