// A stand-in for Teams as a tab's host: a page on its own origin that frames the tab and answers
// teams-js' postMessage protocol as Teams' web client does — `initialize` with a runtime
// configuration, `getContext` with the theme, locale and user, and `themeChange` events when the
// test switches the theme (window.teamsHost.setTheme). It keeps a log of what the tab asked.
// `?silent=1` makes a frame that never answers (some other host): the tab must not wait for it.
// `?naa=1` makes it broker the tab's tokens (nested app authentication) as Teams does: msal's
// nestable client asks through teams-js' bridge ('nestedAppAuth.execute'), the stand-in answers
// with a token for the signed-in Teams user, so the tab never shows its own sign-in.
// `subEntityId`: the tab was opened by a deep link naming one of its pages (a card's "Open", a
// shared record), which Teams hands over in the context, as teams-js' page.subPageId.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';

export interface TeamsHostStandIn {
  /** The stand-in's origin, which the backend must trust (TAB_HOST_ORIGINS). */
  readonly origin: string;
  /** The stand-in's page hosting `appUrl` as Teams would. */
  url(
    appUrl: string,
    options: {
      theme: 'default' | 'dark' | 'contrast';
      locale: string;
      upn: string;
      silent?: boolean;
      naa?: boolean;
      subEntityId?: string;
    },
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
  naa: params.get('naa') === '1',
  asked: [],
  brokered: [],
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
  isNAAChannelRecommended: host.naa,
  supports: {
    ...(host.naa ? { nestedAppAuth: {} } : {}),
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
    entityId: 'crm',
    ...(params.get('subEntityId') ? { subEntityId: params.get('subEntityId') } : {}),
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
      // As today's hosts answer: frame context, client type, the SDK version they support, then
      // the runtime configuration (teams-js reads the nested-auth bridge's support from there).
      reply(['content', 'web', '2.58.0', JSON.stringify(runtime)]);
      break;
    case 'getContext':
      reply([context()]);
      break;
    case 'nestedAppAuth.execute':
      void broker(JSON.parse(message.data));
      break;
    default:
      // appInitialization.success, registerHandler and the like want no answer.
      break;
  }
});

// Nested app authentication: requests and answers are JSON in the bridge's envelopes.
async function broker(request) {
  host.brokered.push(request.method);
  const answer = (body) =>
    frame.contentWindow.postMessage(
      { args: [null, JSON.stringify({ messageType: 'NestedAppAuthResponse', requestId: request.requestId, ...body })] },
      appOrigin,
    );
  const response = await fetch('/naa-token?upn=' + encodeURIComponent(params.get('upn')));
  const user = await response.json();
  const account = {
    homeAccountId: user.oid + '.' + user.tid,
    environment: user.environment,
    tenantId: user.tid,
    username: user.upn,
    localAccountId: user.oid,
    name: user.name,
  };
  if (request.method === 'GetInitContext') {
    answer({
      success: true,
      initContext: {
        sdkName: 'Teams stand-in',
        sdkVersion: '1.0.0',
        capabilities: { queryAccount: false },
        accountContext: { homeAccountId: account.homeAccountId, environment: account.environment, tenantId: user.tid },
      },
    });
    return;
  }
  answer({
    success: true,
    token: {
      access_token: user.accessToken,
      id_token: user.idToken,
      expires_in: 600,
      properties: null,
      scope: request.tokenParams.scope,
    },
    account,
  });
}

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

/** What the host knows of its signed-in user, to broker tokens for the tab. */
export interface BrokeredUser {
  accessToken: string;
  idToken: string;
  oid: string;
  tid: string;
  upn: string;
  name: string;
  /** The authority's host, as msal names an account's environment. */
  environment: string;
}

/**
 * Tokens for the host's signed-in user, from a test tenant's seeded users; `tenant` and the
 * authority host are asked for when the tab first asks (the tenant is made after the host starts).
 */
export function brokeredFrom(
  tenant: () => TestTenant,
  authorityHost: () => string,
): (upn: string) => Promise<BrokeredUser> {
  return async (upn) => {
    const seeded = tenant().seed.users.find((candidate) => candidate.userPrincipalName === upn);
    if (!seeded) throw new Error(`no user ${upn}`);
    return {
      accessToken: await tenant().token(upn),
      idToken: await tenant().tokenWith(seeded.displayName, {}),
      oid: seeded.id,
      tid: tenant().id,
      upn,
      name: seeded.displayName,
      environment: new URL(authorityHost()).host,
    };
  };
}

export async function startTeamsHostStandIn(
  options: { tokenFor?: (upn: string) => Promise<BrokeredUser> } = {},
): Promise<TeamsHostStandIn> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (url.pathname === '/naa-token' && options.tokenFor) {
      options.tokenFor(url.searchParams.get('upn') ?? '').then(
        (user) => {
          response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
          response.end(JSON.stringify(user));
        },
        (error: unknown) => {
          response.writeHead(500).end(String(error));
        },
      );
      return;
    }
    if (url.pathname === '/tab') {
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
        ...(options.naa ? { naa: '1' } : {}),
        ...(options.subEntityId ? { subEntityId: options.subEntityId } : {}),
      });
      return `${origin}/tab?${query}`;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
