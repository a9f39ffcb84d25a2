// A stand-in for Teams as a tab's host: a page on its own origin that frames the tab and answers
// teams-js' postMessage protocol as Teams' web client does — `initialize` with a runtime
// configuration, `getContext` with the theme, locale and user, and `themeChange` events when the
// test switches the theme (window.teamsHost.setTheme). It keeps a log of what the tab asked.
// `?silent=1` makes a frame that never answers (some other host): the tab must not wait for it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TeamsHostStandIn {
  /** The stand-in's origin, which the backend must trust (TAB_HOST_ORIGINS). */
  readonly origin: string;
  /** The stand-in's page hosting `appUrl` as Teams would. */
  url(
    appUrl: string,
    options: { theme: 'default' | 'dark' | 'contrast'; locale: string; upn: string; silent?: boolean },
  ): string;
  close(): Promise<void>;
}

// The host's side of the protocol. Messages from the tab: { id, uuidAsString, func, args };
// replies: { id, uuidAsString, args }; events to the tab: { func, args }.
const HOST_SCRIPT = `
const params = new URLSearchParams(location.search);
const appUrl = params.get('app');
const appOrigin = new URL(appUrl).origin;
const host = {
  theme: params.get('theme') || 'default',
  locale: params.get('locale') || 'en-US',
  silent: params.get('silent') === '1',
  asked: [],
};
window.teamsHost = host;
const frame = document.createElement('iframe');
frame.title = 'CRM';
frame.src = appUrl;
document.body.append(frame);

const runtime = {
  apiVersion: 4,
  hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
  isLegacyTeams: false,
  isNAAChannelRecommended: false,
  supports: {
    appInstallDialog: {},
    pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
    teamsCore: {},
  },
};

function context() {
  return {
    locale: host.locale,
    theme: host.theme,
    hostClientType: 'web',
    hostName: 'Teams',
    frameContext: 'content',
    appSessionId: 'stand-in-session',
    userPrincipalName: params.get('upn'),
    loginHint: params.get('upn'),
    entityId: 'crm-home',
  };
}

window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow || event.origin !== appOrigin) return;
  const message = event.data;
  if (!message || typeof message.func !== 'string') return;
  host.asked.push(message.func);
  if (host.silent) return;
  const reply = (args) =>
    frame.contentWindow.postMessage({ id: message.id, uuidAsString: message.uuidAsString, args }, appOrigin);
  switch (message.func) {
    case 'initialize':
      reply(['content', 'web', JSON.stringify(runtime), '2.58.0']);
      break;
    case 'getContext':
      reply([context()]);
      break;
    default:
      // appInitialization.success, registerHandler and the like want no answer.
      break;
  }
});

host.setTheme = (theme) => {
  host.theme = theme;
  frame.contentWindow.postMessage({ func: 'themeChange', args: [theme] }, appOrigin);
};
`;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Teams (stand-in)</title>
<style>html,body{margin:0;height:100%}iframe{border:0;width:100%;height:100%;display:block}</style></head>
<body><script>${HOST_SCRIPT}</script></body>
</html>`;

export async function startTeamsHostStandIn(): Promise<TeamsHostStandIn> {
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/tab')) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(PAGE);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url(appUrl, options) {
      const query = new URLSearchParams({
        app: appUrl,
        theme: options.theme,
        locale: options.locale,
        upn: options.upn,
        ...(options.silent ? { silent: '1' } : {}),
      });
      return `${origin}/tab?${query}`;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
