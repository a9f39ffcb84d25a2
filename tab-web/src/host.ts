// Where the app runs: a plain browser tab, or a Teams personal tab (Teams, or Outlook and the
// Microsoft 365 app hosting Teams tabs). Decided at once from the page itself: teams-js'
// app.initialize() only gives up after 60 s outside a host, so it is called only inside one.
import type { app as TeamsApp } from '@microsoft/teams-js';
import { deepLinkPath } from './records.ts';

export type HostTheme = 'light' | 'dark' | 'contrast';

export interface Host {
  kind: 'browser' | 'teams';
  theme: HostTheme;
  /** The host's language (Teams' locale), when it says one. */
  locale?: string;
  /** Whether the host brokers tokens (nested app authentication). */
  nestedAuth: boolean;
  /** Called with the new theme when the user switches it in the host. */
  onThemeChange(listener: (theme: HostTheme) => void): void;
}

/** A frame, or the `?host=teams` flag that the tab's contentUrl in the manifest carries. */
export function looksHosted(location: Location = window.location): boolean {
  if (new URLSearchParams(location.search).get('host') === 'teams') return true;
  try {
    return window.self !== window.top;
  } catch {
    // A cross-origin parent is unreadable: framed.
    return true;
  }
}

const themeOf = (name: string | undefined): HostTheme =>
  name === 'dark' ? 'dark' : name === 'contrast' ? 'contrast' : 'light';

const browserHost: Host = {
  kind: 'browser',
  theme: window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  nestedAuth: false,
  onThemeChange() {},
};

/** A frame that does not answer teams-js within this time is some other host: the app runs as in a browser. */
const HOST_ANSWER_MS = 5000;

export async function detectHost(): Promise<Host> {
  if (!looksHosted()) return browserHost;
  // Loaded only inside a host: a plain browser never downloads teams-js.
  const { app, nestedAppAuth } = await import('@microsoft/teams-js');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answered = await Promise.race([
    app.initialize().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), HOST_ANSWER_MS);
    }),
  ]).catch(() => false);
  clearTimeout(timer);
  if (!answered) return browserHost;
  const context: TeamsApp.Context = await app.getContext();
  // A deep link into the tab (a card's Open, a shared record) names its page; the router starts there.
  const linked = deepLinkPath(context.page.subPageId);
  if (linked) window.history.replaceState(window.history.state, '', `/app${linked}${window.location.search}`);
  app.notifySuccess();
  return {
    kind: 'teams',
    theme: themeOf(context.app.theme),
    locale: context.app.locale,
    nestedAuth: nestedAppAuth.isNAAChannelRecommended(),
    onThemeChange(listener) {
      app.registerOnThemeChangeHandler((theme) => listener(themeOf(theme)));
    },
  };
}
