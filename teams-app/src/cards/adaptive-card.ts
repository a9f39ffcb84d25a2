// The few Adaptive Card shapes the bot sends (schema 1.5; Universal Actions need 1.4 or later).
export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function card(body: CardElement[], actions: CardElement[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

export const heading = (text: string): CardElement => ({
  type: 'TextBlock',
  text,
  weight: 'Bolder',
  size: 'Medium',
  wrap: true,
});

export const text = (value: string, extra: CardElement = {}): CardElement => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});

export const facts = (list: [string, string][]): CardElement => ({
  type: 'FactSet',
  facts: list.map(([title, value]) => ({ title, value })),
});

/** A Universal Action: Teams sends it to the bot as an `adaptiveCard/action` invoke. */
export const execute = (title: string, verb: string, data: Record<string, unknown>, extra: CardElement = {}) => ({
  type: 'Action.Execute',
  title,
  verb,
  data,
  ...extra,
});

export const openUrl = (title: string, url: string): CardElement => ({ type: 'Action.OpenUrl', title, url });

/**
 * A deep link into the CRM's Teams tab, opening `page` (e.g. `task/<id>`, `deal/<id>`): Teams hands
 * `subEntityId` to the tab, which routes to that page.
 */
/** The app's id in the unified manifest (manifests/app/manifest.json): Teams deep links into the tab name it. */
export const CRM_TEAMS_APP_ID = '7d0a8f0e-3c1b-4f6e-9a51-2b8c4d6e0f17';

/** A Teams deep link to a page of the CRM's personal tab (entity `crm`), e.g. `deal/<id>`. */
export function tabLink(teamsAppId: string, page: string): string {
  const context = encodeURIComponent(JSON.stringify({ subEntityId: page }));
  return `https://teams.microsoft.com/l/entity/${teamsAppId}/crm?context=${context}`;
}
