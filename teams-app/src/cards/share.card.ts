// A record shared into a chat through the message extension: a card anyone in the chat can open,
// and the compose box's result list (Teams shows each result's preview, inserts its card).
import { words } from '../i18n.ts';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type AdaptiveCard,
  card,
  heading,
  openUrl,
  tabLink,
  text,
} from './adaptive-card.ts';
import type { ListedHit } from './lists.card.ts';
import type { CardContext } from './reminder.card.ts';

export function sharedRecordCard(hit: ListedHit, context: CardContext): AdaptiveCard {
  const w = words(context.language);
  return card(
    [
      text(w.recordKinds[hit.type] ?? hit.type, { isSubtle: true }),
      heading(hit.title),
      ...(hit.subtitle ? [text(hit.subtitle)] : []),
    ],
    [openUrl(w.open, tabLink(context.teamsAppId, `${hit.type}/${hit.id}`))],
  );
}

/** The body of a `composeExtension/query` invoke response. */
export type ComposeExtensionResponse =
  | {
      composeExtension: {
        type: 'result';
        attachmentLayout: 'list';
        attachments: { contentType: string; content: AdaptiveCard; preview: Record<string, unknown> }[];
      };
    }
  | { composeExtension: { type: 'message'; text: string } };

export function shareResults(hits: ListedHit[], context: CardContext): ComposeExtensionResponse {
  const w = words(context.language);
  return {
    composeExtension: {
      type: 'result',
      attachmentLayout: 'list',
      attachments: hits.map((hit) => ({
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        content: sharedRecordCard(hit, context),
        preview: {
          contentType: 'application/vnd.microsoft.card.thumbnail',
          content: {
            title: hit.title,
            text: [w.recordKinds[hit.type] ?? hit.type, hit.subtitle].filter(Boolean).join(' · '),
          },
        },
      })),
    },
  };
}

export function shareMessage(message: string): ComposeExtensionResponse {
  return { composeExtension: { type: 'message', text: message } };
}
